"""Operational counts of cases and clocks for /metrics and /healthz: unscoped (an operator's
view of the whole system, never shown to a staff member) and carrying no case content, only
kinds, states and times. Each count reads a partial index, so its cost follows what is open or
due, not how many cases exist; the one that does not (ended cases) is taken at most every few
minutes by its caller."""

from __future__ import annotations

from django.db.models import Count, Min

from .models import OPEN, Case, Clock


def cases_by_kind_state(*, open_: bool) -> dict[tuple[str, str], int]:
    """How many open (or ended) cases each (kind, state) has. Open: through the partial indexes
    on open cases; ended: a scan of the ended ones."""
    rows = (Case.objects.filter(OPEN if open_ else ~OPEN).values_list("kind", "state")
            .annotate(n=Count("pk")).order_by())
    return {(kind, state): n for kind, state, n in rows}


def clocks(now) -> dict[str, object]:
    """Running clocks the sweep should warn or breach now (clock_to_warn, clock_to_breach), the
    oldest of those past their deadline, and the running clocks already breached."""
    to_warn = Clock.objects.filter(state=Clock.RUNNING, warned_at__isnull=True, warn_at__lte=now)
    to_breach = Clock.objects.filter(state=Clock.RUNNING, breached_at__isnull=True, due_at__lte=now)
    return {
        "to_warn": to_warn.count(),
        "to_breach": to_breach.count(),
        "oldest_unbreached_due_at": to_breach.aggregate(m=Min("due_at"))["m"],
        "breached_running": Clock.objects.filter(state=Clock.RUNNING, due_at__lte=now,
                                                 breached_at__isnull=False).count(),
    }
