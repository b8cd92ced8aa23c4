"""Real processes against a database of their own: a throwaway SQLite file, or a throwaway
PostgreSQL database on the server named by DATABASE_URL (dropped afterwards). The processes
under test (gunicorn, `tousu worker`) and the checks read the same database."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse, urlunparse

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def throwaway_database(tmp_path: Path):
    """Yield a DATABASE_URL for an empty database that exists only for this test."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        yield f"sqlite://{tmp_path / 'faults.sqlite3'}"
        return
    with _scratch_postgres(base, f"test_faults_{os.getpid()}_{uuid.uuid4().hex[:8]}") as url:
        yield url


@contextmanager
def _scratch_postgres(base_url: str, name: str, template: str = ""):
    """A PostgreSQL database `name` on `base_url`'s server (a copy of `template` if named),
    dropped afterwards."""
    import psycopg

    parsed = urlparse(base_url)
    admin = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    try:
        yield urlunparse(parsed._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def env_for(url: str, tmp_path: Path) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "TOUSU_DATA_DIR": str(tmp_path),
           "TOUSU_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
           "TOUSU_LOG_LEVEL": "WARNING", "DJANGO_SETTINGS_MODULE": "tousu.settings"}
    env.pop("PYTEST_CURRENT_TEST", None)
    return env


def run_python(env: dict, code: str, timeout: float = 120) -> str:
    """Run `code` in a fresh Django process against env's database; returns its stdout."""
    prelude = "import django; django.setup()\n"
    done = subprocess.run([sys.executable, "-c", prelude + code], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)
    if done.returncode:
        raise AssertionError(f"setup failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def bank(env: dict) -> dict:
    """Migrate, load the bank preset and its people; a token for the teller."""
    subprocess.run([str(BIN / "tousu"), "migrate", "-v0"], env=env, cwd=ROOT, check=True, timeout=180)
    out = run_python(env, """
import json
from tousu.api.auth import issue_token
from tousu.org.services import apply_preset, create_preset_people
apply_preset("bank")
people = create_preset_people(password="pw")
print(json.dumps({"token": issue_token(people["teller"])[1]}))
""")
    return json.loads(out.strip().splitlines()[-1])


def register_past_due(env: dict, count: int) -> None:
    """`count` bank complaints registered four days ago: their three-day reply clocks are past due."""
    run_python(env, f"""
from datetime import timedelta
from django.utils import timezone
from django.contrib.auth import get_user_model
from tousu.cases.actions import register_case
from tousu.org.models import Unit
teller = get_user_model().objects.get(username="teller")
unit = Unit.objects.get(code="outlet_wenyi")
then = timezone.now() - timedelta(days=4)
for i in range({count}):
    register_case(actor=teller, unit=unit, channel="walk_in", subject=f"柜台无人 {{i}}",
                  description="等了半小时没有人办理业务。", complainant_name="钱女士", now=then)
""")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Process:
    """A server or worker in its own process group, so kill -9 takes its children too."""

    def __init__(self, args: list[str], env: dict, log: Path):
        self.args, self.env, self.log = args, env, log
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        fh = self.log.open("a")
        self.proc = subprocess.Popen(self.args, env=self.env, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


def gunicorn(env: dict, port: int, log: Path, workers: int = 2) -> Process:
    return Process([str(BIN / "gunicorn"), "tousu.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers),
                    "--graceful-timeout", "1", "--timeout", "30", "--no-control-socket"], env, log)


def wait_until_up(base: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/api/openapi.json", timeout=5) as r:
                if r.status == 200:
                    return
        except urllib.error.HTTPError:
            return  # it answers
        except (OSError, urllib.error.URLError):
            time.sleep(0.1)
    raise AssertionError(f"{base} did not come up")


def post_json(url: str, body: dict, headers: dict, timeout: float = 10) -> tuple[int, dict]:
    """(status, body); status 0 when no whole answer came (connection refused or reset, or the
    server died between the headers and the body: http.client's IncompleteRead)."""
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, {}
    except (OSError, urllib.error.URLError, http.client.HTTPException, ValueError):
        return 0, {}


def scalar(url: str, sql: str):
    """One value from the test's database, read without Django (the test process has none)."""
    if url.startswith("sqlite://"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite://"), timeout=20) as conn:
            return conn.execute(sql).fetchone()[0]
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(sql).fetchone()[0]


@contextmanager
def clone_of(template_url: str, tmp_path: Path):
    """Yield a DATABASE_URL for a copy of `template_url` (migrated once per session: a fresh
    migration per test would cost more than the test)."""
    if template_url.startswith("sqlite://"):
        import shutil

        target = tmp_path / "faults.sqlite3"
        shutil.copy(template_url.removeprefix("sqlite://"), target)
        yield f"sqlite://{target}"
        return
    template = urlparse(template_url).path.lstrip("/")
    with _scratch_postgres(template_url, f"{template}_{uuid.uuid4().hex[:6]}", template) as url:
        yield url
