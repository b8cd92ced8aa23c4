"""Settings from the environment through django-environ: a DATABASE_URL keeps its options
(sslmode, connect_timeout, conn_max_age), SQLite stays the default with its WAL options, and
mail goes out through a real SMTP server when TOUSU_EMAIL_URL or TOUSU_SMTP_HOST says so."""

import base64
import json
import os
import socketserver
import threading

import pytest
from django.core.exceptions import ImproperlyConfigured

from tousu.settings import database_from_url

from .helpers import one_line_error, run_python, tousu


def env(**changes) -> dict:
    drop = ("DATABASE_URL", "TOUSU_DATA_DIR", "TOUSU_EMAIL_BACKEND", "PYTEST_CURRENT_TEST")
    base = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith(("TOUSU_SMTP", "TOUSU_EMAIL"))}
    return {**base, "DJANGO_SETTINGS_MODULE": "tousu.settings", **changes}


def settings_in(environment: dict, *names: str) -> dict:
    code = f"from django.conf import settings; import json; print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}, default=str))"
    return json.loads(run_python(environment, code).strip().splitlines()[-1])


def test_a_postgres_url_keeps_its_options():
    db = database_from_url("postgres://tousu:p%40ss@db.example:6432/tousu"
                           "?sslmode=require&connect_timeout=5&conn_max_age=600&conn_health_checks=false")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["HOST"], int(db["PORT"]), db["NAME"], db["USER"], db["PASSWORD"]) == \
        ("db.example", 6432, "tousu", "tousu", "p@ss")
    assert db["OPTIONS"] == {"sslmode": "require", "connect_timeout": 5}
    assert db["CONN_MAX_AGE"] == 600 and db["CONN_HEALTH_CHECKS"] is False


def test_a_postgres_url_without_options_keeps_the_pooled_defaults():
    db = database_from_url("postgresql://tousu@127.0.0.1/tousu")
    assert db["CONN_MAX_AGE"] == 60 and db["CONN_HEALTH_CHECKS"] is True


@pytest.mark.parametrize("url", ["mysql://u@h/db", "postgres://u@h/db?conn_health_checks=sometimes",
                                 "postgres://u@h/db?conn_max_age=soon", "sqlite:///tmp/x.sqlite3?mode=ro"])
def test_a_url_that_cannot_be_honoured_is_refused(url):
    with pytest.raises(ImproperlyConfigured):
        database_from_url(url)


def test_the_options_reach_the_settings_and_sqlite_stays_the_default(tmp_path):
    url = "postgres://tousu@db.example:5432/tousu?sslmode=verify-full&sslrootcert=/etc/tousu/ca.pem"
    db = settings_in(env(DATABASE_URL=url), "DATABASES")["DATABASES"]["default"]
    assert db["OPTIONS"] == {"sslmode": "verify-full", "sslrootcert": "/etc/tousu/ca.pem"}

    db = settings_in(env(TOUSU_DATA_DIR=str(tmp_path)), "DATABASES")["DATABASES"]["default"]
    assert db["NAME"] == str(tmp_path / "tousu.sqlite3")
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE" and "journal_mode=WAL" in db["OPTIONS"]["init_command"]


def test_mail_prints_to_the_console_unless_told_otherwise():
    assert settings_in(env(), "EMAIL_BACKEND")["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_an_email_url_gives_an_smtp_server_with_tls():
    got = settings_in(env(TOUSU_EMAIL_URL="smtp+tls://tousu%40corp.example:p%2Fw@smtp.corp.example:587"),
                      "EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD",
                      "EMAIL_USE_TLS", "EMAIL_USE_SSL")
    assert got == {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "smtp.corp.example",
                   "EMAIL_PORT": 587, "EMAIL_HOST_USER": "tousu@corp.example", "EMAIL_HOST_PASSWORD": "p/w",
                   "EMAIL_USE_TLS": True, "EMAIL_USE_SSL": False}
    got = settings_in(env(TOUSU_EMAIL_URL="smtp+ssl://u:p@smtp.corp.example"), "EMAIL_PORT", "EMAIL_USE_SSL")
    assert got == {"EMAIL_PORT": 465, "EMAIL_USE_SSL": True}


def test_smtp_settings_are_checked_strictly():
    assert "TOUSU_SMTP_TLS" in one_line_error(tousu(env(TOUSU_SMTP_HOST="smtp.example", TOUSU_SMTP_TLS="on"), "help"))
    assert "TOUSU_SMTP_PORT" in one_line_error(tousu(env(TOUSU_SMTP_HOST="smtp.example", TOUSU_SMTP_PORT="x"), "help"))
    both = env(TOUSU_SMTP_HOST="smtp.example", TOUSU_EMAIL_URL="smtp://smtp.example")
    assert "not both" in one_line_error(tousu(both, "help"))
    assert "TOUSU_EMAIL_URL" in one_line_error(tousu(env(TOUSU_EMAIL_URL="mailto:x@example"), "help"))


class SMTP(socketserver.StreamRequestHandler):
    """Just enough of an SMTP server (RFC 5321, with AUTH PLAIN) to receive one message."""

    def handle(self):
        self.wfile.write(b"220 test ESMTP\r\n")
        data = None
        for raw in self.rfile:
            line = raw.decode().rstrip("\r\n")
            if data is not None:
                if line == ".":
                    self.server.received.append("\n".join(data))
                    data = None
                    self.wfile.write(b"250 queued\r\n")
                else:
                    data.append(line)
                continue
            verb = line.split(" ")[0].upper()
            if verb == "EHLO":
                self.wfile.write(b"250-test\r\n250 AUTH PLAIN\r\n")
            elif verb == "AUTH":
                self.server.auth.append(line)
                self.wfile.write(b"235 ok\r\n")
            elif verb == "DATA":
                data = []
                self.wfile.write(b"354 go on\r\n")
            elif verb == "QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


def test_mail_reaches_an_smtp_server_named_by_tousu_smtp_host(tmp_path):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SMTP)
    server.received, server.auth = [], []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        environment = env(TOUSU_SMTP_HOST="127.0.0.1", TOUSU_SMTP_PORT=str(server.server_address[1]),
                          TOUSU_SMTP_TLS="false", TOUSU_SMTP_USER="tousu", TOUSU_SMTP_PASSWORD_FILE=str(tmp_path / "pw"),
                          TOUSU_DATA_DIR=str(tmp_path))
        (tmp_path / "pw").write_text("s3cret\n")
        run_python(environment, "from django.core.mail import send_mail\n"
                                "send_mail('回访提醒', '请于今日回访。', 'tousu@example.com', ['cm@example.com'])")
    finally:
        server.shutdown()
        server.server_close()
    assert len(server.received) == 1 and "cm@example.com" in server.received[0]
    # logged in with the user and the password from the file
    assert [base64.b64decode(line.split()[-1]) for line in server.auth] == [b"\0tousu\0s3cret"]
