"""GET /healthz: 200 when the database answers, a worker finished a round lately and the outbox
keeps up; 503 naming what failed."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone

from tousu.notify import outbox
from tousu.ops import health
from tousu.ops.heartbeat import beat


def healthz(client):
    response = client.get("/healthz")
    return response.status_code, response.json()


def test_healthy_after_a_worker_round(client, hotel):
    call_command("worker", once=True)  # the real command records its round
    status, body = healthz(client)
    assert status == 200, body
    assert body["status"] == "ok" and body["checks"]["database"] == "ok"
    assert body["checks"]["worker"]["last_round_seconds_ago"] < 60
    assert body["checks"]["outbox"]["due"] == 0


def test_no_worker_ever_is_unhealthy(client, db):
    status, body = healthz(client)
    assert status == 503
    assert body["status"] == "fail" and any("worker" in r for r in body["reasons"])


def test_a_silent_worker_is_unhealthy(client, db, settings):
    settings.TOUSU_HEALTH_WORKER_SILENCE = 120
    beat(now=timezone.now() - dt.timedelta(minutes=10))
    status, body = healthz(client)
    assert status == 503
    assert body["reasons"] == ["worker silent for 600 s (limit 120 s)"]
    beat()
    assert healthz(client)[0] == 200


def test_an_outbox_backlog_is_unhealthy(client, db, settings):
    settings.TOUSU_HEALTH_OUTBOX_BACKLOG = 2
    beat()
    for n in range(3):
        outbox.queue(recipient=f"guest{n}@example.com", subject="回复")
    status, body = healthz(client)
    assert status == 503 and body["reasons"] == ["outbox backlog 3 due (limit 2)"]
    assert body["checks"]["outbox"]["due"] == 3


def test_a_database_that_does_not_answer_is_unhealthy_without_a_traceback(client, db, monkeypatch):
    class Down:
        def cursor(self):
            raise OperationalError("connection to server at 10.0.0.3 failed: secret detail")

    monkeypatch.setattr(health, "connection", Down())
    status, body = healthz(client)
    assert status == 503 and body["reasons"] == ["database unavailable"]
    assert "secret detail" not in str(body) and "Traceback" not in str(body)


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_healthz_only_answers_get(client, db, method):
    assert getattr(client, method)("/healthz").status_code == 405
