"""Backup and restore of the database and the uploaded files, in one .tar.gz archive.

The archive holds `tousu-backup.json` (what it is, and the rows of every table when it was
made), the database, and MEDIA_ROOT under `media/`:
- SQLite: `database.sqlite3`, a copy made by SQLite's online backup API (consistent while the
  web tier and the worker keep writing);
- PostgreSQL: `database.pgdump`, pg_dump's custom format, taken in an exported snapshot so the
  row counts in the manifest are those of the dump; restored by pg_restore.
The database is copied before the files: an attachment is written before the transaction that
names it commits, so every file the copied database names is in the archive.

The archive holds no key: TOUSU_SECRET_KEY and any key of the event chain stay with the
operator's secrets, and a restored database verifies only with the same keys.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = 1
MANIFEST = "tousu-backup.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
MEDIA = "media"
# Rows that `tousu migrate` writes into any new database, and sessions, which hold no record:
# a database with rows only in these is empty.
NOT_DATA = {Permission, ContentType, Session}


class BackupError(Exception):
    """A backup or restore that cannot go on; its message is for the operator."""


@dataclass
class Restored:
    tables: int
    rows: int
    media_files: int
    media_moved_to: Path | None


def engine() -> str:
    return "sqlite" if connection.vendor == "sqlite" else "postgresql"


# --- backup ---------------------------------------------------------------------------------

def backup(target: Path) -> dict:
    """Write the archive to `target` (via target.partial, renamed when whole); its manifest."""
    partial = target.with_name(target.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="tousu-backup-") as tmp:
        work = Path(tmp)
        if engine() == "sqlite":
            database = _copy_sqlite(work / SQLITE_FILE)
            tables = _sqlite_counts(database)
        else:
            database, tables = _dump_postgres(work / PG_FILE)
        media = Path(settings.MEDIA_ROOT)
        files = [p for p in sorted(media.rglob("*")) if p.is_file()] if media.is_dir() else []
        manifest = {"format": FORMAT, "made_at": timezone.now().isoformat(), "engine": engine(),
                    "database": database.name, "media_files": len(files), "tables": tables}
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
        try:
            with tarfile.open(partial, "w:gz") as tar:
                tar.add(work / MANIFEST, MANIFEST)
                tar.add(database, database.name)
                for path in files:
                    tar.add(path, f"{MEDIA}/{path.relative_to(media).as_posix()}")
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    partial.replace(target)
    return manifest


def _copy_sqlite(target: Path) -> Path:
    """mode=rw: never create an empty database where none is (the backup API only reads)."""
    name = settings.DATABASES["default"]["NAME"]
    try:
        with _closing(sqlite3.connect(Path(name).resolve().as_uri() + "?mode=rw", uri=True, timeout=20)) as source, \
                _closing(sqlite3.connect(target)) as copy:
            source.backup(copy)
    except sqlite3.Error as e:
        raise BackupError(_("Cannot copy the database %(name)s: %(error)s") % {"name": name, "error": e}) from None
    return target


def _sqlite_counts(path: Path) -> dict[str, int]:
    with _closing(sqlite3.connect(path)) as db:
        names = [row[0] for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {name: db.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in sorted(names)}


def _dump_postgres(target: Path) -> tuple[Path, dict[str, int]]:
    """pg_dump in a snapshot exported by a read-only transaction that counts the rows meanwhile."""
    connection.ensure_connection()  # before the transaction: SET TRANSACTION must come first in it
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        tables = _counts(cursor)
        _pg_tool("pg_dump", ["--format=custom", f"--snapshot={snapshot}", f"--file={target}"], with_dbname=True)
    return target, tables


def _counts(cursor) -> dict[str, int]:
    names = connection.introspection.table_names(cursor)
    quote = connection.ops.quote_name
    counts = {}
    for name in sorted(names):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(name)}")
        counts[name] = cursor.fetchone()[0]
    return counts


# --- restore --------------------------------------------------------------------------------

def holds_data() -> bool:
    """True when a table of the database has a row that `tousu migrate` did not write."""
    existing = set(connection.introspection.table_names())
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if model in NOT_DATA or table not in existing:
                continue
            cursor.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1")
            if cursor.fetchone():
                return True
    return False


def restore(archive: Path, *, force: bool) -> Restored:
    with _unpacked(archive) as (work, manifest):
        if manifest["engine"] != engine():
            raise BackupError(_("This backup is of a %(theirs)s database and the settings name a "
                                "%(ours)s database: restore it into %(theirs)s.")
                              % {"theirs": manifest["engine"], "ours": engine()})
        if not force and _target_holds_data():
            raise BackupError(_("The database already holds data; restoring would replace it. "
                                "Restore into an empty database, or add --force to replace it."))
        database = work / manifest["database"]
        if engine() == "sqlite":
            _restore_sqlite(database)
        else:
            _restore_postgres(database)
        moved = _restore_media(work / MEDIA)
        _check_counts(manifest["tables"])
        return Restored(tables=len(manifest["tables"]), rows=sum(manifest["tables"].values()),
                        media_files=manifest["media_files"], media_moved_to=moved)


@contextmanager
def _unpacked(archive: Path):
    """The archive unpacked beside MEDIA_ROOT (so its files move into place by renaming)."""
    if not archive.is_file():
        raise BackupError(_("No backup at %(path)s.") % {"path": archive})
    parent = Path(settings.MEDIA_ROOT).parent
    parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".restore-", dir=parent))
    try:
        try:
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(work, filter="data")  # no path outside `work`, no devices or links out
            manifest = json.loads((work / MANIFEST).read_text(encoding="utf-8"))
        except (tarfile.TarError, OSError, ValueError, EOFError) as e:
            raise BackupError(_("%(path)s is not a Tousu backup (%(error)s).")
                              % {"path": archive, "error": " ".join(str(e).split())}) from None
        if manifest.get("format") != FORMAT or not (work / manifest.get("database", "?")).is_file():
            raise BackupError(_("%(path)s is not a Tousu backup this version can read.") % {"path": archive})
        yield work, manifest
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _target_holds_data() -> bool:
    if engine() == "sqlite" and not Path(settings.DATABASES["default"]["NAME"]).exists():
        return False
    return holds_data()


def _restore_sqlite(database: Path) -> None:
    """Copy the backup page by page over the database file (SQLite's backup API, which takes
    the write lock: a web server or worker still running waits, then sees the restored data)."""
    connections.close_all()
    target = Path(settings.DATABASES["default"]["NAME"])
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with _closing(sqlite3.connect(database)) as source, _closing(sqlite3.connect(target, timeout=20)) as copy:
            source.backup(copy)
    except sqlite3.Error as e:
        raise BackupError(_("Cannot restore into %(name)s: %(error)s") % {"name": target, "error": e}) from None


def _restore_postgres(dump: Path) -> None:
    """Drop the tables already there (migrated but empty, or --force), then pg_restore in one
    transaction: a failed restore leaves nothing half-done."""
    with transaction.atomic(), connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if tables:
            cursor.execute("DROP TABLE " + ", ".join(connection.ops.quote_name(t) for t in tables) + " CASCADE")
    connections.close_all()
    _pg_tool("pg_restore", ["--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
                            "--clean", "--if-exists", "--dbname"], with_dbname=True, after=[str(dump)])


def _restore_media(unpacked: Path) -> Path | None:
    """Put the backup's files at MEDIA_ROOT; files already there are moved aside, not deleted."""
    media = Path(settings.MEDIA_ROOT)
    moved = None
    if media.exists() and any(p.is_file() for p in media.rglob("*")):
        moved = media.with_name(f"{media.name}.before-restore-{timezone.now():%Y%m%d-%H%M%S}")
        media.rename(moved)
    elif media.exists():
        shutil.rmtree(media)
    if unpacked.is_dir():
        unpacked.rename(media)
    else:
        media.mkdir(parents=True, exist_ok=True)
    return moved


def _check_counts(expected: dict[str, int]) -> None:
    with connection.cursor() as cursor:
        found = _counts(cursor)
    differ = sorted(t for t, n in expected.items() if found.get(t) != n)
    if differ:
        raise BackupError(_("The restored database differs from the backup in %(tables)s.")
                          % {"tables": ", ".join(differ)})


# --- PostgreSQL's client tools ----------------------------------------------------------------

def _pg_tool(tool: str, options: list[str], *, with_dbname: bool, after: list[str] = ()) -> None:
    """Run pg_dump or pg_restore against the settings' database; the password goes in the
    environment, never on the command line."""
    executable = shutil.which(tool)
    if not executable:
        raise BackupError(_("%(tool)s is not installed: install PostgreSQL's client tools "
                            "(Debian: postgresql-client) of the server's version or newer.") % {"tool": tool})
    client = connection.client
    args, env = client.settings_to_cmd_args_env(connection.settings_dict, [])
    flags, dbname = args[1:-1], args[-1]
    command = [executable, *flags, *options, *([dbname] if with_dbname else []), *after]
    done = subprocess.run(command, env={**os.environ, **(env or {})}, capture_output=True, text=True)
    if done.returncode:
        message = " ".join(done.stderr.split()) or f"exit status {done.returncode}"
        raise BackupError(_("%(tool)s failed: %(message)s") % {"tool": tool, "message": message})


@contextmanager
def _closing(db: sqlite3.Connection):
    try:
        yield db
    finally:
        db.close()
