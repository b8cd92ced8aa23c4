"""S3 telecom: a work order answered by the promised time, called back, escalated when the
customer is not satisfied, and its 48-hour clock paused while the customer cannot be reached."""

import datetime as dt

import time_machine

from tests.times import at
from tousu.cases import actions
from tousu.cases.models import Case, Clock
from tousu.cases.sweep import sweep




def resolve_clock(case) -> Clock:
    return Clock.objects.get(case=case, name="resolve")


def test_work_order_escalates_and_its_clock_pauses_while_the_customer_is_unreachable(telecom):
    t = telecom
    with time_machine.travel(at(2026, 7, 6, 9, 0), tick=False) as clock:
        case = actions.register_case(
            actor=t.agent, unit=t.units["cs_center"], channel="work_order", category="weak_coverage",
            subject="家中信号弱", description="小区室内经常无信号", complainant_name="吴先生",
            complainant_phone="13300003333")
        assert (case.owner, case.level, case.channel) == (t.agent, 0, "work_order")
        case = actions.accept_case(actor=t.agent, case_id=case.pk, promised_reply_at=at(2026, 7, 6, 17, 0))
        assert Clock.objects.get(case=case, name="promised_reply").due_at == at(2026, 7, 6, 17, 0)
        assert resolve_clock(case).due_at == at(2026, 7, 8, 9, 0)  # 48 hours from acceptance

        clock.move_to(at(2026, 7, 6, 16, 0))
        actions.propose_resolution(actor=t.agent, case_id=case.pk, resolution="派网络优化中心测试")
        case = actions.reply_case(actor=t.agent, case_id=case.pk, text="已派单测试，明日给您答复")
        assert Clock.objects.get(case=case, name="promised_reply").state == Clock.STOPPED

        case = actions.record_callback(actor=t.agent, case_id=case.pk, result="not_satisfied")
        assert (case.owner, case.level, case.state) == (t.team_lead, 1, "in_progress")

        # The team lead answers again (二次回复) and calls back: nobody answers.
        clock.move_to(at(2026, 7, 7, 10, 0))
        actions.propose_resolution(actor=t.team_lead, case_id=case.pk, resolution="加装室内分布系统")
        actions.reply_case(actor=t.team_lead, case_id=case.pk, text="将为小区加装室分设备")
        clock.move_to(at(2026, 7, 7, 11, 0))
        actions.record_callback(actor=t.team_lead, case_id=case.pk, result="unreachable")
        paused = resolve_clock(case)
        assert paused.state == Clock.PAUSED and paused.due_at == at(2026, 7, 8, 9, 0)
        assert paused.remaining_seconds == 22 * 3600

        # Five hours later the customer calls: a note resumes the clock, due five hours later.
        clock.move_to(at(2026, 7, 7, 16, 0))
        actions.add_note(actor=t.team_lead, case_id=case.pk, text="客户回电，已联系上")
        resumed = resolve_clock(case)
        assert resumed.state == Clock.RUNNING
        assert resumed.due_at - paused.due_at == dt.timedelta(hours=5)
        assert resumed.due_at == at(2026, 7, 8, 14, 0)
        assert resumed.warn_at == resumed.due_at - dt.timedelta(minutes=360)

        actions.record_callback(actor=t.team_lead, case_id=case.pk, result="satisfied")
        case = actions.close_case(actor=t.team_lead, case_id=case.pk)
    case = Case.objects.get(pk=case.pk)
    assert (case.owner, case.level, case.state) == (t.team_lead, 1, "closed")
    assert resolve_clock(case).state == Clock.STOPPED
    assert list(case.events.values_list("action", flat=True)) == [
        "register", "accept", "propose_resolution", "reply", "record_callback", "escalate",
        "propose_resolution", "reply", "record_callback", "note", "record_callback", "close"]


def test_a_paused_clock_is_not_breached(telecom):
    t = telecom
    with time_machine.travel(at(2026, 7, 6, 9, 0), tick=False) as clock:
        case = actions.register_case(actor=t.agent, unit=t.units["cs_center"], channel="work_order",
                                     subject="宽带断线", description="宽带每晚断线", complainant_name="郑女士")
        actions.accept_case(actor=t.agent, case_id=case.pk)
        actions.propose_resolution(actor=t.agent, case_id=case.pk, resolution="上门检修")
        actions.reply_case(actor=t.agent, case_id=case.pk, text="明日上门")
        actions.record_callback(actor=t.agent, case_id=case.pk, result="unreachable")
        clock.move_to(at(2026, 7, 10, 9, 0))  # long past the original 48 hours
        assert sweep()["breached"] == 0
        assert resolve_clock(case).state == Clock.PAUSED
