"""The worker's sweep over a hotel's clocks: warn once, breach once, escalate once."""

import datetime as dt

from tousu.cases import actions
from tousu.cases.models import Case, CaseEvent, Lateness
from tousu.cases.sweep import sweep
from tousu.notify.models import Notification
from tousu.org.models import Membership

from .helpers import (AFTER_STAY_DUE, AFTER_STAY_WARN, MONDAY_10, SH, actions_of, after_stay_case,
                      clock_of, close_after_reply)

MINUTE = dt.timedelta(minutes=1)
NOTHING = {"warned": 0, "breached": 0}


def test_clock_is_warned_once_when_its_warning_time_passes(hotel):
    case = after_stay_case(hotel)
    clock = clock_of(case)
    assert (clock.due_at, clock.warn_at) == (AFTER_STAY_DUE, AFTER_STAY_WARN)
    queued_before = Notification.objects.count()

    assert sweep(now=AFTER_STAY_WARN - MINUTE) == NOTHING
    assert "clock_warned" not in actions_of(case)

    assert sweep(now=AFTER_STAY_WARN) == {"warned": 1, "breached": 0}
    warned = CaseEvent.objects.get(case=case, action="clock_warned")
    assert warned.actor is None and warned.at == AFTER_STAY_WARN
    assert warned.note == f"{clock.label} 2026-03-06 00:00"  # the due time, as the hotel reads it
    clock.refresh_from_db()
    assert clock.warned_at == AFTER_STAY_WARN and clock.breached_at is None
    mail = Notification.objects.order_by("-pk").first()
    assert Notification.objects.count() == queued_before + 1
    # The warning goes to the case's owner: the front office's head, who took the 消费后 case.
    assert mail.recipient == "fo_head@example.com" and mail.case_id == case.pk
    assert case.number in mail.subject and mail.state == Notification.PENDING

    # Later rounds, before the due time, do nothing more.
    assert sweep(now=AFTER_STAY_WARN + MINUTE) == NOTHING
    assert sweep(now=AFTER_STAY_DUE - MINUTE) == NOTHING
    assert actions_of(case).count("clock_warned") == 1
    assert Notification.objects.count() == queued_before + 1


def test_breach_is_recorded_against_unit_and_owner_and_escalates_to_the_deputy_gm(hotel):
    """A 消费后 case is the department head's from registration, so a breach climbs from the head
    to the deputy GM in charge (text 五 六、一)2、1)(2))."""
    case = after_stay_case(hotel)
    sweep(now=AFTER_STAY_WARN)
    events_before = actions_of(case)

    assert sweep(now=AFTER_STAY_DUE) == {"warned": 0, "breached": 1}

    assert actions_of(case) == events_before + ["clock_breached", "escalate"]
    late = Lateness.objects.get(case=case)
    # The lateness counts against whoever held the case when the deadline passed.
    assert (late.unit, late.person, late.clock) == (hotel.units["front_office"], hotel.fo_head,
                                                     clock_of(case))
    assert late.occurred_at == AFTER_STAY_DUE
    case.refresh_from_db()
    assert (case.level, case.owner, case.state) == (2, hotel.deputy, "in_progress")
    escalate = CaseEvent.objects.get(case=case, action="escalate")
    assert escalate.actor is None and escalate.at == AFTER_STAY_DUE
    assert escalate.old["owner"] == hotel.fo_head.pk and escalate.new["owner"] == hotel.deputy.pk
    assert (escalate.old["level"], escalate.new["level"]) == (1, 2)
    assert clock_of(case).label in escalate.note
    # The deputy GM hears that the case is now theirs.
    assert Notification.objects.filter(recipient="deputy@example.com", case=case).count() == 1

    # Sweeping again, now or much later, changes nothing.
    for later in (AFTER_STAY_DUE, AFTER_STAY_DUE + dt.timedelta(days=10)):
        assert sweep(now=later) == NOTHING
    assert actions_of(case).count("clock_breached") == 1
    assert actions_of(case).count("escalate") == 1
    assert Lateness.objects.filter(case=case).count() == 1
    case.refresh_from_db()
    assert (case.level, case.owner) == (2, hotel.deputy)


def test_worker_that_was_down_warns_then_breaches_in_one_round(hotel):
    case = after_stay_case(hotel)
    assert sweep(now=AFTER_STAY_DUE + dt.timedelta(hours=5)) == {"warned": 1, "breached": 1}
    assert actions_of(case)[-3:] == ["clock_warned", "clock_breached", "escalate"]


def test_clock_of_a_closed_case_is_never_warned_or_breached(hotel):
    case = after_stay_case(hotel)
    case = close_after_reply(hotel, case, now=MONDAY_10 + dt.timedelta(hours=2))
    assert case.state == "closed"
    events = actions_of(case)

    assert sweep(now=AFTER_STAY_DUE + dt.timedelta(days=30)) == NOTHING

    clock = clock_of(case)
    assert clock.state == "stopped" and clock.warned_at is None and clock.breached_at is None
    assert actions_of(case) == events
    assert not Lateness.objects.filter(case=case).exists()


def test_breach_at_the_top_of_the_ladder_is_recorded_but_not_escalated(hotel):
    case = after_stay_case(hotel)
    later = MONDAY_10 + dt.timedelta(hours=1)
    for owner in (hotel.fo_head, hotel.deputy):  # the head holds a 消费后 case from the start
        case = actions.escalate_case(actor=owner, case_id=case.pk, reason="客人要求更高层处理", now=later)
    assert (case.level, case.owner) == (3, hotel.gm)
    events = actions_of(case)

    assert sweep(now=AFTER_STAY_DUE) == {"warned": 1, "breached": 1}

    assert actions_of(case) == events + ["clock_warned", "clock_breached"]
    late = Lateness.objects.get(case=case)
    assert (late.unit, late.person) == (hotel.units["front_office"], hotel.gm)
    case.refresh_from_db()
    assert (case.level, case.owner) == (3, hotel.gm)


def test_during_stay_clock_falls_due_at_the_guests_requested_time(hotel):
    requested = dt.datetime(2026, 3, 2, 14, 30, tzinfo=SH)
    case = actions.register_case(
        actor=hotel.frontdesk, unit=hotel.units["front_office"], channel="walk_in",
        subject="空调不制冷", description="房间空调不制冷，客人要求下午两点半前修好", stage="during",
        complainant_name="李女士", requested_by=requested, now=MONDAY_10)
    case = actions.accept_case(actor=hotel.frontdesk, case_id=case.pk, now=MONDAY_10)
    clock = clock_of(case, "during_stay")
    assert clock.due_at == requested
    assert clock.warn_at == requested - dt.timedelta(minutes=30)
    assert not clock.provisional and not case.provisional_deadline

    assert sweep(now=requested - dt.timedelta(minutes=31)) == NOTHING
    assert sweep(now=requested - dt.timedelta(minutes=29)) == {"warned": 1, "breached": 0}
    assert sweep(now=requested - MINUTE) == NOTHING
    assert sweep(now=requested) == {"warned": 0, "breached": 1}
    case.refresh_from_db()
    assert (case.level, case.owner) == (1, hotel.fo_head)
    assert actions_of(case)[-3:] == ["clock_warned", "clock_breached", "escalate"]


def test_closing_before_the_requested_time_stops_the_during_stay_clock(hotel):
    """The guest's time runs until the final handling (办结), not just until the reply."""
    requested = dt.datetime(2026, 3, 2, 14, 30, tzinfo=SH)
    case = actions.register_case(
        actor=hotel.frontdesk, unit=hotel.units["front_office"], channel="walk_in",
        subject="空调不制冷", description="房间空调不制冷", stage="during",
        complainant_name="李女士", requested_by=requested, now=MONDAY_10)
    actions.accept_case(actor=hotel.frontdesk, case_id=case.pk, now=MONDAY_10)
    noon = MONDAY_10 + dt.timedelta(hours=2)
    actions.propose_resolution(actor=hotel.frontdesk, case_id=case.pk, resolution="维修空调", now=noon)
    actions.reply_case(actor=hotel.frontdesk, case_id=case.pk, text="空调已修好", now=noon)
    actions.record_callback(actor=hotel.frontdesk, case_id=case.pk, result="satisfied", now=noon)
    actions.close_case(actor=hotel.fo_head, case_id=case.pk, now=noon)

    assert sweep(now=requested + dt.timedelta(hours=1)) == NOTHING
    assert not Lateness.objects.filter(case=case).exists()


def test_breach_of_a_confirmed_case_does_not_send_it_back_to_in_progress(hotel):
    """The customer is satisfied and the case waits for the head's signature when the three
    days run out: the lateness is recorded, but the reply is not undone by an escalation
    (the policy does not let anyone escalate a confirmed case)."""
    case = after_stay_case(hotel)  # the front office's head handles it
    noon = MONDAY_10 + dt.timedelta(hours=2)
    actions.propose_resolution(actor=hotel.fo_head, case_id=case.pk, resolution="更换房间", now=noon)
    actions.reply_case(actor=hotel.fo_head, case_id=case.pk, text="已更换房间", now=noon)
    case = actions.record_callback(actor=hotel.fo_head, case_id=case.pk, result="satisfied", now=noon)
    assert case.state == "confirmed"

    assert sweep(now=AFTER_STAY_DUE) == {"warned": 1, "breached": 1}

    case.refresh_from_db()
    assert (case.state, case.owner, case.level) == ("confirmed", hotel.fo_head, 1)
    assert "escalate" not in actions_of(case)
    assert Lateness.objects.filter(case=case, person=hotel.fo_head).count() == 1
    # The head can still sign off and close it.
    actions.sign_off_case(actor=hotel.fo_head, case_id=case.pk, now=AFTER_STAY_DUE)
    assert actions.close_case(actor=hotel.fo_head, case_id=case.pk, now=AFTER_STAY_DUE).state == "closed"


def test_breach_nobody_can_take_over_is_recorded_and_does_not_stop_the_sweep(hotel):
    """The hotel has no deputy GM in charge above the front office's head, who holds the 消费后
    cases: the breach is still recorded, says why it was not escalated, and the other due clocks
    are handled too."""
    first = after_stay_case(hotel, subject="早餐冷了")
    second = after_stay_case(hotel, subject="热水不热")
    Membership.objects.filter(role__code="deputy_gm").delete()

    assert sweep(now=AFTER_STAY_DUE) == {"warned": 2, "breached": 2}

    for case in (first, second):
        breached = CaseEvent.objects.get(case=case, action="clock_breached")
        assert "分管副总" in breached.note
        assert Lateness.objects.filter(case=case).count() == 1
        case.refresh_from_db()
        assert (case.owner, case.level) == (hotel.fo_head, 1)
    assert sweep(now=AFTER_STAY_DUE + dt.timedelta(days=1)) == NOTHING


def test_sweep_cost_follows_what_is_due(hotel, django_assert_max_num_queries):
    """Cases far from their deadlines are not visited: one round over nothing due is two
    queries however many cases exist."""
    for n in range(5):
        after_stay_case(hotel, subject=f"投诉 {n}")
    with django_assert_max_num_queries(2):
        assert sweep(now=MONDAY_10 + dt.timedelta(hours=1)) == NOTHING
    assert Case.objects.count() == 5


def test_guest_request_already_past_when_accepted_is_breached_once(hotel):
    requested = dt.datetime(2026, 3, 2, 10, 30, tzinfo=SH)
    case = actions.register_case(
        actor=hotel.frontdesk, unit=hotel.units["front_office"], channel="walk_in",
        subject="空调不制冷", description="房间空调不制冷", stage="during",
        complainant_name="李女士", requested_by=requested, now=MONDAY_10)
    late_accept = requested + dt.timedelta(minutes=20)
    actions.accept_case(actor=hotel.frontdesk, case_id=case.pk, now=late_accept)

    assert sweep(now=late_accept + MINUTE) == {"warned": 1, "breached": 1}
    assert sweep(now=late_accept + dt.timedelta(hours=1)) == NOTHING
    case.refresh_from_db()
    assert (case.level, case.owner) == (1, hotel.fo_head)
    assert Lateness.objects.filter(case=case).count() == 1


def _promised_reply_case(telecom, promised):
    """A telecom complaint accepted with a reply time agreed with the customer; the promise
    clock restarts whenever the case is escalated (telecom.toml)."""
    case = actions.register_case(
        actor=telecom.agent, unit=telecom.units["cs_center"], channel="phone", subject="宽带频繁掉线",
        description="宽带每天晚上掉线", complainant_name="王先生", promised_reply_at=promised,
        now=MONDAY_10)
    return actions.accept_case(actor=telecom.agent, case_id=case.pk, now=MONDAY_10)


def test_broken_promise_escalates_once_not_up_the_whole_ladder(telecom):
    promised = MONDAY_10 + dt.timedelta(hours=4)
    case = _promised_reply_case(telecom, promised)

    assert sweep(now=promised)["breached"] == 1
    case.refresh_from_db()
    assert (case.level, case.owner) == (1, telecom.team_lead)

    # The escalation hands the case on with the same, already missed, promise: later rounds
    # must not breach it again and climb to the center head and the company head.
    for later in (promised + MINUTE, promised + dt.timedelta(hours=1)):
        sweep(now=later)
    case.refresh_from_db()
    assert (case.level, case.owner) == (1, telecom.team_lead)
    assert actions_of(case).count("escalate") == 1
    assert Lateness.objects.filter(case=case).count() == 1


def test_promise_kept_is_not_breached_when_the_case_escalates_later(telecom):
    """The reply came in time; the customer, called back after the promised time, is not
    satisfied, so the case climbs a level. The promise was kept: no lateness, no second climb."""
    promised = MONDAY_10 + dt.timedelta(hours=4)
    case = _promised_reply_case(telecom, promised)
    noon = MONDAY_10.replace(hour=12)
    actions.propose_resolution(actor=telecom.agent, case_id=case.pk, resolution="更换光猫", now=noon)
    actions.reply_case(actor=telecom.agent, case_id=case.pk, text="已安排更换光猫", now=noon)
    callback = promised + dt.timedelta(hours=2)
    actions.record_callback(actor=telecom.agent, case_id=case.pk, result="not_satisfied", now=callback)
    case.refresh_from_db()
    assert (case.level, case.owner) == (1, telecom.team_lead)

    assert sweep(now=callback + MINUTE) == NOTHING
    case.refresh_from_db()
    assert (case.level, case.owner) == (1, telecom.team_lead)
    assert not Lateness.objects.filter(case=case).exists()


def test_clock_that_fails_is_retried_next_round_and_does_not_hold_up_the_others(hotel, monkeypatch):
    from tousu.cases import sweep as sweep_module

    cases = [after_stay_case(hotel, subject=f"投诉 {n}") for n in range(3)]
    broken = clock_of(cases[0]).pk
    real = sweep_module.warn_clock

    def warn_unless_broken(*, clock_id, now):
        if clock_id == broken:
            raise RuntimeError("database hiccup")
        return real(clock_id=clock_id, now=now)

    monkeypatch.setattr(sweep_module, "warn_clock", warn_unless_broken)
    assert sweep(now=AFTER_STAY_WARN) == {"warned": 2, "breached": 0}
    assert ["clock_warned" in actions_of(c) for c in cases] == [False, True, True]

    monkeypatch.undo()
    assert sweep(now=AFTER_STAY_WARN + MINUTE) == {"warned": 1, "breached": 0}
    assert all(actions_of(c).count("clock_warned") == 1 for c in cases)
