"""The worker's sweep: find due clocks through their partial indexes and act on each. The cost
follows what is due, not how many cases there are.

Clocks are taken in small batches, one transaction each: the batch's cases are locked first,
SKIP LOCKED, so two workers take different batches and a case a person is working on waits for
the next round. When anything in a batch fails, none of it is kept and its clocks are taken
again one transaction each: the clock that fails is logged and put back (its attempts counted,
its next try a back-off away, TOUSU_CLOCK_RETRY_SECONDS doubling), the others go through; until
its next try the sweep passes it by, so failing clocks never fill a round's `limit` and hold
up the rest. A round reads the configuration once, as a web request does, and looks each
ladder holder up once."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tousu.org.services import ConfigurationPerRequest

from .actions import breach_clock, warn_clock
from .clocks import postpone
from .models import Case, Clock

log = logging.getLogger("tousu.worker")

BATCH = 20  # clocks per transaction: one commit (one WAL flush) for each twenty


def sweep(*, now=None, limit: int = 500, batch: int = BATCH) -> dict[str, int]:
    now = now or timezone.now()
    one_round = ConfigurationPerRequest(lambda _request: _round(now, limit, batch))
    return one_round(None)


def _round(now, limit: int, batch: int) -> dict[str, int]:
    done = {"warned": 0, "breached": 0}
    ready = Q(retry_at__isnull=True) | Q(retry_at__lte=now)  # not waiting out a back-off
    to_warn = (Clock.objects.filter(ready, state=Clock.RUNNING, warned_at__isnull=True, warn_at__lte=now)
               .order_by("warn_at").values_list("pk", flat=True)[:limit])
    due = list(to_warn)
    for start in range(0, len(due), batch):
        done["warned"] += _batch(warn_clock, due[start:start + batch], now)
    to_breach = (Clock.objects.filter(ready, state=Clock.RUNNING, breached_at__isnull=True, due_at__lte=now)
                 .order_by("due_at").values_list("pk", flat=True)[:limit])
    due = list(to_breach)
    for start in range(0, len(due), batch):
        done["breached"] += _batch(breach_clock, due[start:start + batch], now)
    return done


def _batch(action, pks: list[int], now) -> int:
    """Act on the clocks of `pks` whose cases nobody else holds, in one transaction; if that
    fails, on each clock alone."""
    try:
        with transaction.atomic():
            free = set(Case.objects.select_for_update(skip_locked=True, of=("self",))
                       .filter(clocks__pk__in=pks).values_list("clocks__pk", flat=True))
            return sum(action(clock_id=pk, now=now) for pk in pks if pk in free)
    except Exception:
        return sum(_act(action, pk, now) for pk in pks)


def _act(action, pk: int, now) -> bool:
    """One clock, one transaction: a clock that fails is logged and tried again after a
    back-off, and does not hold up the clocks after it."""
    try:
        return action(clock_id=pk, now=now)
    except Exception as exc:
        try:
            clock = postpone(pk, now, f"{type(exc).__name__}: {exc}")
        except Exception:  # the database itself is failing: the next round tries again
            log.exception("%s failed for clock %s, and its retry could not be recorded", action.__name__, pk)
            return False
        log.exception("%s failed for clock %s (attempt %s; next try at %s)", action.__name__, pk,
                      clock.attempts if clock else "?", clock.retry_at.isoformat() if clock else "?")
        return False
