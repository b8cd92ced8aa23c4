"""S1 hotel: a complaint climbs staff -> department head -> deputy GM -> GM, across departments,
and an after-stay complaint is finished within three working days."""

from decimal import Decimal

import pytest
import time_machine
from django.utils import translation

from tests.times import at
from tousu.cases import actions
from tousu.cases.errors import Refused
from tousu.cases.models import Case, Clock
from tousu.cases.sweep import sweep



@pytest.fixture(autouse=True)
def _english():
    """Messages are matched in English; Chinese names (roles, units) come from the preset."""
    with translation.override("en"):
        yield



def actions_of(case) -> list[str]:
    return list(case.events.order_by("seq").values_list("action", flat=True))


def fresh(case) -> Case:
    return Case.objects.get(pk=case.pk)


def where(case) -> tuple:
    """Who holds the case, at which level of the ladder, in which state (as stored)."""
    case = fresh(case)
    return case.owner.username, case.level, case.state


def test_during_stay_complaint_climbs_the_whole_ladder(hotel):
    h = hotel
    with time_machine.travel(at(2026, 5, 12, 9, 0), tick=False) as clock:
        case = actions.register_case(
            actor=h.frontdesk, unit=h.units["front_office"], channel="walk_in", stage="during",
            category="hygiene", target_unit=h.units["housekeeping"], subject="房间未打扫",
            description="客人外出回来发现房间仍未打扫", complainant_name="张先生",
            complainant_phone="13800001234", requested_by=at(2026, 5, 12, 12, 0))
        assert where(case) == ("frontdesk", 0, "received")

        case = actions.accept_case(actor=h.frontdesk, case_id=case.pk)
        assert where(case) == ("frontdesk", 0, "accepted")
        during = Clock.objects.get(case=case, name="during_stay")
        assert during.due_at == at(2026, 5, 12, 12, 0) and during.state == Clock.RUNNING

        clock.move_to(at(2026, 5, 12, 9, 10))
        case = actions.escalate_case(actor=h.frontdesk, case_id=case.pk, reason="需要部门负责人处理")
        assert where(case) == ("fo_head", 1, "in_progress")

        case = actions.transfer_case(actor=h.fo_head, case_id=case.pk, unit=h.units["housekeeping"],
                                     plan="客房部立即重新打扫并致歉")
        assert where(case) == ("hk_head", 1, "in_progress")
        assert fresh(case).handling_unit == h.units["housekeeping"]
        # Both heads must agree: the plan is not agreed yet, so nobody may answer the guest.
        with pytest.raises(Refused, match="agreed the plan"):
            actions.reply_case(actor=h.hk_head, case_id=case.pk, text="已重新打扫")
        # The receiving head proposed the plan; only the head complained about agrees it.
        with pytest.raises(Refused, match="客房部"):
            actions.agree_plan(actor=h.fo_head, case_id=case.pk)
        case = actions.agree_plan(actor=h.hk_head, case_id=case.pk, note="同意")
        assert fresh(case).plan_agreed_by == h.hk_head and where(case) == ("hk_head", 1, "in_progress")

        case = actions.propose_resolution(actor=h.hk_head, case_id=case.pk, resolution="重新打扫，赠送果盘",
                                          compensation="150", at_fault=True)
        assert where(case) == ("hk_head", 1, "in_progress")
        case = actions.reply_case(actor=h.hk_head, case_id=case.pk, text="已重新打扫并致歉")
        assert where(case) == ("hk_head", 1, "replied")
        # The guest's time runs on until the final handling (办结), through the escalations.
        assert Clock.objects.get(case=case, name="during_stay").state == Clock.RUNNING

        clock.move_to(at(2026, 5, 12, 11, 0))
        case = actions.record_callback(actor=h.hk_head, case_id=case.pk, result="not_satisfied")
        assert where(case) == ("deputy", 2, "in_progress")

        with pytest.raises(Refused, match="总经理") as refused:
            actions.propose_resolution(actor=h.deputy, case_id=case.pk, resolution="免房费",
                                       compensation=6000)
        assert refused.value.field == "compensation"
        case = actions.propose_resolution(actor=h.deputy, case_id=case.pk, resolution="升级套房",
                                          compensation=3000)
        assert where(case) == ("deputy", 2, "in_progress")
        case = actions.reply_case(actor=h.deputy, case_id=case.pk, text="为您升级套房")
        assert where(case) == ("deputy", 2, "replied")
        case = actions.record_callback(actor=h.deputy, case_id=case.pk, result="not_satisfied")
        assert where(case) == ("gm", 3, "in_progress")

        case = actions.propose_resolution(actor=h.gm, case_id=case.pk, resolution="免两晚房费",
                                          compensation=8000)
        before = fresh(case)
        with pytest.raises(Refused, match="top of the escalation ladder"):
            actions.escalate_case(actor=h.gm, case_id=case.pk, reason="再上报")
        after = fresh(case)
        assert (after.version, after.level, after.owner, after.event_count) == (
            before.version, 3, h.gm, before.event_count)

        case = actions.reply_case(actor=h.gm, case_id=case.pk, text="总经理致歉并免两晚房费")
        assert where(case) == ("gm", 3, "replied")
        case = actions.record_callback(actor=h.gm, case_id=case.pk, result="satisfied")
        assert where(case) == ("gm", 3, "confirmed")
        case = actions.close_case(actor=h.gm, case_id=case.pk, note="办结")

    assert where(case) == ("gm", 3, "closed")
    assert Clock.objects.get(case=case, name="during_stay").state == Clock.STOPPED
    assert fresh(case).compensation == Decimal(8000)
    assert actions_of(case) == [
        "register", "accept", "escalate", "transfer", "agree_plan", "propose_resolution", "reply",
        "record_callback", "escalate", "propose_resolution", "reply",
        "record_callback", "escalate", "propose_resolution", "reply", "record_callback", "close"]


def test_not_satisfied_at_the_top_goes_back_to_the_gm(hotel):
    """At the top of the ladder a dissatisfied customer is recorded and the GM handles it again
    (nobody is higher to hand it to)."""
    h = hotel
    with time_machine.travel(at(2026, 5, 12, 9, 0), tick=False):
        case = actions.register_case(actor=h.gm, unit=h.units["hotel"], channel="phone", stage="after",
                                     subject="账单错误", description="多收一晚房费", complainant_name="李女士")
        assert case.level == 3
        actions.accept_case(actor=h.gm, case_id=case.pk)
        actions.propose_resolution(actor=h.gm, case_id=case.pk, resolution="退还房费", compensation=500)
        actions.reply_case(actor=h.gm, case_id=case.pk, text="已退还")
        case = actions.record_callback(actor=h.gm, case_id=case.pk, result="not_satisfied")
    assert where(case) == ("gm", 3, "in_progress")
    assert fresh(case).callback_result == "not_satisfied"
    assert actions_of(case)[-2:] == ["reply", "record_callback"]
    # ... and is not stuck: the GM answers again until the guest is satisfied.
    with time_machine.travel(at(2026, 5, 13, 9, 0), tick=False):
        actions.propose_resolution(actor=h.gm, case_id=case.pk, resolution="退还房费并致歉", compensation=800)
        actions.reply_case(actor=h.gm, case_id=case.pk, text="总经理亲自致歉")
        actions.record_callback(actor=h.gm, case_id=case.pk, result="satisfied")
        actions.close_case(actor=h.gm, case_id=case.pk)
    assert where(case) == ("gm", 3, "closed")


def test_after_stay_complaint_finished_within_three_working_days_over_national_day(hotel):
    h = hotel
    with time_machine.travel(at(2026, 9, 30, 15, 0), tick=False) as clock:
        case = actions.register_case(actor=h.frontdesk, unit=h.units["front_office"], channel="letter",
                                     stage="after", subject="退房后发现多扣押金",
                                     description="退房时押金未全额退还", complainant_name="王先生")
        # The front desk records it and reports it at once: the department head organises the
        # investigation and handles it (text 五 六、一)2、1)(1)).
        assert where(case) == ("fo_head", 1, "received")
        case = actions.accept_case(actor=h.fo_head, case_id=case.pk)
        after_stay = Clock.objects.get(case=case, name="after_stay")
        # Accepted Wed 30 Sep; 1-7 Oct are National Day holidays; Thu 8, Fri 9 and the make-up
        # working Saturday 10 Oct (调休) are the three working days: due at the end of 10 Oct.
        assert after_stay.due_at == at(2026, 10, 11, 0, 0)
        assert not after_stay.provisional and not fresh(case).provisional_deadline

        clock.move_to(at(2026, 10, 8, 10, 0))
        actions.propose_resolution(actor=h.fo_head, case_id=case.pk, resolution="退还押金差额",
                                   compensation=100)
        actions.reply_case(actor=h.fo_head, case_id=case.pk, text="差额已退回")
        clock.move_to(at(2026, 10, 9, 10, 0))
        actions.record_callback(actor=h.fo_head, case_id=case.pk, result="satisfied")
        clock.move_to(at(2026, 10, 10, 16, 0))
        case = actions.close_case(actor=h.fo_head, case_id=case.pk)
        assert case.state == "closed"

    after_stay.refresh_from_db()
    assert after_stay.state == Clock.STOPPED and after_stay.stopped_at == at(2026, 10, 10, 16, 0)
    # Long after the due time the worker finds nothing to breach on this case.
    assert sweep(now=at(2026, 10, 20, 9, 0)) == {"warned": 0, "breached": 0}
    after_stay.refresh_from_db()
    assert after_stay.breached_at is None and not case.lateness.exists()


def test_after_stay_clock_running_past_due_is_breached_and_escalated(hotel):
    """The counterpart of the test above: the same complaint left alone is breached. The head
    held it (a 消费后 complaint is his from registration), so it climbs to the deputy GM."""
    h = hotel
    with time_machine.travel(at(2026, 9, 30, 15, 0), tick=False):
        case = actions.register_case(actor=h.frontdesk, unit=h.units["front_office"], channel="letter",
                                     stage="after", subject="押金", description="押金未退",
                                     complainant_name="王先生")
        actions.accept_case(actor=h.fo_head, case_id=case.pk)
    assert sweep(now=at(2026, 10, 11, 0, 1))["breached"] == 1
    assert where(case) == ("deputy", 2, "in_progress")
    assert fresh(case).lateness.get().person == h.fo_head


def test_staff_compensation_beyond_200_needs_the_department_head(hotel):
    h = hotel
    with time_machine.travel(at(2026, 5, 12, 9, 0), tick=False):
        case = actions.register_case(actor=h.frontdesk, unit=h.units["front_office"], channel="walk_in",
                                     stage="during", subject="空调噪音", description="空调噪音大",
                                     complainant_name="赵先生")
        actions.accept_case(actor=h.frontdesk, case_id=case.pk)
        before = fresh(case)
        with pytest.raises(Refused, match="部门负责人") as refused:
            actions.propose_resolution(actor=h.frontdesk, case_id=case.pk, resolution="房费打折",
                                       compensation="200.01")
        assert refused.value.field == "compensation"
        after = fresh(case)
        assert (after.version, after.compensation, after.resolution) == (before.version, 0, "")
        case = actions.propose_resolution(actor=h.frontdesk, case_id=case.pk, resolution="赠送早餐",
                                          compensation=200)
        assert fresh(case).compensation == Decimal(200)
