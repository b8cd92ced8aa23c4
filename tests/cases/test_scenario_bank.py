"""S2 bank outlet: first contact hands the complaint to the complaint manager, it climbs beyond
the outlet to head office, the outlet keeps tracking it, and the outlet head signs it off."""

from decimal import Decimal

import pytest
import time_machine
from django.utils import translation

from tests.times import at
from tousu.cases import actions
from tousu.cases.errors import NotFound, Refused
from tousu.cases.models import Case, Clock
from tousu.cases.selectors import cases_visible_to



@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield



def state_of(case) -> tuple:
    case = Case.objects.get(pk=case.pk)
    return case.owner.username, case.level, case.state


def test_phone_complaint_beyond_the_outlet_goes_to_head_office_and_back(bank):
    b = bank
    with time_machine.travel(at(2026, 6, 1, 10, 0), tick=False) as clock:
        case = actions.register_case(
            actor=b.teller, unit=b.units["outlet_wenyi"], channel="phone", category="wealth",
            subject="理财产品收益与宣传不符", description="客户来电称理财收益低于宣传",
            complainant_name="陈女士", complainant_phone="13900002222")
        assert state_of(case) == ("teller", 0, "received")
        reply_clock = Clock.objects.get(case=case, name="reply")
        assert reply_clock.due_at == at(2026, 6, 5, 0, 0)  # 3 natural days: the end of 4 June

        # 首问负责制: beyond the teller's authority, to the complaint manager.
        actions.escalate_case(actor=b.teller, case_id=case.pk, reason="超出柜员权限")
        assert state_of(case) == ("cm", 1, "received")
        actions.accept_case(actor=b.cm, case_id=case.pk, promised_reply_at=at(2026, 6, 3, 17, 0))
        assert state_of(case) == ("cm", 1, "accepted")
        promised = Clock.objects.get(case=case, name="promised_reply")
        assert promised.due_at == at(2026, 6, 3, 17, 0)

        clock.move_to(at(2026, 6, 1, 11, 0))
        actions.escalate_case(actor=b.cm, case_id=case.pk, reason="报告网点负责人")
        assert state_of(case) == ("outlet_head", 2, "in_progress")
        actions.escalate_case(actor=b.outlet_head, case_id=case.pk, reason="超出网点权限，报总行")
        assert state_of(case) == ("hq_service", 3, "in_progress")

        # The outlet keeps tracking the case it no longer owns.
        assert cases_visible_to(b.cm).filter(pk=case.pk).exists()
        actions.add_note(actor=b.cm, case_id=case.pk, text="已致电总行跟进处理进度")
        assert state_of(case) == ("hq_service", 3, "in_progress")

        clock.move_to(at(2026, 6, 2, 15, 0))
        actions.perform("find_at_fault", actor=b.hq_service, case_id=case.pk, inputs={
            "findings": "理财经理未按规定揭示风险", "apology": "网点负责人当面致歉", "correction": "补偿收益差额",
            "rectification": "理财销售双录抽查", "rectification_owner": "outlet_head",
            "rectification_due": "2026-06-30"})
        actions.propose_resolution(actor=b.hq_service, case_id=case.pk, resolution="补偿收益差额",
                                   compensation=5000)
        actions.perform("reply", actor=b.hq_service, case_id=case.pk,
                        inputs={"text": "总行决定补偿收益差额", "method": "letter"})
        for name in ("reply", "promised_reply"):
            assert Clock.objects.get(case=case, name=name).state == Clock.STOPPED
        actions.record_callback(actor=b.cm, case_id=case.pk, result="satisfied")
        assert state_of(case) == ("hq_service", 3, "confirmed")

        with pytest.raises(Refused, match="签字确认"):
            actions.close_case(actor=b.cm, case_id=case.pk)
        with pytest.raises(Refused, match="right"):
            actions.sign_off_case(actor=b.teller, case_id=case.pk)
        actions.sign_off_case(actor=b.outlet_head, case_id=case.pk, note="已阅，同意")
        actions.close_case(actor=b.cm, case_id=case.pk)

    case = Case.objects.get(pk=case.pk)
    assert (case.state, case.signed_off_by, case.compensation) == ("closed", b.outlet_head, Decimal(5000))
    assert list(case.events.values_list("action", "actor__username")) == [
        ("register", "teller"), ("escalate", "teller"), ("accept", "cm"), ("escalate", "cm"),
        ("escalate", "outlet_head"), ("note", "cm"), ("find_at_fault", "hq_service"), ("propose_resolution", "hq_service"),
        ("reply", "hq_service"), ("record_callback", "cm"), ("sign_off", "outlet_head"),
        ("close", "cm")]

    # A teller of another outlet neither sees the case nor may touch it.
    assert not cases_visible_to(b.gucui_teller).filter(pk=case.pk).exists()
    with pytest.raises(NotFound):
        actions.add_note(actor=b.gucui_teller, case_id=case.pk, text="看看")
    assert Case.objects.get(pk=case.pk).event_count == case.event_count


def test_a_new_reply_needs_a_new_signature(bank):
    b = bank
    with time_machine.travel(at(2026, 6, 1, 10, 0), tick=False):
        case = actions.register_case(actor=b.cm, unit=b.units["outlet_wenyi"], channel="opinion_book",
                                     subject="排队太久", description="等候一小时", complainant_name="周先生")
        actions.accept_case(actor=b.cm, case_id=case.pk)
        actions.perform("find_not_at_fault", actor=b.cm, case_id=case.pk,
                        inputs={"findings": "当日午间客流高峰", "explanation": "已说明高峰时段，并增开窗口"})
        # 周先生 left no contact details: the reply is written back into the opinion book.
        actions.perform("reply_in_book", actor=b.cm, case_id=case.pk, inputs={"text": "已增开窗口"})
        actions.sign_off_case(actor=b.outlet_head, case_id=case.pk)
        actions.record_callback(actor=b.cm, case_id=case.pk, result="not_satisfied")
        assert state_of(case) == ("outlet_head", 2, "in_progress")
        actions.propose_resolution(actor=b.outlet_head, case_id=case.pk, resolution="网点负责人致歉")
        actions.perform("reply_in_book", actor=b.outlet_head, case_id=case.pk, inputs={"text": "网点负责人致歉"})
        actions.record_callback(actor=b.cm, case_id=case.pk, result="satisfied")
        with pytest.raises(Refused, match="签字确认"):
            actions.close_case(actor=b.outlet_head, case_id=case.pk)
