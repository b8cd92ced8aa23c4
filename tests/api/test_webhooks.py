"""Case events go to webhook subscriptions through the outbox, signed with HMAC-SHA256 of the
timestamp and the body."""

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone

from tousu.api.models import WebhookSubscription
from tousu.notify.delivery import deliver_due
from tousu.notify.models import Notification

from .bodies import complaint


class Receiver:
    """A tiny HTTP server on 127.0.0.1 that records what it is sent and answers `status`."""

    def __init__(self):
        self.received, self.status = [], 204
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(monkeypatch, settings):
    settings.TOUSU_WEBHOOK_ALLOW_HOSTS = ["127.0.0.1"]  # the egress guard refuses loopback otherwise
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def case_id(hotel, api):
    return api(hotel.frontdesk).create(complaint()).json()["id"]


def hooks():
    return Notification.objects.filter(channel="webhook").order_by("pk")


def test_each_event_queues_one_row_per_active_subscription(hotel, api, case_id):
    active = WebhookSubscription.objects.create(url="https://crm.example.com/hook")
    WebhookSubscription.objects.create(url="https://old.example.com/hook", active=False)
    api(hotel.frontdesk).act(case_id, "accept")
    [row] = hooks()
    assert (row.recipient, row.case_id, row.state) == (active.url, case_id, Notification.PENDING)
    data = row.payload["data"]
    assert row.payload["subscription"] == active.pk
    assert "secret" not in row.payload and active.secret not in json.dumps(row.payload)  # not in the outbox
    assert (data["type"], data["event"]["actor"], data["case"]["state"]) == ("case.accept", "frontdesk", "accepted")
    assert data["id"] == f"{data['case']['number']}:2"
    assert "13800001234" not in json.dumps(data, ensure_ascii=False)
    assert "张先生" not in json.dumps(data, ensure_ascii=False)


def test_an_action_with_two_events_queues_two(hotel, api, case_id):
    WebhookSubscription.objects.create(url="https://crm.example.com/hook")
    desk = api(hotel.frontdesk)
    for action, body in [("accept", {}), ("propose-resolution", {"resolution": "退款"}),
                         ("reply", {"text": "已退款"}), ("callback", {"result": "not_satisfied"})]:
        assert desk.act(case_id, action, body).status_code == 200
    assert [r.payload["data"]["type"] for r in hooks()][-2:] == ["case.record_callback", "case.escalate"]


def test_a_refused_action_queues_nothing(hotel, api, case_id):
    WebhookSubscription.objects.create(url="https://crm.example.com/hook")
    assert api(hotel.frontdesk).act(case_id, "close").status_code == 403
    assert not hooks().exists()


def test_registering_queues_an_event(hotel, api):
    WebhookSubscription.objects.create(url="https://crm.example.com/hook")
    api(hotel.frontdesk).create(complaint())
    assert hooks().exists()


def test_a_delivered_webhook_signature_verifies(hotel, api, case_id, receiver):
    sub = WebhookSubscription.objects.create(url=receiver.url, description="CRM")
    api(hotel.frontdesk).act(case_id, "accept")
    assert deliver_due() == 1
    [(headers, body)] = receiver.received
    signed = headers["X-Tousu-Timestamp"].encode() + b"." + body
    expected = hmac.new(sub.secret.encode(), signed, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Tousu-Signature"], expected)
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body)["type"] == "case.accept"
    assert hooks().get().state == Notification.SENT


def test_a_failed_delivery_is_retried_later(hotel, api, case_id, receiver):
    WebhookSubscription.objects.create(url=receiver.url)
    api(hotel.frontdesk).act(case_id, "accept")
    receiver.status = 500
    assert deliver_due() == 0
    row = hooks().get()
    assert (row.state, row.attempts) == (Notification.PENDING, 1) and "500" in row.last_error
    assert row.next_attempt_at > timezone.now()
    receiver.status = 204
    assert deliver_due() == 0  # not yet due
    assert deliver_due(now=timezone.now() + timedelta(minutes=5)) == 1
    row.refresh_from_db()
    assert (row.state, row.attempts, len(receiver.received)) == (Notification.SENT, 2, 2)


def test_a_subscription_added_changed_or_removed_takes_effect_on_the_next_event(hotel, api, case_id):
    """The active subscriptions are cached between events; editing one must reach the next event."""
    client = api(hotel.frontdesk)
    first = WebhookSubscription.objects.create(url="https://crm.example.com/hook")
    assert client.act(case_id, "note", {"text": "一"}).status_code == 200
    second = WebhookSubscription.objects.create(url="https://audit.example.com/hook")
    assert client.act(case_id, "note", {"text": "二"}).status_code == 200
    first.active = False
    first.save()
    assert client.act(case_id, "note", {"text": "三"}).status_code == 200
    second.delete()
    assert client.act(case_id, "note", {"text": "四"}).status_code == 200
    sent = [(row.payload["data"]["event"]["note"], row.recipient) for row in hooks()]
    assert sent == [("一", first.url), ("二", first.url), ("二", second.url), ("三", second.url)]


def test_a_rotated_secret_signs_what_was_queued_before(hotel, api, case_id, receiver):
    sub = WebhookSubscription.objects.create(url=receiver.url)
    api(hotel.frontdesk).act(case_id, "accept")
    sub.secret = "rotated-after-the-leak"
    sub.save()
    assert deliver_due() == 1
    [(headers, body)] = receiver.received
    signed = headers["X-Tousu-Timestamp"].encode() + b"." + body
    assert headers["X-Tousu-Signature"] == hmac.new(b"rotated-after-the-leak", signed, hashlib.sha256).hexdigest()


def test_a_deleted_subscription_gets_nothing(hotel, api, case_id, receiver):
    sub = WebhookSubscription.objects.create(url=receiver.url)
    api(hotel.frontdesk).act(case_id, "accept")
    sub.delete()
    assert deliver_due() == 0
    assert receiver.received == []
    row = hooks().get()
    assert row.state == Notification.PENDING and "no longer exists" in row.last_error
