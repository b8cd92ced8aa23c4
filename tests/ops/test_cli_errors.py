"""A wrong setting or an unreachable database stops every `tousu` command with one line on
stderr and a non-zero status (78: fix the settings; 69: the database may come back), never a
traceback, and the worker does not start looping on a database it cannot reach."""

import os

import pytest

from tests.faults.helpers import free_port

from .helpers import one_line_error, tousu


def env(**changes) -> dict:
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PYTEST_CURRENT_TEST")}
    return {**base, "DJANGO_SETTINGS_MODULE": "tousu.settings", **changes}


@pytest.mark.parametrize("command", [["worker", "--once"], ["serve", "--check"], ["verify-events"], ["migrate"]])
def test_a_database_url_of_another_kind_stops_with_one_line(command):
    done = tousu(env(DATABASE_URL="mysql://tousu@db.example/tousu"), *command)
    assert "DATABASE_URL" in one_line_error(done)
    assert done.returncode == 78


@pytest.mark.parametrize("command", [["worker"], ["serve", "--check"], ["verify-events"]])
def test_a_database_that_does_not_answer_stops_with_one_line(command):
    url = f"postgres://tousu:s3cret@127.0.0.1:{free_port()}/tousu?connect_timeout=3"
    done = tousu(env(DATABASE_URL=url), *command, timeout=60)
    line = one_line_error(done)
    assert done.returncode == 69
    assert f"127.0.0.1:{url.split(':')[3].split('/')[0]}/tousu" in line  # which database
    assert "s3cret" not in line  # never the password


def test_a_missing_database_name_and_a_bad_port_are_named():
    assert "names no database" in one_line_error(tousu(env(DATABASE_URL="postgres://u@db.example:5432/"), "help"))
    assert "notaport" in one_line_error(tousu(env(DATABASE_URL="postgres://u@db.example:notaport/t"), "help"))


def test_any_mistake_in_the_settings_stops_with_one_line(tmp_path):
    assert "TOUSU_DEBUG" in one_line_error(tousu(env(TOUSU_DEBUG="maybe"), "help"))
    missing = tmp_path / "no-such-key"
    line = one_line_error(tousu(env(TOUSU_SECRET_KEY_FILE=str(missing)), "worker", "--once"))
    assert str(missing) in line


def test_traceback_is_there_for_whoever_asks():
    done = tousu(env(TOUSU_DEBUG="maybe"), "check", "--traceback")
    assert done.returncode != 0 and "Traceback" in done.stderr
