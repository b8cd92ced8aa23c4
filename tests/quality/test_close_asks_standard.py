"""S1 hotel (text 五 八): closing asks whether a standard document or training covers the matter;
if not, the 《顾客投诉处理报告表》 is required ("还须") and its chain must complete before 办结."""

import pytest
import time_machine
from django.utils import translation

from tousu.cases import actions as case_actions
from tousu.cases.errors import Refused
from tousu.cases.models import Case
from tousu.domain.preset import check_file
from tousu.quality import actions

from .helpers import at, replied


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def confirmed(hotel):
    h = hotel
    case = replied(h.frontdesk, h.units["front_office"], at(2026, 5, 12, 9, 0), category="hygiene")
    with time_machine.travel(at(2026, 5, 12, 10, 0), tick=False):
        # A 消费后 complaint: the front office's head handles it and calls the guest back.
        case_actions.record_callback(actor=h.fo_head, case_id=case.pk, result="satisfied")
    return case


def close(h, case, covered, when=at(2026, 5, 12, 11, 0)):
    with time_machine.travel(when, tick=False):
        return case_actions.perform("close", actor=h.fo_head, case_id=case.pk,
                                    inputs={"standard_covered": covered, "note": "办结"})


def test_not_covered_cannot_close_until_the_handling_report_chain_is_complete(hotel, confirmed):
    h, case = hotel, confirmed
    with pytest.raises(Refused, match="handling report") as refused:
        close(h, case, "false")
    assert refused.value.field == "standard_covered"
    assert Case.objects.get(pk=case.pk).state == "confirmed"

    with time_machine.travel(at(2026, 5, 12, 14, 0), tick=False):
        actions.submit_handling_report(
            actor=h.frontdesk, case_id=case.pk, cause="房间有异味，部门无相关清洁规范",
            investigation="空调滤网未定期清洗", recommendation_kind="standard",
            recommendation="《客房空调滤网清洗规范》")
    for n, who in enumerate((h.fo_head, h.marketing, h.gm_office)):
        with time_machine.travel(at(2026, 5, 13, 9 + n, 0), tick=False):
            actions.decide_handling_report(actor=who, case_id=case.pk, note="同意")
    with pytest.raises(Refused, match="handling report"):  # the department has not carried it out yet
        close(h, case, "false", when=at(2026, 5, 13, 15, 0))
    with time_machine.travel(at(2026, 5, 14, 9, 0), tick=False):
        actions.decide_handling_report(actor=h.fo_head, case_id=case.pk, note="已编写规范并培训")

    case = close(h, case, "false", when=at(2026, 5, 14, 10, 0))
    assert case.state == "closed" and case.data["standard_covered"] is False


def test_a_matter_a_standard_covers_closes_without_the_report(hotel, confirmed):
    case = close(hotel, confirmed, "true")
    assert case.state == "closed" and case.data["standard_covered"] is True


def test_the_staff_close_form_asks_the_question_and_shows_the_refusal(hotel, confirmed, client):
    client.force_login(hotel.fo_head)
    page = client.get(f"/staff/cases/{confirmed.pk}/", headers={"accept-language": "zh-hans"}).content.decode()
    assert "该事项已有规范化文件规定或已开展过相关培训" in page
    response = client.post(f"/staff/cases/{confirmed.pk}/act/close/", {
        "close-standard_covered": "false", "close-note": "办结",
        "expected_version": Case.objects.get(pk=confirmed.pk).version},
        headers={"accept-language": "zh-hans"})
    assert "请先填写《顾客投诉处理报告表》" in response.content.decode()
    assert Case.objects.get(pk=confirmed.pk).state == "confirmed"


def test_a_guard_on_an_input_the_action_lacks_is_refused(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('extends = "hotel"\n[kinds.complaint.actions.reply]\nrequires = [\n'
                    '  { guard = "plan_agreed", when_input = { nothing = [true] } },\n]\n', encoding="utf-8")
    assert any("kinds.complaint.actions.reply.requires.0.when_input.nothing" in problem
               for problem in check_file(path))
