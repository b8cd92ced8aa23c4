"""The worker produces last week's records on Monday at the preset's time, last month's analysis
on the 15th, each once."""

import pytest
import time_machine
from django.core.management import call_command

from tousu.org.models import Unit
from tousu.reports.models import Report
from tousu.reports.schedule import run_schedule

from .conftest import at



@pytest.fixture(autouse=True)
def departments(october):
    """The hotel's departments (the units under the hotel), as the preset has them."""
    global DEPARTMENTS
    DEPARTMENTS = set(Unit.objects.filter(parent__code="hotel").values_list("code", flat=True))
    assert {"front_office", "housekeeping", "food_beverage", "engineering", "marketing"} <= DEPARTMENTS


def weekly_codes():
    return {(r.unit.code, r.code) for r in Report.objects.filter(kind=Report.WEEKLY).select_related("unit")}


def test_weekly_records_on_monday_at_nine_and_only_once(october):
    # Monday 19 October, before 09:00: the week is not due yet (last month's analysis is:
    # the 15th has passed).
    assert run_schedule(at(2026, 10, 19, 8, 59)) == 1
    assert weekly_codes() == set()
    assert Report.objects.get(kind=Report.MONTHLY).code == "2026-09"

    assert run_schedule(at(2026, 10, 19, 9, 0)) == len(DEPARTMENTS)
    assert weekly_codes() == {(code, "2026-W42") for code in DEPARTMENTS}
    housekeeping = Report.objects.get(kind=Report.WEEKLY, unit__code="housekeeping")
    assert housekeeping.figures["total"] == 2
    assert [r["number"] for r in housekeeping.figures["rows"]] == [october.B.number, october.C.number]

    # Later rounds, the same day and the rest of the week, produce nothing again.
    first_id = housekeeping.pk
    assert run_schedule(at(2026, 10, 19, 9, 0, 5)) == 0
    assert run_schedule(at(2026, 10, 23, 17)) == 0
    assert Report.objects.filter(kind=Report.WEEKLY).count() == len(DEPARTMENTS)
    assert Report.objects.get(kind=Report.WEEKLY, unit__code="housekeeping").pk == first_id

    # The next Monday: the next week.
    assert run_schedule(at(2026, 10, 26, 9, 30)) == len(DEPARTMENTS)
    assert ("front_office", "2026-W43") in weekly_codes()


def test_monthly_analysis_on_the_fifteenth_once(october):
    run_schedule(at(2026, 11, 15, 8, 59))  # (the weekly records of W45 are due: Monday was the 9th)
    assert not Report.objects.filter(kind=Report.MONTHLY, period_start="2026-10-01").exists()
    run_schedule(at(2026, 11, 15, 9, 0))
    monthly = Report.objects.get(kind=Report.MONTHLY, period_start="2026-10-01")
    assert monthly.unit is None and monthly.figures["total"] == 5
    assert monthly.figures["rates"]["satisfaction"]["rate"] == 0.5
    assert run_schedule(at(2026, 11, 15, 9, 1)) == 0
    run_schedule(at(2026, 11, 20, 9, 1))  # next week's records, but not the analysis again
    assert Report.objects.filter(kind=Report.MONTHLY, period_start="2026-10-01").count() == 1


def test_a_worker_down_on_monday_catches_up(october):
    assert run_schedule(at(2026, 10, 21, 14)) == len(DEPARTMENTS) + 1  # W42, and September
    assert {code for _unit, code in weekly_codes()} == {"2026-W42"}


def test_schedule_follows_the_preset(october):
    from tousu.org.services import organisation
    org = organisation()
    org.policy = {**org.policy, "reports": {"weekly": "tuesday 08:00", "monthly": "3 07:30"}}
    org.save()
    assert run_schedule(at(2026, 11, 2, 9)) == 0  # Monday 2 November: neither is due
    assert run_schedule(at(2026, 11, 3, 8)) == len(DEPARTMENTS) + 1  # Tuesday the 3rd, 08:00
    assert Report.objects.filter(kind=Report.MONTHLY, period_start="2026-10-01").exists()


def test_the_worker_round_runs_the_schedule(october):
    with time_machine.travel(at(2026, 10, 19, 9, 5), tick=False):
        call_command("worker", "--once")
        call_command("worker", "--once")
    assert weekly_codes() == {(code, "2026-W42") for code in DEPARTMENTS}
    assert Report.objects.filter(kind=Report.WEEKLY).count() == len(DEPARTMENTS)
