"""The figures of a report, computed for a period [start, end) with aggregate queries.

Pure: nothing here writes; the same cases, period and cut-off give the same figures. The
caller passes the cases to count from (`selectors.cases_for_reports()` for the scheduled
reports, or a person's `cases_visible_to(user)`), the policy (for labels) and the time zone
the period was read in.

Which cases count
-----------------
- A case counts in a period when it was **received** in it: ``start <= received_at < end``,
  the bounds being midnights in the organisation's time zone. A case received on 30 September
  at 23:30 Beijing time belongs to September, however much of its handling falls in October.
- A case counts **once**, in the period it was received, whatever happens to it afterwards.
  A **reopened** case is not counted again in the period it was reopened; it counts as
  resolved only if it is closed again at the cut-off (the moment the figures are computed),
  and it is also counted under ``reopened`` (reopened at least once).
- States are read at the cut-off: a report is a snapshot, and a stored report keeps the figures
  it was produced with.
- Restricted to a unit, a case counts when its **responsible unit** is that unit or below it.
  The responsible unit is the unit complained about (被投诉部门) when one is named, otherwise
  the receiving unit. The same rule places each case in ``by_unit``.

The rates (each stored as numerator, denominator and their ratio, or None when nothing counts)
---------------------------------------------------------------------------------------------
- 响应率 response: received cases now accepted or further on (accepted, in progress, replied,
  confirmed, closed) among all received. Withdrawn and rejected cases are not responses.
- 解决率 resolution: received cases now closed among all received.
- 满意率 satisfaction: among received cases with a call-back that gave a verdict (satisfied or
  not satisfied; "unreachable" gives none), those whose **latest** such call-back was satisfied.
- repeat rate: received cases that repeat an earlier one, among all received. A case repeats
  when another case was received in the 30 days before it (REPEAT_WINDOW) either from the same
  complainant phone number (as typed, non-empty) or with the same category (non-empty) and the
  same responsible unit. The earlier case may lie before the period.
- on time, per clock name: clocks **due** in the period (``start <= due_at < end``) whose
  outcome is known at the cut-off (stopped, or due by then), paused clocks left out. A clock is
  on time when it was stopped no later than its due time and never breached. This looks at the
  clocks' due times, not at when their cases were received: a September case whose clock fell
  due in October counts in October's timeliness, but not in October's cases.

Change against the previous period: totals and rates of the period before (the week before,
the calendar month before, or the same length before for any other period), with the
difference (rates in percentage points). Top causes: the categories with the most cases.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import CharField, Count, DateTimeField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce

from tousu.cases.models import Case, CaseEvent, Clock
from tousu.cases.selectors import mask_name, mask_phone
from tousu.domain.policy import Policy
from tousu.org.models import Unit

RESPONDED = ("accepted", "in_progress", "replied", "confirmed", "closed")
RESOLVED = ("closed",)
SATISFIED, NOT_SATISFIED = "satisfied", "not_satisfied"
REPEAT_WINDOW = dt.timedelta(days=30)
TOP_CAUSES = 5


def responsible_unit():
    return Coalesce("target_unit", "receiving_unit")


def in_subtree(unit: Unit, prefix: str = "") -> Q:
    """Cases (or, with prefix 'case__', clocks) whose responsible unit is `unit` or below it."""
    return (Q(**{f"{prefix}target_unit__path__startswith": unit.path})
            | Q(**{f"{prefix}target_unit__isnull": True, f"{prefix}receiving_unit__path__startswith": unit.path}))


def received_in(cases: QuerySet[Case], start: dt.datetime, end: dt.datetime,
                unit: Unit | None = None) -> QuerySet[Case]:
    qs = cases.filter(received_at__gte=start, received_at__lt=end)
    if unit is not None:
        qs = qs.filter(in_subtree(unit))
    return qs.order_by()


def ratio(num: int, den: int) -> dict:
    return {"num": num, "den": den, "rate": round(num / den, 4) if den else None}


# --- the figures ------------------------------------------------------------------------------

def compute(cases: QuerySet[Case], *, start: dt.datetime, end: dt.datetime, policy: Policy, tz: ZoneInfo,
            unit: Unit | None = None, previous: tuple[dt.datetime, dt.datetime] | None = None,
            as_of: dt.datetime | None = None, window: dt.timedelta = REPEAT_WINDOW) -> dict:
    """Every figure of the period as plain JSON-ready data (codes with the preset's labels)."""
    as_of = as_of or end
    received = received_in(cases, start, end, unit)
    summary = _summary(cases, received, window)
    if previous is None:
        previous = (start - (end - start), start)
    before = _summary(cases, received_in(cases, *previous, unit), window)
    by_category = _counts(received, "category", policy.categories)
    levels = {str(step.level): f"{step.level} · {policy.roles[step.role].name}" for step in policy.ladder}
    return {
        "start": start.astimezone(tz).isoformat(),
        "end": end.astimezone(tz).isoformat(),
        "timezone": str(tz),
        "as_of": as_of.astimezone(tz).isoformat(),
        "unit": {"code": unit.code, "name": unit.name} if unit else None,
        "total": summary["total"],
        "reopened": summary["reopened"],
        "rates": summary["rates"],
        "by_category": by_category,
        "by_unit": _by_unit(received),
        "by_channel": _counts(received, "channel", policy.channels),
        "by_stage": _counts(received, "stage", policy.stages),
        "by_level": _counts(received, "level", levels),
        "clocks": _clocks(cases, start, end, unit, as_of, policy),
        "previous": {"start": previous[0].astimezone(tz).isoformat(),
                     "end": previous[1].astimezone(tz).isoformat(), **before},
        "change": _change(summary, before),
        "top_causes": [
            {**row, "share": round(row["count"] / summary["total"], 4)}
            for row in by_category if row["code"]][:TOP_CAUSES],
    }


def _summary(cases: QuerySet[Case], received: QuerySet[Case], window: dt.timedelta) -> dict:
    """Totals and rates of the received cases, in one aggregate query."""
    verdicts = (CaseEvent.objects.filter(case=OuterRef("pk"), action="record_callback",
                                         new__callback_result__in=[SATISFIED, NOT_SATISFIED])
                .annotate(result=KT("new__callback_result")).order_by("-seq").values("result")[:1])
    earlier = (cases.order_by().annotate(ru=responsible_unit())
               .filter(received_at__lt=OuterRef("received_at"), received_at__gte=OuterRef("window_start"))
               .exclude(pk=OuterRef("pk"))
               .filter((Q(complainant_phone=OuterRef("complainant_phone")) & ~Q(complainant_phone=""))
                       | (Q(category=OuterRef("category"), ru=OuterRef("ru")) & ~Q(category=""))))
    row = (received
           .annotate(ru=responsible_unit(),
                     window_start=ExpressionWrapper(F("received_at") - window, output_field=DateTimeField()))
           .annotate(verdict=Subquery(verdicts, output_field=CharField()), repeat=Exists(earlier))
           .aggregate(
               total=Count("pk"),
               responded=Count("pk", filter=Q(state__in=RESPONDED)),
               resolved=Count("pk", filter=Q(state__in=RESOLVED)),
               reopened=Count("pk", filter=Q(reopen_count__gt=0)),
               verdicts=Count("pk", filter=Q(verdict__in=[SATISFIED, NOT_SATISFIED])),
               satisfied=Count("pk", filter=Q(verdict=SATISFIED)),
               repeats=Count("pk", filter=Q(repeat=True)),
           ))
    return {
        "total": row["total"],
        "reopened": row["reopened"],
        "rates": {
            "response": ratio(row["responded"], row["total"]),
            "resolution": ratio(row["resolved"], row["total"]),
            "satisfaction": ratio(row["satisfied"], row["verdicts"]),
            "repeat": ratio(row["repeats"], row["total"]),
        },
    }


def _counts(received: QuerySet[Case], field: str, labels: dict) -> list[dict]:
    """One GROUP BY: [{code, label, count}], the largest first. An empty label means the case
    gave no value (the page shows "not given")."""
    rows = received.values(field).annotate(n=Count("pk")).order_by("-n", field)
    return [{"code": str(r[field]), "label": labels.get(str(r[field]), str(r[field])) if r[field] != "" else "",
             "count": r["n"]} for r in rows]


def _by_unit(received: QuerySet[Case]) -> list[dict]:
    rows = list(received.values(u=responsible_unit()).annotate(n=Count("pk")).order_by("-n", "u"))
    units = {u.pk: u for u in Unit.objects.filter(pk__in=[r["u"] for r in rows])}
    return [{"code": units[r["u"]].code, "label": units[r["u"]].name, "count": r["n"]} for r in rows]


def _clocks(cases: QuerySet[Case], start, end, unit: Unit | None, as_of, policy: Policy) -> list[dict]:
    clocks = (Clock.objects.filter(case__in=cases.order_by().values("pk"), due_at__gte=start, due_at__lt=end)
              .exclude(state=Clock.PAUSED)
              .filter(Q(state=Clock.STOPPED) | Q(due_at__lte=as_of)))
    if unit is not None:
        clocks = clocks.filter(in_subtree(unit, "case__"))
    rows = (clocks.order_by().values("name")
            .annotate(due=Count("pk"),
                      on_time=Count("pk", filter=Q(breached_at__isnull=True, state=Clock.STOPPED,
                                                   stopped_at__lte=F("due_at"))))
            .order_by("name"))
    labels = {spec.name: spec.label for spec in policy.clocks}
    return [{"name": r["name"], "label": labels.get(r["name"], r["name"]), "due": r["due"],
             "on_time": r["on_time"], "late": r["due"] - r["on_time"], "rate": ratio(r["on_time"], r["due"])["rate"]}
            for r in rows]


def _change(now: dict, before: dict) -> dict:
    change = {"total": {"current": now["total"], "previous": before["total"],
                        "delta": now["total"] - before["total"],
                        "pct": round((now["total"] - before["total"]) / before["total"], 4)
                        if before["total"] else None}}
    for name, rate in now["rates"].items():
        old = before["rates"][name]["rate"]
        change[name] = {"current": rate["rate"], "previous": old,
                        "delta": round(rate["rate"] - old, 4) if rate["rate"] is not None and old is not None
                        else None}
    return change


# --- the weekly form's rows -----------------------------------------------------------------------

def complaint_rows(cases: QuerySet[Case], *, start, end, policy: Policy, tz: ZoneInfo,
                   unit: Unit | None = None) -> list[dict]:
    """The 《客户投诉记录表》's rows: one per case received in the period (a listing of one
    unit's week, so one query and a row each), complainant masked."""
    rows = []
    for case in received_in(cases, start, end, unit).select_related("owner").order_by("received_at", "pk"):
        callback = case.callback_result
        rows.append({
            "number": case.number,
            "date": case.received_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            "complainant": " ".join(p for p in (mask_name(case.complainant_name),
                                                 mask_phone(case.complainant_phone) if case.complainant_phone else "") if p),
            "content": f"{case.subject}：{case.description}" if case.description else case.subject,
            "category": policy.categories.get(case.category, case.category),
            "handling": case.resolution or case.reply,
            "state": case.state,
            "result": policy.states.get(case.state, case.state),
            "callback": callback,
            "handler": case.owner.get_full_name() or case.owner.username,
        })
    return rows
