"""POST /api/cases/{id}/<action>: each action through the API, and its refusals by status."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tousu.cases.events import verify_case
from tousu.cases.models import Case

from .bodies import complaint

SH = ZoneInfo("Asia/Shanghai")
VALID = {  # a body each action accepts, to show the case (not the body) decides the status
    "accept": {}, "note": {"text": "x"}, "assign": {"assignee": "fo_head"},
    "transfer": {"unit": "housekeeping", "plan": "x"}, "agree-plan": {}, "escalate": {"reason": "x"},
    "propose-resolution": {"resolution": "x"}, "reply": {"text": "x"}, "callback": {"result": "satisfied"},
    "sign-off": {}, "close": {}, "reopen": {"reason": "x"}, "withdraw": {"reason": "x"},
    "reject": {"reason": "x"}}
ACTIONS = list(VALID)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 5, 12, 9, 0, tzinfo=SH), tick=False):
        yield


@pytest.fixture
def new_case(hotel, api):
    def make(**over) -> dict:
        r = api(hotel.frontdesk).create(complaint(**over))
        assert r.status_code == 201, r.content
        return r.json()
    return make


def ok(response) -> dict:
    assert response.status_code == 200, response.content
    return response.json()


def test_a_complaint_travels_from_intake_to_closing_and_back(hotel, api, new_case):
    desk, fo, hk, gm = api(hotel.frontdesk), api(hotel.fo_head), api(hotel.hk_head), api(hotel.gm)
    case = new_case(stage="during", target_unit="housekeeping", requested_by="2026-05-12T12:00:00+08:00")
    cid = case["id"]

    case = ok(desk.act(cid, "accept", {"promised_reply_at": "2026-05-12T11:30:00+08:00",
                                       "expected_version": case["version"]}))
    assert case["state"] == "accepted"
    assert dt.datetime.fromisoformat(case["promised_reply_at"]) == dt.datetime(2026, 5, 12, 11, 30, tzinfo=SH)
    assert case["promised_reply_at"].endswith("Z")
    assert [c["name"] for c in case["clocks"]] == ["during_stay"]
    case = ok(desk.act(cid, "note", {"text": "客人在大堂等候"}))
    case = ok(desk.act(cid, "escalate", {"reason": "需要部门负责人处理"}))
    assert (case["owner"], case["level"], case["state"]) == ("fo_head", 1, "in_progress")
    case = ok(fo.act(cid, "transfer", {"unit": "housekeeping", "plan": "客房部立即重新打扫并致歉"}))
    assert (case["owner"], case["handling_unit"], case["transfer_plan"]) == (
        "hk_head", "housekeeping", "客房部立即重新打扫并致歉")
    case = ok(hk.act(cid, "agree-plan", {"note": "同意"}))
    assert case["plan_agreed_by"] == "hk_head"
    case = ok(hk.act(cid, "propose-resolution", {"resolution": "重新打扫，赠送果盘", "compensation": "150.50",
                                                 "at_fault": True, "responsible_employee": "hk_staff"}))
    assert (case["compensation"], case["at_fault"], case["responsible_employee"]) == ("150.50", True, "hk_staff")
    case = ok(hk.act(cid, "reply", {"text": "已重新打扫并致歉"}))
    # The guest's time runs until the final handling (办结), not until the reply.
    assert case["state"] == "replied" and case["clocks"][0]["state"] == "running"
    case = ok(hk.act(cid, "callback", {"result": "satisfied"}))
    assert case["state"] == "confirmed"
    case = ok(hk.act(cid, "sign-off", {}))
    assert case["signed_off_by"] == "hk_head"
    case = ok(hk.act(cid, "close", {"note": "办结"}))
    assert case["state"] == "closed" and case["closed_at"] and case["clocks"][0]["state"] == "stopped"
    case = ok(gm.act(cid, "reopen", {"reason": "客人再次来电"}))
    assert (case["state"], case["reopen_count"]) == ("in_progress", 1)

    assert [e["action"] for e in case["events"]] == [
        "register", "accept", "note", "escalate", "transfer", "agree_plan", "propose_resolution",
        "reply", "record_callback", "sign_off", "close", "reopen"]
    assert case["version"] == 12
    assert verify_case(Case.objects.get(pk=cid)) is None


def test_assign_hands_the_case_to_a_colleague(hotel, api, new_case):
    case = ok(api(hotel.frontdesk).act(new_case()["id"], "assign", {"assignee": "fo_head", "note": "请处理"}))
    assert case["owner"] == "fo_head" and case["level"] == 0


def test_withdraw_and_reject(hotel, api, new_case):
    case = ok(api(hotel.frontdesk).act(new_case()["id"], "withdraw", {"reason": "客人撤回"}))
    assert (case["state"], case["reason"]) == ("withdrawn", "客人撤回")
    case = ok(api(hotel.fo_head).act(new_case()["id"], "reject", {"reason": "不属于投诉"}))
    assert (case["state"], case["reason"]) == ("rejected", "不属于投诉")


def test_a_callback_not_satisfied_escalates(hotel, api, new_case):
    desk = api(hotel.frontdesk)
    cid = new_case()["id"]
    for action, body in [("accept", {}), ("propose-resolution", {"resolution": "退款"}),
                         ("reply", {"text": "已退款"})]:
        ok(desk.act(cid, action, body))
    case = ok(desk.act(cid, "callback", {"result": "not_satisfied", "note": "嫌慢"}))
    assert (case["owner"], case["level"], case["callback_result"]) == ("fo_head", 1, "not_satisfied")


# --- refusals -----------------------------------------------------------------------------------

@pytest.mark.parametrize("who, action, body", [
    ("frontdesk", "reject", {"reason": "不是投诉"}),        # staff may not reject
    ("marketing", "accept", {}),                              # sees every unit, may act on none
    ("fo_head", "agree-plan", {}),                            # nothing was transferred
    ("frontdesk", "close", {}),                               # wrong state
    ("frontdesk", "reply", {"text": "好"}),                  # wrong state
])
def test_no_right_or_wrong_state_is_a_403(hotel, api, new_case, who, action, body):
    case = new_case()
    r = api(getattr(hotel, who)).act(case["id"], action, body)
    assert r.status_code == 403 and r.json()["detail"]
    assert Case.objects.get(pk=case["id"]).version == case["version"]


def test_compensation_beyond_authority_is_a_403_on_that_field(hotel, api, new_case):
    desk = api(hotel.frontdesk)
    cid = new_case()["id"]
    ok(desk.act(cid, "accept"))
    r = desk.act(cid, "propose-resolution", {"resolution": "免房费", "compensation": 5000})
    assert (r.status_code, r.json()["field"]) == (403, "compensation")
    assert "Escalate" in r.json()["detail"]


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("who", ["hk_staff", "stranger"])
def test_a_case_out_of_reach_is_a_404(hotel, api, new_case, action, who):
    r = api(getattr(hotel, who)).act(new_case()["id"], action, VALID[action])
    assert r.status_code == 404


@pytest.mark.parametrize("action", ACTIONS)
def test_an_unknown_case_is_a_404(hotel, api, action):
    assert api(hotel.gm).act(999999, action, VALID[action]).status_code == 404


def test_a_stale_version_is_a_409(hotel, api, new_case):
    desk, fo = api(hotel.frontdesk), api(hotel.fo_head)
    case = new_case()
    ok(desk.act(case["id"], "note", {"text": "先记一笔", "expected_version": case["version"]}))
    r = fo.act(case["id"], "reject", {"reason": "不是投诉", "expected_version": case["version"]})
    assert r.status_code == 409 and "Reload" in r.json()["detail"]
    assert Case.objects.get(pk=case["id"]).state == "received"


@pytest.mark.parametrize("action, body, field", [
    ("note", {"text": "   "}, "text"),
    ("note", {}, "text"),
    ("escalate", {"reason": ""}, "reason"),
    ("accept", {"promised_reply_at": "2020-01-01T00:00:00+08:00"}, "promised_reply_at"),
    ("accept", {"promised_reply_at": "soon"}, "promised_reply_at"),
    ("accept", {"expected_version": "one"}, "expected_version"),
    ("accept", {"colour": "red"}, "colour"),
    ("assign", {"assignee": "nobody"}, "assignee"),
    ("assign", {"assignee": "hk_staff"}, "assignee"),
    ("transfer", {"unit": "nowhere", "plan": "x"}, "unit"),
    ("transfer", {"unit": "front_office", "plan": "x"}, "unit"),
    ("withdraw", {"reason": None}, "reason"),
])
def test_bad_input_is_a_422_naming_the_field(hotel, api, new_case, action, body, field):
    who = api(hotel.fo_head if action == "transfer" else hotel.frontdesk)
    r = who.act(new_case()["id"], action, body)
    assert (r.status_code, r.json()["field"]) == (422, field), r.content


@pytest.mark.parametrize("body, field", [
    ({"resolution": "退款", "compensation": -1}, "compensation"),
    ({"resolution": "退款", "compensation": "lots"}, "compensation"),
    ({"resolution": "退款", "responsible_employee": "nobody"}, "responsible_employee"),
])
def test_bad_resolutions_are_a_422(hotel, api, new_case, body, field):
    desk = api(hotel.frontdesk)
    cid = new_case()["id"]
    ok(desk.act(cid, "accept"))
    r = desk.act(cid, "propose-resolution", body)
    assert (r.status_code, r.json()["field"]) == (422, field)


def test_a_bad_callback_result_is_a_422(hotel, api, new_case):
    desk = api(hotel.frontdesk)
    cid = new_case()["id"]
    for action, body in [("accept", {}), ("propose-resolution", {"resolution": "退款"}),
                         ("reply", {"text": "已退款"})]:
        ok(desk.act(cid, action, body))
    r = desk.act(cid, "callback", {"result": "meh"})
    assert (r.status_code, r.json()["field"]) == (422, "result")


@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_requires_a_token(hotel, api, new_case, action):
    cid = new_case()["id"]
    assert api(None).act(cid, action, VALID[action]).status_code == 401
    bad = api(None)
    bad.headers["Authorization"] = "Bearer tsk_not-a-token"
    assert bad.act(cid, action, VALID[action]).status_code == 401
    assert Case.objects.get(pk=cid).version == 1
