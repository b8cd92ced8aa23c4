"""Statutory periods (民法典 arts. 201-203) across the Spring Festival and National Day 2026.

Holiday facts (chinesecalendar): 15-23 February 2026 off, Saturday 14 and 28 February worked;
1-7 October 2026 off, Sunday 20 September and Saturday 10 October worked."""

from __future__ import annotations

from datetime import date

import pytest

from tousu.domain.calendar import WorkCalendar
from tousu.domain.periods import period_end

CAL = WorkCalendar()


def test_the_first_day_is_not_counted() -> None:
    # Served Monday 2 March 2026: 60 days from 3 March end on Friday 1 May... a holiday (劳动节).
    end = period_end(date(2026, 3, 2), 60, "days", CAL)
    assert end.nominal_day == date(2026, 5, 1)
    # 1-5 May 2026 are off, so the period ends on Wednesday 6 May.
    assert end.last_day == date(2026, 5, 6)
    assert end.moved


def test_a_days_period_ending_on_a_working_day_is_not_moved() -> None:
    end = period_end(date(2026, 3, 3), 1, "days", CAL)
    assert end.last_day == end.nominal_day == date(2026, 3, 4)
    assert not end.moved and not end.provisional


@pytest.mark.parametrize(("served", "amount", "last"), [
    # 60 days from 16 December 2025 end on 14 February 2026, a make-up Saturday: a working day.
    (date(2025, 12, 16), 60, date(2026, 2, 14)),
    # 60 days from 17 December 2025 end on Sunday 15 February, the first day of the Spring
    # Festival holiday: the period runs to Tuesday 24 February, the first working day after it.
    (date(2025, 12, 17), 60, date(2026, 2, 24)),
    (date(2025, 12, 24), 60, date(2026, 2, 24)),  # 22 February, inside the holiday
    (date(2025, 12, 26), 60, date(2026, 2, 24)),  # 24 February itself
])
def test_days_across_the_spring_festival(served: date, amount: int, last: date) -> None:
    assert period_end(served, amount, "days", CAL).last_day == last


@pytest.mark.parametrize(("served", "last"), [
    # Six months from 1 April 2026 end on 1 October: National Day, so on Thursday 8 October.
    (date(2026, 4, 1), date(2026, 10, 8)),
    (date(2026, 4, 7), date(2026, 10, 8)),  # 7 October, the last day of the holiday
    (date(2026, 4, 8), date(2026, 10, 8)),
    # 10 October 2026 is a make-up Saturday: a working day, the period ends there.
    (date(2026, 4, 10), date(2026, 10, 10)),
    # 11 October is an ordinary Sunday: Monday 12 October.
    (date(2026, 4, 11), date(2026, 10, 12)),
    # 20 September 2026 is a make-up Sunday: it stays.
    (date(2026, 3, 20), date(2026, 9, 20)),
])
def test_months_across_national_day(served: date, last: date) -> None:
    assert period_end(served, 6, "months", CAL).last_day == last


def test_a_month_period_without_a_corresponding_day_ends_on_the_last_day_of_the_month() -> None:
    # 31 August 2025 + 6 months: February 2026 has no 31st, so 28 February, a make-up Saturday.
    end = period_end(date(2025, 8, 31), 6, "months", CAL)
    assert end.nominal_day == end.last_day == date(2026, 2, 28)
    # 30 September 2025 + 5 months: 28 February again.
    assert period_end(date(2025, 9, 30), 5, "months", CAL).last_day == date(2026, 2, 28)


def test_a_month_period_ending_in_the_spring_festival_moves_past_it() -> None:
    # 16 August 2025 + 6 months = Monday 16 February 2026, a holiday: Tuesday 24 February.
    end = period_end(date(2025, 8, 16), 6, "months", CAL)
    assert (end.nominal_day, end.last_day) == (date(2026, 2, 16), date(2026, 2, 24))


def test_an_organisation_day_off_moves_the_end_too() -> None:
    calendar = WorkCalendar(overrides={date(2026, 3, 4): False})
    assert period_end(date(2026, 3, 3), 1, "days", calendar).last_day == date(2026, 3, 5)


def test_an_end_in_a_year_whose_holidays_are_unknown_is_provisional() -> None:
    end = period_end(date(2026, 12, 1), 60, "days", CAL)  # 30 January 2027
    assert end.provisional
    assert not period_end(date(2026, 12, 1), 6, "days", CAL).provisional


def test_wrong_units_and_amounts_are_refused() -> None:
    with pytest.raises(ValueError):
        period_end(date(2026, 3, 2), 3, "weeks", CAL)
    with pytest.raises(ValueError):
        period_end(date(2026, 3, 2), 0, "days", CAL)
