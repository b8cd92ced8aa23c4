"""The worker's sweep: find due clocks through their partial indexes and act on each in its
own transaction. The cost follows what is due, not how many cases there are."""

from __future__ import annotations

import logging

from django.utils import timezone

from .actions import breach_clock, warn_clock
from .models import Clock

log = logging.getLogger("tousu.worker")


def sweep(*, now=None, limit: int = 500) -> dict[str, int]:
    now = now or timezone.now()
    done = {"warned": 0, "breached": 0}
    to_warn = (Clock.objects.filter(state=Clock.RUNNING, warned_at__isnull=True, warn_at__lte=now)
               .order_by("warn_at").values_list("pk", flat=True)[:limit])
    for pk in list(to_warn):
        done["warned"] += _act(warn_clock, pk, now)
    to_breach = (Clock.objects.filter(state=Clock.RUNNING, breached_at__isnull=True, due_at__lte=now)
                 .order_by("due_at").values_list("pk", flat=True)[:limit])
    for pk in list(to_breach):
        done["breached"] += _act(breach_clock, pk, now)
    return done


def _act(action, pk: int, now) -> bool:
    """One clock, one transaction: a clock that fails is logged and retried next round, and
    does not hold up the clocks after it."""
    try:
        return action(clock_id=pk, now=now)
    except Exception:
        log.exception("%s failed for clock %s", action.__name__, pk)
        return False
