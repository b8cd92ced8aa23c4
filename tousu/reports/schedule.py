"""The worker's report schedule, read from the preset's `[reports]`:

    weekly = "monday 09:00"   # on that weekday and time: last week's record, per department
    monthly = "15 09:00"      # on that day of the month and time: last month's analysis

`run_schedule(now)` is called every round. Once the moment of the current week (or month) has
come, the report of the previous week (month) is produced if it is not stored yet; a stored
report is never produced again, so later rounds, a restarted worker or a second worker do
nothing. A worker that was down at the moment catches up when it comes back."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone

from tousu.org.services import NotInitialised, current_policy, org_timezone

from .models import Report
from .periods import local_midnight, month_of, week_of
from .services import own_statistics_units, produce, produce_units, weekly_units

log = logging.getLogger("tousu.worker")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULTS = {"weekly": "monday 09:00", "monthly": "15 09:00"}


def parse_time(text: str) -> dt.time:
    hours, minutes = text.split(":")
    return dt.time(int(hours), int(minutes))


def weekly_moment(spec: str, today: dt.date, tz) -> dt.datetime:
    """This week's moment for a spec like 'monday 09:00'."""
    day, time = spec.lower().split()
    monday = today - dt.timedelta(days=today.weekday())
    date = monday + dt.timedelta(days=WEEKDAYS.index(day))
    return local_midnight(date, tz).replace(hour=parse_time(time).hour, minute=parse_time(time).minute)


def monthly_moment(spec: str, today: dt.date, tz) -> dt.datetime:
    """This month's moment for a spec like '15 09:00'."""
    day, time = spec.split()
    last = month_of(today).end - dt.timedelta(days=1)
    date = today.replace(day=min(int(day), last.day))  # '31' means the last day in a short month
    return local_midnight(date, tz).replace(hour=parse_time(time).hour, minute=parse_time(time).minute)


def run_schedule(now=None) -> int:
    """Produce the reports that are due and not stored yet; returns how many were produced."""
    now = now or timezone.now()
    try:
        tz, policy = org_timezone(), current_policy()
    except NotInitialised:
        return 0  # no organisation yet: nothing to report on
    specs = {**DEFAULTS, **policy.raw.get("reports", {})}
    today = now.astimezone(tz).date()
    produced = 0
    if now >= weekly_moment(specs["weekly"], today, tz):
        period = week_of(today).previous()
        done = set(Report.objects.filter(kind=Report.WEEKLY, period_start=period.start)
                   .values_list("unit_id", flat=True))
        missing = [unit for unit in weekly_units() if unit.pk not in done]
        if missing:  # every department's record from one set of queries
            produce_units(period, missing, now=now, replace=False)
            produced += len(missing)
        produced += _own_statistics(period, done, now)
    if now >= monthly_moment(specs["monthly"], today, tz):
        period = month_of(today).previous()
        if not Report.objects.filter(kind=Report.MONTHLY, period_start=period.start, unit__isnull=True).exists():
            produce(period, None, now=now, replace=False)
            produced += 1
        done = set(Report.objects.filter(kind=Report.MONTHLY, period_start=period.start)
                   .values_list("unit_id", flat=True))
        produced += _own_statistics(period, done, now)
    if produced:
        log.info("reports produced: %s", produced)
    return produced


def _own_statistics(period, done: set, now) -> int:
    """The period's statistics of each unit the preset names (`[reports] units`) not stored yet;
    they may lie below a department, so they are computed apart from the departments'."""
    missing = [unit for unit in own_statistics_units() if unit.pk not in done]
    if missing:
        produce_units(period, missing, now=now, replace=False)
    return len(missing)
