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
    tz, policy = org_timezone(), current_policy()
    now = now or timezone.now()
    start, end = period.bounds(tz)
    data = figures.compute(cases_for_reports(), start=start, end=end, policy=policy, tz=tz, unit=unit,
                           previous=period.previous().bounds(tz), as_of=now)
    data["period"] = {"kind": period.kind, "code": period.code, "start": period.start.isoformat(),
                      "end": period.end.isoformat()}
    if period.kind == WEEKLY:
        data["rows"] = figures.complaint_rows(cases_for_reports(), start=start, end=end, policy=policy,
                                              tz=tz, unit=unit)
    return data


def produce(period: Period, unit: Unit | None = None, *, now=None, replace: bool = True) -> Report:
    """Compute and store the report. With replace=False an existing report is kept as it is
    (the scheduler: once per period); with replace=True (on demand) it is refreshed."""
    existing = Report.objects.filter(kind=period.kind, period_start=period.start, unit=unit).first()
    if existing is not None and not replace:
        return existing
    data = compute(period, unit, now=now)
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
