"""Daily duties and the accountability they bring: the monitoring log (每日搜索、监测、研判、预警)
and the days without one, the record of who opened a confidential case, and the yearly ledger
with the consequences the preset attaches to each kind of entry (通报, no 优秀 that year).

The monitoring log is not a case, so it is written here, one function per change, each in one
transaction; a missed day is found by the worker (`check_missed`), once per unit, person and
day whatever how often it runs."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from tousu.cases.errors import InvalidInput, Refused
from tousu.cases.models import Case, Lateness
from tousu.cases.selectors import cases_visible_to
from tousu.domain import duties as rules
from tousu.domain.text import LONG_TEXT_MAX
from tousu.org.models import Membership, PolicyVersion, Unit
from tousu.org.selectors import memberships
from tousu.org.services import org_timezone, organisation, work_calendar

from .models import CaseView, MissedDuty, MonitoringLog

# How far back the worker looks for days without a log (a worker stopped for longer than this
# leaves the older days to be entered by hand).
LOOK_BACK_DAYS = 7


def policy_duties() -> rules.Duties:
    return rules.read(organisation().policy)


# --- the monitoring log -----------------------------------------------------------------------

def monitoring_units(user) -> list[Unit]:
    """The units where `user` holds the monitoring role (where they may keep the log)."""
    duty = policy_duties().monitoring
    if duty is None:
        return []
    return [m.unit for m in memberships(user) if m.role.code == duty.role]


def record_monitoring(*, actor, unit: Unit, day: dt.date, searched: str, findings: str = "",
                      judgement: str = "", warnings: str = "", now=None) -> MonitoringLog:
    """The day's log of a unit, by a holder of the monitoring role there; one a day."""
    now = now or timezone.now()
    if unit not in monitoring_units(actor):
        raise Refused(_("Only the unit's monitoring administrator keeps its monitoring log."))
    today = timezone.localtime(now, org_timezone()).date()
    if day > today:
        raise InvalidInput(_("A monitoring log cannot be for a day still to come."), field="day")
    searched = (searched or "").strip()
    if not searched:
        raise InvalidInput(_("%(field)s is required.") % {"field": _("Sites and channels searched")},
                           field="searched")
    texts = {"searched": searched, "findings": findings, "judgement": judgement, "warnings": warnings}
    for field, text in texts.items():
        if len(text or "") > LONG_TEXT_MAX:
            raise InvalidInput(_("%(field)s is longer than %(n)d characters.") % {"field": field, "n": LONG_TEXT_MAX},
                               field=field)
    try:
        with transaction.atomic():
            return MonitoringLog.objects.create(unit=unit, day=day, recorded_by=actor, recorded_at=now,
                                                **{k: (v or "").strip() for k, v in texts.items()})
    except IntegrityError:
        raise Refused(_("The monitoring log of %(unit)s for %(day)s is already recorded.")
                      % {"unit": unit.name, "day": day.isoformat()}) from None


def duty_due_today(user, now=None) -> list[Unit]:
    """The units where `user` keeps the daily log and today's is not yet recorded (the day's
    task on their work list), on the days the duty runs."""
    duty = policy_duties().monitoring
    units = monitoring_units(user)
    if duty is None or not units:
        return []
    today = timezone.localtime(now or timezone.now(), org_timezone()).date()
    if not _due_days(today, today, duty.days):
        return []
    done = set(MonitoringLog.objects.filter(day=today, unit__in=units).values_list("unit_id", flat=True))
    return [unit for unit in units if unit.pk not in done]


def monitoring_logs_visible_to(user):
    """The logs of the units the reader's memberships cover (every unit for a role that sees
    every unit)."""
    return MonitoringLog.objects.filter(unit_id__in=_units_seen(user)).select_related("unit", "recorded_by")


def _due_days(first: dt.date, last: dt.date, days: str) -> list[dt.date]:
    calendar = work_calendar()
    out, day = [], first
    while day <= last:
        if days == "every_day" or calendar.is_workday(day):
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def check_missed(now=None) -> int:
    """Record each ended day without a monitoring log, in every unit where someone holds the
    monitoring role, against the unit and each such person. Returns how many were recorded."""
    duty = policy_duties().monitoring
    if duty is None:
        return 0
    now = now or timezone.now()
    tz = org_timezone()
    yesterday = timezone.localtime(now, tz).date() - dt.timedelta(days=1)
    started = PolicyVersion.objects.aggregate(first=Min("changed_at"))["first"]
    if started is None:
        return 0
    first = max(timezone.localtime(started, tz).date() + dt.timedelta(days=1),
                yesterday - dt.timedelta(days=LOOK_BACK_DAYS - 1))
    days = _due_days(first, yesterday, duty.days)
    if not days:
        return 0
    holders = list(Membership.objects.filter(role__code=duty.role).values_list("unit_id", "user_id"))
    kept = set(MonitoringLog.objects.filter(day__in=days).values_list("unit_id", "day"))
    known = set(MissedDuty.objects.filter(day__in=days, kind=duty.missed).values_list("unit_id", "person_id", "day"))
    missing = [MissedDuty(unit_id=unit, person_id=person, day=day, kind=duty.missed, recorded_at=now)
               for day in days for unit, person in holders
               if (unit, day) not in kept and (unit, person, day) not in known]
    MissedDuty.objects.bulk_create(missing, ignore_conflicts=True)  # two workers: one row each
    return len(missing)


# --- who opened a confidential case -----------------------------------------------------------

def record_view(user, case: Case, what: str, now=None) -> CaseView | None:
    """Record that `user` opened `case` (its page, a document, a file, the API) when its level
    is one whose views are recorded (`record_views` in the preset)."""
    if case.severity not in rules.recorded_levels(organisation().policy, case.kind):
        return None
    return CaseView.objects.create(case=case, user=user, at=now or timezone.now(), level=case.severity,
                                   what=what[:100])


def views_of(user, case_id: int):
    """The recorded views of a case the reader may see (the case page lists them)."""
    if not cases_visible_to(user).filter(pk=case_id).exists():
        return CaseView.objects.none()
    return CaseView.objects.filter(case_id=case_id).select_related("user")


# --- the yearly ledger ------------------------------------------------------------------------

def _person(user_row: dict, prefix: str) -> str:
    first, last = user_row[f"{prefix}__first_name"], user_row[f"{prefix}__last_name"]
    return f"{last}{first}".strip() or user_row[f"{prefix}__username"]


def yearly_ledger(user, *, year: int) -> dict:
    """Each unit's and person's ledger entries in `year` (accountability entries and missed
    deadlines on the cases the reader may see, and missed duties in the units they may see),
    counted by kind, with the consequences the preset names for those kinds."""
    tz = org_timezone()
    start = dt.datetime(year, 1, 1, tzinfo=tz)
    end = dt.datetime(year + 1, 1, 1, tzinfo=tz)
    words = policy_duties().accountability
    entries = Lateness.objects.filter(case__in=cases_visible_to(user).values("pk"), occurred_at__gte=start,
                                      occurred_at__lt=end)
    missed = MissedDuty.objects.filter(day__gte=start.date(), day__lt=end.date(), unit_id__in=_units_seen(user))
    units, people = {}, {}

    def add(table, key, name, kind, n):
        row = table.setdefault(key, {"name": name, "counts": {}})
        row["counts"][kind] = row["counts"].get(kind, 0) + n

    for qs in (entries, missed):
        for r in qs.values("unit", "unit__name", "kind").annotate(n=Count("pk")):
            add(units, r["unit"], r["unit__name"], r["kind"], r["n"])
        for r in qs.values("person", "person__first_name", "person__last_name", "person__username", "kind"
                           ).annotate(n=Count("pk")):
            add(people, r["person"], _person(r, "person"), r["kind"], r["n"])

    def rows(table):
        out = []
        for row in table.values():
            consequences = []
            for kind in row["counts"]:
                for text in (words[kind].consequences if kind in words else ()):
                    if text not in consequences:
                        consequences.append(text)
            out.append({"name": row["name"], "total": sum(row["counts"].values()),
                        "items": [{"kind": kind, "label": words[kind].label if kind in words else kind, "count": n}
                                  for kind, n in sorted(row["counts"].items())],
                        "consequences": consequences})
        return sorted(out, key=lambda r: (-r["total"], r["name"]))

    return {"year": year, "units": rows(units), "people": rows(people)}


def _units_seen(user) -> set[int]:
    mine = memberships(user)
    if user.is_superuser or any(m.role.sees_all_units for m in mine):
        return set(Unit.objects.values_list("pk", flat=True))
    out = set()
    for m in mine:
        out |= set(Unit.objects.filter(path__startswith=m.unit.path).values_list("pk", flat=True))
    return out
