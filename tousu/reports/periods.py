"""Report periods: an ISO week or a calendar month, as dates [start, end) read in the
organisation's time zone, and their bounds as aware datetimes."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

WEEKLY, MONTHLY = "weekly", "monthly"


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date  # first day
    end: dt.date  # the day after the last one

    def bounds(self, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
        return local_midnight(self.start, tz), local_midnight(self.end, tz)

    def previous(self) -> Period:
        """The period before: the week before, or the calendar month before (环比)."""
        if self.kind == WEEKLY:
            return week_of(self.start - dt.timedelta(days=7))
        return month_of(self.start - dt.timedelta(days=1))

    @property
    def code(self) -> str:
        """2026-W47 or 2026-10."""
        if self.kind == WEEKLY:
            year, week, _day = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        return f"{self.start:%Y-%m}"


def local_midnight(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=tz)


def week_of(day: dt.date) -> Period:
    monday = day - dt.timedelta(days=day.weekday())
    return Period(WEEKLY, monday, monday + dt.timedelta(days=7))


def month_of(day: dt.date) -> Period:
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return Period(MONTHLY, first, following)


def parse_week(text: str) -> Period:
    """'2026-W47' (ISO week, Monday to Sunday)."""
    match = re.fullmatch(r"(\d{4})-?W(\d{1,2})", text.strip(), re.IGNORECASE)
    if not match:
        raise ValueError(text)
    return week_of(dt.date.fromisocalendar(int(match[1]), int(match[2]), 1))


def parse_month(text: str) -> Period:
    """'2026-10'."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    if not match:
        raise ValueError(text)
    return month_of(dt.date(int(match[1]), int(match[2]), 1))
