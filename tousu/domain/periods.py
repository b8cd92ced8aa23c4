"""Statutory periods counted as the law counts them (民法典 第二百零一条至第二百零三条).

A period the law sets in days or months, e.g. 60 days to apply for administrative
reconsideration (行政复议法 第二十条) or six months to sue (行政诉讼法 第四十六条), runs from
a day (the day a decision was served) and ends on a day:

- 第二百零一条: the day it starts from is not counted; counting begins the next day, so a
  60-day period from 1 March ends on 30 April;
- 第二百零二条: a period in months ends on the day of the last month with the same number (到期
  月的对应日), or on that month's last day when it has none (31 August + 6 months: 28 or 29
  February);
- 第二百零三条: when the last day is a statutory rest day (法定休假日: a weekend day or an
  official holiday, 调休 make-up working days being working days) the period ends on the next
  working day, at 24:00 (the organisation's business hours are not modelled).

Pure Python: the working calendar (`calendar.WorkCalendar`) says which days are rest days, so
the holidays and make-up days of `chinese_calendar` and the database apply. A last day in a
year whose holidays are unknown makes the result provisional.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .calendar import WorkCalendar, months_later

PERIOD_UNITS = ("days", "months")


@dataclass(frozen=True)
class PeriodEnd:
    """The last day of a statutory period."""

    last_day: date  # the period ends at 24:00 of this day
    nominal_day: date  # the last day before a rest day moved it (equal when it did not)
    provisional: bool  # a day examined lies in a year whose holidays are unknown

    @property
    def moved(self) -> bool:
        """Whether 第二百零三条 moved the end past rest days."""
        return self.last_day != self.nominal_day


def period_end(start: date, amount: int, unit: str, calendar: WorkCalendar) -> PeriodEnd:
    """The last day of a period of ``amount`` ``unit``s (``days`` or ``months``) that starts
    on ``start`` (the day of service, say), counted as 民法典 arts. 201-203 count it.

    Raises ``ValueError`` for an unknown unit or an amount below 1.
    """
    if unit not in PERIOD_UNITS:
        raise ValueError(f"unknown period unit {unit!r}; expected one of {', '.join(PERIOD_UNITS)}")
    if amount < 1:
        raise ValueError(f"a period is at least 1 {unit}, got {amount}")
    nominal = start + timedelta(days=amount) if unit == "days" else months_later(start, amount)
    day, provisional = nominal, False
    while True:
        workday, known = calendar.day(day)
        provisional = provisional or not known
        if workday:
            return PeriodEnd(day, nominal, provisional)
        day += timedelta(days=1)
