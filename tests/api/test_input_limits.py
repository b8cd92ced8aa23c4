"""Input the databases cannot hold is refused with a 422 naming the field, never a 500: found
by the long fuzz run (docs/performance.md). PostgreSQL refuses text with NUL; a lone surrogate
is not UTF-8; an OFFSET past 64 bits overflows; a day or time at the edge of what Python holds
overflows when it becomes a UTC time or a deadline."""

import pytest

from tousu.cases import actions
from tousu.cases.models import Case

CASE = {"unit": "front_office", "channel": "phone", "stage": "after", "subject": "房间有异味",
        "description": "入住期间房间有烟味", "complainant_name": "张先生"}


def refused(response, field: str) -> None:
    assert response.status_code == 422, response.content
    assert response.json()["field"] == field


def a_case(h):
    return actions.register_case(actor=h.frontdesk, unit=h.units["front_office"], channel="phone", stage="after",
                                 subject="房间有异味", description="入住期间房间有烟味", complainant_name="张先生")


@pytest.mark.parametrize("text", ["房间\x00有异味", "房间\ud800有异味"])
def test_create_refuses_text_that_cannot_be_stored(hotel, api, text):
    refused(api(hotel.frontdesk).create({**CASE, "subject": text}), "subject")
    assert not Case.objects.exists()


@pytest.mark.parametrize("action, body, field", [
    ("assign", {"assignee": "hk\x00head"}, "assignee"),
    ("note", {"text": "\x00"}, "text"),
    ("accept", {"note": "好\udfff"}, "note"),
])
def test_actions_refuse_text_that_cannot_be_stored(hotel, api, action, body, field):
    case = a_case(hotel)
    refused(api(hotel.frontdesk).act(case.pk, action, body), field)
    case.refresh_from_db()
    assert case.event_count == 1


@pytest.mark.parametrize("query, field", [
    ({"q": "异\x00味"}, "q"),
    ({"unit": "front\x00office"}, "unit"),
    ({"offset": 2**63}, "offset"),
    ({"received_to": "9999-12-31"}, "received_to"),
    ({"received_from": "0001-01-01"}, "received_from"),
])
def test_the_list_refuses_filters_the_database_cannot_answer(hotel, api, query, field):
    refused(api(hotel.gm).get("/cases", **query), field)


def test_the_list_still_answers_at_the_edges(hotel, api):
    a_case(hotel)
    r = api(hotel.gm).get("/cases", offset=2**31 - 1, received_from="1900-01-01", received_to="9999-12-30")
    assert r.status_code == 200 and r.json()["items"] == [] and r.json()["count"] == 1


@pytest.mark.parametrize("field, value", [
    ("requested_by", "9999-12-31T23:59:59-12:00"),
    ("occurred_at", "0001-01-01T00:00:00"),
    ("promised_reply_at", "1899-12-31T23:59:59Z"),
])
def test_create_refuses_times_out_of_range(hotel, api, field, value):
    refused(api(hotel.frontdesk).create({**CASE, field: value}), field)


def test_accept_refuses_a_reply_time_out_of_range(hotel, api):
    case = a_case(hotel)
    refused(api(hotel.frontdesk).act(case.pk, "accept", {"promised_reply_at": "9999-12-31T23:59:59-12:00"}),
            "promised_reply_at")
    case.refresh_from_db()
    assert case.state == "received"


def test_create_refuses_an_idempotency_key_that_cannot_be_stored(hotel, api):
    r = api(hotel.frontdesk).create(CASE, key="k\x00ey")
    assert r.status_code == 422 and "Idempotency-Key" in r.content.decode()
    assert not Case.objects.exists()
