"""The manager's overview, the home page of unit heads and of those who see every unit: what is
due soon and overdue in each of their units, this month's 响应率 / 解决率 / 满意率 and their
trend, and the oldest open complaints. Every figure is counted from the same querysets as the
work list it links to, so the number and the list behind it agree."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.urls import reverse

from tousu.cases.models import OPEN
from tousu.cases.selectors import cases_visible_to, in_units
from tousu.domain.policy import Policy
from tousu.org.models import Unit
from tousu.org.selectors import memberships
from tousu.reports.figures import monthly_rates
from tousu.reports.labels import RATES
from tousu.reports.periods import month_of

from . import selectors

TREND_MONTHS = 6
OLDEST = 10


def home_is_overview(user, policy: Policy) -> bool:
    """Heads (who sign off) and those who see every unit start on the overview."""
    return selectors.may_sign_off(user, policy) or selectors.sees_every_unit(user)


def _list_url(**params) -> str:
    return f"{reverse('web:my_work')}?{urlencode({k: v for k, v in params.items() if v})}"


def _units(user) -> list[Unit]:
    """The units shown: the top units and the departments for someone who sees every unit,
    else each of the person's units and the units right below them."""
    if selectors.sees_every_unit(user):
        return [u for u in Unit.objects.order_by("path") if u.path.count("/") <= 3]
    mine = sorted({m.unit for m in memberships(user)}, key=lambda u: u.path)
    below = list(Unit.objects.filter(parent__in=mine).order_by("path"))
    return sorted({*mine, *below}, key=lambda u: u.path)


def unit_rows(user, policy: Policy, now: dt.datetime) -> list[dict]:
    lists = selectors.work_lists(user, policy, now)
    rows = []
    for unit in _units(user):
        here = in_units([unit])
        rows.append({
            "unit": unit, "depth": unit.path.count("/") - 2,
            "due_soon": lists["due_soon"].filter(here).order_by().count(),
            "overdue": lists["overdue"].filter(here).order_by().count(),
            "due_soon_url": _list_url(tab="due_soon", unit=unit.code),
            "overdue_url": _list_url(tab="overdue", unit=unit.code),
        })
    return rows


def trend(user, policy: Policy, now: dt.datetime, tz) -> list[dict]:
    """This month and the TREND_MONTHS - 1 before it, oldest first."""
    periods, month = [], month_of(now.astimezone(tz).date())
    for _ in range(TREND_MONTHS):
        periods.append(month)
        month = month.previous()
    periods.reverse()
    found = monthly_rates(cases_visible_to(user), months=[p.bounds(tz) for p in periods], policy=policy)
    rows = []
    for period, summary in zip(periods, found, strict=True):
        last_day = period.end - dt.timedelta(days=1)
        rows.append({"month": period.code, "total": summary["total"], "rates": summary["rates"],
                     "url": _list_url(tab="all", received_from=period.start.isoformat(),
                                      received_to=last_day.isoformat())})
    return rows


def oldest_open(user) -> list:
    return list(selectors.with_next_clock(cases_visible_to(user).filter(OPEN).order_by("received_at", "pk"))[:OLDEST])


# The rates the overview shows, in the monthly report's words (reports/labels.py).
RATE_LABELS = {key: RATES[key] for key in ("response", "resolution", "satisfaction")}
