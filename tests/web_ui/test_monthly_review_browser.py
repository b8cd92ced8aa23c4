"""The monthly 《顾客投诉统计分析报告表》's review in Chromium: the marketing office writes the
analysis and recommendations and submits them, the GM office approves; each step's page is
kept as a screenshot (test-artifacts/screenshots/h2-*.png)."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from tests.browser import shot
from tousu.reports.models import Report
from tousu.reports.periods import parse_month
from tousu.reports.services import produce

from .helpers import hotel_case

pytestmark = pytest.mark.django_db(transaction=True)
SH = ZoneInfo("Asia/Shanghai")


def log_in(page, live_server, username, then):
    page.context.clear_cookies()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    page.wait_for_load_state()
    page.goto(live_server.url + then)


def test_write_submit_and_approve_the_monthly_analysis(live_server, page, hotel):  # noqa: F811
    hotel_case(hotel, now=dt.datetime(2026, 10, 12, 10, tzinfo=SH), category="hygiene")
    report = produce(parse_month("2026-10"), now=dt.datetime(2026, 11, 15, 9, tzinfo=SH))
    url = f"/reports/{report.pk}/"
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    log_in(page, live_server, "marketing", url)
    page.fill("#id_analysis", "十月投诉一起，为客房卫生问题。")
    page.fill("#id_recommendations", "建议修订《客房清洁作业指导书》。")
    shot(page, "h2-monthly-1-write")
    page.click("#analysis-form button[type=submit]")
    page.wait_for_selector("#filing-state[data-state=draft]")
    page.click("#submit-analysis")
    page.wait_for_selector("#filing-state[data-state=submitted]")
    assert page.locator("#analysis-form").count() == 0
    shot(page, "h2-monthly-2-submitted")

    log_in(page, live_server, "gm_office", url)
    assert "十月投诉一起，为客房卫生问题。" in page.locator("#filing-lines").inner_text()
    page.fill("#id_note", "同意，附于营销部月报")
    page.click("#approve")
    page.wait_for_selector("#filing-state[data-state=approved]")
    lines = page.locator("#filing-lines").inner_text()
    assert "总经室 秘书 郑敏" in lines and "同意，附于营销部月报" in lines
    shot(page, "h2-monthly-3-approved")

    with page.expect_download() as download:
        page.click(f"a[href='/reports/{report.pk}/report.xlsx']")
    ws = load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    values = [v for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert "建议修订《客房清洁作业指导书》。" in values and "总经室 秘书 郑敏" in values
    report.refresh_from_db()
    assert report.state == Report.APPROVED
    assert errors == []


def test_a_department_submits_its_weekly_record(live_server, page, hotel):  # noqa: F811
    from tousu.reports.periods import parse_week

    hotel_case(hotel, now=dt.datetime(2026, 10, 13, 9, tzinfo=SH), category="hygiene", place="大堂",
               people_involved="前台 王芳")
    week = produce(parse_week("2026-W42"), hotel.units["front_office"], now=dt.datetime(2026, 10, 19, 9, tzinfo=SH))
    log_in(page, live_server, "fo_head", f"/reports/{week.pk}/")
    assert "13812345678" in page.locator("#record").inner_text()  # the head may see personal data
    page.click("#submit-weekly")
    page.wait_for_selector("#filing-state[data-state=submitted]")
    assert "前厅部经理 李强" in page.locator("#filing-lines").inner_text()
    shot(page, "h2-weekly-submitted")
    log_in(page, live_server, "marketing", f"/reports/{week.pk}/")
    record = page.locator("#record").inner_text()
    assert "138****5678" in record and "13812345678" not in record  # the marketing office: masked
    shot(page, "h2-weekly-masked")
