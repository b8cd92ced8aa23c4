"""Text 一 (a supervisor's 检讨 over a room-hygiene complaint): the resolution names the
responsible employee and the inspector (验收人) from the staff form; the employee corrects the
fault themselves, not the supervisor for them; the inspector checks it; a sanction (处罚, 从轻 with
its reason) and the written self-review (检讨) are recorded, the sanction in the accountability
ledger against the employee; the employee's repeat complaints show on the next case."""

import pytest
import time_machine
from django.test import Client

from tests.times import at
from tousu.cases import actions
from tousu.cases.errors import Refused
from tousu.cases.models import Case, Lateness


def staff(user) -> Client:
    client = Client(headers={"accept-language": "zh-hans"})
    client.force_login(user)
    return client


def hygiene_case(h, when, subject="房间卫生未打扫彻底"):
    with time_machine.travel(when, tick=False):
        case = actions.register_case(
            actor=h.hk_head, unit=h.units["housekeeping"], channel="walk_in", stage="during",
            category="hygiene", subject=subject, description="客人反映卫生间未清洁", complainant_name="钱先生",
            complainant_phone="13600006666")
        return actions.accept_case(actor=h.hk_head, case_id=case.pk)


def resolve_on_the_page(h, case, when):
    """The head fills in the resolution form on the case page, naming both people."""
    with time_machine.travel(when, tick=False):
        response = staff(h.hk_head).post(f"/staff/cases/{case.pk}/act/propose_resolution/", {
            "propose_resolution-resolution": "重新打扫并致歉", "propose_resolution-compensation": "0",
            "propose_resolution-at_fault": "true",
            "propose_resolution-responsible_employee": str(h.hk_staff.pk),
            "propose_resolution-inspector": str(h.hk_head.pk),
            "expected_version": Case.objects.get(pk=case.pk).version})
    assert response.status_code in (200, 302), response.content.decode()[:500]
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def resolved(hotel):
    case = hygiene_case(hotel, at(2026, 5, 12, 9, 0))
    return resolve_on_the_page(hotel, case, at(2026, 5, 12, 9, 30))


def test_the_resolution_form_names_the_responsible_employee_and_the_inspector(hotel, resolved):
    page = staff(hotel.hk_head).get(f"/staff/cases/{resolved.pk}/").content.decode()
    assert "验收人" in page and "责任员工" in page
    assert resolved.responsible_employee == hotel.hk_staff
    assert resolved.data["inspector"] == hotel.hk_head.pk


def test_the_employee_corrects_the_fault_and_the_inspector_checks_it(hotel, resolved):
    h, case = hotel, resolved
    with time_machine.travel(at(2026, 5, 12, 10, 0), tick=False):
        with pytest.raises(Refused, match="本人"):  # the supervisor may not do it for them
            actions.perform("correct", actor=h.hk_head, case_id=case.pk, inputs={"text": "我来重新打扫"})
        with pytest.raises(Refused, match="尚未整改"):
            actions.perform("inspect_correction", actor=h.hk_head, case_id=case.pk, inputs={"result": "passed"})
        actions.perform("correct", actor=h.hk_staff, case_id=case.pk, inputs={"text": "已重新打扫卫生间"})
        with pytest.raises(Refused, match="验收人"):
            actions.perform("inspect_correction", actor=h.hk_staff, case_id=case.pk, inputs={"result": "passed"})
        case = actions.perform("inspect_correction", actor=h.hk_head, case_id=case.pk,
                               inputs={"result": "passed", "note": "按标准验收，合格"})
    assert case.data["correction"] == "已重新打扫卫生间" and case.data["inspection"] == "passed"
    assert [e.actor for e in case.events.filter(action__in=["correct", "inspect_correction"])] == [
        h.hk_staff, h.hk_head]


def test_a_lenient_sanction_needs_its_reason_and_enters_the_ledger_with_the_self_review(hotel, resolved):
    h, case = hotel, resolved
    with time_machine.travel(at(2026, 5, 13, 9, 0), tick=False):
        with pytest.raises(Refused) as refused:
            actions.perform("record_sanction", actor=h.hk_head, case_id=case.pk, inputs={
                "employee": h.hk_staff.username, "sanction": "扣当月绩效", "lenient": "true"})
        assert refused.value.field == "lenient_reason" and "理由" in str(refused.value)
        assert not Lateness.objects.filter(case=case).exists()
        with pytest.raises(Refused):  # not for the employee to sanction
            actions.perform("record_sanction", actor=h.hk_staff, case_id=case.pk, inputs={
                "employee": h.hk_staff.username, "sanction": "无"})
        case = actions.perform("record_sanction", actor=h.hk_head, case_id=case.pk, inputs={
            "employee": h.hk_staff.username, "sanction": "扣当月绩效", "lenient": "true",
            "lenient_reason": "初犯且主动承认错误", "self_review": "我对这次卫生质量投诉做深刻检讨……"})
    assert (case.data["lenient"], case.data["lenient_reason"]) == (True, "初犯且主动承认错误")
    assert case.data["self_review"].startswith("我对这次卫生质量投诉做深刻检讨")
    entry = Lateness.objects.get(case=case)
    assert (entry.kind, entry.person, entry.clock) == ("sanction", h.hk_staff, None)


def test_the_employees_next_complaint_of_the_same_kind_shows_as_a_repeat(hotel, resolved):
    h = hotel
    later = hygiene_case(h, at(2026, 5, 20, 9, 0), subject="毛巾未更换")
    later = resolve_on_the_page(h, later, at(2026, 5, 20, 9, 30))
    page = staff(h.hk_head).get(f"/staff/cases/{later.pk}/").content.decode()
    assert resolved.number in page  # the repeat flag links the earlier complaint
