"""The city hotline (接诉即办): registered by operators, dispatched (派单) to a district or a
department, sent back (退单) with a reason and dispatched again, merged (并案) so one handling
answers every complainant; urgent at once, otherwise contact within 24 hours and a result within
7 days (natural days: 国庆 2026 does not stop them); an extension needs two approvals; the
citizen is called back."""

import pytest
import time_machine
from django.utils import translation

from tests.times import at
from tousu.cases import actions
from tousu.cases.errors import ActionError, InvalidInput, NotFound, Refused
from tousu.cases.models import Case, Clock
from tousu.cases.sweep import sweep
from tousu.notify.models import Notification


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def fresh(case) -> Case:
    return Case.objects.get(pk=case.pk)


def running(case, name) -> Clock | None:
    return Clock.objects.filter(case=case, name=name).exclude(state=Clock.STOPPED).first()


def request(h, subject="小区垃圾三天无人清运", *, phone="13800000001", email="", severity=None, category="sanitation"):
    return actions.register_case(
        actor=h.operator1, unit=h.units["centre"], channel="phone", subject=subject,
        description=f"{subject}，气味很大。", complainant_name="市民", complainant_phone=phone,
        complainant_email=email, category=category, severity=severity)


def dispatch(h, case, unit, actor=None):
    return actions.perform("dispatch", actor=actor or h.dispatcher, case_id=case.pk,
                           inputs={"unit": h.units[unit], "note": "请属地核实处理"})


def test_a_general_request_is_contacted_in_24_hours_and_answered_in_7_days_holidays_or_not(hotline):
    h = hotline
    with time_machine.travel(at(2026, 9, 30, 9, 0), tick=False) as moment:
        case = request(h)
        assert case.category == "sanitation" and case.state == "registered"
        moment.move_to(at(2026, 9, 30, 10, 0))
        dispatch(h, case, "dongcheng")
    case = fresh(case)
    assert (case.state, case.owner.username, case.handling_unit.code) == ("dispatched", "dc_handler", "dongcheng")
    # hours and natural days run through 国庆: 1 October 10:00, and the end of 7 October
    assert running(case, "contact").due_at == at(2026, 10, 1, 10, 0)
    assert running(case, "result").due_at == at(2026, 10, 8, 0, 0)
    sweep(now=at(2026, 10, 1, 10, 1))
    assert Clock.objects.get(case=case, name="contact").breached_at is not None
    assert fresh(case).lateness.get().unit.code == "dongcheng"


def test_an_urgent_request_is_due_at_once(hotline):
    h = hotline
    with time_machine.travel(at(2026, 10, 2, 22, 0), tick=False):
        case = request(h, "燃气泄漏气味", severity=1, category="gas_supply")
    assert running(case, "urgent_contact").due_at == at(2026, 10, 2, 23, 0)
    assert running(case, "urgent_result").due_at == at(2026, 10, 3, 22, 0)
    assert running(case, "contact") is None  # the general periods are not the urgent ones


def test_a_wrong_dispatch_is_sent_back_with_its_reason_and_dispatched_again(hotline):
    h = hotline
    with time_machine.travel(at(2026, 9, 30, 9, 0), tick=False) as moment:
        case = request(h, "物业乱收停车费", category="property_service")
        dispatch(h, case, "dongcheng")
        with pytest.raises((Refused, NotFound)):
            actions.perform("send_back", actor=h.xc_handler, case_id=case.pk, inputs={"reason": "不是我们的"})
        with pytest.raises(InvalidInput):
            actions.perform("send_back", actor=h.dc_handler, case_id=case.pk, inputs={"reason": ""})
        moment.move_to(at(2026, 9, 30, 15, 0))
        actions.perform("send_back", actor=h.dc_handler, case_id=case.pk,
                        inputs={"reason": "物业收费属市住建委职责"})
        case = fresh(case)
        assert case.state == "returned" and case.reason == "物业收费属市住建委职责"
        assert running(case, "contact") is None and running(case, "result") is None
        moment.move_to(at(2026, 10, 8, 9, 0))
        dispatch(h, case, "housing_dept")
    case = fresh(case)
    assert (case.state, case.owner.username, case.target_unit.code) == ("dispatched", "hd_handler", "housing_dept")
    # the new unit's own periods, from the re-dispatch
    assert running(case, "contact").due_at == at(2026, 10, 9, 9, 0)
    assert running(case, "result").due_at == at(2026, 10, 16, 0, 0)
    assert [e for e in case.events.values_list("action", flat=True) if e in ("dispatch", "send_back")] == [
        "dispatch", "send_back", "dispatch"]
    with pytest.raises(ActionError):
        actions.perform("contact", actor=h.dc_handler, case_id=case.pk, inputs={"note": "x"})


def test_an_extension_needs_the_unit_head_then_the_centre(hotline):
    h = hotline
    with time_machine.travel(at(2026, 9, 30, 9, 0), tick=False) as moment:
        case = request(h)
        dispatch(h, case, "dongcheng")
        actions.perform("contact", actor=h.dc_handler, case_id=case.pk, inputs={"note": "已电话联系"})
        actions.perform("request_extension", actor=h.dc_handler, case_id=case.pk,
                        inputs={"reason": "需协调环卫公司增派车辆"})
        with pytest.raises(Refused):
            actions.perform("approve_extension", actor=h.supervisor, case_id=case.pk)
        actions.perform("approve_extension", actor=h.dc_head, case_id=case.pk, inputs={"note": "同意"})
        assert running(case, "result").due_at == at(2026, 10, 8, 0, 0)  # not yet extended
        moment.move_to(at(2026, 10, 5, 11, 0))
        actions.perform("approve_extension", actor=h.supervisor, case_id=case.pk, inputs={"note": "同意延期"})
    assert running(case, "result") is None
    assert running(case, "extended_result").due_at == at(2026, 10, 13, 0, 0)


def test_merged_requests_are_answered_by_the_one_handling(hotline):
    h = hotline
    with time_machine.travel(at(2026, 9, 30, 9, 0), tick=False) as moment:
        main = request(h, "幸福小区垃圾站清运不及时", email="a@example.com")
        second = request(h, "幸福小区垃圾堆积", phone="13800000002", email="b@example.com")
        third = request(h, "幸福小区3号楼垃圾", phone="13800000003", email="c@example.com")
        dispatch(h, main, "dongcheng")
        dispatch(h, second, "xicheng")
        for other in (second, third):
            actions.perform("merge", actor=h.dispatcher, case_id=main.pk, inputs={"other": other.number})
        assert (fresh(second).state, fresh(third).state) == ("joined", "joined")
        assert fresh(second).data["merged_into"] == main.number
        assert fresh(main).data["merged"] == [second.number, third.number]
        assert running(second, "contact") is None and running(second, "result") is None
        with pytest.raises(InvalidInput):  # merged already
            actions.perform("merge", actor=h.dispatcher, case_id=main.pk, inputs={"other": second.number})
        with pytest.raises(InvalidInput):  # no such case
            actions.perform("merge", actor=h.dispatcher, case_id=main.pk, inputs={"other": "RX-2026-999999"})
        with pytest.raises((Refused, NotFound)):  # the district may not merge
            actions.perform("merge", actor=h.dc_handler, case_id=main.pk, inputs={"other": third.number})
        moment.move_to(at(2026, 10, 2, 10, 0))
        actions.perform("contact", actor=h.dc_handler, case_id=main.pk, inputs={"note": "已联系"})
        actions.perform("reply", actor=h.dc_handler, case_id=main.pk, inputs={"text": "已协调环卫公司每日清运两次。"})
    for case in (main, second, third):
        case = fresh(case)
        assert case.state == "replied" and case.reply == "已协调环卫公司每日清运两次。"
        assert case.replied_at == at(2026, 10, 2, 10, 0)
    assert fresh(second).events.order_by("-seq").first().note == f"As handled in {main.number}"
    told = set(Notification.objects.filter(subject__startswith="您的诉求已办理").values_list("recipient", flat=True))
    assert told == {"a@example.com", "b@example.com", "c@example.com"}
    # each citizen is called back on their own request
    actions.perform("record_callback", actor=h.dispatcher, case_id=second.pk, inputs={"result": "satisfied"})
    actions.perform("record_callback", actor=h.dispatcher, case_id=third.pk, inputs={"result": "dissatisfied"})
    assert (fresh(second).state, fresh(third).state) == ("closed", "contacted")


def test_a_failed_answer_to_a_merged_request_answers_none(hotline, monkeypatch):
    """One handling answers all, or none: a merged request that cannot follow stops the reply."""
    h = hotline
    with time_machine.travel(at(2026, 9, 30, 9, 0), tick=False):
        main, second = request(h), request(h, "又是垃圾", phone="13800000002")
        dispatch(h, main, "dongcheng")
        actions.perform("merge", actor=h.dispatcher, case_id=main.pk, inputs={"other": second.number})
        actions.perform("contact", actor=h.dc_handler, case_id=main.pk, inputs={"note": "已联系"})
        Case.objects.filter(pk=second.pk).update(state="closed")  # as if it had left the merge
        with pytest.raises(Refused):
            actions.perform("reply", actor=h.dc_handler, case_id=main.pk, inputs={"text": "已处理"})
    assert fresh(main).state == "contacted" and fresh(main).reply == ""


def test_the_call_back_closes_or_sends_the_request_back_to_the_unit(hotline):
    h = hotline
    with time_machine.travel(at(2026, 9, 30, 9, 0), tick=False):
        case = request(h)
        dispatch(h, case, "dongcheng")
        actions.perform("contact", actor=h.dc_handler, case_id=case.pk, inputs={"note": "已联系"})
        actions.perform("reply", actor=h.dc_handler, case_id=case.pk, inputs={"text": "已清运"})
        with pytest.raises((Refused, NotFound)):
            actions.perform("record_callback", actor=h.dc_handler, case_id=case.pk, inputs={"result": "satisfied"})
        actions.perform("record_callback", actor=h.dispatcher, case_id=case.pk, inputs={"result": "dissatisfied"})
        assert fresh(case).state == "contacted"
        actions.perform("reply", actor=h.dc_handler, case_id=case.pk, inputs={"text": "已彻底清理并消毒"})
        actions.perform("record_callback", actor=h.dispatcher, case_id=case.pk, inputs={"result": "basically_satisfied"})
    case = fresh(case)
    assert case.state == "closed" and case.callback_result == "basically_satisfied" and not case.is_open
