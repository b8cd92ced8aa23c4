"""The weekly run reads every department's record with one set of queries (grouped by unit),
and gives what each department's own computation gives; the repeat test reads each case's
window once (docs/performance.md) and keeps its definition at the edges: strictly earlier,
at most 30 days before."""

import datetime as dt

import pytest

from tousu.cases import actions as act
from tousu.org.models import Unit
from tousu.reports import figures
from tousu.reports.periods import parse_month, parse_week
from tousu.reports.services import compute, compute_units, produce_units, weekly_units

from .conftest import SH, at


def test_the_weekly_run_equals_each_department_computed_alone(october):
    week = parse_week("2026-W42")
    units = weekly_units()
    together = compute_units(week, units, now=at(2026, 10, 19, 9))
    assert set(together) == {u.pk for u in units}
    for unit in units:
        assert together[unit.pk] == compute(week, unit, now=at(2026, 10, 19, 9)), unit.code
    assert together[october.h.units["housekeeping"].pk]["total"] == 2


def test_the_weekly_run_costs_the_same_queries_for_any_number_of_departments(
        october, django_assert_max_num_queries):
    week = parse_week("2026-W42")
    units = weekly_units()
    assert len(units) >= 5
    with django_assert_max_num_queries(14):
        compute_units(week, units, now=at(2026, 10, 19, 9))
    with django_assert_max_num_queries(14):
        compute_units(week, units[:1], now=at(2026, 10, 19, 9))


def test_units_below_one_another_are_refused(october):
    h = october.h
    with pytest.raises(ValueError):
        compute_units(parse_week("2026-W42"), [h.units["hotel"], h.units["housekeeping"]])


def test_produce_units_keeps_what_is_stored_unless_replacing(october):
    week = parse_week("2026-W42")
    units = weekly_units()
    first = produce_units(week, units, now=at(2026, 10, 19, 9))
    again = produce_units(week, units, now=at(2026, 10, 26, 9), replace=False)
    assert [r.pk for r in again] == [r.pk for r in first]
    assert all(r.figures["as_of"].startswith("2026-10-19") for r in again)
    replaced = produce_units(week, units[:2], now=at(2026, 10, 26, 9))
    assert [r.pk for r in replaced] == [r.pk for r in first[:2]]
    assert all(r.figures["as_of"].startswith("2026-10-26") for r in replaced)


def _case(h, when, phone="", category="", unit="front_office"):
    return act.register_case(actor=h.frontdesk if unit == "front_office" else h.hk_staff, unit=h.units[unit],
                             now=when, channel="phone", stage="after", category=category, subject="测试",
                             description="经过", complainant_name="王先生", complainant_phone=phone)


def _repeat_rate(month: str, unit: Unit | None = None):
    start, end = parse_month(month).bounds(SH)
    from tousu.cases.models import Case
    from tousu.org.services import current_policy

    f = figures.compute(Case.objects.all(), start=start, end=end, policy=current_policy(), tz=SH, unit=unit)
    return f["rates"]["repeat"]


def test_repeats_are_strictly_earlier_and_within_thirty_days(hotel):
    h = hotel
    first = at(2026, 3, 1, 10)
    _case(h, first, phone="13600000001")
    _case(h, first, phone="13600000001")  # the same moment: neither repeats the other
    _case(h, first + dt.timedelta(days=30), phone="13600000001")  # exactly 30 days later: repeats
    _case(h, first + dt.timedelta(days=30 + 30, seconds=1), phone="13600000001")  # 30 days and a second
    assert _repeat_rate("2026-03") == {"num": 1, "den": 3, "rate": 0.3333}
    assert _repeat_rate("2026-04") == {"num": 0, "den": 1, "rate": 0.0}


def test_a_repeat_by_category_needs_the_same_responsible_unit(hotel):
    h = hotel
    _case(h, at(2026, 3, 1, 10), category="hygiene", unit="housekeeping")
    _case(h, at(2026, 3, 2, 10), category="hygiene", unit="front_office")  # another unit: no repeat
    _case(h, at(2026, 3, 3, 10), category="hygiene", unit="housekeeping")  # repeats the first
    _case(h, at(2026, 3, 4, 10), category="", unit="housekeeping")  # no category: no repeat
    _case(h, at(2026, 3, 5, 10), category="", unit="housekeeping")
    assert _repeat_rate("2026-03") == {"num": 1, "den": 5, "rate": 0.2}
    assert _repeat_rate("2026-03", h.units["housekeeping"]) == {"num": 1, "den": 4, "rate": 0.25}
