"""The manager's overview (issue 10, the workspace): the home page of heads and of those who see
every unit; due soon and overdue by unit, this month's 响应率 / 解决率 / 满意率 and their trend
(an ECharts chart, the same figures in a table), the oldest open complaints; each figure links
to the list behind it, and that list shows as many cases as the figure says."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.browser import shot
from tousu.cases.engine import perform
from tousu.cases.models import Clock

from .helpers import hotel_case, login
from tests.web_ui.test_browser_flows import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cases(hotel):
    late = hotel_case(hotel, subject="房间有异味")
    perform("accept", actor=hotel.frontdesk, case_id=late.pk)
    Clock.objects.filter(case=late).update(due_at=timezone.now() - timedelta(hours=2))  # past its deadline
    soon = hotel_case(hotel, subject="早餐冷")
    perform("accept", actor=hotel.frontdesk, case_id=soon.pk)
    Clock.objects.filter(case=soon).update(due_at=timezone.now() + timedelta(hours=3))
    hotel_case(hotel, subject="停车难", unit=hotel.units["housekeeping"], actor=hotel.hk_staff)
    return late, soon


def test_heads_and_the_quality_office_start_on_the_overview_clerks_on_their_work(client, hotel):
    for user, start in ((hotel.fo_head, "web:overview"), (hotel.marketing, "web:overview"),
                        (hotel.frontdesk, "web:my_work")):
        client.force_login(user)
        assert client.get("/", follow=True).redirect_chain[-1][0] == reverse(start), user
    client.force_login(hotel.frontdesk)
    assert client.get(reverse("web:overview")).status_code == 403


def test_each_figure_links_to_the_list_behind_it(client, hotel, cases):
    page = login(client, hotel.fo_head).get(reverse("web:overview")).content.decode()
    row = re.search(r'<tr data-unit="front_office">.*?</tr>', page, re.S).group(0)
    for kind, expected in (("overdue", 1), ("due_soon", 1)):
        link = re.search(rf'<a data-count="{kind}" href="([^"]+)"[^>]*>(\d+)</a>', row)
        assert int(link.group(2)) == expected, kind
        listed = client.get(link.group(1).replace("&amp;", "&")).content.decode()
        assert listed.count('href="/staff/cases/') == expected, kind
    total = re.search(r'data-figure="total">\D*(\d+)', page)  # the front office's two, not housekeeping's
    assert int(total.group(1)) == 2
    assert "房间有异味" in page.split('id="oldest"')[1]  # the oldest open complaints


def test_the_overview_in_a_browser(live_server, page, hotel, cases):
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, live_server, "marketing")
    page.wait_for_selector("#chart-trend canvas")
    assert page.locator("#trend-table tbody tr").count() == 6
    assert page.locator("#this-month [data-rate=response]").count() == 1
    shot(page, "workspace-overview")
    page.click("#due-by-unit tr[data-unit=front_office] a[data-count=overdue]")
    page.wait_for_url("**/staff/?tab=overdue*")
    assert page.locator("main tbody a[href^='/staff/cases/']").count() == 1
