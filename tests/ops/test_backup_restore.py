"""`tousu backup` and `tousu restore`: the database and the uploaded files, on SQLite or (with
DATABASE_URL) PostgreSQL, restored into an empty database where the event chains verify and the
case's attachment is back, byte for byte."""

import hashlib
import json
import tarfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from .helpers import env_for, one_line_error, run_python, scalar, throwaway_database, tousu

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4

SETUP = f"""
import hashlib
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from tousu.cases.actions import register_case
from tousu.org.models import Unit
from tousu.org.services import apply_preset, create_preset_people
apply_preset("hotel")
people = create_preset_people(password="pw")
case = register_case(actor=people["frontdesk"], unit=Unit.objects.get(code="front_office"), channel="phone", stage="during",
                     subject="房间噪音", description="隔壁装修到深夜。", complainant_name="王女士",
                     complainant_phone="13900001111",
                     attachments=[SimpleUploadedFile("noise.png", {PNG!r}, "image/png")])
path = settings.MEDIA_ROOT / case.attachments.get().file.name
print(case.number, hashlib.sha256(path.read_bytes()).hexdigest())
"""


@dataclass
class Source:
    url: str
    env: dict
    number: str  # the case's number
    digest: str  # its attachment's sha256
    archive: Path  # `tousu backup` of it


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A database with the hotel, its people and one case with an attachment, backed up once."""
    tmp = tmp_path_factory.mktemp("source")
    with throwaway_database(tmp) as url:
        env = env_for(url, tmp)
        assert tousu(env, "migrate", "-v0").returncode == 0
        number, digest = run_python(env, SETUP).split()[-2:]
        archive = tmp / "tousu.tar.gz"
        done = tousu(env, "backup", str(archive))
        assert done.returncode == 0, done.stderr
        yield Source(url, env, number, digest, archive)


@pytest.mark.parametrize("migrated", [False, True], ids=["new-database", "migrated-empty-database"])
def test_a_backup_restores_into_an_empty_database_and_verifies(tmp_path, source, migrated):
    with throwaway_database(tmp_path) as target_url:
        target = env_for(target_url, tmp_path)
        if migrated:
            assert tousu(target, "migrate", "-v0").returncode == 0
        done = tousu(target, "restore", str(source.archive))
        assert done.returncode == 0, done.stderr

        verified = tousu(target, "verify-events")
        assert verified.returncode == 0, verified.stderr
        assert "1" in verified.stdout
        assert scalar(target_url, "SELECT number FROM cases_case") == source.number
        name = scalar(target_url, "SELECT file FROM cases_attachment")
        restored = tmp_path / "media" / name
        assert hashlib.sha256(restored.read_bytes()).hexdigest() == source.digest
        # the people came back with their passwords
        assert scalar(target_url, "SELECT COUNT(*) FROM auth_user WHERE username = 'frontdesk'") == 1


def test_restore_refuses_a_database_with_data_unless_forced(tmp_path, source):
    with throwaway_database(tmp_path) as url:
        env = env_for(url, tmp_path)
        assert tousu(env, "restore", str(source.archive)).returncode == 0
        run_python(env, "from django.contrib.auth.models import User; User.objects.create(username='later')")

        refused = one_line_error(tousu(env, "restore", str(source.archive)))
        assert "--force" in refused
        assert scalar(url, "SELECT COUNT(*) FROM auth_user WHERE username = 'later'") == 1  # nothing lost

        done = tousu(env, "restore", str(source.archive), "--force")
        assert done.returncode == 0, done.stderr
        assert scalar(url, "SELECT COUNT(*) FROM auth_user WHERE username = 'later'") == 0
        assert tousu(env, "verify-events").returncode == 0
        # the files that were in MEDIA_ROOT are moved aside, not deleted
        kept = [p for p in tmp_path.glob("media.before-restore-*/**/*") if p.is_file()]
        assert len(kept) == 1 and hashlib.sha256(kept[0].read_bytes()).hexdigest() == source.digest
        assert (tmp_path / "media").is_dir()


def test_the_archive_says_what_it_holds(source):
    with tarfile.open(source.archive) as tar:
        manifest = json.load(tar.extractfile("tousu-backup.json"))
        names = tar.getnames()
    assert manifest["tables"]["cases_case"] == 1 and manifest["media_files"] == 1
    assert manifest["database"] in names
    assert sum(name.startswith("media/cases/") for name in names) == 1
    assert not list(source.archive.parent.glob("*.partial"))
    one_line_error(tousu(source.env, "backup", str(source.archive)))  # never overwrites an archive


def test_restore_of_something_else_says_so_in_one_line(tmp_path):
    with throwaway_database(tmp_path) as url:
        env = env_for(url, tmp_path)
        junk = tmp_path / "junk.tar.gz"
        junk.write_bytes(b"not an archive")
        assert str(junk) in one_line_error(tousu(env, "restore", str(junk)))
        missing = tmp_path / "missing.tar.gz"
        assert str(missing) in one_line_error(tousu(env, "restore", str(missing)))
