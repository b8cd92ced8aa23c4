"""`tousu report weekly|monthly ...` produces and stores any period on demand."""

import io

import pytest
from django.core.management import CommandError, call_command

from tousu.org.models import Unit
from tousu.reports.models import Report


def run(*args) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def test_weekly_for_one_unit(october):
    out = run("weekly", "--week", "2026-W42", "--unit", "housekeeping")
    report = Report.objects.get()
    assert (report.kind, report.code, report.unit.code, report.figures["total"]) == (
        "weekly", "2026-W42", "housekeeping", 2)
    assert str(report.period_start) == "2026-10-12" and str(report.period_end) == "2026-10-19"
    assert "2026-W42" in out and "2 complaints" in out


def test_weekly_for_every_department_and_monthly(october):
    run("weekly", "--week", "2026-W42")
    departments = Unit.objects.filter(parent__code="hotel")
    assert set(Report.objects.filter(kind="weekly").values_list("unit", flat=True)) == set(
        departments.values_list("pk", flat=True))
    run("monthly", "--month", "2026-10")
    monthly = Report.objects.get(kind="monthly")
    assert monthly.unit is None and monthly.figures["total"] == 5


def test_running_again_refreshes_the_stored_report(october):
    run("monthly", "--month", "2026-10")
    first = Report.objects.get()
    run("monthly", "--month", "2026-10")
    again = Report.objects.get()
    assert again.pk == first.pk


@pytest.mark.parametrize("args", [
    ("weekly",), ("weekly", "--week", "2026-47"), ("monthly", "--month", "2026-13"),
    ("weekly", "--week", "2026-W42", "--unit", "nowhere"),
])
def test_wrong_input_is_refused(october, args):
    with pytest.raises(CommandError):
        run(*args)
