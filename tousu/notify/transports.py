"""Channels as a registry of small transports: each delivers one notification or raises."""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.request

from django.conf import settings
from django.core.mail import send_mail

from .models import Notification


# A receiver that has not answered in this many seconds is retried later (with back-off).
WEBHOOK_TIMEOUT = 5


class DeliveryError(Exception):
    pass


def send_email(n: Notification) -> None:
    send_mail(n.subject, n.body, settings.DEFAULT_FROM_EMAIL, [n.recipient], fail_silently=False)


def send_webhook(n: Notification) -> None:
    """POST the payload as JSON; signed with HMAC-SHA256 when the payload names a secret."""
    body = json.dumps(n.payload.get("data", {}), ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    secret = n.payload.get("secret", "")
    if secret:
        headers["X-Tousu-Signature"] = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(n.recipient, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:  # noqa: S310 (configured URL)
        if response.status >= 300:
            raise DeliveryError(f"HTTP {response.status}")


TRANSPORTS = {"email": send_email, "webhook": send_webhook}
