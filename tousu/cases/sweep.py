"""The worker's sweep: find due clocks through their partial indexes and act on each in its
own transaction. The cost follows what is due, not how many cases there are."""

from __future__ import annotations

from django.utils import timezone

from .actions import breach_clock, warn_clock
from .models import Clock


def sweep(*, now=None, limit: int = 500) -> dict[str, int]:
    now = now or timezone.now()
    done = {"warned": 0, "breached": 0}
    to_warn = (Clock.objects.filter(state=Clock.RUNNING, warned_at__isnull=True, warn_at__lte=now)
               .order_by("warn_at").values_list("pk", flat=True)[:limit])
    for pk in list(to_warn):
        done["warned"] += warn_clock(clock_id=pk, now=now)
    to_breach = (Clock.objects.filter(state=Clock.RUNNING, breached_at__isnull=True, due_at__lte=now)
                 .order_by("due_at").values_list("pk", flat=True)[:limit])
    for pk in list(to_breach):
        done["breached"] += breach_clock(clock_id=pk, now=now)
    return done
