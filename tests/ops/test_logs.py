"""TOUSU_LOG_FORMAT=json: one JSON object per log line, each with the request id, which the
outbox row keeps so the worker's lines for the notification carry it too."""

import io
import json
import logging.config
import sys

from pathlib import Path

import pytest

from tests.api.bodies import complaint
from tousu.api.auth import issue_token
from tousu.api.models import WebhookSubscription
from tousu.notify.delivery import deliver_due
from tousu.notify.models import Notification
from tousu.notify.transports import TRANSPORTS
from tousu.settings import logging_config


@pytest.fixture
def json_logs(settings):
    """Logging as production configures it with TOUSU_LOG_FORMAT=json, its console handler
    writing into a buffer; returns a function giving the JSON lines written so far."""
    logging.config.dictConfig(logging_config("json", "INFO"))
    [console] = logging.getLogger("tousu").handlers
    assert logging.getLogger("django").handlers == [console]
    buffer = io.StringIO()
    console.setStream(buffer)

    def read():
        return [json.loads(line) for line in buffer.getvalue().splitlines()]  # each line one object

    yield read
    logging.config.dictConfig(settings.LOGGING)
    # dictConfig bound the console to this test's captured stderr, which pytest closes: write to
    # the process's own stderr, so the tests after this one can still log
    for handler in {*logging.getLogger("tousu").handlers, *logging.getLogger("django").handlers}:
        handler.setStream(sys.__stderr__)


def test_a_request_id_follows_the_case_change_into_the_worker(client, hotel, json_logs, monkeypatch):
    WebhookSubscription.objects.create(url="https://crm.example.com/hook")
    sent = []
    monkeypatch.setitem(TRANSPORTS, "webhook", sent.append)  # (no network here)
    key = issue_token(hotel.frontdesk)[1]

    response = client.post("/api/cases", json.dumps(complaint()), content_type="application/json",
                           headers={"Authorization": f"Bearer {key}", "X-Request-ID": "lb-7f3a9c",
                                    "Idempotency-Key": "log-test-1"})
    assert response.status_code == 201
    assert response["X-Request-ID"] == "lb-7f3a9c"
    [request_line] = [line for line in json_logs() if line["logger"] == "tousu.request"]
    assert request_line["request_id"] == "lb-7f3a9c" and request_line["level"] == "INFO"
    assert "POST /api/cases 201" in request_line["message"] and request_line["time"]

    assert Notification.objects.get(channel="webhook").request_id == "lb-7f3a9c"
    assert deliver_due() >= 1 and sent  # the worker, outside any request
    [delivered] = [line for line in json_logs() if "sent (webhook" in line["message"]]
    assert delivered["request_id"] == "lb-7f3a9c" and delivered["logger"] == "tousu.notify"


def test_a_failed_delivery_is_logged_with_the_request_id(client, hotel, json_logs, monkeypatch):
    WebhookSubscription.objects.create(url="https://crm.example.com/hook")

    def refuse(notification):
        raise ConnectionRefusedError("receiver down")

    monkeypatch.setitem(TRANSPORTS, "webhook", refuse)
    key = issue_token(hotel.frontdesk)[1]
    client.post("/api/cases", json.dumps(complaint()), content_type="application/json",
                headers={"Authorization": f"Bearer {key}", "X-Request-ID": "abc-123", "Idempotency-Key": "log-test-2"})
    deliver_due()
    [failed] = [line for line in json_logs() if line["level"] == "WARNING"]
    assert failed["request_id"] == "abc-123" and "receiver down" in failed["message"]


def test_every_line_of_a_request_has_its_id(client, db, json_logs):
    client.get("/staff/no-such-page/", headers={"X-Request-ID": "r-42"})  # Django logs the 404
    lines = json_logs()
    assert {line["logger"] for line in lines} >= {"django.request", "tousu.request"}
    assert {line["request_id"] for line in lines} == {"r-42"}


@pytest.mark.parametrize("given", [None, "", "x" * 65, "bad id", "a\nforged log line", "<script>"])
def test_a_missing_or_odd_request_id_is_replaced(client, db, json_logs, given):
    headers = {"X-Request-ID": given} if given is not None else {}
    response = client.get("/accounts/login/", headers=headers)
    made = response["X-Request-ID"]
    assert made != given and len(made) == 32 and made.isalnum()
    [line] = json_logs()
    assert line["request_id"] == made


def test_lines_outside_a_request_have_no_id(db, json_logs):
    logging.getLogger("tousu.worker").info("worker round: %s", {"warned": 1})
    [line] = json_logs()
    assert line["request_id"] == "-" and line["message"] == "worker round: {'warned': 1}"


@pytest.mark.parametrize("name, value, message", [
    ("TOUSU_LOG_FORMAT", "JSONN", "TOUSU_LOG_FORMAT must be text or json, not 'JSONN'"),
    ("TOUSU_WEBHOOK_ALLOW_HOSTS", "gw.intranet,http://x", "not 'http://x'"),
])
def test_the_settings_are_parsed_strictly(name, value, message):
    import os
    import subprocess
    import sys

    env = {**os.environ, name: value}
    run = subprocess.run([sys.executable, "-c", "import tousu.settings"], env=env, capture_output=True,
                         text=True, cwd=str(Path(__file__).resolve().parents[2]))
    assert run.returncode != 0 and message in run.stderr


def test_probes_that_went_well_are_not_logged(client, db, json_logs, settings):
    from tousu.ops.heartbeat import beat

    beat()
    assert client.get("/healthz").status_code == 200
    assert json_logs() == []
    client.get("/metrics")  # refused (no token set): an operator wants to see that
    [line] = [line for line in json_logs() if line["logger"] == "tousu.request"]
    assert line["message"].startswith("GET /metrics 403 ")
