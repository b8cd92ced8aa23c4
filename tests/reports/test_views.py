"""Who may open which report: logged-in staff only; the monthly analysis for the roles that see
every unit; a unit's weekly record for the members of that unit (or of a unit above it)."""

import io

import pytest
from docx import Document
from django.urls import reverse
from openpyxl import load_workbook

from tousu.reports.periods import parse_month, parse_week
from tousu.reports.services import produce

from .conftest import at


@pytest.fixture
def reports(october):
    h = october.h
    return {
        "monthly": produce(parse_month("2026-10"), now=at(2026, 11, 15, 9)),
        "housekeeping": produce(parse_week("2026-W42"), h.units["housekeeping"], now=at(2026, 10, 19, 9)),
        "front_office": produce(parse_week("2026-W42"), h.units["front_office"], now=at(2026, 10, 19, 9)),
    }


def urls(report):
    return [reverse(name, args=[report.pk]) for name in ("reports:report", "reports:xlsx", "reports:docx")]


def test_anonymous_is_sent_to_log_in(client, reports):
    for url in [reverse("reports:list"), *urls(reports["monthly"]), *urls(reports["housekeeping"])]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


def test_marketing_sees_the_monthly_analysis_and_every_weekly_record(client, october, reports):
    client.force_login(october.h.marketing)
    page = client.get(reverse("reports:report", args=[reports["monthly"].pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "《顾客投诉统计分析报告表》" in html and "echarts-5.6.0.min.js" in html
    assert "chart-category" in html and "chart-channel" in html
    assert "60.0%" in html  # response rate
    listing = client.get(reverse("reports:list")).content.decode()
    for report in reports.values():
        assert reverse("reports:report", args=[report.pk]) in listing
    assert client.get(reverse("reports:report", args=[reports["housekeeping"].pk])).status_code == 200
    empty = client.get(reverse("reports:report", args=[reports["front_office"].pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert empty.status_code == 200


def test_the_page_speaks_english_when_asked(client, october, reports):
    client.force_login(october.h.marketing)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("reports:report", args=[reports["monthly"].pk])).content.decode()
    assert "Response rate (响应率)" in html and "Download xlsx" in html and "卫生" in html


def test_a_unit_member_sees_its_weekly_record_only(client, october, reports):
    client.force_login(october.h.hk_staff)
    page = client.get(reverse("reports:report", args=[reports["housekeeping"].pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "《客户投诉记录表》" in html and "房间未打扫" in html and "床单有污渍" in html
    # The complainant's full phone: the hotel's staff role may see personal data (hotel.toml);
    # a reader whose role may not reads it masked (test_weekly_record.py).
    assert "13800000002" in html
    for url in urls(reports["front_office"]) + urls(reports["monthly"]):
        assert client.get(url).status_code == 404, url
    listing = client.get(reverse("reports:list")).content.decode()
    assert reverse("reports:report", args=[reports["housekeeping"].pk]) in listing
    assert reverse("reports:report", args=[reports["front_office"].pk]) not in listing
    assert reverse("reports:report", args=[reports["monthly"].pk]) not in listing


def test_staff_of_another_unit_cannot_open_a_units_record(client, october, reports):
    client.force_login(october.h.fb_head)  # food & beverage
    for url in urls(reports["housekeeping"]):
        assert client.get(url).status_code == 404, url


def test_a_person_without_staff_status_sees_nothing(client, october, reports):
    client.force_login(october.h.stranger)
    assert client.get(reverse("reports:report", args=[reports["monthly"].pk])).status_code == 404
    assert reverse("reports:report", args=[reports["monthly"].pk]) not in client.get(
        reverse("reports:list")).content.decode()


def test_the_deputy_gm_sees_every_record_and_the_monthly_analysis(client, october, reports):
    """The deputy GM sits in the 总经室 that reviews the monthly analysis (text 五 七、2, 上报总经室
    审阅): he opens it and its files, as well as every department's weekly record."""
    client.force_login(october.h.deputy)  # a member of the hotel, the departments' parent
    assert client.get(reverse("reports:report", args=[reports["housekeeping"].pk])).status_code == 200
    page = client.get(reverse("reports:report", args=[reports["monthly"].pk]))
    assert page.status_code == 200 and "《顾客投诉统计分析报告表》" in page.content.decode()
    xlsx = client.get(reverse("reports:xlsx", args=[reports["monthly"].pk]))
    assert load_workbook(io.BytesIO(xlsx.content)).active["A1"].value == "《顾客投诉统计分析报告表》"
    assert reverse("reports:report", args=[reports["monthly"].pk]) in client.get(
        reverse("reports:list")).content.decode()


def test_downloads_are_the_files(client, october, reports):
    client.force_login(october.h.marketing)
    xlsx = client.get(reverse("reports:xlsx", args=[reports["monthly"].pk]))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert 'filename="tousu-monthly-2026-10-all.xlsx"' in xlsx["Content-Disposition"]
    assert load_workbook(io.BytesIO(xlsx.content)).active["A1"].value == "《顾客投诉统计分析报告表》"
    docx = client.get(reverse("reports:docx", args=[reports["housekeeping"].pk]))
    assert 'filename="tousu-weekly-2026-W42-housekeeping.docx"' in docx["Content-Disposition"]
    assert Document(io.BytesIO(docx.content)).paragraphs[0].text == "《客户投诉记录表》"


def test_superuser_sees_the_monthly(client, october, reports, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="pw")
    client.force_login(admin)
    assert client.get(reverse("reports:report", args=[reports["monthly"].pk])).status_code == 200
