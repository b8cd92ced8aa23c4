"""The report page's filing: the marketing office writes and submits the month's analysis, the
GM office approves or returns it, a department submits its weekly record; the state shows on
the page; a wrong input is said on the page with what was typed kept."""

import pytest
from django.urls import reverse

from tousu.reports.models import Report
from tousu.reports.periods import parse_month, parse_week
from tousu.reports.services import produce

from .conftest import at


@pytest.fixture
def month(october):
    return produce(parse_month("2026-10"), now=at(2026, 11, 15, 9))


def page(client, report):
    return client.get(reverse("reports:report", args=[report.pk])).content.decode()


def test_write_submit_approve_through_the_pages(client, october, month):
    h = october.h
    client.force_login(h.marketing)
    assert 'id="analysis-form"' in page(client, month)
    response = client.post(reverse("reports:write", args=[month.pk]),
                           {"analysis": "卫生类投诉占四成", "recommendations": "修订清洁规范"})
    assert response.status_code == 302
    client.post(reverse("reports:submit", args=[month.pk]))
    html = page(client, month)
    assert 'data-state="submitted"' in html and "卫生类投诉占四成" in html and 'id="analysis-form"' not in html

    client.force_login(h.gm_office)
    assert 'id="review-form"' in page(client, month)
    client.post(reverse("reports:review", args=[month.pk]), {"decision": "approve", "note": ""})
    month.refresh_from_db()
    assert month.state == Report.APPROVED and month.decided_by == h.gm_office
    html = page(client, month)
    assert 'data-state="approved"' in html and "总经室 秘书 郑敏" in html and 'id="review-form"' not in html
    listing = client.get(reverse("reports:list")).content.decode()
    assert 'data-state="approved"' in listing  # the list says where each report stands


def test_an_empty_text_is_said_on_the_page_and_what_was_typed_is_kept(client, october, month):
    client.force_login(october.h.marketing)
    response = client.post(reverse("reports:write", args=[month.pk]),
                           {"analysis": "只写了分析", "recommendations": "   "}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="filing-error"' in html and "只写了分析" in html
    month.refresh_from_db()
    assert month.analysis == ""


def test_the_gm_office_cannot_write_and_a_stranger_finds_no_report(client, october, month):
    client.force_login(october.h.gm_office)
    assert 'id="analysis-form"' not in page(client, month)
    response = client.post(reverse("reports:write", args=[month.pk]), {"analysis": "x", "recommendations": "y"})
    assert response.status_code == 400
    month.refresh_from_db()
    assert month.analysis == ""
    client.force_login(october.h.hk_head)  # no all-units role: the monthly report is not found
    assert client.post(reverse("reports:submit", args=[month.pk])).status_code == 404


def test_a_department_submits_its_weekly_record_from_the_page(client, october):
    h = october.h
    week = produce(parse_week("2026-W42"), h.units["housekeeping"], now=at(2026, 10, 19, 9))
    client.force_login(h.hk_head)
    assert 'id="submit-weekly"' in page(client, week)
    client.post(reverse("reports:submit", args=[week.pk]))
    week.refresh_from_db()
    assert week.state == Report.SUBMITTED and week.submitted_by == h.hk_head
    assert "客房部经理 陈刚" in page(client, week)
