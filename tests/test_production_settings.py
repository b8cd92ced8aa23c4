"""Production settings: no start on a public key (the demo makes its own, in its data folder),
TOUSU_HTTPS=true behind a TLS proxy passes `check --deploy`, sessions end after a working day
without a request."""

import importlib
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent


# What the tests' own process has and an operator's would not.
NOT_INHERITED = ("TOUSU_SECRET_KEY", "TOUSU_SECRET_KEY_FILE", "DJANGO_SETTINGS_MODULE",
                 "DJANGO_ALLOW_ASYNC_UNSAFE", "PYTEST_CURRENT_TEST", "DATABASE_URL")


def run(argv: list[str], env: dict, timeout: float = 180) -> subprocess.CompletedProcess:
    """`argv` in a fresh process, as an operator starts it: `env` added, no key unless `env`
    gives one, SQLite in TOUSU_DATA_DIR."""
    base = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    return subprocess.run(argv, env={**base, **env}, cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def tousu(*args, env: dict) -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", "tousu.cli", *args], env)


# --- the secret key -----------------------------------------------------------------------------

def test_a_start_without_a_key_refuses_with_a_clear_message(tmp_path):
    done = tousu("check", env={"TOUSU_DATA_DIR": str(tmp_path)})
    assert done.returncode != 0
    assert "TOUSU_SECRET_KEY is not set" in done.stderr
    assert not (tmp_path / "secret_key").exists()


def test_the_wsgi_application_refuses_too(tmp_path):
    done = run([sys.executable, "-c", "import tousu.wsgi"], {"TOUSU_DATA_DIR": str(tmp_path)})
    assert done.returncode != 0 and "TOUSU_SECRET_KEY is not set" in done.stderr


def test_the_demo_makes_its_own_key_once_and_nothing_else_uses_it(tmp_path):
    first = tousu("demo", "--setup-only", env={"TOUSU_DATA_DIR": str(tmp_path)})
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "secret_key"
    key = key_file.read_text().strip()
    assert len(key) >= 50 and (key_file.stat().st_mode & 0o777) == 0o600
    again = tousu("demo", "--setup-only", env={"TOUSU_DATA_DIR": str(tmp_path)})
    assert again.returncode == 0 and key_file.read_text().strip() == key
    # Another command on the demo's folder still wants a key of its own.
    other = tousu("check", env={"TOUSU_DATA_DIR": str(tmp_path)})
    assert other.returncode != 0 and "TOUSU_SECRET_KEY is not set" in other.stderr


def test_the_demo_uses_its_key_and_hands_it_to_the_worker(db, settings, tmp_path, monkeypatch):
    (tmp_path / "secret_key").write_text("the-demo-key-made-on-its-first-run\n")
    settings.DATA_DIR = tmp_path
    settings.SECRET_KEY = ""  # as settings.py leaves it for `tousu demo` without a key
    monkeypatch.setenv("TOUSU_SECRET_KEY_FILE", "")  # the demo sets it; put back afterwards
    call_command("demo", setup_only=True, stdout=open(os.devnull, "w"))
    assert settings.SECRET_KEY == "the-demo-key-made-on-its-first-run"
    assert os.environ["TOUSU_SECRET_KEY_FILE"] == str(tmp_path / "secret_key")


def test_the_demo_keeps_a_key_it_is_given(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    given = settings.SECRET_KEY
    call_command("demo", setup_only=True, stdout=open(os.devnull, "w"))
    assert settings.SECRET_KEY == given and not (tmp_path / "secret_key").exists()


# --- behind a TLS proxy --------------------------------------------------------------------------

def deploy_env(tmp_path, **extra) -> dict:
    return {"TOUSU_DATA_DIR": str(tmp_path), "TOUSU_SECRET_KEY": secrets.token_urlsafe(50),
            "TOUSU_ALLOWED_HOSTS": "tousu.example.com", **extra}


def test_check_deploy_is_clean_with_https(tmp_path):
    done = tousu("check", "--deploy", "--fail-level", "WARNING", env=deploy_env(tmp_path, TOUSU_HTTPS="true"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_complains_without_https(tmp_path):
    done = tousu("check", "--deploy", "--fail-level", "WARNING", env=deploy_env(tmp_path))
    assert done.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in done.stderr


@pytest.fixture
def reload_settings(monkeypatch):
    """Load tousu/settings.py again under changed environment variables."""
    import tousu.settings as module

    def load(**env):
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return importlib.reload(module)

    yield load
    monkeypatch.undo()
    importlib.reload(module)


def test_https_turns_on_secure_cookies_hsts_and_the_proxy_header(reload_settings):
    plain = reload_settings()
    assert not plain.TOUSU_HTTPS and not hasattr(plain, "SECURE_PROXY_SSL_HEADER")
    tls = reload_settings(TOUSU_HTTPS="true")
    assert tls.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
    assert tls.SESSION_COOKIE_SECURE and tls.CSRF_COOKIE_SECURE and tls.SECURE_HSTS_SECONDS >= 31536000
    with pytest.raises(ImproperlyConfigured, match="TOUSU_HTTPS must be true or false"):
        reload_settings(TOUSU_HTTPS="yes please")


def test_behind_the_proxy_responses_carry_hsts_and_secure_cookies(hotel, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    client = Client()
    assert client.get("/accounts/login/").status_code == 301  # plain http is sent to https
    response = client.post("/accounts/login/", {"username": hotel.frontdesk.username, "password": "pw"},
                           headers={"x-forwarded-proto": "https"})
    assert response.status_code == 302
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response.cookies["sessionid"]["secure"] and response.cookies["csrftoken"]["secure"]


# --- sessions -------------------------------------------------------------------------------------

def test_a_session_ends_after_a_working_day_without_a_request(hotel, time_machine):
    time_machine.move_to("2026-12-01 08:00+08:00", tick=False)
    client = Client()
    client.force_login(hotel.frontdesk)
    for hour in (12, 17, 21):  # at work all day: each request moves the end
        time_machine.move_to(f"2026-12-01 {hour}:00+08:00", tick=False)
        assert client.get("/staff/").status_code == 200
    time_machine.move_to("2026-12-02 07:00+08:00", tick=False)  # ten hours later
    response = client.get("/staff/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_session_length_is_configurable(reload_settings):
    assert reload_settings().SESSION_COOKIE_AGE == 9 * 3600
    assert reload_settings(TOUSU_SESSION_SECONDS="28800").SESSION_COOKIE_AGE == 28800
