"""Issue 14: where the kind's policy allows it (`[kinds.X.routing]`, on in the hotline preset),
a new request whose top unit suggestion is confident enough is dispatched to that unit
automatically, through the kind's own dispatch action; the event says so, with the confidence.
The unit can still send it back and a dispatcher send it elsewhere. At the operator's form a
suggested unit is one click."""

import pytest
from django.test import Client

from tousu.cases import actions
from tousu.cases.models import Case
from tousu.domain.preset import load_preset
from tousu.org.services import current_policy
from tousu.routing.intake import after_intake
from tousu.routing.models import Suggestion

from .hotline_history import trained


@pytest.fixture
def model(hotline, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    trained(hotline)
    return hotline


def intake_form(h, **extra):
    return {"unit": h.units["centre"].pk, "subject": "出租车拒载",
            "description": "市民来电反映，出租车拒载，司机绕路多收钱。", "complainant_name": "刘女士", "severity": "3",
            **extra}


def registered(h):
    return actions.register_case(actor=h.operator1, unit=h.units["centre"], channel="phone", subject="公交车晚点",
                                 description="公交车晚点", complainant_name="刘女士", kind="request")


def test_the_hotline_preset_routes_confident_requests_automatically():
    rule = load_preset("hotline").kinds["request"].routing
    assert (rule.action, rule.auto_min_confidence, rule.automatic) == ("dispatch", 0.6, True)
    assert not load_preset("hotel").kinds["complaint"].routing.automatic  # off unless a preset says so


def test_a_confident_request_is_dispatched_automatically_and_the_event_says_so(model):
    h = model
    client = Client()
    client.force_login(h.operator1)
    answer = client.post("/staff/intake/phone/", intake_form(h, step="confirm"), follow=True)
    case = Case.objects.order_by("-pk").first()
    assert (case.state, case.handling_unit.code) == ("dispatched", "transport_dept")
    assert "市交通委" in answer.content.decode()  # the operator is told where it went
    event = case.events.order_by("-seq").first()
    assert (event.action, event.actor) == ("dispatch", h.operator1)
    assert event.new["automatic"]["confidence"] >= 0.6 and event.new["automatic"]["model"] == "request v1"
    assert "0.60" in event.note
    # what was suggested is recorded; nobody picked a unit, so it is not counted as accepted
    row = Suggestion.objects.get(case=case, target="unit")
    assert row.suggested[0][0] == "transport_dept" and row.rank == 0
    # not the last word: the unit sends it back and the dispatcher sends it elsewhere
    actions.perform("send_back", actor=h.td_handler, case_id=case.pk, inputs={"reason": "属于住建委"})
    moved = actions.perform("dispatch", actor=h.dispatcher, case_id=case.pk, inputs={"unit": "housing_dept"})
    assert moved.handling_unit.code == "housing_dept"


def test_below_the_threshold_nothing_is_routed(hotline):
    h = hotline
    policy = current_policy()
    unsure = {"unit": [{"value": "transport_dept", "label": "市交通委", "confidence": 0.59},
                       {"value": "housing_dept", "label": "市住房城乡建设委", "confidence": 0.41}]}
    case = registered(h)
    assert after_intake(policy, case, unsure, actor=h.operator1)["routed"] == ""
    assert Case.objects.get(pk=case.pk).state == "registered"
    sure = {"unit": [dict(unsure["unit"][0], confidence=0.61), unsure["unit"][1]]}
    case = registered(h)
    assert after_intake(policy, case, sure, actor=h.operator1) == {"routed": "transport_dept", "automatic": True,
                                                                  "problem": ""}
    assert Case.objects.get(pk=case.pk).handling_unit.code == "transport_dept"


def test_a_person_who_may_not_dispatch_leaves_the_case_registered_and_is_told_why(hotline):
    h = hotline
    case = actions.register_case(actor=h.td_handler, unit=h.units["transport_dept"], channel="phone",
                                 subject="公交车晚点", description="公交车晚点", complainant_name="刘女士",
                                 kind="request")
    sure = {"unit": [{"value": "housing_dept", "label": "市住房城乡建设委", "confidence": 0.9}]}
    out = after_intake(current_policy(), case, sure, actor=h.td_handler)
    assert out["routed"] == "" and out["problem"]
    assert Case.objects.get(pk=case.pk).state == "registered"


def test_the_operator_picks_a_suggested_unit_with_one_click(model):
    h = model
    client = Client()
    client.force_login(h.operator1)
    page = client.post("/staff/intake/phone/", intake_form(h, step="suggest")).content.decode()
    assert page.count('name="pick_unit"') == 2 and 'data-value="transport_dept"' in page
    housing = h.units["housing_dept"]
    page = client.post("/staff/intake/phone/", intake_form(h, pick_unit="housing_dept")).content.decode()
    assert f'<option value="{housing.pk}" selected>' in page  # the "send to" field is filled in
    assert Case.objects.filter(kind="request", is_open=True).count() == 0  # nothing registered yet
    answer = client.post("/staff/intake/phone/", intake_form(h, step="confirm", route_to=housing.pk))
    assert answer.status_code == 302
    case = Case.objects.order_by("-pk").first()
    assert (case.state, case.handling_unit.code) == ("dispatched", "housing_dept")
    assert "automatic" not in case.events.order_by("-seq").first().new  # the operator's choice
    row = Suggestion.objects.get(case=case, target="unit")
    assert (row.chosen, row.rank) == ("housing_dept", 2)
