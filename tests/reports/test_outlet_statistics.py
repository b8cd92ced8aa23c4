"""第四条: each outlet's complaint manager does the outlet's statistics and the outlet head answers
for them. The bank preset names the outlets (`[reports] units`): each gets its own weekly and
monthly statistics, which its complaint manager and head read, and another outlet's staff do not."""

import pytest

from tests.times import at
from tousu.cases import actions
from tousu.reports.models import Report
from tousu.reports.schedule import run_schedule


@pytest.fixture
def november(bank):
    for day, unit, subject in [(3, "outlet_wenyi", "排队等候时间过长"), (10, "outlet_wenyi", "重复收取手续费"),
                               (11, "outlet_gucui", "ATM吞卡")]:
        actions.register_case(actor=bank.cm if unit == "outlet_wenyi" else bank.gucui_teller,
                              unit=bank.units[unit], channel="walk_in", subject=subject, description=subject,
                              category="fees", complainant_name="李雷", complainant_phone="13800138000",
                              now=at(2026, 11, day, 10, 0))
    return bank


def test_each_outlet_gets_its_weekly_and_monthly_statistics(november):
    run_schedule(at(2026, 12, 15, 9, 0))  # December's moments: last week's and November's
    wenyi = november.units["outlet_wenyi"]
    monthly = Report.objects.get(kind=Report.MONTHLY, unit=wenyi)
    assert monthly.period_start.isoformat() == "2026-11-01"
    assert monthly.figures["total"] == 2
    assert Report.objects.get(kind=Report.MONTHLY, unit=november.units["outlet_gucui"]).figures["total"] == 1
    assert Report.objects.filter(kind=Report.WEEKLY, unit=wenyi).count() == 1
    assert run_schedule(at(2026, 12, 15, 9, 5)) == 0  # each once


@pytest.mark.parametrize("who", ["cm", "outlet_head"])
def test_the_outlets_complaint_manager_and_head_read_them(november, client, who):
    run_schedule(at(2026, 12, 15, 9, 0))
    client.force_login(getattr(november, who))
    mine = Report.objects.filter(unit=november.units["outlet_wenyi"])
    theirs = Report.objects.filter(unit=november.units["outlet_gucui"])
    listing = client.get("/reports/").content.decode()
    monthly = mine.get(kind=Report.MONTHLY)
    assert f"/reports/{monthly.pk}/" in listing
    assert not any(f"/reports/{r.pk}/" in listing for r in theirs)
    page = client.get(f"/reports/{monthly.pk}/")
    assert page.status_code == 200 and "文一路营业网点" in page.content.decode()
    weekly = mine.get(kind=Report.WEEKLY)
    assert client.get(f"/reports/{weekly.pk}/").status_code == 200
    assert client.get(f"/reports/{theirs.first().pk}/").status_code == 404
