"""S1 hotel (text 五, 六 二): the 消费中 deadline is the guest's requested time, or the preset's
default when the guest named none, and it runs until the final handling (办结), through a
不满意 and its escalation. No open hotel complaint runs without a deadline."""


import pytest
import time_machine
from django.utils import translation

from tests.times import at
from tousu.cases import actions
from tousu.cases.models import Case, Clock
from tousu.cases.sweep import sweep


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def running(case, name: str) -> Clock:
    return Clock.objects.get(case=case, name=name, state=Clock.RUNNING)


def register(h, *, stage: str, requested_by=None, actor=None, unit="front_office"):
    return actions.register_case(
        actor=actor or h.frontdesk, unit=h.units[unit], channel="walk_in", stage=stage,
        subject="房间空调不制冷", description="入住后空调一直不制冷", complainant_name="张先生",
        complainant_phone="13800001234", requested_by=requested_by)


def test_a_during_stay_complaint_without_a_requested_time_gets_the_default_deadline(hotel):
    with time_machine.travel(at(2026, 5, 12, 9, 0), tick=False):
        case = register(hotel, stage="during")
        clock = running(case, "during_stay")
    # The preset's default for a guest who named no time: two hours.
    assert clock.due_at == at(2026, 5, 12, 11, 0)
    assert clock.warn_at == at(2026, 5, 12, 10, 30)


def test_the_during_stay_deadline_runs_through_a_not_satisfied_escalation_until_closing(hotel):
    h = hotel
    with time_machine.travel(at(2026, 5, 12, 9, 0), tick=False) as now:
        case = register(h, stage="during", requested_by=at(2026, 5, 12, 12, 0), actor=h.fo_head)
        actions.accept_case(actor=h.fo_head, case_id=case.pk)
        actions.propose_resolution(actor=h.fo_head, case_id=case.pk, resolution="立即维修")
        actions.reply_case(actor=h.fo_head, case_id=case.pk, text="已安排维修")
        # Replied is not the final handling: the guest's time still runs.
        assert running(case, "during_stay").due_at == at(2026, 5, 12, 12, 0)
        now.move_to(at(2026, 5, 12, 10, 0))
        case = actions.record_callback(actor=h.fo_head, case_id=case.pk, result="not_satisfied")
        assert (case.owner, case.state) == (h.deputy, "in_progress")
        assert running(case, "during_stay").due_at == at(2026, 5, 12, 12, 0)
    # Past the guest's time the escalated case is breached (and escalated once more).
    with time_machine.travel(at(2026, 5, 12, 12, 1), tick=False):
        sweep(now=at(2026, 5, 12, 12, 1))
    case = Case.objects.get(pk=case.pk)
    assert Clock.objects.get(case=case, name="during_stay").breached_at is not None
    assert case.owner == h.gm and case.lateness.count() == 1


def test_the_during_stay_clock_stops_only_when_the_case_is_closed(hotel):
    h = hotel
    with time_machine.travel(at(2026, 5, 12, 9, 0), tick=False):
        case = register(h, stage="during", requested_by=at(2026, 5, 12, 12, 0), actor=h.fo_head)
        actions.accept_case(actor=h.fo_head, case_id=case.pk)
        actions.propose_resolution(actor=h.fo_head, case_id=case.pk, resolution="立即维修")
        actions.reply_case(actor=h.fo_head, case_id=case.pk, text="已安排维修")
        actions.record_callback(actor=h.fo_head, case_id=case.pk, result="satisfied")
        assert running(case, "during_stay")  # confirmed, but not yet 办结
        actions.close_case(actor=h.fo_head, case_id=case.pk)
    assert not Clock.objects.filter(case=case, state=Clock.RUNNING).exists()


@pytest.mark.parametrize("stage", ["during", "after"])
def test_no_open_hotel_complaint_runs_without_a_deadline(hotel, stage):
    """Every open state a complaint passes through has a running clock."""
    h = hotel
    seen = []

    def check(case):
        case = Case.objects.get(pk=case.pk)
        assert case.is_open
        assert Clock.objects.filter(case=case, state=Clock.RUNNING).exists(), case.state
        seen.append(case.state)

    with time_machine.travel(at(2026, 5, 12, 9, 0), tick=False):
        case = register(h, stage=stage, actor=h.fo_head)
        check(case)
        check(actions.accept_case(actor=h.fo_head, case_id=case.pk))
        check(actions.propose_resolution(actor=h.fo_head, case_id=case.pk, resolution="维修"))
        check(actions.reply_case(actor=h.fo_head, case_id=case.pk, text="已维修"))
        check(actions.record_callback(actor=h.fo_head, case_id=case.pk, result="satisfied"))
        actions.close_case(actor=h.fo_head, case_id=case.pk)
        check(actions.reopen_case(actor=h.fo_head, case_id=case.pk, reason="客人再次反映"))
    assert seen == ["received", "accepted", "in_progress", "replied", "confirmed", "in_progress"]


def test_a_reopened_during_stay_complaint_past_the_guests_time_gets_the_default(hotel):
    h = hotel
    with time_machine.travel(at(2026, 5, 12, 9, 0), tick=False):
        case = register(h, stage="during", requested_by=at(2026, 5, 12, 10, 0), actor=h.fo_head)
        actions.accept_case(actor=h.fo_head, case_id=case.pk)
        actions.propose_resolution(actor=h.fo_head, case_id=case.pk, resolution="维修")
        actions.reply_case(actor=h.fo_head, case_id=case.pk, text="已维修")
        actions.record_callback(actor=h.fo_head, case_id=case.pk, result="satisfied")
        actions.close_case(actor=h.fo_head, case_id=case.pk)
    with time_machine.travel(at(2026, 5, 13, 9, 0), tick=False):
        actions.reopen_case(actor=h.fo_head, case_id=case.pk, reason="空调又坏了")
    assert running(case, "during_stay").due_at == at(2026, 5, 13, 11, 0)


def test_the_after_stay_clock_counts_three_working_days_from_registration(hotel):
    h = hotel
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):  # a working Monday
        case = register(h, stage="after", actor=h.fo_head)
        assert running(case, "after_stay").due_at == at(2026, 3, 6, 0, 0)
    with time_machine.travel(at(2026, 3, 3, 10, 0), tick=False):
        actions.accept_case(actor=h.fo_head, case_id=case.pk)
    assert running(case, "after_stay").due_at == at(2026, 3, 6, 0, 0)
