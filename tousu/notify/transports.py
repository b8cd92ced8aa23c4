"""Channels as a registry of small transports: each delivers one notification or raises. Every
transport that speaks HTTP (webhooks, group robots, SMS gateways) sends through the egress guard,
the one guard against internal targets."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable

from django.conf import settings
from django.core.mail import send_mail

from . import egress
from .egress import DeliveryError
from .models import Notification

# A receiver that has not answered in this many seconds is retried later (with back-off).
WEBHOOK_TIMEOUT = 5


def send_email(n: Notification) -> None:
    send_mail(n.subject, n.body, settings.DEFAULT_FROM_EMAIL, [n.recipient], fail_silently=False)


# Where a webhook's signing secret comes from when the row names its subscription instead of
# carrying the secret: set by the API app (api/apps.py), which owns the subscriptions. The row
# never holds the secret, so the outbox admin does not show it and a rotated secret signs the
# rows already queued. Returns None when the subscription is gone.
subscription_secret: Callable[[int], str | None] | None = None


def _secret(n: Notification) -> str:
    if "secret" in n.payload:  # a row that carries its own secret (queued before, or by hand)
        return n.payload["secret"]
    pk = n.payload.get("subscription")
    if pk is None or subscription_secret is None:
        return ""
    secret = subscription_secret(pk)
    if secret is None:
        raise DeliveryError(f"webhook subscription {pk} no longer exists")
    return secret


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """X-Tousu-Signature: HMAC-SHA256, in hex, of the timestamp, a dot and the body. The
    timestamp is signed with the body so a receiver can refuse a replayed request (one whose
    X-Tousu-Timestamp is more than a few minutes old)."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def send_webhook(n: Notification) -> None:
    """POST the payload as JSON through the egress guard; signed when it has a secret."""
    body = json.dumps(n.payload.get("data", {}), ensure_ascii=False).encode("utf-8")
    timestamp = str(int(time.time()))
    headers = {"Content-Type": "application/json", "X-Tousu-Timestamp": timestamp}
    secret = _secret(n)
    if secret:
        headers["X-Tousu-Signature"] = signature(secret, timestamp, body)
    egress.post(n.recipient, body, headers, timeout=WEBHOOK_TIMEOUT)


def send_robot(n: Notification) -> None:
    """A group robot or SMS gateway (notify/robots.py): signed as its kind wants, sent through
    the egress guard, and failed unless its answer says it took the message."""
    from . import robots
    from .models import RobotTarget

    target = RobotTarget.objects.filter(pk=n.payload.get("target")).first()
    if target is None or not target.active:
        raise DeliveryError(f"robot target {n.payload.get('target')} no longer exists or is switched off")
    text = f"{n.subject}\n{n.body}".strip()
    url, body, headers = robots.request_for(target, text)
    _status, answer = egress.exchange(url, body, headers, timeout=WEBHOOK_TIMEOUT)
    robots.check_answer(target, answer)


TRANSPORTS = {"email": send_email, "webhook": send_webhook, "robot": send_robot}
