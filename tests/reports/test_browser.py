"""The monthly report page in Chromium: both ECharts charts draw, nothing fails in the page."""

from tests.browser import shot
from tousu.reports.periods import parse_month
from tousu.reports.services import produce

from .conftest import at


def test_monthly_page_draws_its_charts(live_server, page, october):  # noqa: F811
    report = produce(parse_month("2026-10"), now=at(2026, 11, 15, 9))
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "marketing")
    page.fill("#id_password", "pw")
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    page.wait_for_selector("#chart-category canvas")
    page.wait_for_selector("#chart-channel canvas")
    assert page.locator("h1").inner_text() == "《顾客投诉统计分析报告表》"
    shot(page, "reports-monthly")
    assert errors == []
