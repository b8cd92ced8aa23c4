"""`make demo` keeps its data in var/<preset>; every other `tousu` command started in the same
folder without TOUSU_DATA_DIR finds that database, not an empty ./var."""

import os
import re

from tests.faults.helpers import ROOT

from .helpers import one_line_error, tousu


def plain_env() -> dict:
    drop = ("DATABASE_URL", "TOUSU_DATA_DIR", "PYTEST_CURRENT_TEST", "TOUSU_SECRET_KEY", "TOUSU_SECRET_KEY_FILE")
    # the product's own settings, not the tests' (which make a key of their own)
    return {**{k: v for k, v in os.environ.items() if k not in drop}, "DJANGO_SETTINGS_MODULE": "tousu.settings"}


def makefile_demo_data_dir(preset: str) -> str:
    """The TOUSU_DATA_DIR the Makefile's demo target sets, for `make demo PRESET=preset`."""
    recipe = (ROOT / "Makefile").read_text().split("\ndemo:", 1)[1]
    return re.search(r"TOUSU_DATA_DIR=(\S+)", recipe).group(1).replace("$(PRESET)", preset)


def test_commands_after_the_demo_use_the_demos_database(tmp_path):
    data_dir = makefile_demo_data_dir("bank")
    demo = tousu({**plain_env(), "TOUSU_DATA_DIR": data_dir}, "demo", "--preset", "bank", "--setup-only", cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    assert str(tmp_path / data_dir) in demo.stdout or data_dir in demo.stdout  # it says where

    # no TOUSU_SECRET_KEY: the command signs with the demo's own key, from the demo's folder
    verified = tousu(plain_env(), "verify-events", cwd=tmp_path)
    assert verified.returncode == 0, verified.stderr
    assert "12" in verified.stdout  # the demo's dozen complaints
    assert not (tmp_path / "var" / "tousu.sqlite3").exists()

    # TOUSU_DATA_DIR still chooses, and a pointer that leads out of ./var is refused
    elsewhere = tousu({**plain_env(), "TOUSU_DATA_DIR": str(tmp_path / "other")}, "verify-events", cwd=tmp_path)
    assert "TOUSU_SECRET_KEY" in one_line_error(elsewhere)  # not the demo's folder: not its key
    elsewhere = tousu({**plain_env(), "TOUSU_DATA_DIR": str(tmp_path / "other"), "TOUSU_SECRET_KEY": "k" * 50},
                      "verify-events", cwd=tmp_path)
    assert "other" in one_line_error(elsewhere)
    (tmp_path / "var" / "current-demo").write_text("../../etc\n")
    assert "current-demo" in one_line_error(tousu(plain_env(), "verify-events", cwd=tmp_path))


def test_commands_after_a_plain_demo_in_var_use_its_key(tmp_path):
    """`tousu demo` with no TOUSU_DATA_DIR keeps its data and its key in ./var; a command started
    in the same folder afterwards signs with that key instead of refusing to start."""
    demo = tousu(plain_env(), "demo", "--preset", "hotel", "--setup-only", cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    assert (tmp_path / "var" / "secret_key").exists()
    verified = tousu(plain_env(), "verify-events", cwd=tmp_path)
    assert verified.returncode == 0, verified.stderr
