"""Deliver due outbox rows, one transaction each, with exponential back-off on failure."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import request_id
from .models import Notification
from .transports import TRANSPORTS

log = logging.getLogger("tousu.notify")


def deliver_due(limit: int = 100, now=None, budget: float | None = None) -> int:
    """Deliver up to `limit` pending notifications whose time has come; returns how many were sent.

    The worker sweeps deadlines between delivery rounds, so a round must not run long: no new
    delivery starts after `budget` seconds (TOUSU_DELIVERY_BUDGET), and a recipient that failed
    once in this round is not tried again in it (a receiver that hangs costs one timeout per
    round, not one per queued row). What is left waits for the next round."""
    budget = settings.TOUSU_DELIVERY_BUDGET if budget is None else budget
    started = time.monotonic()
    sent, failed = 0, set()
    rows = list(Notification.objects.filter(state=Notification.PENDING,
                                            next_attempt_at__lte=now or timezone.now())
                .order_by("next_attempt_at").values_list("pk", "channel", "recipient")[:limit])
    for pk, channel, recipient in rows:
        if (channel, recipient) in failed:
            continue
        done = deliver_one(pk, now)
        if done is False:
            failed.add((channel, recipient))
        sent += bool(done)
        if time.monotonic() - started > budget:
            break
    return sent


def deliver_one(pk: int, now=None) -> bool | None:
    """True when sent, False when the attempt failed, None when there was nothing to do (sent
    already, or another worker holds it)."""
    now = now or timezone.now()
    with transaction.atomic():
        n = (Notification.objects.select_for_update(skip_locked=True)
             .filter(pk=pk, state=Notification.PENDING).first())
        if n is None:
            return None  # another worker has it
        with request_id.bound(n.request_id):
            return _attempt(n, now)


def _attempt(n: Notification, now) -> bool:
    """One try, inside deliver_one's transaction and under the request id that queued the row."""
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
        return False
    n.state, n.sent_at, n.last_error = Notification.SENT, now, ""
    n.save()
    log.info("notification %s sent (%s, case %s)", n.pk, n.channel, n.case_id)
    return True
