"""`tousu serve`: gunicorn with a worker count from the cores, on TOUSU_BIND, serving the login
page and the static files (whitenoise) by itself; it refuses to start on a database that lacks
its migrations."""

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.faults.helpers import ROOT, free_port
from tousu.ops.management.commands.serve import default_workers

from .helpers import env_for, one_line_error, throwaway_database, tousu


@pytest.mark.parametrize(("cores", "workers"), [(1, 3), (2, 5), (4, 9), (64, 12)])
def test_workers_are_twice_the_cores_and_one_at_most_twelve(cores, workers):
    assert default_workers(cores) == workers


def get(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def test_serve_answers_the_login_page_and_static_files(tmp_path):
    with throwaway_database(tmp_path) as url:
        port = free_port()
        env = {**env_for(url, tmp_path), "TOUSU_BIND": f"127.0.0.1:{port}", "TOUSU_WEB_WORKERS": "2",
               "PYTHONPATH": str(ROOT)}
        assert tousu(env, "migrate", "-v0").returncode == 0
        check = tousu(env, "serve", "--check")
        assert check.returncode == 0 and f"127.0.0.1:{port}" in check.stdout, check.stderr
        log = open(tmp_path / "serve.log", "w")
        server = subprocess.Popen([sys.executable, "-m", "tousu.cli", "serve"], env=env, cwd=ROOT,
                                  stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    status, _headers, body = get(f"http://127.0.0.1:{port}/accounts/login/")
                    break
                except OSError:
                    assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
                    time.sleep(0.2)
            assert status == 200 and b'name="password"' in body
            status, headers, body = get(f"http://127.0.0.1:{port}/static/tousu/tousu.css")
            assert status == 200 and headers["Content-Type"].startswith("text/css") and body
            assert headers["Server"].startswith("gunicorn")
            # the second worker may still be starting on a loaded machine: wait for it a while
            deadline = time.monotonic() + 20
            while True:
                workers = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True,
                                         text=True).stdout.split()
                if len(workers) >= 2 or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            assert len(workers) == 2
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
            log.close()


def test_serve_refuses_a_database_without_its_tables(tmp_path):
    with throwaway_database(tmp_path) as url:
        line = one_line_error(tousu(env_for(url, tmp_path), "serve", "--check"))
        assert "tousu migrate" in line
