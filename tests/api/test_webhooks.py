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


# --- what a receiver does with the signature, and where a subscription may point ---

def receiver_accepts(secret: str, headers: dict, body: bytes, *, now: float, tolerance: int = 300) -> bool:
    """The check the API description asks of a receiver: the signature covers the timestamp and
    the body, and a timestamp more than `tolerance` seconds away from now is a replay."""
    timestamp = headers.get("X-Tousu-Timestamp", "")
    if not timestamp.isdigit() or abs(now - int(timestamp)) > tolerance:
        return False
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(headers.get("X-Tousu-Signature", ""), expected)


def test_a_receiver_can_verify_a_delivery_and_refuse_its_replay(hotel, api, case_id, receiver):
    sub = WebhookSubscription.objects.create(url=receiver.url)
    api(hotel.frontdesk).act(case_id, "accept")
    assert deliver_due() == 1
    [(headers, body)] = receiver.received
    sent_at = int(headers["X-Tousu-Timestamp"])
    assert abs(sent_at - timezone.now().timestamp()) < 60
    assert receiver_accepts(sub.secret, headers, body, now=sent_at + 5)
    # the same request captured and sent again ten minutes later: too old
    assert not receiver_accepts(sub.secret, headers, body, now=sent_at + 600)
    # ... and with a fresh timestamp the signature no longer matches
    replayed = {**headers, "X-Tousu-Timestamp": str(sent_at + 600)}
    assert not receiver_accepts(sub.secret, replayed, body, now=sent_at + 600)
    # nor does a changed body
    assert not receiver_accepts(sub.secret, headers, body.replace(b"accept", b"close"), now=sent_at)


@pytest.fixture
def admin_client(client, db, django_user_model):
    boss = django_user_model.objects.create_superuser("configadmin", password="pw")
    client.force_login(boss)
    return client


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/hook", "http://[::1]/hook",
                                 "http://169.254.169.254/latest/meta-data/", "http://10.0.0.5/hook",
                                 "http://192.168.1.10/hook", "http://localhost/hook", "ftp://example.com/x"])
def test_the_admin_refuses_an_internal_or_non_http_url(admin_client, url):
    from django.urls import reverse

    response = admin_client.post(reverse("admin:api_webhooksubscription_add"),
                                 {"url": url, "secret": "x" * 40, "active": "on", "description": "CRM"})
    assert response.status_code == 200  # the form again, with the error
    assert response.context["adminform"].form.errors["url"]
    assert not WebhookSubscription.objects.exists()


def test_the_admin_refuses_a_name_that_resolves_inside(admin_client, monkeypatch):
    import socket

    from django.urls import reverse

    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, *a, **k:
                        [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.9.8.7", port))])
    response = admin_client.post(reverse("admin:api_webhooksubscription_add"),
                                 {"url": "https://crm.example.com/hook", "secret": "x" * 40, "active": "on"})
    assert "10.9.8.7" in str(response.context["adminform"].form.errors["url"])
    assert not WebhookSubscription.objects.exists()


def test_the_admin_saves_a_public_url(admin_client, monkeypatch):
    import socket

    from django.urls import reverse

    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, *a, **k:
                        [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port))])
    response = admin_client.post(reverse("admin:api_webhooksubscription_add"),
                                 {"url": "https://crm.example.com/hook", "secret": "x" * 40, "active": "on"})
    assert response.status_code == 302
    assert WebhookSubscription.objects.get().url == "https://crm.example.com/hook"


def test_an_internal_address_cannot_be_saved_by_code_either(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        WebhookSubscription.objects.create(url="http://169.254.169.254/latest/meta-data/")
    assert not WebhookSubscription.objects.exists()
