"""The API points of issue 10 (the workspace): errors in the reader's language, lookups for
units, categories and people, the docs saying that creating needs an Idempotency-Key, and a
list whose total is capped instead of counting every case in scope on each request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tousu.api import schemas
from tousu.cases import actions

from .bodies import complaint


def test_validation_errors_speak_chinese_when_asked(hotel, api):
    client = api(hotel.frontdesk)
    client.headers["Accept-Language"] = "zh-hans"
    r = client.create({**complaint(), "subject": "长" * 201, "severity": "high"})
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert "subject: 最多填写 200 个字符。" in detail and "severity: 请填写整数。" in detail
    assert "should" not in detail
    missing = client.create({k: v for k, v in complaint().items() if k != "description"})
    assert "此项必填" in missing.json()["detail"] and "Field required" not in missing.json()["detail"]


def test_and_english_when_asked(hotel, api):
    r = api(hotel.frontdesk).create({**complaint(), "subject": "长" * 201})
    assert r.json()["detail"] == "subject: Enter at most 200 characters."


def test_a_missing_idempotency_key_is_refused_in_chinese(hotel, api):
    client = api(hotel.frontdesk)
    client.headers["Accept-Language"] = "zh-hans"
    r = client.post("/cases", complaint())
    assert (r.status_code, r.json()["field"]) == (422, "Idempotency-Key")
    assert "此项必填" in r.json()["detail"]


def test_the_docs_say_creating_needs_an_idempotency_key(client):
    doc = client.get("/api/openapi.json").json()
    assert "Idempotency-Key" in doc["info"]["description"]
    create = doc["paths"]["/api/cases"]["post"]
    assert "Idempotency-Key" in create["description"]
    header = next(p for p in create["parameters"] if p["name"] == "Idempotency-Key")
    assert header["required"] is True
    page = doc["components"]["schemas"]["CasePage"]["properties"]
    assert "count_capped" in page and "counted no further" in page["count"]["description"]


def test_lookups_give_units_categories_and_people(hotel, api):
    client = api(hotel.frontdesk)
    units = client.get("/units").json()
    assert {"code": "housekeeping", "name": "客房部", "kind": "department", "parent": "hotel", "depth": 1} in units
    categories = client.get("/categories").json()
    assert any(c["code"] == "hygiene" and c["kind"] == "complaint" for c in categories)
    people = client.get("/people", unit="housekeeping").json()
    assert {p["username"] for p in people} == {"hk_staff", "hk_head"}
    found = client.get("/people", q="陈刚").json()
    assert [p["username"] for p in found] == ["hk_head"] and found[0]["units"] == ["housekeeping"]


def test_lookups_are_for_staff_only(hotel, api):
    assert api(hotel.stranger).get("/units").status_code == 403
    assert api(None).get("/people").status_code == 401


def register(h, n):
    for i in range(n):
        actions.register_case(actor=h.frontdesk, unit=h.units["front_office"], channel="phone", stage="after",
                              category="hygiene", subject=f"房间有异味 {i}", description="烟味",
                              complainant_name="张先生")


def test_the_total_is_capped_not_counted_to_the_end(hotel, api, monkeypatch):
    monkeypatch.setattr(schemas, "COUNT_AHEAD", 2)
    register(hotel, 6)
    client = api(hotel.frontdesk)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/cases", limit=1).json()
    assert (page["count"], page["count_capped"], len(page["items"])) == (3, True, 1)
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("LIMIT" in sql.upper() for sql in counts), counts
    last = client.get("/cases", limit=2, offset=4).json()
    assert (last["count"], last["count_capped"]) == (6, False)


@pytest.mark.parametrize("limit", [50])
def test_a_small_list_keeps_its_exact_count(hotel, api, limit):
    register(hotel, 3)
    page = api(hotel.frontdesk).get("/cases", limit=limit).json()
    assert (page["count"], page["count_capped"]) == (3, False)


def test_the_apis_q_finds_by_the_last_four_digits_of_the_phone(hotel, api):
    wanted = actions.register_case(actor=hotel.frontdesk, unit=hotel.units["front_office"], channel="phone",
                                   stage="after", category="hygiene", subject="房间有异味", description="烟味",
                                   complainant_name="张先生", complainant_phone="13912344321")
    register(hotel, 2)
    page = api(hotel.frontdesk).get("/cases", q="4321").json()
    assert [item["number"] for item in page["items"]] == [wanted.number]
