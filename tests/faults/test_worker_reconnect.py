"""The database drops the worker's connection (a restart, a failover, an administrator's
pg_terminate_backend): the worker must carry on by itself and keep the deadlines it is there
for. PostgreSQL only: a SQLite file has no connection to lose."""

from __future__ import annotations

import os
import time

import pytest

from .helpers import BIN, Process, clone_of, env_for, register_past_due, scalar

pytestmark = pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
                                reason="PostgreSQL only: SQLite has no server connection to break")

CASES = 5


def _worker_backends(url: str) -> int:
    return scalar(url, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND pid <> pg_backend_pid()")


def test_the_worker_reconnects_after_its_connection_is_killed(bank_template, tmp_path):
    with clone_of(bank_template[0], tmp_path) as url:
        env = env_for(url, tmp_path)
        worker = Process([str(BIN / "tousu"), "worker", "--interval", "0.2"], env, tmp_path / "worker.log")
        worker.start()
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and _worker_backends(url) == 0:
                time.sleep(0.1)
            assert _worker_backends(url) >= 1, "the worker never connected"
            # The server drops every connection of the worker.
            killed = scalar(url, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                 "WHERE datname = current_database() AND pid <> pg_backend_pid()")
            assert killed >= 1
            register_past_due(env, CASES)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and scalar(
                    url, "SELECT count(breached_at) FROM cases_clock") < CASES:
                time.sleep(0.2)
            assert worker.proc.poll() is None, "the worker died with its connection"
        finally:
            worker.stop()
        assert scalar(url, "SELECT count(*) FROM cases_clock WHERE warned_at IS NOT NULL "
                           "AND breached_at IS NOT NULL") == CASES
        assert scalar(url, "SELECT count(*) FROM cases_caseevent WHERE action = 'clock_breached'") == CASES
