"""GET /api/cases/{id}: the case with its clocks and events, personal data masked by role."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tousu.cases import actions

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def case(hotel):
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 0, tzinfo=SH), tick=False):
        case = actions.register_case(
            actor=hotel.frontdesk, unit=hotel.units["front_office"], channel="phone", stage="after",
            subject="房间有异味", description="入住期间房间有烟味", complainant_name="张先生",
            complainant_phone="13800001234", complainant_email="zhang@example.com",
            complainant_address="杭州市西湖区1号")
        # A 消费后 complaint: the front office's head has it from registration and accepts it.
        return actions.accept_case(actor=hotel.fo_head, case_id=case.pk)


def test_it_shows_clocks_and_events(hotel, case, api):
    body = api(hotel.frontdesk).get(f"/cases/{case.pk}").json()
    assert body["number"] == case.number and body["state"] == "accepted" and body["version"] == 2
    assert [e["action"] for e in body["events"]] == ["register", "accept"]
    assert [e["actor"] for e in body["events"]] == ["frontdesk", "fo_head"]
    [clock] = body["clocks"]
    assert (clock["name"], clock["state"], clock["provisional"]) == ("after_stay", "running", False)
    assert dt.datetime.fromisoformat(clock["due_at"]) == dt.datetime(2026, 3, 6, tzinfo=SH)
    assert clock["label"]


def test_staff_of_the_unit_see_the_complainant(hotel, case, api):
    body = api(hotel.frontdesk).get(f"/cases/{case.pk}").json()
    assert not body["personal_data_masked"]
    assert (body["complainant_name"], body["complainant_phone"], body["complainant_email"],
            body["complainant_address"]) == ("张先生", "13800001234", "zhang@example.com", "杭州市西湖区1号")


def test_marketing_sees_the_case_but_masked(hotel, case, api):
    body = api(hotel.marketing).get(f"/cases/{case.pk}").json()
    assert body["personal_data_masked"]
    assert body["complainant_name"] == "张**"
    assert body["complainant_phone"] == "138****1234"
    assert body["complainant_email"] == "z***@example.com"
    assert body["complainant_address"] == "***"
    assert "13800001234" not in str(body) and "张先生" not in str(body)


@pytest.mark.parametrize("who", ["hk_staff", "hk_head", "fb_head", "stranger"])
def test_another_units_people_get_a_404(hotel, case, api, who):
    r = api(getattr(hotel, who)).get(f"/cases/{case.pk}")
    assert r.status_code == 404 and r.json()["detail"]


def test_an_unknown_case_is_a_404_like_a_hidden_one(hotel, case, api):
    hidden = api(hotel.hk_staff).get(f"/cases/{case.pk}").json()
    unknown = api(hotel.gm).get("/cases/999999").json()
    assert hidden == unknown


def test_it_requires_a_token(hotel, case, api):
    assert api(None).get(f"/cases/{case.pk}").status_code == 401
