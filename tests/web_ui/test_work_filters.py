"""My work's filters and sort: the unit (and its subtree), the received date range, the search
over the description, sorting by received, deadline and level; one filter function with the API."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from tousu.cases import actions
from tousu.cases.models import Case
from tousu.cases.selectors import CASE_ORDERINGS

from .helpers import login

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def register(h, *, actor=None, unit="front_office", at=(2026, 5, 12, 9, 0), **over):
    fields = {"channel": "phone", "stage": "after", "category": "hygiene", "subject": "房间有异味",
              "description": "入住期间房间有烟味", "complainant_name": "张先生", **over}
    with time_machine.travel(dt.datetime(*at, tzinfo=SH), tick=False):
        return actions.register_case(actor=actor or h.frontdesk, unit=h.units[unit], **fields)


@pytest.fixture
def cases(hotel):
    h = hotel
    a = register(h, subject="早餐太咸", category="food", description="自助早餐的炒面太咸",
                 at=(2026, 5, 10, 23, 30))
    b = register(h, subject="账单多收", category="billing", complainant_name="李女士",
                 target_unit=h.units["housekeeping"], at=(2026, 5, 11, 0, 30))
    c = register(h, actor=h.hk_staff, unit="housekeeping", subject="毛巾不干净", at=(2026, 5, 12, 9, 0))
    # 消费后 complaints: each is its department head's from registration (level 1); the front
    # office's head escalates b to the deputy GM (level 2).
    actions.accept_case(actor=h.fo_head, case_id=b.pk, now=dt.datetime(2026, 5, 11, 10, 0, tzinfo=SH))
    actions.escalate_case(actor=h.fo_head, case_id=b.pk, reason="需要分管副总",
                          now=dt.datetime(2026, 5, 11, 11, 0, tzinfo=SH))
    actions.accept_case(actor=h.hk_head, case_id=c.pk, now=dt.datetime(2026, 5, 12, 10, 0, tzinfo=SH))
    return a, b, c


def listed(client, **query) -> list[str]:
    response = client.get(reverse("web:my_work"), {"tab": "all", **query})
    assert response.status_code == 200
    page = response.content.decode()
    return re.findall(r'<a href="/staff/cases/\d+/">(TS-[\d-]+)</a>', page)


def order(cases, letters):
    by = dict(zip("abc", cases))
    return [by[x].number for x in letters]


@pytest.mark.parametrize("query, expected", [
    ({}, "cba"),
    ({"unit": "housekeeping"}, "cb"),  # b is complained about there
    ({"unit": "front_office"}, "ba"),
    ({"unit": "hotel"}, "cba"),  # a unit and everything below it
    ({"received_from": "2026-05-11", "received_to": "2026-05-11"}, "b"),  # days in Beijing time
    ({"received_to": "2026-05-10"}, "a"),
    ({"received_from": "2026-05-11"}, "cb"),
    ({"q": "炒面"}, "a"),  # the description is searched too
    ({"q": "李女士"}, "b"),
    ({"sort": "received_at"}, "abc"),
    ({"sort": "-level"}, "bca"),
])
def test_filters_and_sort(client, hotel, cases, query, expected):
    assert listed(login(client, hotel.gm), **query) == order(cases, expected)


@pytest.mark.parametrize("sort", ["due_at", "-due_at"])
def test_sort_by_the_nearest_deadline_puts_cases_without_one_last(client, hotel, cases, sort):
    a, b, c = cases
    # A case registered before its policy gave it a deadline (a hotel case now gets one at
    # registration): none runs.
    a.clocks.all().delete()
    due = {case.number: case.clocks.filter(state="running").order_by("due_at").first() for case in cases}
    assert due[a.number] is None and due[b.number] and due[c.number]
    got = listed(login(client, hotel.gm), sort=sort)
    assert got[-1] == a.number
    times = [due[n].due_at for n in got[:2]]
    assert times == sorted(times, reverse=sort.startswith("-")) and times[0] != times[1]


def test_the_unit_filter_offers_my_subtree_only_unless_i_see_every_unit(client, hotel, cases):
    page = login(client, hotel.fo_head).get(reverse("web:my_work")).content.decode()
    options = page.split('id="f-unit"')[1].split("</select>")[0]
    assert 'value="front_office"' in options and 'value="housekeeping"' not in options
    page = login(client, hotel.marketing).get(reverse("web:my_work")).content.decode()
    options = page.split('id="f-unit"')[1].split("</select>")[0]
    assert 'value="front_office"' in options and 'value="housekeeping"' in options


def test_a_unit_filter_never_widens_what_i_see(client, hotel, cases):
    assert listed(login(client, hotel.hk_staff), unit="front_office") == [cases[1].number]  # b: against hk
    assert listed(login(client, hotel.hk_staff), unit="hotel") == order(cases, "cb")


def test_the_search_does_not_reveal_masked_names(client, hotel, cases):
    assert listed(login(client, hotel.marketing), q="李女士") == []
    assert listed(login(client, hotel.marketing), q="账单") == [cases[1].number]


@pytest.mark.parametrize("query, field", [
    ({"received_from": "2026-05-12", "received_to": "2026-05-01"}, "received_from"),
    ({"received_from": "yesterday"}, "received_from"),
    ({"unit": "nowhere"}, "unit"),
    ({"state": "lost"}, "state"),
    ({"level": "x"}, "level"),
    # found by the long fuzz run on the API's list, which shares these filters
    ({"received_to": "9999-12-31"}, "received_to"),
    ({"received_from": "0001-01-01"}, "received_from"),
    ({"q": "房间\x00异味"}, "q"),
    ({"unit": "front\x00office"}, "unit"),
])
def test_a_wrong_filter_is_said_and_lists_nothing(client, hotel, cases, query, field):
    response = login(client, hotel.gm).get(reverse("web:my_work"), {"tab": "all", **query})
    page = response.content.decode()
    assert response.status_code == 200 and 'id="filter-error"' in page
    assert not re.findall(r'<a href="/staff/cases/\d+/">TS-', page)


def test_an_unknown_sort_falls_back_to_newest_first(client, hotel, cases):
    assert listed(login(client, hotel.gm), sort="subject") == order(cases, "cba")


def test_the_pages_keep_filters_and_sort(client, hotel):
    for day in range(1, 28):
        register(hotel, subject=f"第{day}件", at=(2026, 4, day, 10, 0))
    client = login(client, hotel.gm)
    page = client.get(reverse("web:my_work"), {"tab": "all", "unit": "front_office", "sort": "received_at"})
    html = page.content.decode()
    assert "unit=front_office" in html.split('rel="next"')[0].rsplit("<a", 1)[1]
    assert "sort=received_at" in html.split('rel="next"')[0].rsplit("<a", 1)[1]
    second = client.get(reverse("web:my_work"), {"tab": "all", "unit": "front_office", "sort": "received_at",
                                                 "page": 2}).content.decode()
    assert "第26件" in second and "第1件" not in second


def test_web_and_api_share_one_filter():
    from tousu.api import filters
    from tousu.web.selectors import FILTERS, SORTS

    assert set(SORTS) <= set(CASE_ORDERINGS)
    assert set(FILTERS) <= set(filters.CaseFilters.model_fields)
    assert filters.filter_cases.__module__ == "tousu.cases.selectors"
    assert Case  # the lists read only `cases_visible_to` (see test_page_permissions)
