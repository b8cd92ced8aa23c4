"""The reports page's 生成 (produce) button, for those who may open the all-units reports
(issue 10, the workspace); 403 and 404 pages in Chinese."""

from django.urls import reverse
from django.utils import translation

from tousu.reports.models import Report


def test_those_who_see_every_unit_produce_a_monthly_analysis(client, october):
    client.force_login(october.h.marketing)
    listing = client.get(reverse("reports:list")).content.decode()
    assert 'data-produce="monthly"' in listing and 'data-produce="weekly"' in listing
    response = client.post(reverse("reports:produce"), {"kind": "monthly", "period": "2026-10"})
    report = Report.objects.get(kind="monthly", unit=None)
    assert response.status_code == 302 and response.url == reverse("reports:report", args=[report.pk])
    assert report.figures["total"] == 5 and report.figures["period"]["code"] == "2026-10"


def test_the_weekly_records_of_every_department_at_once(client, october):
    client.force_login(october.h.gm_office)
    response = client.post(reverse("reports:produce"), {"kind": "weekly", "period": "2026-W42"})
    assert response.status_code == 302
    produced = Report.objects.filter(kind="weekly")
    assert produced.count() >= 3 and all(r.unit_id for r in produced)


def test_a_wrong_period_is_said_and_nothing_is_produced(client, october):
    client.force_login(october.h.marketing)
    page = client.post(reverse("reports:produce"), {"kind": "monthly", "period": "October"}, follow=True)
    assert "2026-W47" in page.content.decode() and not Report.objects.exists()


def test_a_clerk_has_no_button_and_is_refused_in_chinese(client, october):
    client.force_login(october.h.hk_staff)
    assert 'data-produce' not in client.get(reverse("reports:list")).content.decode()
    with translation.override("zh-hans"):
        response = client.post(reverse("reports:produce"), {"kind": "monthly", "period": "2026-10"},
                               HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = response.content.decode()
    assert response.status_code == 403 and 'data-status="403"' in page and "无权" in page
    assert not Report.objects.exists()


def test_not_found_is_a_chinese_page(client, october):
    client.force_login(october.h.hk_staff)
    response = client.get(reverse("reports:report", args=[999999]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = response.content.decode()
    assert response.status_code == 404 and 'data-status="404"' in page and "找不到" in page
    assert 'lang="zh-hans"' in page
