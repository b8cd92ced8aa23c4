"""Channels as a registry of small transports: each delivers one notification or raises."""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.request
from collections.abc import Callable

from django.conf import settings
from django.core.mail import send_mail

from .models import Notification


# A receiver that has not answered in this many seconds is retried later (with back-off).
WEBHOOK_TIMEOUT = 5


class DeliveryError(Exception):
    pass


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


def send_webhook(n: Notification) -> None:
    """POST the payload as JSON; signed with HMAC-SHA256 when it has a secret."""
    body = json.dumps(n.payload.get("data", {}), ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    secret = _secret(n)
    if secret:
        headers["X-Tousu-Signature"] = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(n.recipient, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:  # noqa: S310 (configured URL)
        if response.status >= 300:
            raise DeliveryError(f"HTTP {response.status}")


TRANSPORTS = {"email": send_email, "webhook": send_webhook}
