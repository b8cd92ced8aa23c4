"""Every action leaves an event (who, when, what, old and new values), chained by hashes so that
`tousu verify-events` finds any edit or deletion and names the case and the event."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tousu.cases import actions
from tousu.cases.models import Case, CaseEvent
from tousu.cases.sweep import sweep

from .helpers import AFTER_STAY_DUE, MONDAY_10, SH, after_stay_case

HOUR = dt.timedelta(hours=1)


def last_event(case) -> CaseEvent:
    return CaseEvent.objects.filter(case_id=case.pk).order_by("-seq").first()


def assert_event(case, *, action, actor, at, changed=None, note=None):
    """The case's last event is `action` by `actor` at `at`; `changed` maps each field expected
    among its old/new values to (old, new)."""
    event = last_event(case)
    assert (event.action, event.actor_id, event.at) == (action, actor and actor.pk, at)
    for field, (old, new) in (changed or {}).items():
        assert (event.old.get(field), event.new.get(field)) == (old, new), field
    if note is not None:
        assert event.note == note
    case = Case.objects.get(pk=case.pk)
    assert (case.event_count, case.last_event_hash) == (event.seq, event.hash)
    return event


def test_every_action_appends_an_event_with_actor_time_and_old_and_new_values(hotel):
    t = iter(MONDAY_10 + n * HOUR for n in range(100))  # actions timed in local (Shanghai) time
    fo, hk = hotel.units["front_office"], hotel.units["housekeeping"]

    at = next(t)
    case = actions.register_case(
        actor=hotel.frontdesk, unit=fo, channel="phone", subject="房间有异味",
        description="入住期间房间有烟味", stage="after", complainant_name="张先生", now=at)
    # A 消费后 complaint goes to the department head at once (text 五 六、一)2、): the register
    # event itself names the head as owner, one level up.
    register = assert_event(case, action="register", actor=hotel.frontdesk, at=at,
                            changed={"owner": (None, hotel.fo_head.pk), "stage": (None, "after"),
                                     "number": (None, case.number), "level": (None, 1)})
    assert register.seq == 1 and register.prev_hash == "" and register.old == {}

    steps = [
        (lambda at: actions.accept_case(actor=hotel.fo_head, case_id=case.pk, now=at),
         "accept", hotel.fo_head, {"state": ("received", "accepted")}),
        (lambda at: actions.add_note(actor=hotel.frontdesk, case_id=case.pk, text="客人来电催促", now=at),
         "note", hotel.frontdesk, {}),
        (lambda at: actions.transfer_case(actor=hotel.fo_head, case_id=case.pk, unit=hk,
                                          plan="客房部查明烟味来源并更换房间", now=at),
         "transfer", hotel.fo_head, {"handling_unit": (fo.pk, hk.pk), "target_unit": (None, hk.pk),
                                     "owner": (hotel.fo_head.pk, hotel.hk_head.pk),
                                     "level": (None, None), "state": ("accepted", "in_progress")}),
        (lambda at: actions.agree_plan(actor=hotel.hk_head, case_id=case.pk, now=at),
         "agree_plan", hotel.hk_head, {"plan_agreed_by": (None, hotel.hk_head.pk)}),
        (lambda at: actions.assign_case(actor=hotel.hk_head, case_id=case.pk, assignee=hotel.hk_staff,
                                        now=at),
         "assign", hotel.hk_head, {"owner": (hotel.hk_head.pk, hotel.hk_staff.pk)}),
        (lambda at: actions.propose_resolution(actor=hotel.hk_staff, case_id=case.pk,
                                               resolution="更换房间并赠送早餐", compensation=150,
                                               at_fault=True, now=at),
         "propose_resolution", hotel.hk_staff, {"resolution": ("", "更换房间并赠送早餐"),
                                                "compensation": ("0.00", "150"), "at_fault": (None, True)}),
        (lambda at: actions.reply_case(actor=hotel.hk_staff, case_id=case.pk, text="已为您更换房间", now=at),
         "reply", hotel.hk_staff, {"state": ("in_progress", "replied"), "reply": ("", "已为您更换房间")}),
        # Not satisfied: the call-back is recorded and sends the case back to handling, then the
        # case climbs one level by itself (within the same action, so the same person and time).
        (lambda at: actions.record_callback(actor=hotel.hk_staff, case_id=case.pk, result="not_satisfied",
                                            now=at),
         "escalate", hotel.hk_staff, {"owner": (hotel.hk_staff.pk, hotel.deputy.pk), "level": (1, 2)}),
        (lambda at: actions.propose_resolution(actor=hotel.deputy, case_id=case.pk,
                                               resolution="免除一晚房费", compensation=Decimal("800.00"),
                                               now=at),
         "propose_resolution", hotel.deputy, {"compensation": ("150.00", "800.00")}),
        (lambda at: actions.reply_case(actor=hotel.deputy, case_id=case.pk, text="免除一晚房费", now=at),
         "reply", hotel.deputy, {"state": ("in_progress", "replied")}),
        (lambda at: actions.record_callback(actor=hotel.deputy, case_id=case.pk, result="satisfied", now=at),
         "record_callback", hotel.deputy, {"callback_result": ("", "satisfied"),
                                           "state": ("replied", "confirmed")}),
        (lambda at: actions.sign_off_case(actor=hotel.deputy, case_id=case.pk, now=at),
         "sign_off", hotel.deputy, {"signed_off_by": (None, hotel.deputy.pk)}),
        (lambda at: actions.close_case(actor=hotel.deputy, case_id=case.pk, now=at),
         "close", hotel.deputy, {"state": ("confirmed", "closed")}),
        (lambda at: actions.reopen_case(actor=hotel.deputy, case_id=case.pk, reason="客人再次投诉", now=at),
         "reopen", hotel.deputy, {"state": ("closed", "in_progress"), "reopen_count": (0, 1)}),
        (lambda at: actions.withdraw_case(actor=hotel.deputy, case_id=case.pk, reason="客人撤回", now=at),
         "withdraw", hotel.deputy, {"state": ("in_progress", "withdrawn"), "reason": ("", "客人撤回")}),
    ]
    seq = 1
    for act, action, actor, changed in steps:
        at = next(t)
        act(at)
        event = assert_event(case, action=action, actor=actor, at=at, changed=changed)
        if action == "escalate":  # the call-back's own event comes just before it
            callback = CaseEvent.objects.get(case=case, seq=event.seq - 1)
            assert (callback.action, callback.actor_id, callback.at) == ("record_callback", hotel.hk_staff.pk, at)
            assert callback.new["callback_result"] == "not_satisfied"
            assert (callback.old["state"], callback.new["state"]) == ("replied", "in_progress")
            seq += 1
        seq += 1
        assert event.seq == seq
        assert event.prev_hash == CaseEvent.objects.get(case=case, seq=seq - 1).hash
    assert CaseEvent.objects.get(case=case, action="note").note == "客人来电催促"

    call_command("verify_events", stdout=StringIO())  # raises CommandError on a broken chain


def test_worker_events_verify_too(hotel):
    """The worker's own events (no actor) are part of the chain."""
    case = after_stay_case(hotel)
    sweep(now=AFTER_STAY_DUE)
    warned = CaseEvent.objects.get(case=case, action="clock_warned")
    assert warned.actor is None and warned.at == AFTER_STAY_DUE
    call_command("verify_events", stdout=StringIO())


def test_action_timed_in_local_time_still_verifies(hotel):
    """The database gives times back in UTC; an event written with a Shanghai time must hash
    the same when it is read back."""
    at = dt.datetime(2026, 3, 2, 9, 15, 30, 123456, tzinfo=SH)
    case = after_stay_case(hotel, now=at)
    assert last_event(case).at == at
    call_command("verify_events", stdout=StringIO())


def verify_fails() -> str:
    with pytest.raises(CommandError) as failure:
        call_command("verify_events", stdout=StringIO(), stderr=StringIO())
    return str(failure.value)


@pytest.fixture
def two_cases(hotel):
    """Two cases with whole chains of several events each."""
    cases = []
    for subject in ("房间有异味", "早餐冷了"):
        case = after_stay_case(hotel, subject=subject)
        actions.add_note(actor=hotel.frontdesk, case_id=case.pk, text="已联系客人", now=MONDAY_10 + HOUR)
        actions.add_note(actor=hotel.frontdesk, case_id=case.pk, text="客人同意更换房间",
                         now=MONDAY_10 + 2 * HOUR)
        cases.append(Case.objects.get(pk=case.pk))
    call_command("verify_events", stdout=StringIO())
    assert [c.event_count for c in cases] == [4, 4]
    return cases


def test_edited_note_is_detected_and_named(two_cases):
    intact, edited = two_cases
    CaseEvent.objects.filter(case=edited, seq=3).update(note="客人很满意")
    message = verify_fails()
    assert f"{edited.number} event 3" in message
    assert intact.number not in message


def test_edited_new_values_are_detected_and_named(two_cases):
    edited, _intact = two_cases
    event = CaseEvent.objects.get(case=edited, seq=2)
    assert event.new == {"state": "accepted"}
    CaseEvent.objects.filter(pk=event.pk).update(new={"state": "rejected"})
    assert f"{edited.number} event 2" in verify_fails()


def test_edited_actor_or_time_is_detected(two_cases, hotel):
    edited, _intact = two_cases
    CaseEvent.objects.filter(case=edited, seq=4).update(actor=hotel.fo_head)
    assert f"{edited.number} event 4" in verify_fails()
    CaseEvent.objects.filter(case=edited, seq=4).update(actor=hotel.frontdesk,
                                                        at=MONDAY_10 + dt.timedelta(minutes=1))
    assert f"{edited.number} event 4" in verify_fails()


def test_deleted_middle_event_is_detected_and_named(two_cases):
    _intact, edited = two_cases
    CaseEvent.objects.filter(case=edited, seq=2).delete()
    assert f"{edited.number} event 2" in verify_fails()


def test_deleted_last_event_is_detected(two_cases):
    edited, _intact = two_cases
    CaseEvent.objects.filter(case=edited, seq=4).delete()
    message = verify_fails()
    assert f"{edited.number} event 4" in message


def test_rehashed_edit_still_breaks_the_link_to_the_next_event(two_cases):
    """Someone who edits an event and recomputes its own hash still breaks the chain."""
    from tousu.cases.events import event_hash

    edited, _intact = two_cases
    event = CaseEvent.objects.get(case=edited, seq=3)
    forged = event_hash(case_id=edited.pk, seq=3, actor_id=event.actor_id, at=event.at,
                        action=event.action, old=event.old, new=event.new, note="客人很满意",
                        prev_hash=event.prev_hash)
    CaseEvent.objects.filter(pk=event.pk).update(note="客人很满意", hash=forged)
    assert f"{edited.number} event 4" in verify_fails()
