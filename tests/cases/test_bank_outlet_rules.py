"""Text 八, the outlet's rules as the bank preset runs them:
- 第七条(四)(五): investigated and verified; at fault → apology, correction and 整改 (a corrective
  action with its owner and due date); not at fault → the explanation given is recorded; no reply
  before the finding.
- 第九条: the reply records how it reached the customer and when; one who left contact details
  must be replied to directly, one who left none is answered in the opinion book.
- 第七条(二): 能立即答复的要当场答复 — registered and answered in one step at the staff intake,
  still called back and signed off before closing."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests.times import at
from tousu.cases import actions
from tousu.cases.errors import Refused
from tousu.cases.models import Case, Clock
from tousu.quality.models import CorrectiveAction


def complaint(b, **extra):
    fields = dict(actor=b.cm, unit=b.units["outlet_wenyi"], channel="walk_in", category="fees",
                  subject="跨行转账重复收费", description="同一笔转账扣了两次手续费",
                  complainant_name="陈女士", complainant_phone="13900002222")
    return actions.register_case(**{**fields, **extra})


def act(b, case, action, who="cm", **inputs):
    return actions.perform(action, actor=getattr(b, who), case_id=case.pk, inputs=inputs)


AT_FAULT = {"findings": "系统重复扣费", "apology": "投诉管理人当面致歉", "correction": "退还多收的 25 元",
            "rectification": "核对跨行转账收费参数", "rectification_owner": "outlet_head",
            "rectification_due": "2026-12-20"}


def test_no_reply_before_the_investigation_finds_for_or_against_the_bank(bank):
    case = complaint(bank)
    actions.accept_case(actor=bank.cm, case_id=case.pk)
    actions.propose_resolution(actor=bank.cm, case_id=case.pk, resolution="退还手续费")
    with pytest.raises(Refused, match="调查核实"):
        act(bank, case, "reply", text="已退还", method="phone")


def test_at_fault_records_the_apology_and_opens_the_corrective_action(bank):
    case = complaint(bank)
    actions.accept_case(actor=bank.cm, case_id=case.pk)
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        case = act(bank, case, "find_at_fault", **AT_FAULT)
    assert case.at_fault is True and case.resolution == "退还多收的 25 元"
    assert case.data["apology"] == "投诉管理人当面致歉" and case.data["findings"] == "系统重复扣费"
    correction = CorrectiveAction.objects.get(cases=case)
    assert (correction.title, correction.owner, correction.due_date, correction.unit) == (
        "核对跨行转账收费参数", bank.outlet_head, dt.date(2026, 12, 20), bank.units["outlet_wenyi"])
    event = case.events.get(action="find_at_fault")
    assert event.new["corrective_action"] == "核对跨行转账收费参数"


@pytest.mark.parametrize("missing", ["apology", "rectification", "rectification_owner", "rectification_due"])
def test_at_fault_needs_the_apology_and_the_corrective_action(bank, missing):
    case = complaint(bank)
    actions.accept_case(actor=bank.cm, case_id=case.pk)
    with pytest.raises(actions.InvalidInput):
        act(bank, case, "find_at_fault", **{**AT_FAULT, missing: ""})
    assert not CorrectiveAction.objects.exists() and Case.objects.get().at_fault is None


def test_not_at_fault_records_the_explanation(bank):
    case = complaint(bank)
    actions.accept_case(actor=bank.cm, case_id=case.pk)
    case = act(bank, case, "find_not_at_fault", findings="按价目表收费", explanation="已说明跨行转账收费标准")
    assert case.at_fault is False and case.data["explanation"] == "已说明跨行转账收费标准"
    assert not CorrectiveAction.objects.exists()
    with time_machine.travel(at(2026, 12, 1, 15, 30), tick=False):
        case = act(bank, case, "reply", text="已电话说明收费标准", method="sms")
    assert case.state == "replied" and case.data["reply_method"] == "sms"
    assert case.replied_at == at(2026, 12, 1, 15, 30)
    assert Clock.objects.get(case=case, name="reply").state == Clock.STOPPED


def test_a_customer_who_left_contact_details_is_replied_to_directly(bank):
    case = complaint(bank, channel="opinion_book")
    actions.accept_case(actor=bank.cm, case_id=case.pk)
    act(bank, case, "find_not_at_fault", findings="已核实", explanation="已说明")
    with pytest.raises(Refused, match="联系方式"):
        act(bank, case, "reply_in_book", text="已在意见簿回复")
    with pytest.raises(actions.InvalidInput):
        act(bank, case, "reply", text="已回复")  # how it went out is required
    assert act(bank, case, "reply", text="已回复", method="letter").data["reply_method"] == "letter"


def test_a_customer_who_left_no_contact_details_is_answered_in_the_book(bank):
    case = complaint(bank, channel="opinion_book", complainant_phone="", complainant_name="匿名")
    actions.accept_case(actor=bank.cm, case_id=case.pk)
    act(bank, case, "find_not_at_fault", findings="已核实", explanation="已说明")
    case = act(bank, case, "reply_in_book", text="感谢意见，已增开窗口")
    assert case.state == "replied" and case.data["reply_method"] == "opinion_book"


def test_answered_on_the_spot_in_one_step_then_called_back_and_signed_off(client, bank):
    client.force_login(bank.teller)
    form = client.get(reverse("web:intake", args=["walk_in"])).content.decode()
    assert 'name="on_the_spot"' in form
    response = client.post(reverse("web:intake", args=["walk_in"]), {
        "unit": bank.units["outlet_wenyi"].pk, "subject": "询问转账到账时间", "description": "客户质疑转账未到账",
        "complainant_name": "王先生", "complainant_phone": "13700001111", "category": "account", "severity": 3,
        "on_the_spot": "已当场查询，款项已于今日到账", "step": "confirm"})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.state == "replied" and case.reply == "已当场查询，款项已于今日到账"
    assert case.data["reply_method"] == "in_person"
    assert list(case.events.values_list("action", flat=True)) == ["register", "reply_on_spot"]
    assert not Clock.objects.filter(case=case, state=Clock.RUNNING).exists()
    with pytest.raises(Refused):  # still called back and signed off
        actions.close_case(actor=bank.cm, case_id=case.pk)
    actions.record_callback(actor=bank.cm, case_id=case.pk, result="satisfied")
    with pytest.raises(Refused, match="签字确认"):
        actions.close_case(actor=bank.cm, case_id=case.pk)
    actions.sign_off_case(actor=bank.outlet_head, case_id=case.pk)
    assert actions.close_case(actor=bank.cm, case_id=case.pk).state == "closed"


def test_the_hotel_intake_offers_no_on_the_spot_answer(client, hotel):
    client.force_login(hotel.frontdesk)
    assert 'name="on_the_spot"' not in client.get(reverse("web:intake", args=["walk_in"])).content.decode()


def test_the_case_page_names_a_reply_written_in_the_book_in_words(client, bank):
    """The reply's method reads as the preset's words on the case page (意见簿上回复), in Chinese
    and in English, never as the code the action stored."""
    case = complaint(bank, channel="opinion_book", complainant_phone="", complainant_name="匿名")
    actions.accept_case(actor=bank.cm, case_id=case.pk)
    act(bank, case, "find_not_at_fault", findings="已核实", explanation="已说明")
    act(bank, case, "reply_in_book", text="感谢意见，已增开窗口")
    client.force_login(bank.cm)
    page = client.get(reverse("web:case", kwargs={"case_id": case.pk})).content.decode()
    assert "意见簿上回复" in page and "opinion_book" not in page.split("<main")[1].replace(
        'value="opinion_book"', "")
    english = client.get(reverse("web:case", kwargs={"case_id": case.pk}), headers={"accept-language": "en"})
    assert "In the opinion book" in english.content.decode()
