"""要求重新处理: the customer's re-review request from the portal is a real request. While it waits
for its answer (its clock runs), the case is not closed, whoever tries and however (the engine,
the staff page); answered (or replied to anew), it may be closed."""

import pytest
import time_machine
from django.test import Client

from tests.times import at
from tousu.cases import actions
from tousu.cases.engine import PartyActor
from tousu.cases.errors import Refused
from tousu.cases.models import Case, Clock
from tousu.portal.tracking import complainant_party

WAITING = "要求重新处理的申请尚未答复"


@pytest.fixture
def requested(telecom):
    """A telecom work order replied to, the customer asking for a re-review on the portal."""
    t = telecom
    with time_machine.travel(at(2026, 7, 6, 9, 0), tick=False):
        case = actions.register_case(
            actor=t.agent, unit=t.units["cs_center"], channel="work_order", category="billing",
            subject="账单多扣流量费", description="套餐内流量未用完却扣了流量包费用", complainant_name="吴先生",
            complainant_phone="13300003333")
        actions.accept_case(actor=t.agent, case_id=case.pk, promised_reply_at=at(2026, 7, 6, 17, 0))
        actions.propose_resolution(actor=t.agent, case_id=case.pk, resolution="核查计费并退还")
        actions.reply_case(actor=t.agent, case_id=case.pk, text="已核查，退还 60 元")
    with time_machine.travel(at(2026, 7, 6, 18, 0), tick=False):
        actions.perform("request_review", actor=PartyActor(complainant_party(case)), case_id=case.pk,
                        inputs={"reason": "退款没有到账"})
    case = Case.objects.get(pk=case.pk)
    assert Clock.objects.get(case=case, name="review_request").state == Clock.RUNNING
    return case


@pytest.fixture
def called_back(telecom, requested):
    """... and then called back, the customer satisfied with the call itself."""
    with time_machine.travel(at(2026, 7, 6, 18, 30), tick=False):
        return actions.record_callback(actor=telecom.agent, case_id=requested.pk, result="satisfied")


def test_the_engine_refuses_to_close_while_the_request_waits(telecom, called_back):
    requested = called_back
    for who in (telecom.agent, telecom.team_lead, telecom.center_head):
        with time_machine.travel(at(2026, 7, 6, 19, 0), tick=False), pytest.raises(Refused, match=WAITING):
            actions.close_case(actor=who, case_id=requested.pk)
    case = Case.objects.get(pk=requested.pk)
    assert case.state == "confirmed" and case.closed_at is None and not case.events.filter(action="close").exists()


def test_once_answered_the_case_closes(telecom, called_back):
    requested = called_back
    with time_machine.travel(at(2026, 7, 6, 19, 0), tick=False):
        actions.perform("answer_review", actor=telecom.agent, case_id=requested.pk,
                        inputs={"text": "退款已于今日原路退回，请查收"})
        case = actions.close_case(actor=telecom.team_lead, case_id=requested.pk)
    assert case.state == "closed"
    assert Clock.objects.get(case=case, name="review_request").state == Clock.STOPPED


def test_a_new_reply_answers_the_request_too(telecom, requested):
    """Replying anew (a new promised time, then the reply) stops the request's clock too."""
    with time_machine.travel(at(2026, 7, 7, 9, 0), tick=False):
        actions.perform("repromise", actor=telecom.agent, case_id=requested.pk, inputs={
            "promised_reply_at": "2026-07-07T12:00", "reason": "核查退款流水"})
        actions.reply_case(actor=telecom.agent, case_id=requested.pk, text="退款已到账")
        actions.record_callback(actor=telecom.agent, case_id=requested.pk, result="satisfied")
        assert actions.close_case(actor=telecom.team_lead, case_id=requested.pk).state == "closed"


def test_the_staff_page_says_why_and_closes_nothing(telecom, called_back):
    requested = called_back
    client = Client(headers={"accept-language": "zh-hans"})
    client.force_login(telecom.team_lead)
    page = client.get(f"/staff/cases/{requested.pk}/").content.decode()
    assert WAITING in page  # the close button says what holds it back
    with time_machine.travel(at(2026, 7, 6, 19, 0), tick=False):
        response = client.post(f"/staff/cases/{requested.pk}/act/close/", {
            "close-note": "", "expected_version": requested.version})
    assert response.status_code == 400 and WAITING in response.content.decode()
    assert Case.objects.get(pk=requested.pk).state == "confirmed"


def test_the_hotel_refuses_to_close_while_a_guest_s_request_waits(hotel):
    """The hotel's own `close` rules (standard covered, call-back) carry the same guard."""
    h = hotel
    with time_machine.travel(at(2026, 7, 6, 9, 0), tick=False):
        case = actions.register_case(
            actor=h.frontdesk, unit=h.units["front_office"], channel="phone", stage="during", category="hygiene",
            subject="房间有异味", description="入住后发现房间有烟味", complainant_name="钱女士",
            complainant_phone="13500005555", requested_by=at(2026, 7, 6, 12, 0))
        actions.accept_case(actor=h.frontdesk, case_id=case.pk)
        actions.propose_resolution(actor=h.frontdesk, case_id=case.pk, resolution="更换房间")
        actions.reply_case(actor=h.frontdesk, case_id=case.pk, text="已为您更换房间")
    with time_machine.travel(at(2026, 7, 6, 11, 0), tick=False):
        actions.perform("request_review", actor=PartyActor(complainant_party(case)), case_id=case.pk,
                        inputs={"reason": "新房间也有烟味"})
        actions.record_callback(actor=h.frontdesk, case_id=case.pk, result="satisfied")
        with pytest.raises(Refused, match="重新处理的申请尚未答复"):
            actions.perform("close", actor=h.fo_head, case_id=case.pk, inputs={"standard_covered": True})
    assert Case.objects.get(pk=case.pk).closed_at is None
