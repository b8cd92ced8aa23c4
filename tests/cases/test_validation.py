"""Bad input gets a clear message naming the field, and writes nothing."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from tousu.cases import actions
from tousu.cases.errors import InvalidInput, Refused
from tousu.cases.models import Case, CaseEvent, Clock
from tousu.notify.models import Notification

SH = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 5, 12, 10, 0, tzinfo=SH)


@pytest.fixture(autouse=True)
def _english_at_noon():
    with translation.override("en"), time_machine.travel(NOW, tick=False):
        yield


def rows() -> tuple:
    return (Case.objects.count(), CaseEvent.objects.count(), Clock.objects.count(),
            Notification.objects.count())


def register(h, **changes):
    fields = dict(actor=h.frontdesk, unit=h.units["front_office"], channel="phone", stage="during",
                  category="noise", subject="隔壁噪音", description="深夜隔壁喧哗",
                  complainant_name="孙先生", complainant_phone="+86 138-0000-1234",
                  complainant_email="sun@example.com", requested_by=NOW + dt.timedelta(hours=2))
    fields.update(changes)
    return actions.register_case(**fields)


@pytest.mark.parametrize("changes, field, words", [
    ({"subject": "   "}, "subject", "Subject is required"),
    ({"description": ""}, "description", "Course of events is required"),
    ({"complainant_name": None}, "complainant_name", "Complainant is required"),
    ({"channel": "fax"}, "channel", "电话"),
    ({"channel": ""}, "channel", "Channel must be one of"),
    ({"stage": "before"}, "stage", "消费中投诉"),
    ({"category": "weather"}, "category", "噪音"),
    ({"complainant_phone": "138abc"}, "complainant_phone", "digits"),
    ({"complainant_phone": "12"}, "complainant_phone", "digits"),
    ({"complainant_email": "sun@"}, "complainant_email", "email"),
    ({"requested_by": NOW - dt.timedelta(minutes=1)}, "requested_by", "future"),
    ({"requested_by": NOW}, "requested_by", "future"),
    ({"requested_by": "tonight"}, "requested_by", "date and time"),
    ({"promised_reply_at": NOW - dt.timedelta(days=1)}, "promised_reply_at", "future"),
    ({"severity": 0}, "severity", "Severity"),
])
def test_registering_bad_input_is_refused_and_writes_nothing(hotel, changes, field, words):
    with pytest.raises(InvalidInput, match=words) as refused:
        register(hotel, **changes)
    assert refused.value.field == field
    assert rows() == (0, 0, 0, 0)
    register(hotel)  # the same complaint with good input is accepted
    assert rows()[:2] == (1, 1)


def accepted_case(h):
    case = register(h)
    return actions.accept_case(actor=h.frontdesk, case_id=case.pk)


def proposed_case(h):
    case = accepted_case(h)
    return actions.propose_resolution(actor=h.frontdesk, case_id=case.pk, resolution="致歉")


def escalated_case(h):
    case = accepted_case(h)
    return actions.escalate_case(actor=h.frontdesk, case_id=case.pk, reason="请经理处理")


def replied_case(h):
    case = proposed_case(h)
    return actions.reply_case(actor=h.frontdesk, case_id=case.pk, text="已致歉")


# (case to start from, the bad call, error, field, words in the message)
BAD_CALLS = {
    "negative compensation": (accepted_case, lambda h, c: actions.propose_resolution(
        actor=h.frontdesk, case_id=c.pk, resolution="赔偿", compensation=-1),
        InvalidInput, "compensation", "negative"),
    "compensation not a number": (accepted_case, lambda h, c: actions.propose_resolution(
        actor=h.frontdesk, case_id=c.pk, resolution="赔偿", compensation="一百"),
        InvalidInput, "compensation", "number"),
    "compensation NaN": (accepted_case, lambda h, c: actions.propose_resolution(
        actor=h.frontdesk, case_id=c.pk, resolution="赔偿", compensation="NaN"),
        InvalidInput, "compensation", "number"),
    "compensation infinite": (accepted_case, lambda h, c: actions.propose_resolution(
        actor=h.frontdesk, case_id=c.pk, resolution="赔偿", compensation="Infinity"),
        InvalidInput, "compensation", "number"),
    "compensation in fen": (accepted_case, lambda h, c: actions.propose_resolution(
        actor=h.frontdesk, case_id=c.pk, resolution="赔偿", compensation="0.001"),
        InvalidInput, "compensation", "fen"),
    "blank resolution": (accepted_case, lambda h, c: actions.propose_resolution(
        actor=h.frontdesk, case_id=c.pk, resolution=" ", compensation=10),
        InvalidInput, "resolution", "Resolution is required"),
    "unknown call-back result": (replied_case, lambda h, c: actions.record_callback(
        actor=h.frontdesk, case_id=c.pk, result="maybe"), InvalidInput, "result", "Satisfied、Not satisfied"),
    "agreed reply time past": (register, lambda h, c: actions.accept_case(
        actor=h.frontdesk, case_id=c.pk, promised_reply_at=NOW - dt.timedelta(hours=1)),
        InvalidInput, "promised_reply_at", "future"),
    "blank note": (accepted_case, lambda h, c: actions.add_note(actor=h.frontdesk, case_id=c.pk, text=""),
                   InvalidInput, "text", "Note is required"),
    "blank escalation reason": (accepted_case, lambda h, c: actions.escalate_case(
        actor=h.frontdesk, case_id=c.pk, reason=""), InvalidInput, "reason", "Reason is required"),
    "blank reply": (proposed_case, lambda h, c: actions.reply_case(actor=h.frontdesk, case_id=c.pk,
                                                                   text=" "),
                    InvalidInput, "text", "Reply is required"),
    "blank plan": (accepted_case, lambda h, c: actions.transfer_case(
        actor=h.fo_head, case_id=c.pk, unit=h.units["housekeeping"], plan=""),
        InvalidInput, "plan", "Plan is required"),
    "transfer to its own unit": (accepted_case, lambda h, c: actions.transfer_case(
        actor=h.fo_head, case_id=c.pk, unit=h.units["front_office"], plan="自己处理"),
        InvalidInput, "unit", "another unit"),
    "assign to an outsider": (accepted_case, lambda h, c: actions.assign_case(
        actor=h.frontdesk, case_id=c.pk, assignee=h.stranger), InvalidInput, "assignee", "belong"),
    "blank rejection reason": (register, lambda h, c: actions.reject_case(
        actor=h.fo_head, case_id=c.pk, reason=""), InvalidInput, "reason", "Reason is required"),
    "close a received case": (register, lambda h, c: actions.close_case(actor=h.fo_head, case_id=c.pk),
                              Refused, "", "Received"),
    "reply before a resolution": (escalated_case, lambda h, c: actions.reply_case(
        actor=h.fo_head, case_id=c.pk, text="答复"), Refused, "", "Propose a resolution"),
    "close before the call-back": (replied_case, lambda h, c: actions.close_case(
        actor=h.fo_head, case_id=c.pk), Refused, "", "Call the customer back"),
}


@pytest.mark.parametrize("name", BAD_CALLS)
def test_bad_action_input_is_refused_and_writes_nothing(hotel, name):
    start, call, error, field, words = BAD_CALLS[name]
    case = start(hotel)
    case = Case.objects.get(pk=case.pk)
    before = rows(), case.version, case.state, case.compensation, case.callback_result
    with pytest.raises(error, match=words) as refused:
        call(hotel, case)
    assert refused.value.field == field
    after = Case.objects.get(pk=case.pk)
    assert (rows(), after.version, after.state, after.compensation, after.callback_result) == before


@pytest.mark.parametrize("given, kept", [("99.90", "99.90"), (" 12.5 ", "12.50"), (0, "0.00"), ("", "0.00")])
def test_compensation_in_yuan_and_fen_is_kept_exactly(hotel, given, kept):
    case = accepted_case(hotel)
    actions.propose_resolution(actor=hotel.frontdesk, case_id=case.pk, resolution="赔偿", compensation=given)
    assert str(Case.objects.get(pk=case.pk).compensation) == kept


def test_a_hotel_complaint_needs_its_stage_because_its_deadline_depends_on_it(hotel):
    with pytest.raises(InvalidInput) as refused:
        register(hotel, stage="")
    assert refused.value.field == "stage" and "消费后投诉" in refused.value.message
    assert rows() == (0, 0, 0, 0)


def test_a_bank_complaint_may_leave_the_stage_blank(bank):
    """The bank's reply deadline does not depend on it."""
    case = actions.register_case(actor=bank.teller, unit=bank.units["outlet_wenyi"], channel="phone",
                                 subject="排队太久", description="等了一个小时", complainant_name="钱女士")
    assert case.stage == "" and [c.name for c in case.clocks.all()] == ["reply"]
