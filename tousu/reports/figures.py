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
  the receiving unit. The same rule places each case in ``by_unit``. `compute_units` gives the
  figures of several units that do not lie below one another (the weekly records of every
  department) from one set of queries grouped by unit, so the weekly run costs about what one
  department's record costs.

The rates (each stored as numerator, denominator and their ratio, or None when nothing counts)
---------------------------------------------------------------------------------------------
- 响应率 response: received cases now in a state their kind's figures count as responded
  (`[kinds.X.figures] responded`; the complaint kind: accepted or further on, not withdrawn
  or rejected) among all received.
- 解决率 resolution: received cases now in a state their kind counts as resolved (`resolved`)
  among all received.
- 满意率 satisfaction: among received cases with a call-back whose outcome is a verdict
  (`verdicts`: the complaint kind's satisfied or not satisfied; "unreachable" gives none), those
  whose **latest** such call-back was satisfied (`satisfied`).
- repeat rate: received cases that repeat an earlier one, among all received, by the one rule
  of `tousu.cases.selectors` (REPEAT_MATCHES) that the case page's repeat flag follows: within
  the `[repeats] window_days` of the case's kind, the same category against the same handling
  unit or responsible employee about the same matter (a SameMatter pair: a similar text, the same
  place or organisation), or the same complainant phone, received strictly before (two
  cases received at the same moment do not repeat each other). The earlier case may lie before
  the period.
- on time, per clock name: clocks **due** in the period (``start <= due_at < end``) whose
  outcome is known at the cut-off (stopped, or due by then), paused clocks left out. A clock is
  on time when it was stopped no later than its due time and never breached. This looks at the
  clocks' due times, not at when their cases were received: a September case whose clock fell
  due in October counts in October's timeliness, but not in October's cases.

Every kind at once: each case is read through its own kind's figures (a case of a kind the
policy no longer has, through the default kind, as `Policy.kind` reads it), the conditions of
the kinds joined with OR (`per_kind`). A state counted as responded in one kind and not in
another is then counted right in both, which a union of the kinds' codes would not do; with one
kind (every shipped preset) the condition is that kind's alone, so the numbers and queries are
those of a single-kind report.

Change against the previous period: totals and rates of the period before (the week before,
the calendar month before, or the same length before for any other period), with the
difference (rates in percentage points). Top causes: the categories with the most cases.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.db import connections, models
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    ValueRange,
    When,
    Window,
    WindowFrameExclusion,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, LastValue
from django.utils.translation import gettext as _

from tousu.cases.models import Case, CaseEvent, Clock
from tousu.cases.selectors import (DIRECT_MATCHES, mask_name, mask_phone, repeat_given, repeats_earlier,
                                   same_matter_repeat)
from tousu.domain.policy import Kind, Policy
from tousu.org.models import Unit

TOP_CAUSES = 5
WHOLE = 0  # the group key of the figures of every unit (no unit given)


def per_kind(policy: Policy, pick: Callable[[Kind], Q], prefix: str = "") -> Q:
    """`pick(kind)` for the cases of each kind, joined with OR (`prefix` 'case__' for rows that
    point at a case). A case of a kind the policy does not have is read through the default
    kind. With one kind, `pick` of that kind alone."""
    if len(policy.kinds) == 1:
        return pick(policy.kind())
    found = Q(pk__in=[])
    for code, kind in policy.kinds.items():
        mine = Q(**{f"{prefix}kind": code})
        if code == policy.default_kind:
            mine |= ~Q(**{f"{prefix}kind__in": list(policy.kinds)})
        found |= mine & pick(kind)
    return found


def responsible_unit():
    return Coalesce("target_unit", "receiving_unit")


def received_in(cases: QuerySet[Case], start: dt.datetime, end: dt.datetime) -> QuerySet[Case]:
    return cases.filter(received_at__gte=start, received_at__lt=end).order_by()


def placed(qs: QuerySet, units: list[Unit] | None, prefix: str = "") -> QuerySet:
    """`qs` (cases, or clocks with prefix 'case__') with `grp`: the id of the unit among `units`
    that the responsible unit is or lies below; rows under none of them are left out. With
    units None, every row is in the one group WHOLE. The units must not overlap (one below
    another), or a case would count in one of them only."""
    if units is None:
        return qs.annotate(grp=Value(WHOLE))
    paths = sorted(u.path for u in units)
    if any(b.startswith(a) for a, b in zip(paths, paths[1:])):
        raise ValueError("units must not lie below one another")
    path = Coalesce(f"{prefix}target_unit__path", f"{prefix}receiving_unit__path")
    return (qs.annotate(responsible_path=path)
            .annotate(grp=models.Case(*[When(responsible_path__startswith=u.path, then=Value(u.pk)) for u in units]))
            .filter(grp__isnull=False))


def key_of(unit: Unit | None) -> int:
    return unit.pk if unit is not None else WHOLE


def ratio(num: int, den: int) -> dict:
    return {"num": num, "den": den, "rate": round(num / den, 4) if den else None}


# --- the figures ------------------------------------------------------------------------------

def compute(cases: QuerySet[Case], *, start: dt.datetime, end: dt.datetime, policy: Policy, tz: ZoneInfo,
            unit: Unit | None = None, previous: tuple[dt.datetime, dt.datetime] | None = None,
            as_of: dt.datetime | None = None) -> dict:
    """Every figure of the period as plain JSON-ready data (codes with the preset's labels),
    of every case or, given a unit, of the cases of that unit and below."""
    found = _compute(cases, units=[unit] if unit is not None else None, start=start, end=end, policy=policy,
                     tz=tz, previous=previous, as_of=as_of)
    return found[key_of(unit)]


def compute_units(cases: QuerySet[Case], *, units: list[Unit], start: dt.datetime, end: dt.datetime,
                  policy: Policy, tz: ZoneInfo, previous: tuple[dt.datetime, dt.datetime] | None = None,
                  as_of: dt.datetime | None = None) -> dict[int, dict]:
    """`compute()` for each of several units side by side (the weekly records of every
    department), {unit id: figures}: the same figures, read with one set of queries grouped by
    unit rather than one set per unit. The units must not lie below one another."""
    if not units:
        return {}
    return _compute(cases, units=units, start=start, end=end, policy=policy, tz=tz, previous=previous,
                    as_of=as_of)


def _compute(cases, *, units, start, end, policy, tz, previous, as_of) -> dict[int, dict]:
    as_of = as_of or end
    received = placed(received_in(cases, start, end), units)
    if previous is None:
        previous = (start - (end - start), start)
    summaries = _summaries(cases, start, end, units, policy)
    befores = _summaries(cases, *previous, units, policy)
    levels = {str(step.level): f"{step.level} · {policy.roles[step.role].name}" for step in policy.ladder}
    by_category = _counts(received, "category", policy.categories)
    by_unit = _by_unit(received)
    by_channel = _counts(received, "channel", policy.channels)
    by_stage = _counts(received, "stage", policy.stages)
    by_level = _counts(received, "level", levels)
    clocks = _clocks(cases, start, end, units, as_of, policy)
    out = {}
    for unit in units if units is not None else [None]:
        key = key_of(unit)
        summary, before = summaries.get(key, _summary_of(None)), befores.get(key, _summary_of(None))
        out[key] = {
            "start": start.astimezone(tz).isoformat(),
            "end": end.astimezone(tz).isoformat(),
            "timezone": str(tz),
            "as_of": as_of.astimezone(tz).isoformat(),
            "unit": {"code": unit.code, "name": unit.name} if unit else None,
            "total": summary["total"],
            "reopened": summary["reopened"],
            "rates": summary["rates"],
            "by_category": by_category[key],
            "by_unit": by_unit[key],
            "by_channel": by_channel[key],
            "by_stage": by_stage[key],
            "by_level": by_level[key],
            "clocks": clocks[key],
            "previous": {"start": previous[0].astimezone(tz).isoformat(),
                         "end": previous[1].astimezone(tz).isoformat(), **before},
            "change": _change(summary, before),
            "top_causes": [
                {**row, "share": round(row["count"] / summary["total"], 4)}
                for row in by_category[key] if row["code"]][:TOP_CAUSES],
        }
    return out


def _summaries(cases: QuerySet[Case], start: dt.datetime, end: dt.datetime, units: list[Unit] | None,
               policy: Policy) -> dict[int, dict]:
    """Totals and rates of the cases received in [start, end), per group, in one aggregate query."""
    received = placed(received_in(cases, start, end), units)
    verdicts = (CaseEvent.objects.filter(per_kind(policy, lambda k: Q(new__callback_result__in=k.figures.verdicts),
                                                  "case__"), case=OuterRef("pk"), action="record_callback")
                .annotate(result=KT("new__callback_result")).order_by("-seq").values("result")[:1])
    rows = (received
            .annotate(verdict=Subquery(verdicts, output_field=CharField()),
                      repeat=ExpressionWrapper(_repeats(cases, start, end, policy),
                                               output_field=BooleanField()))
            .values("grp")
            .annotate(
                total=Count("pk"),
                responded=Count("pk", filter=per_kind(policy, lambda k: Q(state__in=k.figures.responded))),
                resolved=Count("pk", filter=per_kind(policy, lambda k: Q(state__in=k.figures.resolved))),
                reopened=Count("pk", filter=Q(reopen_count__gt=0)),
                verdicts=Count("pk", filter=Q(verdict__isnull=False)),
                pleased=Count("pk", filter=per_kind(policy, lambda k: Q(verdict__in=k.figures.satisfied))),
                repeats=Count("pk", filter=Q(repeat=True)),
            ).order_by())
    return {row["grp"]: _summary_of(row) for row in rows}


def _summary_of(row: dict | None) -> dict:
    row = row or dict.fromkeys(("total", "responded", "resolved", "reopened", "verdicts", "pleased",
                                "repeats"), 0)
    return {
        "total": row["total"],
        "reopened": row["reopened"],
        "rates": {
            "response": ratio(row["responded"], row["total"]),
            "resolution": ratio(row["resolved"], row["total"]),
            "satisfaction": ratio(row["pleased"], row["verdicts"]),
            "repeat": ratio(row["repeats"], row["total"]),
        },
    }


def _repeats(cases: QuerySet[Case], start: dt.datetime, end: dt.datetime, policy: Policy) -> Q:
    """The repeat test of a received case (`tousu.cases.selectors`' rule), as a condition, each
    case within its kind's window. Its cost must follow the cases counted: a test per case that
    reads the window again (a correlated EXISTS) took 34 s for a month at a million cases on
    PostgreSQL (docs/performance.md).

    PostgreSQL: one pass over the cases of the window before the period and of the period, by
    window functions: for each of DIRECT_MATCHES (the same phone), each case's latest case received strictly
    before it with the same fields (EXCLUDE GROUP leaves out the case and any received at the
    same moment); the case repeats when one of them, its fields given, is at most the window
    older. SQLite recomputes a frame with EXCLUDE for every row (quadratic in a busy unit's
    cases) but answers an EXISTS per case from its indexes quickly, so there the test is the
    EXISTS of `repeats_earlier`. The matches that need a pair about the same matter (the same
    category in the same unit or against the same person) are read on both from the case's own
    SameMatter pairs, an index lookup per case (`same_matter_repeat`)."""
    if connections[cases.db].vendor != "postgresql":
        return per_kind(policy, lambda kind: Q(repeats_earlier(kind.repeat_window_days, among=cases)))

    def oldest(kind: Kind) -> ExpressionWrapper:
        return ExpressionWrapper(F("received_at") - dt.timedelta(days=kind.repeat_window_days),
                                 output_field=DateTimeField())

    def within(kind: Kind) -> Q:
        found = Q(pk__in=[])
        for i, group in enumerate(DIRECT_MATCHES):
            found |= Q(**{f"before_{i}__gte": oldest(kind)}) & repeat_given(group)
        return found

    longest = dt.timedelta(days=max(kind.repeat_window_days for kind in policy.kinds.values()))
    before = {f"before_{i}": Window(LastValue("received_at"), partition_by=[F(name) for name in group],
                                    order_by=F("received_at").asc(),
                                    frame=ValueRange(start=None, end=0, exclusion=WindowFrameExclusion.GROUP))
              for i, group in enumerate(DIRECT_MATCHES)}
    repeated = received_in(cases, start - longest, end).annotate(**before).filter(per_kind(policy, within))
    # the same category in the same unit or against the same person counts only for a pair about
    # the same matter: read from the case's own SameMatter pairs (an index lookup per case)
    linked = per_kind(policy, lambda kind: Q(same_matter_repeat(kind.repeat_window_days, among=cases)))
    return Q(pk__in=repeated.values("pk")) | linked


def _counts(received: QuerySet[Case], field: str, labels: dict) -> dict[int, list[dict]]:
    """One GROUP BY: per group, [{code, label, count}], the largest first. An empty label means
    the case gave no value (the page shows "not given")."""
    out: dict[int, list[dict]] = defaultdict(list)
    for r in received.values("grp", field).annotate(n=Count("pk")).order_by("-n", field):
        out[r["grp"]].append({"code": str(r[field]),
                              "label": labels.get(str(r[field]), str(r[field])) if r[field] != "" else "",
                              "count": r["n"]})
    return out


def _by_unit(received: QuerySet[Case]) -> dict[int, list[dict]]:
    rows = list(received.values("grp", u=responsible_unit()).annotate(n=Count("pk")).order_by("-n", "u"))
    units = {u.pk: u for u in Unit.objects.filter(pk__in={r["u"] for r in rows})}
    out: dict[int, list[dict]] = defaultdict(list)
    for r in rows:
        out[r["grp"]].append({"code": units[r["u"]].code, "label": units[r["u"]].name, "count": r["n"]})
    return out


def _clocks(cases: QuerySet[Case], start, end, units: list[Unit] | None, as_of,
            policy: Policy) -> dict[int, list[dict]]:
    clocks = (Clock.objects.filter(case__in=cases.order_by().values("pk"), due_at__gte=start, due_at__lt=end)
              .exclude(state=Clock.PAUSED)
              .filter(Q(state=Clock.STOPPED) | Q(due_at__lte=as_of)))
    rows = (placed(clocks, units, "case__").values("grp", "name")
            .annotate(due=Count("pk"),
                      on_time=Count("pk", filter=Q(breached_at__isnull=True, state=Clock.STOPPED,
                                                   stopped_at__lte=F("due_at"))))
            .order_by("name"))
    labels = {spec.name: spec.label for spec in policy.clocks}
    out: dict[int, list[dict]] = defaultdict(list)
    for r in rows:
        out[r["grp"]].append({"name": r["name"], "label": labels.get(r["name"], r["name"]), "due": r["due"],
                              "on_time": r["on_time"], "late": r["due"] - r["on_time"],
                              "rate": ratio(r["on_time"], r["due"])["rate"]})
    return out


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
    return _rows(cases, units=[unit] if unit is not None else None, start=start, end=end, policy=policy,
                 tz=tz)[key_of(unit)]


def complaint_rows_units(cases: QuerySet[Case], *, units: list[Unit], start, end, policy: Policy,
                         tz: ZoneInfo) -> dict[int, list[dict]]:
    """`complaint_rows()` of several units (that do not lie below one another) in one query."""
    if not units:
        return {}
    return _rows(cases, units=units, start=start, end=end, policy=policy, tz=tz)


ROW_FIELDS = ("grp", "number", "received_at", "complainant_name", "complainant_phone", "subject", "description",
              "category", "resolution", "reply", "kind", "state", "callback_result", "owner__first_name",
              "owner__last_name", "owner__username", "severity", "occurred_at", "place", "people_involved",
              "target_unit__name", "receiving_unit__name", "stage", "compensation", "replied_at")


def confidential(kind, case: dict) -> str:
    """A case at a level only some roles may see (`visible_to`, e.g. an opinion item) is counted
    in a report like any other but its content stays out: the stored report and its xlsx and
    docx copies are read by people the level hides it from. Returns the placeholder, or ""."""
    if case["severity"] in kind.level_visibility:
        return _("(confidential: %(number)s, see the case)") % {"number": case["number"]}
    return ""


def _local(when, tz: ZoneInfo) -> str:
    return when.astimezone(tz).strftime("%Y-%m-%d %H:%M") if when else ""


def _rows(cases, *, units, start, end, policy: Policy, tz: ZoneInfo) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {key_of(u): [] for u in (units if units is not None else [None])}
    rows = placed(received_in(cases, start, end), units).order_by("received_at", "pk").values(*ROW_FIELDS)
    for case in rows:  # plain values, not model instances: a busy week holds thousands of rows
        owner = f"{case['owner__first_name']} {case['owner__last_name']}".strip()
        kind = policy.kind(case["kind"])
        out[case["grp"]].append({
            "number": case["number"],
            "date": case["received_at"].astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            "complainant": " ".join(p for p in (mask_name(case["complainant_name"]),
                                                 mask_phone(case["complainant_phone"]) if case["complainant_phone"]
                                                 else "") if p),
            "content": confidential(kind, case) or (f"{case['subject']}：{case['description']}"
                                                     if case["description"] else case["subject"]),
            "category": policy.categories.get(case["category"], case["category"]),
            "handling": "" if confidential(kind, case) else case["resolution"] or case["reply"],
            "state": case["state"],
            "result": kind.state_labels().get(case["state"], case["state"]),
            "callback": case["callback_result"],
            "callback_label": kind.outcomes.get(case["callback_result"], case["callback_result"]),
            "handler": owner or case["owner__username"],
            # The record's further columns (text 五's 《客户投诉记录表》, issue 10).
            "occurred": _local(case["occurred_at"], tz),
            "place": case["place"],
            "people": "" if confidential(kind, case) else case["people_involved"],
            "target_unit": case["target_unit__name"] or case["receiving_unit__name"],
            "stage": kind.stages.get(case["stage"], case["stage"]),
            "compensation": float(case["compensation"] or 0),
            "reply_time": _local(case["replied_at"], tz),
        })
    return out


def monthly_rates(cases: QuerySet[Case], *, months: list[tuple[dt.datetime, dt.datetime]],
                  policy: Policy) -> list[dict]:
    """For each [start, end) in `months`: the cases received and their 响应率 / 解决率 / 满意率,
    by the same definitions as the monthly report (one aggregate query a month)."""
    return [_summaries(cases, start, end, None, policy).get(WHOLE, _summary_of(None)) for start, end in months]
