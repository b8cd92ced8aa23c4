"""S3 telecom (text 四): 对于一时无法答复的，要做出时间。在处理过程中无论进展如何，到的时间一定要给对方
答复，直到彻底解决. A new promised time with its reason (also after a reply that did not solve
it), interim progress replies that keep a promise, and every broken promise visible."""

import pytest
import time_machine
from django.test import Client

from tests.times import at
from tousu.cases import actions
from tousu.cases.errors import InvalidInput
from tousu.cases.models import Case, Clock, Lateness
from tousu.cases.sweep import sweep
from tousu.notify.models import Notification


def promises(case) -> list[tuple]:
    return [(c.due_at, c.state, c.breached_at is not None)
            for c in Clock.objects.filter(case=case, name="promised_reply").order_by("pk")]


@pytest.fixture
def ticket(telecom):
    t = telecom
    with time_machine.travel(at(2026, 7, 6, 9, 0), tick=False):
        case = actions.register_case(
            actor=t.agent, unit=t.units["cs_center"], channel="work_order", category="weak_coverage",
            subject="家中信号弱", description="小区室内经常无信号", complainant_name="吴先生",
            complainant_phone="13300003333", complainant_email="wu@example.com")
        return actions.accept_case(actor=t.agent, case_id=case.pk, promised_reply_at=at(2026, 7, 6, 17, 0))


def test_a_progress_reply_keeps_the_promise_and_a_new_time_is_agreed_with_its_reason(telecom, ticket):
    t, case = telecom, ticket
    with time_machine.travel(at(2026, 7, 6, 16, 30), tick=False):
        actions.perform("progress_reply", actor=t.agent, case_id=case.pk,
                        inputs={"text": "已派网络优化中心现场测试，尚未完成"})
        case = actions.perform("repromise", actor=t.agent, case_id=case.pk, inputs={
            "promised_reply_at": "2026-07-07T12:00", "reason": "需等待现场测试结果"})
    assert case.state == "in_progress" and case.data["promise_reason"] == "需等待现场测试结果"
    assert promises(case) == [(at(2026, 7, 6, 17, 0), Clock.STOPPED, False),
                              (at(2026, 7, 7, 12, 0), Clock.RUNNING, False)]
    subjects = list(Notification.objects.filter(case=case, recipient="wu@example.com")
                    .values_list("subject", flat=True))
    assert any("您的投诉处理进展" in s for s in subjects) and any("新的答复时间" in s for s in subjects)
    assert sweep(now=at(2026, 7, 6, 17, 1))["breached"] == 0  # the first promise was kept


def test_a_new_time_is_refused_without_a_reason_or_in_the_past(telecom, ticket):
    with time_machine.travel(at(2026, 7, 6, 10, 0), tick=False):
        with pytest.raises(InvalidInput) as refused:
            actions.perform("repromise", actor=telecom.agent, case_id=ticket.pk,
                            inputs={"promised_reply_at": "2026-07-07T12:00"})
        assert refused.value.field == "reason"
        with pytest.raises(InvalidInput) as refused:
            actions.perform("repromise", actor=telecom.agent, case_id=ticket.pk,
                            inputs={"promised_reply_at": "2026-07-06T08:00", "reason": "等待"})
        assert refused.value.field == "promised_reply_at"


def test_after_a_reply_that_did_not_solve_it_handling_goes_on_and_each_broken_promise_shows(telecom, ticket):
    t, case = telecom, ticket
    with time_machine.travel(at(2026, 7, 6, 16, 0), tick=False):
        actions.propose_resolution(actor=t.agent, case_id=case.pk, resolution="优化小区天线")
        actions.reply_case(actor=t.agent, case_id=case.pk, text="已调整天线，请观察")
        # Not solved yet (直到彻底解决): a new time, after the reply.
        case = actions.perform("repromise", actor=t.agent, case_id=case.pk, inputs={
            "promised_reply_at": "2026-07-07T12:00", "reason": "天线调整后需观察一天"})
    assert case.state == "in_progress"
    sweep(now=at(2026, 7, 7, 12, 1))  # broken: recorded and escalated to the team lead
    case = Case.objects.get(pk=case.pk)
    assert case.owner == t.team_lead
    with time_machine.travel(at(2026, 7, 7, 13, 0), tick=False):
        actions.perform("repromise", actor=t.team_lead, case_id=case.pk, inputs={
            "promised_reply_at": "2026-07-07T15:00", "reason": "班组长接手，重新测试"})
    sweep(now=at(2026, 7, 7, 15, 1))  # broken again: recorded, escalated to the center head
    assert [broken for _due, _state, broken in promises(case)] == [False, True, True]
    assert Lateness.objects.filter(case=case, clock__name="promised_reply").count() == 2

    staff = Client(headers={"accept-language": "zh-hans"})
    staff.force_login(t.center_head)
    page = staff.get(f"/staff/cases/{case.pk}/").content.decode()
    assert page.count("data-missed") == 2
    assert "2026-07-07 12:00" in page and "2026-07-07 15:00" in page
