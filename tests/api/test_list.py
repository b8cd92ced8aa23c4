"""GET /api/cases: filters, ordering, pagination, and only the cases a person may see."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tousu.cases import actions

SH = ZoneInfo("Asia/Shanghai")


def register(h, *, actor=None, unit="front_office", at=(2026, 5, 12, 9, 0), **over):
    fields = {"channel": "phone", "stage": "after", "category": "hygiene", "subject": "房间有异味",
              "description": "入住期间房间有烟味", "complainant_name": "张先生", **over}
    with time_machine.travel(dt.datetime(*at, tzinfo=SH), tick=False):
        return actions.register_case(actor=actor or h.frontdesk, unit=h.units[unit], **fields)


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["number"] for item in response.json()["items"]]


@pytest.fixture
def cases(hotel):
    h = hotel
    a = register(h, subject="早餐太咸", category="food", channel="walk_in", stage="during",
                 at=(2026, 5, 10, 9, 0))
    b = register(h, subject="账单多收", category="billing", complainant_name="李女士",
                 at=(2026, 5, 11, 9, 0))
    c = register(h, actor=h.hk_staff, unit="housekeeping", subject="毛巾不干净", at=(2026, 5, 12, 9, 0))
    # b and c are 消费后 complaints: each goes to its department head at once (level 1); the front
    # office's head escalates b to the deputy GM (level 2).
    actions.accept_case(actor=h.fo_head, case_id=b.pk)
    actions.escalate_case(actor=h.fo_head, case_id=b.pk, reason="需要分管副总")
    return a, b, c


def test_it_lists_newest_first_with_a_count(hotel, cases, api):
    a, b, c = cases
    r = api(hotel.gm).get("/cases")
    assert numbers(r) == [c.number, b.number, a.number] and r.json()["count"] == 3


@pytest.mark.parametrize("query, expected", [
    ({"state": "in_progress"}, "b"),
    ({"channel": "walk_in"}, "a"),
    ({"category": "billing"}, "b"),
    ({"stage": "during"}, "a"),
    ({"unit": "housekeeping"}, "c"),
    ({"unit": "hotel"}, "cba"),
    ({"level": 2}, "b"),
    ({"level": 1}, "c"),
    ({"received_from": "2026-05-11", "received_to": "2026-05-11"}, "b"),
    ({"received_from": "2026-05-11"}, "cb"),
    ({"received_to": "2026-05-10"}, "a"),
    ({"q": "咸"}, "a"),
    ({"q": "TS-2026-000003"}, "c"),
    ({"q": "李女士"}, "b"),
    ({"q": "烟味", "order_by": "number"}, "abc"),
])
def test_filters(hotel, cases, api, query, expected):
    by_name = dict(zip("abc", cases))
    assert numbers(api(hotel.gm).get("/cases", **query)) == [by_name[x].number for x in expected]


def test_ordering_and_pagination(hotel, cases, api):
    a, b, c = cases
    client = api(hotel.gm)
    assert numbers(client.get("/cases", order_by="number")) == [a.number, b.number, c.number]
    assert numbers(client.get("/cases", order_by="-level", limit=1)) == [b.number]
    page = client.get("/cases", order_by="number", limit=2, offset=2).json()
    assert (page["count"], page["limit"], page["offset"]) == (3, 2, 2)
    assert [i["number"] for i in page["items"]] == [c.number]


def test_another_units_staff_sees_none_of_front_office_cases(hotel, cases, api):
    a, b, c = cases
    assert numbers(api(hotel.hk_staff).get("/cases")) == [c.number]
    assert numbers(api(hotel.hk_staff).get("/cases", unit="front_office")) == []
    assert numbers(api(hotel.stranger).get("/cases")) == []


def test_marketing_sees_every_unit_but_no_names(hotel, cases, api):
    a, b, c = cases
    r = api(hotel.marketing).get("/cases")
    assert numbers(r) == [c.number, b.number, a.number]
    assert all(item["personal_data_masked"] and "*" in item["complainant_name"] for item in r.json()["items"])
    # searching by a name it may not see would reveal it
    assert numbers(api(hotel.marketing).get("/cases", q="李女士")) == []


def test_the_head_of_a_unit_sees_its_cases(hotel, cases, api):
    a, b, c = cases
    assert numbers(api(hotel.fo_head).get("/cases")) == [b.number, a.number]


@pytest.mark.parametrize("query, field", [
    ({"state": "lost"}, "state"),
    ({"channel": "pigeon"}, "channel"),
    ({"unit": "nowhere"}, "unit"),
    ({"order_by": "subject"}, "order_by"),
    ({"limit": 1000}, "limit"),
    ({"received_from": "2026-05-12", "received_to": "2026-05-01"}, "received_from"),
    ({"received_from": "yesterday"}, "received_from"),
])
def test_bad_filters_are_a_422(hotel, api, query, field):
    r = api(hotel.gm).get("/cases", **query)
    assert (r.status_code, r.json()["field"]) == (422, field)


def test_it_requires_a_token(hotel, api):
    assert api(None).get("/cases").status_code == 401
