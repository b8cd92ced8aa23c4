"""Deliver due outbox rows, one transaction each, with exponential back-off on failure."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Notification
from .transports import TRANSPORTS

log = logging.getLogger("tousu.notify")


def deliver_due(limit: int = 100, now=None) -> int:
    """Deliver up to `limit` pending notifications whose time has come; returns how many were sent."""
    sent = 0
    ids = list(Notification.objects.filter(state=Notification.PENDING,
                                           next_attempt_at__lte=now or timezone.now())
               .order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    for pk in ids:
        sent += deliver_one(pk, now)
    return sent


def deliver_one(pk: int, now=None) -> int:
    now = now or timezone.now()
    with transaction.atomic():
        n = (Notification.objects.select_for_update(skip_locked=True)
             .filter(pk=pk, state=Notification.PENDING).first())
        if n is None:
            return 0  # another worker has it
        n.attempts += 1
        try:
            TRANSPORTS[n.channel](n)
        except Exception as exc:  # any transport failure is retried later
            n.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if n.attempts >= settings.TOUSU_OUTBOX_MAX_ATTEMPTS:
                n.state = Notification.FAILED
            else:
                n.next_attempt_at = now + timedelta(seconds=30 * 2 ** (n.attempts - 1))
            log.warning("notification %s attempt %s failed: %s", n.pk, n.attempts, n.last_error)
            n.save()
            return 0
        n.state, n.sent_at, n.last_error = Notification.SENT, now, ""
        n.save()
        return 1
