"""《顾客投诉处理报告表》: department head signs -> marketing's opinion -> GM office approves ->
the department carries it out; no step skipped, no step taken by the wrong role, each step an
event on the case's chain with its clock."""

import pytest
import time_machine
from django.utils import translation

from tousu.cases import actions as case_actions
from tousu.cases.errors import InvalidInput, NotFound, Refused
from tousu.cases.events import verify_case
from tousu.cases.models import Clock, Lateness
from tousu.cases.sweep import sweep
from tousu.quality import actions
from tousu.quality.models import HandlingReport

from .helpers import actions_of, at, closed, complaint, fresh

STEPS = ["handling_report_submit", "handling_report_sign", "handling_report_opinion",
         "handling_report_approve", "handling_report_execute"]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def submit(actor, case, when=None):
    with time_machine.travel(when or at(2026, 5, 13, 10, 0), tick=False):
        return actions.submit_handling_report(
            actor=actor, case_id=case.pk, cause="客人投诉房间有异味，部门无相关清洁规范",
            investigation="查明空调滤网未定期清洗；已为客人换房并致歉",
            recommendation_kind="standard", recommendation="《客房空调滤网清洗规范》")


@pytest.fixture
def case(hotel):
    h = hotel
    return closed(h.frontdesk, h.fo_head, h.units["front_office"], at(2026, 5, 12, 9, 0), category="hygiene")


def state_of(case):
    return HandlingReport.objects.get(case=case).step


def clock_states(case) -> dict:
    return dict(Clock.objects.filter(case=case, name__startswith="handling_report").values_list("name", "state"))


def test_the_whole_chain_each_step_an_event_with_its_clock(hotel, case):
    h = hotel
    before = actions_of(case)
    submit(h.frontdesk, case)
    assert state_of(case) == HandlingReport.SUBMITTED
    assert clock_states(case) == {"handling_report_sign": Clock.RUNNING}
    # Two working days: submitted Wednesday 13 May, due at the end of Friday 15 May.
    assert Clock.objects.get(case=case, name="handling_report_sign").due_at == at(2026, 5, 16, 0, 0)

    with time_machine.travel(at(2026, 5, 14, 9, 0), tick=False):
        actions.sign_handling_report(actor=h.fo_head, case_id=case.pk, note="同意")
        actions.give_marketing_opinion(actor=h.marketing, case_id=case.pk, opinion="建议全店推广")
    assert clock_states(case) == {"handling_report_sign": Clock.STOPPED,
                                  "handling_report_opinion": Clock.STOPPED,
                                  "handling_report_approve": Clock.RUNNING}
    with time_machine.travel(at(2026, 5, 15, 9, 0), tick=False):
        actions.approve_handling_report(actor=h.gm_office, case_id=case.pk, instructions="同意，由前厅部牵头编写")
        actions.execute_handling_report(actor=h.frontdesk, case_id=case.pk, note="规范已编写并培训")

    report = HandlingReport.objects.get(case=case)
    assert (report.step, report.signed_by, report.opinion_by, report.approved_by, report.executed_by) == (
        HandlingReport.EXECUTED, h.fo_head, h.marketing, h.gm_office, h.frontdesk)
    assert report.opinion == "建议全店推广" and report.instructions == "同意，由前厅部牵头编写"
    assert actions_of(case) == before + STEPS
    assert set(clock_states(case).values()) == {Clock.STOPPED}
    case = fresh(case)
    assert case.state == "closed"  # the report does not reopen or move the case
    assert verify_case(case) is None
    notes = list(case.events.filter(action__startswith="handling_report").values_list("actor__username", "note"))
    assert notes[1:] == [("fo_head", "同意"), ("marketing", "建议全店推广"),
                         ("gm_office", "同意，由前厅部牵头编写"), ("frontdesk", "规范已编写并培训")]


def test_no_step_may_be_skipped(hotel, case):
    h = hotel
    with pytest.raises(Refused, match="no handling report"):
        actions.sign_handling_report(actor=h.fo_head, case_id=case.pk)
    submit(h.frontdesk, case)
    with pytest.raises(Refused, match="department head must sign"):
        actions.give_marketing_opinion(actor=h.marketing, case_id=case.pk, opinion="意见")
    with pytest.raises(Refused, match="only after the department head has signed"):
        actions.approve_handling_report(actor=h.gm_office, case_id=case.pk, instructions="同意")
    with pytest.raises(Refused, match="only after the GM office has approved"):
        actions.execute_handling_report(actor=h.fo_head, case_id=case.pk, note="已执行")
    actions.sign_handling_report(actor=h.fo_head, case_id=case.pk)
    with pytest.raises(Refused, match="only after the department head has signed it and marketing"):
        actions.approve_handling_report(actor=h.gm_office, case_id=case.pk, instructions="同意")
    with pytest.raises(Refused, match="already been taken"):
        actions.sign_handling_report(actor=h.fo_head, case_id=case.pk)
    with pytest.raises(Refused, match="already has a handling report"):
        submit(h.frontdesk, case)
    assert state_of(case) == HandlingReport.SIGNED
    assert actions_of(case)[-2:] == ["handling_report_submit", "handling_report_sign"]
    assert verify_case(fresh(case)) is None


def test_the_wrong_role_is_refused_at_every_step(hotel, case):
    h = hotel
    with pytest.raises(Refused, match="right"):
        submit(h.marketing, case)  # marketing comments; it does not write the report
    submit(h.frontdesk, case)
    for person in (h.frontdesk, h.marketing, h.gm_office, h.gm):
        with pytest.raises(Refused, match="right"):
            actions.sign_handling_report(actor=person, case_id=case.pk)
    with pytest.raises(NotFound):  # another department's head does not even see the case
        actions.sign_handling_report(actor=h.hk_head, case_id=case.pk)
    actions.sign_handling_report(actor=h.fo_head, case_id=case.pk)
    for person in (h.fo_head, h.gm_office, h.gm):
        with pytest.raises(Refused, match="right"):
            actions.give_marketing_opinion(actor=person, case_id=case.pk, opinion="意见")
    actions.give_marketing_opinion(actor=h.marketing, case_id=case.pk, opinion="意见")
    for person in (h.fo_head, h.marketing, h.gm, h.deputy):
        with pytest.raises(Refused, match="right"):
            actions.approve_handling_report(actor=person, case_id=case.pk, instructions="同意")
    actions.approve_handling_report(actor=h.gm_office, case_id=case.pk, instructions="同意")
    for person in (h.marketing, h.gm_office):
        with pytest.raises(Refused, match="right"):
            actions.execute_handling_report(actor=person, case_id=case.pk, note="已执行")
    actions.execute_handling_report(actor=h.fo_head, case_id=case.pk, note="已执行")
    assert state_of(case) == HandlingReport.EXECUTED
    assert actions_of(case)[-5:] == STEPS


def test_the_department_that_handled_it_signs_not_the_one_that_received_it(hotel):
    """A complaint transferred to housekeeping: the front office head received it, yet only the
    housekeeping head signs its report and only housekeeping carries it out."""
    h = hotel
    with time_machine.travel(at(2026, 5, 12, 9, 0), tick=False):
        case = complaint(h.fo_head, h.units["front_office"], at(2026, 5, 12, 9, 0), category="hygiene")
        case_actions.accept_case(actor=h.fo_head, case_id=case.pk)
        case_actions.transfer_case(actor=h.fo_head, case_id=case.pk, unit=h.units["housekeeping"], plan="重新打扫")
        case_actions.agree_plan(actor=h.hk_head, case_id=case.pk)
        case_actions.propose_resolution(actor=h.hk_head, case_id=case.pk, resolution="重新打扫")
        case_actions.reply_case(actor=h.hk_head, case_id=case.pk, text="已打扫")
        case_actions.record_callback(actor=h.hk_head, case_id=case.pk, result="satisfied")
    submit(h.hk_head, case)
    with pytest.raises(Refused, match="客房部"):
        actions.sign_handling_report(actor=h.fo_head, case_id=case.pk)
    actions.sign_handling_report(actor=h.hk_head, case_id=case.pk)
    actions.give_marketing_opinion(actor=h.marketing, case_id=case.pk, opinion="同意")
    actions.approve_handling_report(actor=h.gm_office, case_id=case.pk, instructions="同意")
    with pytest.raises(Refused, match="客房部"):
        actions.execute_handling_report(actor=h.frontdesk, case_id=case.pk, note="已执行")
    actions.execute_handling_report(actor=h.hk_staff, case_id=case.pk, note="已执行")
    assert state_of(case) == HandlingReport.EXECUTED
    assert verify_case(fresh(case)) is None


def test_only_a_handled_case_gets_a_report_and_input_is_checked(hotel):
    h = hotel
    case = complaint(h.frontdesk, h.units["front_office"], at(2026, 5, 12, 9, 0), category="hygiene")
    with pytest.raises(Refused, match="not possible now"):
        submit(h.frontdesk, case)
    case = closed(h.frontdesk, h.fo_head, h.units["front_office"], at(2026, 5, 12, 9, 0))
    with pytest.raises(InvalidInput) as bad:
        actions.submit_handling_report(actor=h.frontdesk, case_id=case.pk, cause="原因", investigation="调查",
                                       recommendation_kind="memo", recommendation="x")
    assert bad.value.field == "recommendation_kind"
    with pytest.raises(InvalidInput) as bad:
        actions.submit_handling_report(actor=h.frontdesk, case_id=case.pk, cause=" ", investigation="调查",
                                       recommendation_kind="training", recommendation="x")
    assert bad.value.field == "cause"
    assert not HandlingReport.objects.exists()
    assert actions_of(case)[-1] == "close"


def test_a_late_signature_is_recorded_against_the_unit(hotel, case):
    h = hotel
    submit(h.frontdesk, case, when=at(2026, 5, 13, 10, 0))
    assert sweep(now=at(2026, 5, 18, 10, 0))["breached"] == 1
    late = Lateness.objects.get(case=case)
    assert (late.clock.name, late.unit) == ("handling_report_sign", h.units["front_office"])
    case = fresh(case)
    assert case.state == "closed" and actions_of(case)[-1] == "clock_breached"
    assert verify_case(case) is None
