"""The outbox: a row written with the action, delivered afterwards, retried with back-off."""

import datetime as dt
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.db import DatabaseError

from tousu.cases import actions
from tousu.cases.models import Case
from tousu.notify import outbox
from tousu.notify.delivery import deliver_due
from tousu.notify.models import Notification
from tousu.notify.transports import TRANSPORTS

from .helpers import MONDAY_10, actions_of, after_stay_case

NOON = MONDAY_10.replace(hour=12)
SECOND = dt.timedelta(seconds=1)


def replied_case(org):
    """A 消费后 case answered by the front office's head: the reply is queued for the guest's email."""
    case = after_stay_case(org)
    actions.propose_resolution(actor=org.fo_head, case_id=case.pk, resolution="更换房间", now=NOON)
    return actions.reply_case(actor=org.fo_head, case_id=case.pk, text="已为您更换房间，深表歉意。",
                              now=NOON)


def test_queued_email_is_sent_once_and_marked_sent(hotel):
    case = replied_case(hotel)
    reply = Notification.objects.get(recipient="guest@example.com")
    assert (reply.state, reply.attempts, reply.case_id) == (Notification.PENDING, 0, case.pk)
    when = reply.next_attempt_at + SECOND

    assert deliver_due(now=when) == 1

    assert [m.to for m in mail.outbox] == [["guest@example.com"]]
    assert case.number in mail.outbox[0].subject
    assert mail.outbox[0].body == "已为您更换房间，深表歉意。"
    reply.refresh_from_db()
    assert (reply.state, reply.attempts, reply.sent_at, reply.last_error) == (
        Notification.SENT, 1, when, "")
    assert deliver_due(now=when + dt.timedelta(hours=1)) == 0
    assert len(mail.outbox) == 1


def test_failing_transport_is_retried_later_and_later_then_marked_failed(hotel, settings, monkeypatch):
    settings.TOUSU_OUTBOX_MAX_ATTEMPTS = 4
    calls = []

    def mail_server_down(notification):
        calls.append(notification.pk)
        raise ConnectionRefusedError("SMTP server refused the connection")

    monkeypatch.setitem(TRANSPORTS, "email", mail_server_down)
    replied_case(hotel)
    reply = Notification.objects.get(recipient="guest@example.com")
    now = reply.next_attempt_at
    gaps = []
    for attempt in (1, 2, 3):
        assert deliver_due(now=now) == 0
        reply.refresh_from_db()
        assert (reply.state, reply.attempts) == (Notification.PENDING, attempt)
        assert "SMTP server refused" in reply.last_error
        assert reply.next_attempt_at > now
        gaps.append(reply.next_attempt_at - now)
        # Not tried again before its time.
        assert deliver_due(now=reply.next_attempt_at - SECOND) == 0
        assert len(calls) == attempt
        now = reply.next_attempt_at
    assert gaps[0] < gaps[1] < gaps[2]  # backing off

    assert deliver_due(now=now) == 0
    reply.refresh_from_db()
    assert (reply.state, reply.attempts, reply.sent_at) == (Notification.FAILED, 4, None)
    # A failed notification is left alone (an administrator sees it in the admin).
    assert deliver_due(now=now + dt.timedelta(days=30)) == 0
    assert len(calls) == 4
    assert mail.outbox == []


def test_transport_that_recovers_delivers_on_the_retry(hotel, monkeypatch):
    real = TRANSPORTS["email"]
    failures = iter([TimeoutError("timed out")])

    def flaky(notification):
        for exc in failures:
            raise exc
        real(notification)

    monkeypatch.setitem(TRANSPORTS, "email", flaky)
    replied_case(hotel)
    reply = Notification.objects.get(recipient="guest@example.com")
    assert deliver_due(now=reply.next_attempt_at) == 0
    reply.refresh_from_db()
    assert deliver_due(now=reply.next_attempt_at) == 1
    reply.refresh_from_db()
    assert (reply.state, reply.attempts, reply.last_error) == (Notification.SENT, 2, "")
    assert len(mail.outbox) == 1


def test_notification_is_written_in_the_actions_transaction(hotel, monkeypatch):
    """The reply cannot be saved: the guest must not get an email about it."""
    case = after_stay_case(hotel)
    actions.propose_resolution(actor=hotel.fo_head, case_id=case.pk, resolution="更换房间", now=NOON)
    events = actions_of(case)
    queued = Notification.objects.count()

    def disk_full(self, *args, **kwargs):
        raise DatabaseError("could not extend file: No space left on device")

    monkeypatch.setattr(Case, "save", disk_full)
    with pytest.raises(DatabaseError):
        actions.reply_case(actor=hotel.fo_head, case_id=case.pk, text="已为您更换房间", now=NOON)
    monkeypatch.undo()

    assert Notification.objects.count() == queued
    assert not Notification.objects.filter(recipient="guest@example.com").exists()
    assert actions_of(case) == events
    case.refresh_from_db()
    assert case.state == "in_progress" and case.reply == ""
    assert deliver_due(now=NOON + dt.timedelta(hours=1)) == 0
    assert mail.outbox == []


class _Hook(BaseHTTPRequestHandler):
    received: list
    status = 204

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((dict(self.headers), body))
        self.send_response(self.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def hook_server(settings):
    """A tiny HTTP endpoint on 127.0.0.1 that records what it is sent (allowed by the operator:
    the egress guard refuses loopback otherwise)."""
    settings.TOUSU_WEBHOOK_ALLOW_HOSTS = ["127.0.0.1"]
    handler = type("Hook", (_Hook,), {"received": []})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, handler
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_webhook_is_signed_with_hmac_sha256_of_its_timestamp_and_body(hotel, hook_server):
    server, handler = hook_server
    case = after_stay_case(hotel)
    data = {"event": "clock_breached", "case": case.number, "subject": "房间有异味"}
    outbox.queue(channel="webhook", recipient=f"http://127.0.0.1:{server.server_port}/hook",
                 subject="clock_breached", case=case, payload={"data": data, "secret": "s3cret"})
    hook = Notification.objects.get(channel="webhook")

    assert deliver_due(now=hook.next_attempt_at) == 1

    [(headers, body)] = handler.received
    assert json.loads(body) == data
    signed = headers["X-Tousu-Timestamp"].encode() + b"." + body
    expected = hmac.new(b"s3cret", signed, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Tousu-Signature"], expected)
    assert headers["Content-Type"] == "application/json"
    # A receiver with another secret would refuse it.
    assert headers["X-Tousu-Signature"] != hmac.new(b"other", signed, hashlib.sha256).hexdigest()
    hook.refresh_from_db()
    assert hook.state == Notification.SENT


def test_webhook_answering_an_error_is_retried(hotel, hook_server):
    server, handler = hook_server
    handler.status = 503
    outbox.queue(channel="webhook", recipient=f"http://127.0.0.1:{server.server_port}/hook",
                 subject="clock_breached", payload={"data": {"event": "clock_breached"}})
    hook = Notification.objects.get(channel="webhook")

    assert deliver_due(now=hook.next_attempt_at) == 0

    assert len(handler.received) == 1
    assert "X-Tousu-Signature" not in handler.received[0][0]  # no secret, no signature
    hook.refresh_from_db()
    assert (hook.state, hook.attempts) == (Notification.PENDING, 1)
    assert "503" in hook.last_error
    handler.status = 204
    assert deliver_due(now=hook.next_attempt_at) == 1
    assert len(handler.received) == 2



def test_a_receiver_that_hangs_costs_one_timeout_per_round_not_one_per_row(hotel, monkeypatch, settings):
    """The worker sweeps deadlines between delivery rounds: a dead receiver must not hold it."""
    from tousu.notify import transports

    settings.TOUSU_WEBHOOK_ALLOW_HOSTS = ["127.0.0.1"]

    class Hang(BaseHTTPRequestHandler):
        def do_POST(self):
            threading.Event().wait(2)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Hang)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setattr(transports, "WEBHOOK_TIMEOUT", 0.3)
    try:
        url = f"http://127.0.0.1:{server.server_port}/hook"
        for n in range(3):
            outbox.queue(channel="webhook", recipient=url, subject=f"event {n}", payload={"data": {"n": n}})
        replied_case(hotel)  # and the guest's email, queued after them
        due = Notification.objects.latest("next_attempt_at").next_attempt_at
        started = dt.datetime.now()
        assert deliver_due(now=due) == 1  # the email went
        assert (dt.datetime.now() - started).total_seconds() < 1.5
        hooks = Notification.objects.filter(channel="webhook").order_by("pk")
        assert [h.attempts for h in hooks] == [1, 0, 0]  # tried once; the others wait
        assert "timed out" in hooks[0].last_error
        assert [m.to for m in mail.outbox] == [["guest@example.com"]]
    finally:
        server.shutdown()
        server.server_close()


def test_a_delivery_round_stops_starting_deliveries_after_its_budget(hotel, monkeypatch, settings):
    settings.TOUSU_DELIVERY_BUDGET = 1.0  # room for a loaded machine: a send takes 0.6 s
    slow_sends = []

    def slow_mail(notification):
        threading.Event().wait(0.6)
        slow_sends.append(notification.pk)

    monkeypatch.setitem(TRANSPORTS, "email", slow_mail)
    for n in range(5):
        outbox.queue(channel="email", recipient=f"guest{n}@example.com", subject="回复", body="已处理")
    due = Notification.objects.latest("next_attempt_at").next_attempt_at
    assert deliver_due(now=due) == 2  # the second ends past the budget: the round stops there
    assert deliver_due(now=due) == 2
    assert deliver_due(now=due) == 1
    assert len(set(slow_sends)) == 5
