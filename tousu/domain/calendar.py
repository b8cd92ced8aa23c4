"""Working-day calendar and deadline arithmetic for complaint handling.

Pure Python: the standard library plus ``chinese_calendar``; no Django.

A day is a working day according to, in this order:

1. the organisation's own override for that date (from the database);
2. ``chinese_calendar`` when it covers the year (official holidays and the
   make-up working days 调休 that fall on weekends);
3. the weekend rule (Monday to Friday are working days).

A year is *known* when ``chinese_calendar`` covers it or an administrator
loaded its official holiday list into the database (``loaded_years``).
Deadlines that depend on a day in an unknown year are *provisional*: they may
move once that year's holidays are published and loaded.

A paused working-day clock keeps the working time it had left, not the wall-clock
time, so that a pause over a weekend or holiday neither spends nor gains those days
(``remaining_for`` at the pause, ``resumed_due`` at the resume).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar

UNITS = ("minutes", "hours", "natural_days", "working_days", "calendar_months")


@dataclass(frozen=True)
class Deadline:
    """A computed deadline."""

    due_at: datetime  # aware, UTC
    provisional: bool  # True when any day examined fell in a year whose holidays are unknown


@lru_cache(maxsize=None)
def _library_covers(year: int) -> bool:
    """Whether ``chinese_calendar`` has holiday data for ``year``."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def _weekend_rule(d: date) -> bool:
    """Monday to Friday are working days."""
    return d.weekday() < 5


class WorkCalendar:
    """Decides which days are working days, and adds working days to a date."""

    def __init__(
        self,
        overrides: Mapping[date, bool] | None = None,
        loaded_years: Iterable[int] = (),
    ) -> None:
        """Build a calendar.

        overrides: organisation's own rows from the database, date -> True (a working day) /
            False (a day off).
        loaded_years: years for which an administrator loaded the official holiday list into the
            database (so they count as known even when chinese_calendar does not cover them).
        """
        self._overrides: dict[date, bool] = dict(overrides or {})
        self._loaded_years: frozenset[int] = frozenset(loaded_years)

    def day(self, d: date) -> tuple[bool, bool]:
        """Return ``(is_workday, known)`` for ``d``.

        An override for ``d`` wins (known); else ``chinese_calendar`` if it covers ``d.year``
        (known); else the weekend rule, known only when ``d.year`` is in ``loaded_years``.
        """
        if d in self._overrides:
            return self._overrides[d], True
        if _library_covers(d.year):
            return chinese_calendar.is_workday(d), True
        return _weekend_rule(d), d.year in self._loaded_years

    def is_workday(self, d: date) -> bool:
        """Whether ``d`` is a working day."""
        return self.day(d)[0]

    def known_year(self, year: int) -> bool:
        """Whether the holidays of ``year`` are known (chinese_calendar or loaded by an admin)."""
        return _library_covers(year) or year in self._loaded_years

    def add_working_days(self, start: date, n: int) -> tuple[date, bool]:
        """Return ``(date of the n-th working day after start, provisional)``.

        ``start`` itself never counts. The result is provisional when any examined day (each day
        in ``(start, result]``) is unknown. ``n == 0`` returns ``(start, not known(start))``.
        Raises ``ValueError`` when ``n`` is negative.
        """
        if n < 0:
            raise ValueError(f"number of working days must be >= 0, got {n}")
        if n == 0:
            _, known = self.day(start)
            return start, not known
        current = start
        provisional = False
        remaining = n
        while remaining > 0:
            current += timedelta(days=1)
            workday, known = self.day(current)
            provisional = provisional or not known
            if workday:
                remaining -= 1
        return current, provisional


def _start_of_day(d: date, tz: ZoneInfo) -> datetime:
    """Local midnight at the start of ``d`` in ``tz``, as an aware UTC datetime."""
    return datetime.combine(d, time(0), tzinfo=tz).astimezone(timezone.utc)


def _check_aware(name: str, moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive datetime {moment.isoformat()}")


def _check_unit(unit: str) -> None:
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}; expected one of {', '.join(UNITS)}")


def months_later(d: date, months: int) -> date:
    """The day ``months`` months after ``d`` that has the same day number, or the last day of
    that month when it is too short (31 January + 1 month is 28 or 29 February).

    This is how the Civil Code ends a period counted in months (民法典 第二百零二条: 到期月的
    对应日为期间的最后一日;没有对应日的,月末日为期间的最后一日).
    """
    index = d.month - 1 + months
    year, month = d.year + index // 12, index % 12 + 1
    following = date(year + month // 12, month % 12 + 1, 1)
    return date(year, month, min(d.day, (following - timedelta(days=1)).day))


def compute_due(
    start: datetime, amount: int, unit: str, tz: ZoneInfo, calendar: WorkCalendar
) -> Deadline:
    """Compute the deadline ``amount`` ``unit``s after ``start``.

    minutes/hours: ``start`` plus the exact elapsed duration.
    natural_days: the end of the ``amount``-th day after the local date of ``start`` in ``tz``
        (``amount == 0`` is the end of the start day).
    working_days: the end of the ``amount``-th working day after the local date of ``start``
        (the start day never counts; ``amount == 0`` is the end of the start day).
    calendar_months: a period of months as the Civil Code counts it, for clocks a regulation
        sets in months. The start day does not count (民法典 第二百零一条), the last day is
        the day of the ``amount``-th following month with the start's local day number, or
        that month's last day when it has no such day (第二百零二条: 31 January + 1 month
        ends on 28 or 29 February), and the period ends at 24:00 of that day (第二百零三条
        第二款). Like natural_days it ignores holidays, so it is never provisional: the rule of
        第二百零三条 第一款 that moves a last day falling on a statutory holiday to the day
        after the holiday is not applied, and the deadline does not wait on holiday lists that
        may not be published yet.

    "End of day D" is local midnight starting D + 1. The result is in UTC.
    Raises ``ValueError`` for a naive ``start``, a negative ``amount`` or an unknown ``unit``.
    """
    _check_aware("start", start)
    if amount < 0:
        raise ValueError(f"amount must be >= 0, got {amount}")
    _check_unit(unit)

    # Convert first: adding a timedelta to a datetime in a zone with DST moves the wall clock,
    # not the elapsed time.
    start_utc = start.astimezone(timezone.utc)
    if unit == "minutes":
        return Deadline(start_utc + timedelta(minutes=amount), False)
    if unit == "hours":
        return Deadline(start_utc + timedelta(hours=amount), False)

    local_date = start.astimezone(tz).date()
    if unit == "natural_days":
        return Deadline(_start_of_day(local_date + timedelta(days=amount + 1), tz), False)
    if unit == "calendar_months":
        last_day = months_later(local_date, amount)
        return Deadline(_start_of_day(last_day + timedelta(days=1), tz), False)

    last_day, provisional = calendar.add_working_days(local_date, amount)
    return Deadline(_start_of_day(last_day + timedelta(days=1), tz), provisional)


def _whole_second(moment: datetime) -> datetime:
    """``moment`` in UTC, rounded up to the whole second.

    Working time is stored as whole seconds, so both functions below count from whole seconds;
    rounding up (not down) keeps a resumed clock from falling due before it resumed.
    """
    utc = moment.astimezone(timezone.utc)
    if utc.microsecond:
        utc = utc.replace(microsecond=0) + timedelta(seconds=1)
    return utc


def working_seconds_between(
    start: datetime, end: datetime, tz: ZoneInfo, calendar: WorkCalendar
) -> int:
    """The seconds of ``[start, end)`` that fall on working days in ``tz``; 0 when end <= start.

    A working day counts whole, from 00:00 to 24:00 local, because a working-day deadline is
    24:00 of a working day: the time left on such a clock is the working time before it, and
    what passes on weekends and holidays is not spent. A day's length is its real length, so a
    working day on which daylight saving time starts counts 23 hours. Instants are taken to the
    whole second, rounded up.
    """
    _check_aware("start", start)
    _check_aware("end", end)
    current, end_utc = _whole_second(start), _whole_second(end)
    day = current.astimezone(tz).date()
    total = 0
    while current < end_utc:
        day_end = _start_of_day(day + timedelta(days=1), tz)
        if calendar.is_workday(day):
            total += int((min(day_end, end_utc) - current).total_seconds())
        current, day = day_end, day + timedelta(days=1)
    return total


def add_working_seconds(
    start: datetime, seconds: int, tz: ZoneInfo, calendar: WorkCalendar
) -> Deadline:
    """The first instant at which ``seconds`` seconds of working-day time have passed after
    ``start``, in UTC, so that ``working_seconds_between(start, result) == seconds``.

    Time on days that are not working days is skipped, so a start on a weekend or holiday
    begins counting at 00:00 of the next working day, and a count that ends exactly at 24:00
    of a working day ends there, not after the days off that follow. ``seconds == 0`` is
    ``start`` itself (rounded up to the whole second), even on a day off: a clock with nothing
    left is due at once. The result is provisional when any day examined (from the start's
    local date to the last day counted; none for ``seconds == 0``) lies in a year whose
    holidays are unknown.
    Raises ``ValueError`` for a naive ``start`` or negative ``seconds``.
    """
    _check_aware("start", start)
    if seconds < 0:
        raise ValueError(f"seconds must be >= 0, got {seconds}")
    current = _whole_second(start)
    if seconds == 0:
        return Deadline(current, False)
    day = current.astimezone(tz).date()
    remaining = seconds
    provisional = False
    while True:
        workday, known = calendar.day(day)
        provisional = provisional or not known
        day_end = _start_of_day(day + timedelta(days=1), tz)
        if workday:
            available = int((day_end - current).total_seconds())
            if remaining <= available:
                return Deadline(current + timedelta(seconds=remaining), provisional)
            remaining -= available
        current, day = day_end, day + timedelta(days=1)


def remaining_for(
    unit: str, paused_at: datetime, due_at: datetime, tz: ZoneInfo, calendar: WorkCalendar
) -> int:
    """The seconds to store when a clock counted in ``unit`` is paused at ``paused_at``.

    A working-day clock keeps the working time it had left, so a pause from Friday evening to
    Monday morning neither spends nor gains the weekend; every other unit keeps the wall-clock
    time left, since its deadline runs through weekends and holidays anyway. Never negative:
    a clock paused after its due time has nothing left.
    Raises ``ValueError`` for an unknown ``unit`` or a naive datetime.
    """
    _check_unit(unit)
    _check_aware("paused_at", paused_at)
    _check_aware("due_at", due_at)
    if unit == "working_days":
        return working_seconds_between(paused_at, due_at, tz, calendar)
    return max(int((due_at - paused_at).total_seconds()), 0)


def resumed_due(
    unit: str, resumed_at: datetime, remaining: int, tz: ZoneInfo, calendar: WorkCalendar
) -> Deadline:
    """The new deadline of a clock counted in ``unit`` resumed at ``resumed_at`` with
    ``remaining`` seconds stored by :func:`remaining_for`.

    Working-day clocks spend ``remaining`` on working days only (and may be provisional when
    that runs into a year whose holidays are unknown); every other unit adds it as elapsed
    time. The result is in UTC.
    Raises ``ValueError`` for an unknown ``unit``, a naive ``resumed_at`` or a negative
    ``remaining``.
    """
    _check_unit(unit)
    _check_aware("resumed_at", resumed_at)
    if remaining < 0:
        raise ValueError(f"remaining must be >= 0, got {remaining}")
    if unit == "working_days":
        return add_working_seconds(resumed_at, remaining, tz, calendar)
    return Deadline(resumed_at.astimezone(timezone.utc) + timedelta(seconds=remaining), False)


def compute_warn(due_at: datetime, warn_minutes: int) -> datetime:
    """The moment to warn: ``warn_minutes`` before ``due_at``."""
    return due_at - timedelta(minutes=warn_minutes)
