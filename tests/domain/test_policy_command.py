"""`tousu policy check FILE ...`: "FILE: OK" or each mistake on its own line, status 1 when any
file has one. No database: these tests have none, so a query would fail them."""

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

import tousu

# The command speaks the organisation's language (Chinese by default); these tests read it in
# English, as `LANGUAGE_CODE=en` would print it. One test checks the Chinese.
pytestmark = pytest.mark.usefixtures("english")

HOTEL = str(Path(tousu.__file__).resolve().parent / "presets" / "hotel.toml")


def check(*files):
    out = StringIO()
    call_command("policy", "check", *files, stdout=out)
    return out.getvalue().splitlines()


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def broken(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('extends = "hotel"\n[kinds.complaint.actions.accept]\nto = "limbo"\nroles = ["ghost"]\n',
                    encoding="utf-8")
    return str(path)


def test_a_good_preset_is_ok():
    assert check(HOTEL) == [f"{HOTEL}: OK"]


def test_a_shipped_preset_may_be_named():
    assert check("bank", "telecom") == ["bank: OK", "telecom: OK"]


def test_each_mistake_is_a_line_and_the_command_fails(broken):
    out = StringIO()
    with pytest.raises(CommandError, match="1 of 2 files have mistakes") as failed:
        call_command("policy", "check", HOTEL, broken, stdout=out)
    assert failed.value.returncode == 1
    assert out.getvalue().splitlines() == [
        f"{HOTEL}: OK",
        "broken.toml: kinds.complaint.actions.accept.to: unknown state 'limbo'",
        "broken.toml: kinds.complaint.actions.accept.roles: unknown roles ['ghost']",
    ]


def test_a_missing_file_is_a_mistake(tmp_path):
    missing = str(tmp_path / "missing.toml")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("policy", "check", missing, stdout=out)
    assert out.getvalue().splitlines() == [f"{missing}: no such file"]


def test_the_tousu_command_exits_with_status_1(broken):
    """Through the console script's entry point, as an administrator runs it."""
    run = subprocess.run([sys.executable, "-m", "tousu.cli", "policy", "check", broken],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert "broken.toml: kinds.complaint.actions.accept.to: unknown state 'limbo'" in run.stdout
    good = subprocess.run([sys.executable, "-m", "tousu.cli", "policy", "check", HOTEL],
                          capture_output=True, text=True, timeout=120)
    assert (good.returncode, good.stdout.strip()) == (0, f"{HOTEL}：无误")  # zh-hans by default


def test_the_verdict_is_in_chinese_by_default():
    with translation.override("zh-hans"):
        assert check("bank") == ["bank：无误"]
