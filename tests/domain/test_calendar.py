"""Tests for tousu.domain.calendar: working days, official holidays and deadlines.

Holiday facts are those of chinesecalendar 1.11.0 (covers 2004..2026; 2027 unknown).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tousu.domain.calendar import (
    UNITS,
    Deadline,
    WorkCalendar,
    add_working_seconds,
    compute_due,
    compute_warn,
    remaining_for,
    resumed_due,
    working_seconds_between,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = timezone.utc
CAL = WorkCalendar()
HOUR = 3600
DAY = 24 * HOUR
SECOND = timedelta(seconds=1)


def shanghai(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def local_midnight(y: int, m: int, d: int) -> datetime:
    """Local midnight in Shanghai, expressed in UTC (as compute_due returns it)."""
    return datetime(y, m, d, tzinfo=SHANGHAI).astimezone(UTC)


def due_working_days(start: datetime, n: int, calendar: WorkCalendar = CAL) -> Deadline:
    return compute_due(start, n, "working_days", SHANGHAI, calendar)


# --- Spring Festival 2026: Feb 15 (Sun) .. Feb 23 (Mon) off; Sat Feb 14 and Sat Feb 28 worked --


def test_spring_festival_make_up_saturday_counts_and_holiday_is_skipped() -> None:
    deadline = due_working_days(shanghai(2026, 2, 13), 3)
    # Sat Feb 14 (make-up) = day 1, Tue Feb 24 = day 2, Wed Feb 25 = day 3.
    assert deadline == Deadline(local_midnight(2026, 2, 26), provisional=False)
    assert deadline.due_at == datetime(2026, 2, 25, 16, 0, tzinfo=UTC)
    assert deadline.due_at.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("n", "expected"),
    [(1, date(2026, 2, 14)), (2, date(2026, 2, 24)), (3, date(2026, 2, 25))],
)
def test_spring_festival_each_working_day(n: int, expected: date) -> None:
    assert CAL.add_working_days(date(2026, 2, 13), n) == (expected, False)


def test_complaint_accepted_during_spring_festival_is_due_after_the_holiday() -> None:
    deadline = due_working_days(shanghai(2026, 2, 16), 1)
    assert deadline == Deadline(local_midnight(2026, 2, 25), provisional=False)


def test_make_up_saturday_after_spring_festival() -> None:
    # Fri Feb 27 + 1 working day -> Sat Feb 28 is a make-up working day.
    assert CAL.add_working_days(date(2026, 2, 27), 1) == (date(2026, 2, 28), False)


def test_day_reports_make_up_and_holiday() -> None:
    assert CAL.day(date(2026, 2, 14)) == (True, True)  # Saturday, make-up working day
    assert CAL.day(date(2026, 2, 16)) == (False, True)  # Monday, Spring Festival
    assert CAL.is_workday(date(2026, 2, 24)) is True
    assert CAL.is_workday(date(2026, 2, 21)) is False


# --- Mid-autumn Sep 25-27 and National Day Oct 1-7 2026; Sun Sep 20 and Sat Oct 10 worked ------


@pytest.mark.parametrize(
    ("accepted", "n", "expected"),
    [
        (date(2026, 9, 18), 1, date(2026, 9, 20)),  # Fri -> Sun Sep 20 make-up day
        (date(2026, 9, 24), 1, date(2026, 9, 28)),  # Thu -> Mon, skipping Mid-autumn
        (date(2026, 9, 30), 1, date(2026, 10, 8)),  # Wed -> after National Day
        (date(2026, 9, 30), 3, date(2026, 10, 10)),  # Oct 8, 9, Sat Oct 10 make-up day
        (date(2026, 9, 30), 4, date(2026, 10, 12)),  # Sun Oct 11 is off again
        (date(2026, 10, 3), 2, date(2026, 10, 9)),  # accepted during the holiday
    ],
)
def test_national_day_2026(accepted: date, n: int, expected: date) -> None:
    assert CAL.add_working_days(accepted, n) == (expected, False)
    deadline = due_working_days(shanghai(accepted.year, accepted.month, accepted.day), n)
    following = expected + timedelta(days=1)
    assert deadline == Deadline(
        local_midnight(following.year, following.month, following.day), provisional=False
    )


# --- New Year 2027: not covered by chinese_calendar 1.11.0 ----------------------------------


def test_known_year() -> None:
    assert CAL.known_year(2026) is True
    assert CAL.known_year(2004) is True
    assert CAL.known_year(2027) is False
    assert CAL.known_year(2003) is False
    assert WorkCalendar(loaded_years={2027}).known_year(2027) is True


def test_unknown_year_uses_weekend_rule() -> None:
    assert CAL.day(date(2027, 1, 1)) == (True, False)  # Friday, holidays not yet known
    assert CAL.day(date(2027, 1, 2)) == (False, False)  # Saturday
    assert WorkCalendar(loaded_years=[2027]).day(date(2027, 1, 1)) == (True, True)


@pytest.mark.parametrize(
    ("calendar", "due_day", "provisional"),
    [
        # Weekend rule only: Dec 31, Fri Jan 1, Mon Jan 4.
        (WorkCalendar(), 5, True),
        # Admin loaded 2027 and it has no holiday around New Year: same date, now final.
        (WorkCalendar(loaded_years={2027}), 5, False),
        # Official list loaded with Jan 1 off: Dec 31, Jan 4, Jan 5.
        (WorkCalendar({date(2027, 1, 1): False}, loaded_years={2027}), 6, False),
        # Jan 1 off, Sat Jan 2 a make-up working day: Dec 31, Jan 2, Jan 4.
        (
            WorkCalendar({date(2027, 1, 1): False, date(2027, 1, 2): True}, loaded_years={2027}),
            5,
            False,
        ),
        # An override alone does not make the rest of 2027 known.
        (WorkCalendar({date(2027, 1, 1): False}), 6, True),
    ],
)
def test_new_year_2027(calendar: WorkCalendar, due_day: int, provisional: bool) -> None:
    deadline = due_working_days(shanghai(2026, 12, 30), 3, calendar)
    assert deadline == Deadline(local_midnight(2027, 1, due_day), provisional)


def test_deadline_wholly_in_2026_is_not_provisional() -> None:
    # Due at midnight Jan 1 2027, but every day examined is in 2026.
    assert due_working_days(shanghai(2026, 12, 30), 1) == Deadline(
        local_midnight(2027, 1, 1), provisional=False
    )
    assert due_working_days(shanghai(2026, 12, 1), 20).provisional is False


def test_zero_working_days_on_an_unknown_year_is_provisional() -> None:
    assert CAL.add_working_days(date(2027, 3, 3), 0) == (date(2027, 3, 3), True)
    assert CAL.add_working_days(date(2026, 3, 3), 0) == (date(2026, 3, 3), False)


# --- Organisation overrides ----------------------------------------------------------------


def test_company_holiday_on_a_weekday_pushes_deadline_one_working_day() -> None:
    start = shanghai(2026, 3, 9)  # Monday
    assert due_working_days(start, 3).due_at == local_midnight(2026, 3, 13)
    company_holiday = WorkCalendar({date(2026, 3, 10): False})
    assert due_working_days(start, 3, company_holiday) == Deadline(
        local_midnight(2026, 3, 14), provisional=False
    )


def test_working_saturday_pulls_deadline_in() -> None:
    start = shanghai(2026, 3, 12)  # Thursday
    assert due_working_days(start, 2).due_at == local_midnight(2026, 3, 17)  # Fri 13, Mon 16
    working_saturday = WorkCalendar({date(2026, 3, 14): True})
    assert due_working_days(start, 2, working_saturday).due_at == local_midnight(2026, 3, 15)


def test_override_beats_official_calendar() -> None:
    # The organisation does not work the Feb 14 make-up Saturday.
    calendar = WorkCalendar({date(2026, 2, 14): False})
    assert calendar.day(date(2026, 2, 14)) == (False, True)
    assert due_working_days(shanghai(2026, 2, 13), 3, calendar).due_at == local_midnight(
        2026, 2, 27
    )


def test_override_on_start_day_does_not_matter() -> None:
    calendar = WorkCalendar({date(2026, 3, 9): False})
    assert calendar.add_working_days(date(2026, 3, 9), 1) == (date(2026, 3, 10), False)


# --- Other units ---------------------------------------------------------------------------


def test_minutes_and_hours_are_exact_durations_in_utc() -> None:
    start = shanghai(2026, 2, 13, 23, 30)
    assert compute_due(start, 90, "minutes", SHANGHAI, CAL) == Deadline(
        datetime(2026, 2, 13, 17, 0, tzinfo=UTC), provisional=False
    )
    # Hours ignore holidays: 48 hours into the Spring Festival.
    assert compute_due(start, 48, "hours", SHANGHAI, CAL) == Deadline(
        datetime(2026, 2, 15, 15, 30, tzinfo=UTC), provisional=False
    )
    assert compute_due(start, 0, "minutes", SHANGHAI, CAL).due_at == start


def test_hours_are_elapsed_time_across_a_dst_change() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    start = datetime(2026, 3, 28, 12, 0, tzinfo=berlin)  # clocks go forward on Mar 29
    due = compute_due(start, 24, "hours", berlin, CAL).due_at
    assert due.astimezone(berlin) == datetime(2026, 3, 29, 13, 0, tzinfo=berlin)


def test_natural_days_end_at_local_midnight_and_count_holidays() -> None:
    start = shanghai(2026, 2, 13, 23, 30)
    assert compute_due(start, 0, "natural_days", SHANGHAI, CAL) == Deadline(
        local_midnight(2026, 2, 14), provisional=False
    )
    assert compute_due(start, 3, "natural_days", SHANGHAI, CAL).due_at == local_midnight(
        2026, 2, 17
    )


def test_natural_days_use_the_local_date() -> None:
    # 17:00 UTC on Feb 13 is already 01:00 on Feb 14 in Shanghai.
    start = datetime(2026, 2, 13, 17, 0, tzinfo=UTC)
    assert compute_due(start, 0, "natural_days", SHANGHAI, CAL).due_at == local_midnight(
        2026, 2, 15
    )


def test_natural_days_into_an_unknown_year_are_not_provisional() -> None:
    deadline = compute_due(shanghai(2026, 12, 30), 5, "natural_days", SHANGHAI, CAL)
    assert deadline == Deadline(local_midnight(2027, 1, 5), provisional=False)


def test_zero_working_days_is_the_end_of_the_start_day() -> None:
    # Even on a holiday.
    assert due_working_days(shanghai(2026, 2, 16), 0) == Deadline(
        local_midnight(2026, 2, 17), provisional=False
    )


# --- Calendar months (民法典 第二百零一条 to 第二百零三条) ------------------------------------


@pytest.mark.parametrize(
    ("accepted", "months", "last_day"),
    [
        (date(2025, 1, 15), 1, date(2025, 2, 15)),  # the corresponding day
        (date(2025, 1, 31), 1, date(2025, 2, 28)),  # no Feb 31: the month's last day
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2025, 3, 31), 1, date(2025, 4, 30)),
        (date(2025, 1, 30), 2, date(2025, 3, 30)),  # only the due month's length matters
        (date(2025, 11, 30), 3, date(2026, 2, 28)),  # across a year
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2025, 2, 28), 1, date(2025, 3, 28)),  # not "the end of the month"
        (date(2025, 12, 31), 0, date(2025, 12, 31)),  # 0 months: the end of the start day
    ],
)
def test_calendar_months_end_on_the_corresponding_day(
    accepted: date, months: int, last_day: date
) -> None:
    start = shanghai(accepted.year, accepted.month, accepted.day)
    following = last_day + timedelta(days=1)
    assert compute_due(start, months, "calendar_months", SHANGHAI, CAL) == Deadline(
        local_midnight(following.year, following.month, following.day), provisional=False
    )


def test_calendar_months_use_the_local_date() -> None:
    # 17:00 UTC on Jan 31 is already 01:00 on Feb 1 in Shanghai: Feb 1 + 1 month = Mar 1.
    start = datetime(2025, 1, 31, 17, 0, tzinfo=UTC)
    assert compute_due(start, 1, "calendar_months", SHANGHAI, CAL).due_at == local_midnight(
        2025, 3, 2
    )
    assert compute_due(start, 1, "calendar_months", ZoneInfo("UTC"), CAL).due_at == datetime(
        2025, 3, 1, tzinfo=UTC
    )


def test_calendar_months_ignore_holidays_and_unknown_years() -> None:
    # Due on Oct 1 2025 (National Day) and in 2027 (holidays unknown): neither moves.
    assert compute_due(shanghai(2025, 9, 1), 1, "calendar_months", SHANGHAI, CAL) == Deadline(
        local_midnight(2025, 10, 2), provisional=False
    )
    assert compute_due(shanghai(2026, 12, 1), 1, "calendar_months", SHANGHAI, CAL) == Deadline(
        local_midnight(2027, 1, 2), provisional=False
    )


def test_compute_warn() -> None:
    due = datetime(2026, 2, 25, 16, 0, tzinfo=UTC)
    assert compute_warn(due, 120) == datetime(2026, 2, 25, 14, 0, tzinfo=UTC)
    assert compute_warn(due, 0) == due


# --- Working time left: weekends and National Day 2025 -------------------------------------
# Mon Mar 17 2025 is an ordinary week. National Day 2025: Oct 1..8 off; Sun Sep 28 and
# Sat Oct 11 are make-up working days, Sat Sep 27 and Sun Oct 12 are off.


def working_seconds(start: datetime, end: datetime, calendar: WorkCalendar = CAL) -> int:
    return working_seconds_between(start, end, SHANGHAI, calendar)


def add_working(start: datetime, seconds: int, calendar: WorkCalendar = CAL) -> Deadline:
    return add_working_seconds(start, seconds, SHANGHAI, calendar)


def test_national_day_2025_facts() -> None:
    assert CAL.day(date(2025, 9, 27)) == (False, True)
    assert CAL.day(date(2025, 9, 28)) == (True, True)
    assert not any(CAL.is_workday(date(2025, 10, d)) for d in range(1, 9))
    assert CAL.day(date(2025, 10, 11)) == (True, True)
    assert CAL.day(date(2025, 10, 12)) == (False, True)


@pytest.mark.parametrize(
    ("start", "end", "seconds"),
    [
        (shanghai(2025, 3, 14, 18), shanghai(2025, 3, 17, 9), 15 * HOUR),  # Fri -> Mon
        (shanghai(2025, 3, 15, 9), shanghai(2025, 3, 16, 20), 0),  # within a weekend
        (shanghai(2025, 3, 17, 9), shanghai(2025, 3, 17, 9), 0),
        (shanghai(2025, 3, 17, 9), shanghai(2025, 3, 14, 9), 0),  # end before start
        (shanghai(2025, 3, 17, 9), shanghai(2025, 3, 17, 9, 30), 30 * 60),
        (shanghai(2025, 9, 26, 12), shanghai(2025, 9, 29, 12), 12 * HOUR + DAY + 12 * HOUR),
        (shanghai(2025, 9, 30, 12), shanghai(2025, 10, 9, 12), DAY),  # over National Day
        (shanghai(2025, 10, 10, 12), shanghai(2025, 10, 13, 12), 12 * HOUR + DAY + 12 * HOUR),
    ],
)
def test_working_seconds_between(start: datetime, end: datetime, seconds: int) -> None:
    assert working_seconds(start, end) == seconds


def test_working_seconds_take_the_local_day() -> None:
    # Fri Mar 14 2025 20:00 UTC is Sat 04:00 in Shanghai: no working time until Monday. In UTC
    # it is still Friday, four hours before the weekend.
    start = datetime(2025, 3, 14, 20, 0, tzinfo=UTC)
    end = local_midnight(2025, 3, 17)
    assert working_seconds(start, end) == 0
    assert working_seconds_between(start, end, ZoneInfo("UTC"), CAL) == 4 * HOUR


def test_a_working_day_is_its_real_length_across_a_dst_change() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    # Mon Mar 30 2026 is a working day; Sun Mar 29 (23 hours long) is not.
    start = datetime(2026, 3, 27, tzinfo=berlin)  # Friday 00:00
    end = datetime(2026, 3, 31, tzinfo=berlin)
    assert working_seconds_between(start, end, berlin, CAL) == 2 * DAY
    assert working_seconds_between(start, end, berlin, WorkCalendar({date(2026, 3, 29): True})) == (
        3 * DAY - HOUR
    )


@pytest.mark.parametrize(
    ("start", "seconds", "due"),
    [
        (shanghai(2025, 3, 14, 18), 6 * HOUR, local_midnight(2025, 3, 15)),  # ends at Fri 24:00
        (shanghai(2025, 3, 14, 18), 6 * HOUR + 1, local_midnight(2025, 3, 17) + SECOND),
        (shanghai(2025, 3, 14, 18), 15 * HOUR, shanghai(2025, 3, 17, 9)),
        (shanghai(2025, 3, 15, 10), HOUR, shanghai(2025, 3, 17, 1)),  # Saturday: from Mon 00:00
        (shanghai(2025, 3, 15, 10), 0, shanghai(2025, 3, 15, 10)),  # nothing left: due at once
        (shanghai(2025, 9, 26, 12), 13 * HOUR, shanghai(2025, 9, 28, 1)),  # Sun Sep 28 worked
        (shanghai(2025, 9, 30, 18), 7 * HOUR, shanghai(2025, 10, 9, 1)),  # over National Day
        (shanghai(2025, 10, 3, 10), 3 * DAY, local_midnight(2025, 10, 12)),  # Oct 9, 10, Sat 11
        (shanghai(2025, 10, 3, 10), 3 * DAY + 1, local_midnight(2025, 10, 13) + SECOND),
    ],
)
def test_add_working_seconds(start: datetime, seconds: int, due: datetime) -> None:
    assert add_working(start, seconds) == Deadline(due.astimezone(UTC), provisional=False)
    assert add_working(start, seconds).due_at.utcoffset() == timedelta(0)


def test_add_working_seconds_into_an_unknown_year_is_provisional() -> None:
    start = shanghai(2026, 12, 31, 12)
    # 12 hours on Thu Dec 31, then Fri Jan 1 2027 by the weekend rule.
    assert add_working(start, DAY) == Deadline(shanghai(2027, 1, 1, 12).astimezone(UTC), True)
    assert add_working(start, DAY, WorkCalendar(loaded_years={2027})).provisional is False
    assert add_working(start, 12 * HOUR) == Deadline(local_midnight(2027, 1, 1), False)


def test_working_time_rounds_up_to_the_whole_second() -> None:
    start = shanghai(2025, 3, 17, 9).replace(microsecond=250_000)
    assert working_seconds(start, local_midnight(2025, 3, 18)) == 15 * HOUR - 1
    assert add_working(start, 0).due_at == shanghai(2025, 3, 17, 9).astimezone(UTC) + SECOND


# --- Pausing and resuming: the two calls the clocks make ------------------------------------


def test_a_working_day_clock_paused_over_a_weekend_keeps_its_working_time() -> None:
    # Accepted Thu Mar 13 2025, 2 working days: Fri 14 and Mon 17, due Tue Mar 18 00:00.
    due = due_working_days(shanghai(2025, 3, 13), 2).due_at
    assert due == local_midnight(2025, 3, 18)
    # Paused Fri 18:00: 6 hours of Friday and all of Monday are left.
    left = remaining_for("working_days", shanghai(2025, 3, 14, 18), due, SHANGHAI, CAL)
    assert left == 30 * HOUR
    # Resumed Mon 09:00: 15 hours of Monday, 15 of Tuesday. (Wall-clock time left, 78 hours,
    # would have made it Thu Mar 20 15:00, handing out the weekend a second time.)
    assert resumed_due("working_days", shanghai(2025, 3, 17, 9), left, SHANGHAI, CAL) == Deadline(
        shanghai(2025, 3, 18, 15).astimezone(UTC), provisional=False
    )
    # Resumed Sat 10:00: the count starts on Monday.
    assert resumed_due("working_days", shanghai(2025, 3, 15, 10), left, SHANGHAI, CAL) == Deadline(
        shanghai(2025, 3, 18, 6).astimezone(UTC), provisional=False
    )


def test_a_working_day_clock_paused_over_national_day_2025() -> None:
    # Accepted Fri Sep 26, 3 working days: Sun Sep 28 (make-up), Mon 29, Tue 30.
    due = due_working_days(shanghai(2025, 9, 26), 3).due_at
    assert due == local_midnight(2025, 10, 1)
    # Paused on Sat Sep 27, a day off: all three working days are left.
    left = remaining_for("working_days", shanghai(2025, 9, 27, 12), due, SHANGHAI, CAL)
    assert left == 3 * DAY
    # Resumed during the holiday: Thu Oct 9, Fri Oct 10, Sat Oct 11 (make-up).
    assert resumed_due("working_days", shanghai(2025, 10, 2, 10), left, SHANGHAI, CAL) == Deadline(
        local_midnight(2025, 10, 12), provisional=False
    )
    # Paused Tue Sep 30 18:00 with 6 hours left, resumed on Oct 1: due Thu Oct 9 06:00.
    left = remaining_for("working_days", shanghai(2025, 9, 30, 18), due, SHANGHAI, CAL)
    assert left == 6 * HOUR
    assert resumed_due("working_days", shanghai(2025, 10, 1, 9), left, SHANGHAI, CAL) == Deadline(
        shanghai(2025, 10, 9, 6).astimezone(UTC), provisional=False
    )


@pytest.mark.parametrize("unit", ["minutes", "hours", "natural_days", "calendar_months"])
def test_other_clocks_keep_the_wall_clock_time_left(unit: str) -> None:
    due = shanghai(2025, 9, 30, 18)
    left = remaining_for(unit, shanghai(2025, 9, 26, 12), due, SHANGHAI, CAL)
    assert left == 4 * DAY + 6 * HOUR
    assert resumed_due(unit, shanghai(2025, 10, 2, 10), left, SHANGHAI, CAL) == Deadline(
        shanghai(2025, 10, 6, 16).astimezone(UTC), provisional=False
    )


@pytest.mark.parametrize("unit", UNITS)
def test_a_clock_paused_after_its_due_time_has_nothing_left(unit: str) -> None:
    due = shanghai(2025, 3, 14, 18)
    assert remaining_for(unit, shanghai(2025, 3, 17, 9), due, SHANGHAI, CAL) == 0
    resumed = shanghai(2025, 3, 17, 10)
    assert resumed_due(unit, resumed, 0, SHANGHAI, CAL) == Deadline(resumed.astimezone(UTC), False)


def test_a_resumed_working_day_clock_can_become_provisional() -> None:
    left = 2 * DAY
    resumed = shanghai(2026, 12, 30, 12)  # 12 h of Wed Dec 30, Thu Dec 31, 12 h of Jan 1 2027
    assert resumed_due("working_days", resumed, left, SHANGHAI, CAL) == Deadline(
        shanghai(2027, 1, 1, 12).astimezone(UTC), provisional=True
    )


# --- Invalid input -------------------------------------------------------------------------


def test_bad_unit_is_named_in_the_error() -> None:
    with pytest.raises(ValueError, match="'weeks'"):
        compute_due(shanghai(2026, 3, 9), 1, "weeks", SHANGHAI, CAL)


def test_negative_amount_is_rejected() -> None:
    for unit in UNITS:
        with pytest.raises(ValueError, match="amount must be >= 0"):
            compute_due(shanghai(2026, 3, 9), -1, unit, SHANGHAI, CAL)


def test_naive_start_is_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        compute_due(datetime(2026, 3, 9, 10, 0), 1, "hours", SHANGHAI, CAL)


def test_working_time_rejects_naive_datetimes_and_negative_seconds() -> None:
    with pytest.raises(ValueError, match="end must be timezone-aware"):
        working_seconds_between(shanghai(2025, 3, 17), datetime(2025, 3, 18), SHANGHAI, CAL)
    with pytest.raises(ValueError, match="start must be timezone-aware"):
        add_working_seconds(datetime(2025, 3, 17), 1, SHANGHAI, CAL)
    with pytest.raises(ValueError, match="seconds must be >= 0"):
        add_working_seconds(shanghai(2025, 3, 17), -1, SHANGHAI, CAL)


def test_pause_and_resume_reject_bad_input() -> None:
    now = shanghai(2025, 3, 17)
    with pytest.raises(ValueError, match="'weeks'"):
        remaining_for("weeks", now, now, SHANGHAI, CAL)
    with pytest.raises(ValueError, match="'weeks'"):
        resumed_due("weeks", now, 0, SHANGHAI, CAL)
    for unit in UNITS:
        with pytest.raises(ValueError, match="due_at must be timezone-aware"):
            remaining_for(unit, now, datetime(2025, 3, 18), SHANGHAI, CAL)
        with pytest.raises(ValueError, match="resumed_at must be timezone-aware"):
            resumed_due(unit, datetime(2025, 3, 18), 0, SHANGHAI, CAL)
        with pytest.raises(ValueError, match="remaining must be >= 0"):
            resumed_due(unit, now, -1, SHANGHAI, CAL)


def test_negative_working_days_is_rejected() -> None:
    with pytest.raises(ValueError, match=">= 0"):
        CAL.add_working_days(date(2026, 3, 9), -1)


# --- Properties ----------------------------------------------------------------------------


def _library_covers(year: int) -> bool:
    """Independent oracle for chinese_calendar's coverage."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


PROPERTY = settings(max_examples=200, deadline=None)
start_dates = st.dates(min_value=date(2004, 1, 1), max_value=date(2028, 12, 31))
amounts = st.integers(min_value=0, max_value=40)
loaded = st.sets(st.sampled_from([2027, 2028]))
zones = st.sampled_from(
    [SHANGHAI, ZoneInfo("UTC"), ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")]
)


def days_between(start: date, end: date) -> list[date]:
    """Every day in (start, end]."""
    return [start + timedelta(days=i) for i in range(1, (end - start).days + 1)]


@PROPERTY
@given(start=start_dates, n=amounts)
def test_property_exactly_n_working_days_ending_on_a_working_day(start: date, n: int) -> None:
    result, _ = CAL.add_working_days(start, n)
    assert sum(CAL.is_workday(d) for d in days_between(start, result)) == n
    if n >= 1:
        assert result > start
        assert CAL.is_workday(result)
    else:
        assert result == start


@PROPERTY
@given(start=start_dates, n=amounts)
def test_property_monotone(start: date, n: int) -> None:
    assert CAL.add_working_days(start, n + 1)[0] > CAL.add_working_days(start, n)[0]


@PROPERTY
@given(start=start_dates, n=amounts, loaded_years=loaded)
def test_property_provisional_iff_an_examined_year_is_unknown(
    start: date, n: int, loaded_years: set[int]
) -> None:
    calendar = WorkCalendar(loaded_years=loaded_years)
    result, provisional = calendar.add_working_days(start, n)
    examined = days_between(start, result) if n >= 1 else [start]
    unknown = [d for d in examined if not (_library_covers(d.year) or d.year in loaded_years)]
    assert provisional == bool(unknown)


@PROPERTY
@given(
    start=start_dates,
    n=amounts,
    day_off=st.dates(min_value=date(2004, 1, 1), max_value=date(2029, 3, 31)),
)
def test_property_a_day_off_never_brings_the_deadline_forward(
    start: date, n: int, day_off: date
) -> None:
    before, _ = CAL.add_working_days(start, n)
    after, _ = WorkCalendar({day_off: False}).add_working_days(start, n)
    assert after >= before


@PROPERTY
@given(
    start=st.datetimes(
        min_value=datetime(2004, 1, 1),
        max_value=datetime(2028, 12, 31, 23, 59),
        timezones=zones,
        allow_imaginary=False,
    ),
    n=amounts,
    tz=zones,
)
def test_property_working_days_never_earlier_than_natural_days_and_due_at_midnight(
    start: datetime, n: int, tz: ZoneInfo
) -> None:
    working = compute_due(start, n, "working_days", tz, CAL).due_at
    natural = compute_due(start, n, "natural_days", tz, CAL).due_at
    assert working >= natural > start
    for due in (working, natural):
        assert due.utcoffset() == timedelta(0)
        assert due.astimezone(tz).time() == time(0)


@PROPERTY
@given(start=start_dates, months=st.integers(min_value=0, max_value=36))
def test_property_calendar_months_land_on_the_corresponding_day_or_the_month_end(
    start: date, months: int
) -> None:
    noon = datetime.combine(start, time(12), tzinfo=SHANGHAI)
    due = compute_due(noon, months, "calendar_months", SHANGHAI, CAL)
    assert due.provisional is False
    local = due.due_at.astimezone(SHANGHAI)
    assert local.time() == time(0)
    last_day = local.date() - timedelta(days=1)
    assert (last_day.year - start.year) * 12 + last_day.month - start.month == months
    month_end = (last_day + timedelta(days=1)).day == 1
    assert last_day.day == start.day or (month_end and last_day.day < start.day)
    later = compute_due(noon, months + 1, "calendar_months", SHANGHAI, CAL)
    assert later.due_at > due.due_at


instants = st.datetimes(
    min_value=datetime(2004, 1, 1),
    max_value=datetime(2028, 12, 31, 23, 59),
    timezones=zones,
    allow_imaginary=False,
)
calendars = st.builds(
    WorkCalendar,
    overrides=st.dictionaries(
        st.dates(min_value=date(2004, 1, 1), max_value=date(2029, 3, 31)),
        st.booleans(),
        max_size=5,
    ),
    loaded_years=loaded,
)


@PROPERTY
@given(start=instants, n=amounts, tz=zones, calendar=calendars)
def test_property_working_seconds_to_a_working_day_deadline_add_back_to_it(
    start: datetime, n: int, tz: ZoneInfo, calendar: WorkCalendar
) -> None:
    due = compute_due(start, n, "working_days", tz, calendar)
    # Zero working days from a day off is "the end of that day", a point no amount of working
    # time reaches: it has none before it, and add_working_seconds(start, 0) is start itself.
    assume(n > 0 or calendar.is_workday(start.astimezone(tz).date()))
    again = add_working_seconds(
        start, working_seconds_between(start, due.due_at, tz, calendar), tz, calendar
    )
    assert again.due_at == due.due_at
    assert again.provisional or not due.provisional


@PROPERTY
@given(
    start=instants,
    n=amounts,
    tz=zones,
    calendar=calendars,
    pause_at=st.floats(min_value=0, max_value=1),
    paused_for=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=60)),
)
def test_property_a_pause_keeps_the_working_time_left(
    start: datetime,
    n: int,
    tz: ZoneInfo,
    calendar: WorkCalendar,
    pause_at: float,
    paused_for: timedelta,
) -> None:
    due = compute_due(start, n, "working_days", tz, calendar).due_at
    # In UTC: adding to a datetime in a zone with DST moves its wall clock, not elapsed time.
    paused = start.astimezone(UTC) + (due - start) * pause_at
    resumed = paused + paused_for
    left = remaining_for("working_days", paused, due, tz, calendar)
    assert left == working_seconds_between(paused, due, tz, calendar)
    new_due = resumed_due("working_days", resumed, left, tz, calendar).due_at
    assert working_seconds_between(resumed, new_due, tz, calendar) == left
    assert new_due >= resumed
    assert new_due.utcoffset() == timedelta(0)
