"""Producing and storing reports. The only writer of `Report`."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from tousu.org.models import Unit
from tousu.org.services import current_policy, org_timezone

from . import figures
from .models import Report
from .periods import WEEKLY, Period
from .selectors import cases_for_reports


def compute(period: Period, unit: Unit | None = None, *, now=None) -> dict:
    """The report's figures (and, for a weekly record, its rows) as of `now`."""
    if unit is not None:
        return compute_units(period, [unit], now=now)[unit.pk]
    tz, policy = org_timezone(), current_policy()
    start, end = period.bounds(tz)
    data = figures.compute(cases_for_reports(), start=start, end=end, policy=policy, tz=tz,
                           previous=period.previous().bounds(tz), as_of=now or timezone.now())
    if period.kind == WEEKLY:
        data["rows"] = figures.complaint_rows(cases_for_reports(), start=start, end=end, policy=policy, tz=tz)
    else:
        from tousu.routing.selectors import acceptance

        accepted = acceptance(start, end)  # the intake's suggestions taken (issue 14)
        if accepted:
            data["suggestions"] = accepted
    return _with_period(data, period)


def compute_units(period: Period, units: list[Unit], *, now=None) -> dict[int, dict]:
    """`compute()` of several units that do not lie below one another, {unit id: figures}. The
    weekly records of the departments are read with one set of queries grouped by unit, not
    one set per unit, so the weekly run costs about what one department's record costs,
    whatever their number (docs/performance.md)."""
    tz, policy = org_timezone(), current_policy()
    start, end = period.bounds(tz)
    found = figures.compute_units(cases_for_reports(), units=units, start=start, end=end, policy=policy, tz=tz,
                                  previous=period.previous().bounds(tz), as_of=now or timezone.now())
    rows = {}
    if period.kind == WEEKLY:
        rows = figures.complaint_rows_units(cases_for_reports(), units=units, start=start, end=end,
                                            policy=policy, tz=tz)
    for pk, data in found.items():
        _with_period(data, period)
        if period.kind == WEEKLY:
            data["rows"] = rows[pk]
    return found


def _with_period(data: dict, period: Period) -> dict:
    data["period"] = {"kind": period.kind, "code": period.code, "start": period.start.isoformat(),
                      "end": period.end.isoformat()}
    return data


def produce(period: Period, unit: Unit | None = None, *, now=None, replace: bool = True) -> Report:
    """Compute and store the report. With replace=False an existing report is kept as it is
    (the scheduler: once per period); with replace=True (on demand) it is refreshed."""
    if unit is not None:
        return produce_units(period, [unit], now=now, replace=replace)[0]
    existing = Report.objects.filter(kind=period.kind, period_start=period.start, unit=None).first()
    if existing is not None and not replace:
        return existing
    return _store(period, None, compute(period, None, now=now), existing)


def produce_units(period: Period, units: list[Unit], *, now=None, replace: bool = True) -> list[Report]:
    """`produce()` for several units that do not lie below one another (the weekly run), their
    figures computed together (`compute_units`); the reports in the order of `units`."""
    existing = {r.unit_id: r for r in Report.objects.filter(kind=period.kind, period_start=period.start,
                                                            unit__in=units)}
    wanted = [u for u in units if replace or u.pk not in existing]
    found = compute_units(period, wanted, now=now) if wanted else {}
    return [_store(period, u, found[u.pk], existing.get(u.pk)) if u.pk in found else existing[u.pk]
            for u in units]


def _store(period: Period, unit: Unit | None, data: dict, existing: Report | None) -> Report:
    if existing is not None and existing.locked:
        return existing  # submitted or approved (filing.py): it stays as it was submitted
    if existing is not None:
        existing.figures, existing.period_end = data, period.end
        existing.save(update_fields=["figures", "period_end"])
        return existing
    try:
        with transaction.atomic():
            return Report.objects.create(kind=period.kind, period_start=period.start, period_end=period.end,
                                         unit=unit, figures=data)
    except IntegrityError:  # another worker stored it a moment ago
        return Report.objects.get(kind=period.kind, period_start=period.start, unit=unit)


def weekly_units() -> list[Unit]:
    """The units that file a weekly record: the top-level departments (the children of the
    root units), or the roots themselves when they have none."""
    roots = list(Unit.objects.filter(parent__isnull=True))
    children = list(Unit.objects.filter(parent__in=roots).order_by("path"))
    return children or roots


def own_statistics_units() -> list[Unit]:
    """The units that get their own weekly and monthly statistics besides the departments'
    records and the organisation's monthly report: those of the unit kinds the preset names in
    `[reports] units` (the bank's outlets, whose complaint manager does the statistics, 第四条)."""
    kinds = current_policy().raw.get("reports", {}).get("units", [])
    return list(Unit.objects.filter(kind__in=kinds).order_by("path")) if kinds else []
