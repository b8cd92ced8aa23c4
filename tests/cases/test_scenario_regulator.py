"""The market regulator (市场监督管理投诉举报处理暂行办法): a consumer complaint accepted within
seven working days and mediated (agreement, or terminated and both parties told within seven
working days, or ended by the forty-five working days), refused with its ground, sent to the
competent regulator; a report checked within fifteen working days, a named reporter told within
five, the reporter's identity masked from those who do not handle it. Dates cross 国庆 2026
(1-7 October, with Saturday 10 October a working day)."""

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from tests.times import at
from tousu.cases import actions
from tousu.cases.errors import Refused
from tousu.cases.models import Case, CaseParty, Clock
from tousu.cases.sweep import sweep

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"


@pytest.fixture(autouse=True)
def _english_and_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        yield


def fresh(case) -> Case:
    return Case.objects.get(pk=case.pk)


def clock(case, name) -> Clock:
    return Clock.objects.filter(case=case, name=name).order_by("-pk").first()


def complaint(r, *, kind="complaint", **extra):
    """The original letter (text 三): an organisation complains of a product, in the city office."""
    fields = dict(actor=r.handler, unit=r.units["consumer"], channel="platform_12315", kind=kind,
                  subject="“泪美人”牌眼泪药致孩子性情大变", complainant_name="共赢教育网",
                  complainant_kind="organisation", complainant_phone="010-88886666",
                  description="我要投诉“巨柔情”公司销售的“泪美人”牌眼泪药……还我目目！",
                  category="drugs", requested_resolution="退还货款并赔偿")
    fields.update(extra)
    return actions.register_case(**fields)


def name_company(r, case, actor=None):
    return actions.perform("name_company", actor=actor or r.handler, case_id=case.pk, inputs={
        "company_name": "巨柔情公司", "company_credit_code": "91110101MA01ABCD2X",
        "company_address": "示例市东城区柔情路1号", "company_product": "眼泪药", "company_brand": "泪美人",
        "amount": "368.00"})


def test_the_complaint_names_an_organisation_and_the_company_with_its_credit_code(regulator):
    r = regulator
    with time_machine.travel(at(2026, 9, 29, 10, 0), tick=False):
        case = complaint(r)
        name_company(r, case)
    complainant = CaseParty.objects.get(case=case, role="complainant")
    company = CaseParty.objects.get(case=case, role="company")
    assert complainant.kind == "organisation" and complainant.name == "共赢教育网"
    assert (company.kind, company.id_number, company.address, company.product) == (
        "organisation", "91110101MA01ABCD2X", "示例市东城区柔情路1号", "眼泪药")
    assert fresh(case).data == {"amount_in_dispute": "368.00", "brand": "泪美人"}


def test_acceptance_is_due_seven_working_days_after_receipt_across_national_day(regulator):
    r = regulator
    with time_machine.travel(at(2026, 9, 29, 10, 0), tick=False):
        case = complaint(r)
    # 30 Sep, 8, 9, 10 (调休 Saturday), 12, 13, 14 October: due at the end of the 14th
    assert clock(case, "decide_acceptance").due_at == at(2026, 10, 15, 0, 0)
    with time_machine.travel(at(2026, 9, 30, 9, 0), tick=False):
        with pytest.raises(Refused, match="Name the company"):
            actions.perform("accept", actor=r.handler, case_id=case.pk)
        name_company(r, case)
        actions.perform("accept", actor=r.handler, case_id=case.pk, inputs={"note": "符合受理条件"})
    assert clock(case, "decide_acceptance").state == Clock.STOPPED
    # 45 working days from acceptance on 30 September: 8 December
    assert clock(case, "mediation_limit").due_at == at(2026, 12, 9, 0, 0)


def test_a_late_decision_on_acceptance_is_a_breach_on_the_fifteenth_not_before(regulator):
    r = regulator
    with time_machine.travel(at(2026, 9, 29, 10, 0), tick=False):
        case = complaint(r)
    sweep(now=at(2026, 10, 14, 23, 59))
    assert clock(case, "decide_acceptance").breached_at is None
    sweep(now=at(2026, 10, 15, 0, 1))
    assert clock(case, "decide_acceptance").breached_at is not None
    assert fresh(case).lateness.count() == 1


def test_mediation_reaches_an_agreement_kept_as_a_file(regulator):
    r = regulator
    with time_machine.travel(at(2026, 9, 29, 10, 0), tick=False) as moment:
        case = complaint(r)
        name_company(r, case)
        actions.perform("accept", actor=r.handler, case_id=case.pk)
        actions.perform("start_mediation", actor=r.handler, case_id=case.pk, inputs={"note": "约双方10月9日到所"})
        moment.move_to(at(2026, 10, 9, 14, 0))
        for minutes in ("双方陈述，公司愿退款", "公司同意退款并赔偿"):
            actions.perform("record_session", actor=r.handler, case_id=case.pk, inputs={
                "held_at": at(2026, 10, 9, 14, 0), "method": "in_person", "minutes": minutes})
        actions.perform("record_agreement", actor=r.handler, case_id=case.pk, inputs={
            "terms": "公司退还货款368元并赔偿1000元", "amount": "1368",
            "agreement": [SimpleUploadedFile("调解协议书.pdf", PDF, "application/pdf")]})
    case = fresh(case)
    assert case.state == "mediated" and not case.is_open
    assert case.callback_result == "agreed"  # the ending outcome is the mediation's
    assert case.attachments.get().original_name == "调解协议书.pdf"
    assert list(case.events.filter(action="record_session").values_list("note", flat=True)) == [
        "双方陈述，公司愿退款", "公司同意退款并赔偿"]
    assert clock(case, "mediation_limit").state == Clock.STOPPED
    assert not Clock.objects.filter(case=case, name="tell_termination").exists()


def test_terminated_mediation_tells_both_parties_within_seven_working_days(regulator):
    r = regulator
    with time_machine.travel(at(2026, 9, 29, 10, 0), tick=False) as moment:
        case = complaint(r)
        name_company(r, case)
        actions.perform("accept", actor=r.handler, case_id=case.pk)
        actions.perform("start_mediation", actor=r.handler, case_id=case.pk)
        moment.move_to(at(2026, 9, 30, 16, 0))
        actions.perform("terminate", actor=r.handler, case_id=case.pk, inputs={"reason": "refused"})
        # 8, 9, 10 (调休), 12, 13, 14, 15 October
        assert clock(case, "tell_termination").due_at == at(2026, 10, 16, 0, 0)
        assert fresh(case).callback_result == "not_agreed"
        moment.move_to(at(2026, 10, 12, 10, 0))
        actions.perform("tell_parties", actor=r.handler, case_id=case.pk, inputs={"method": "post"})
    case = fresh(case)
    assert case.state == "closed"
    served = dict(case.parties.values_list("role", "served_how"))
    assert served == {"complainant": "邮寄", "company": "邮寄"}
    notice = case.documents.get(name="termination_notice")
    assert notice.title.startswith("终止调解告知书")
    assert clock(case, "tell_termination").state == Clock.STOPPED and clock(case, "tell_termination").breached_at is None


def test_no_agreement_in_forty_five_working_days_ends_the_mediation_by_itself(regulator):
    r = regulator
    with time_machine.travel(at(2026, 9, 30, 9, 0), tick=False):
        case = complaint(r)
        name_company(r, case)
        actions.perform("accept", actor=r.handler, case_id=case.pk)
        actions.perform("start_mediation", actor=r.handler, case_id=case.pk)
    sweep(now=at(2026, 12, 8, 23, 0))
    assert fresh(case).state == "mediating"
    sweep(now=at(2026, 12, 9, 0, 5))
    case = fresh(case)
    assert case.state == "terminated" and case.callback_result == "not_agreed"
    assert "四十五个工作日" in case.reason
    assert list(case.events.values_list("action", flat=True))[-2:] == ["clock_breached", "terminate_on_limit"]
    # told within seven working days of 9 December: 10, 11, 14, 15, 16, 17, 18 December
    assert clock(case, "tell_termination").due_at == at(2026, 12, 19, 0, 0)


def test_a_refusal_names_its_ground_in_a_notice(regulator):
    r = regulator
    with time_machine.travel(at(2026, 9, 29, 10, 0), tick=False):
        case = complaint(r)
        actions.perform("refuse", actor=r.handler, case_id=case.pk, inputs={
            "ground": "over_three_years", "explanation": "购买于2022年，已超过三年。"})
    case = fresh(case)
    assert case.state == "refused" and not case.is_open
    notice = case.documents.get(name="refusal_notice")
    from docx import Document

    text = "\n".join(p.text for p in Document(notice.file.path).paragraphs)
    assert "超过三年" in text and "第十五条" in text and "over_three_years" not in text
    assert clock(case, "decide_acceptance").state == Clock.STOPPED


def test_a_complaint_goes_to_the_regulator_where_the_company_does_business(regulator):
    r = regulator
    with time_machine.travel(at(2026, 9, 29, 10, 0), tick=False) as moment:
        case = complaint(r)
        moment.move_to(at(2026, 9, 30, 11, 0))
        actions.perform("transfer", actor=r.handler, case_id=case.pk, inputs={
            "unit": r.units["east"], "plan": "被投诉人实际经营地在东城区"})
    case = fresh(case)
    assert (case.owner.username, case.handling_unit.code, case.state) == ("east_handler", "east", "received")
    # the competent regulator's own seven working days, from the day it arrives
    assert clock(case, "decide_acceptance").due_at == at(2026, 10, 16, 0, 0)
    assert Clock.objects.filter(case=case, name="decide_acceptance", state=Clock.RUNNING).count() == 1


def report(r, *, stage):
    return actions.register_case(
        actor=r.handler, unit=r.units["consumer"], channel="phone", kind="report", stage=stage,
        subject="某店销售过期食品", description="某超市货架上有过期三个月的牛奶。", category="food_safety",
        complainant_name="王小明", complainant_phone="13912345678")


def test_a_report_is_checked_within_fifteen_working_days_and_a_named_reporter_told_within_five(regulator):
    r = regulator
    with time_machine.travel(at(2026, 9, 29, 10, 0), tick=False) as moment:
        case = report(r, stage="named")
        assert case.number.startswith("JB-")
        # 30 Sep, 8, 9, 10, 12-16, 19-23, 26 October
        assert clock(case, "check").due_at == at(2026, 10, 27, 0, 0)
        actions.perform("start_check", actor=r.handler, case_id=case.pk)
        moment.move_to(at(2026, 10, 23, 15, 0))
        with pytest.raises(Refused):
            actions.perform("decide", actor=r.handler, case_id=case.pk,
                            inputs={"result": "opened", "findings": "属实"})
        actions.perform("decide", actor=r.chief, case_id=case.pk, inputs={"result": "opened", "findings": "现场查见过期牛奶12盒，属实"})
        assert fresh(case).state == "case_opened"
        assert clock(case, "check").state == Clock.STOPPED
        # five working days from Friday 23 October: 26-30 October
        assert clock(case, "tell_reporter").due_at == at(2026, 10, 31, 0, 0)
        with pytest.raises(Refused, match="named reporter"):
            actions.perform("close", actor=r.chief, case_id=case.pk)
        actions.perform("tell_reporter", actor=r.handler, case_id=case.pk, inputs={"text": "已立案调查。"})
    case = fresh(case)
    assert case.state == "closed" and clock(case, "tell_reporter").state == Clock.STOPPED


def test_an_anonymous_report_is_not_told_and_runs_no_telling_clock(regulator):
    r = regulator
    with time_machine.travel(at(2026, 9, 29, 10, 0), tick=False):
        case = report(r, stage="anonymous")
        actions.perform("decide", actor=r.chief, case_id=case.pk,
                        inputs={"result": "not_opened", "findings": "未发现违法行为"})
        assert not Clock.objects.filter(case=case, name="tell_reporter").exists()
        with pytest.raises(Refused, match="anonymous"):
            actions.perform("tell_reporter", actor=r.handler, case_id=case.pk, inputs={"text": "x"})
        actions.perform("close", actor=r.chief, case_id=case.pk)
    assert fresh(case).state == "closed"


def test_the_reporter_is_masked_for_staff_who_do_not_handle_reports(regulator, client):
    r = regulator
    with time_machine.travel(at(2026, 9, 29, 10, 0), tick=False):
        case = report(r, stage="named")
    handler, statistician = Client(), Client()
    handler.force_login(r.handler)
    statistician.force_login(r.statistician)
    seen = handler.get(f"/staff/cases/{case.pk}/").content.decode()
    masked = statistician.get(f"/staff/cases/{case.pk}/").content.decode()
    assert "王小明" in seen and "13912345678" in seen
    assert "王小明" not in masked and "13912345678" not in masked and "王*" in masked


def organisation_report(r) -> Case:
    """A competitor (an organisation) reports a company's advertising; the company is named."""
    with time_machine.travel(at(2026, 9, 29, 10, 0), tick=False):
        case = actions.register_case(
            actor=r.handler, unit=r.units["consumer"], channel="letter", kind="report", stage="named",
            subject="同行虚假宣传", description="某公司广告称“全国第一”。", category="advertising",
            complainant_name="示例竞争者有限公司", complainant_kind="organisation")
        actions.perform("name_company", actor=r.handler, case_id=case.pk,
                        inputs={"company_name": "巨柔情公司", "company_credit_code": "91110101MA01ABCD2X"})
    return case


def test_an_organisation_that_reports_is_masked_too(regulator):
    r = regulator
    case = organisation_report(r)
    statistician, handler = Client(), Client()
    statistician.force_login(r.statistician)
    handler.force_login(r.handler)
    masked = statistician.get(f"/staff/cases/{case.pk}/").content.decode()
    assert "示例竞争者有限公司" not in masked and "示**" in masked
    assert "巨柔情公司" in masked  # the company reported is not confidential
    assert "示例竞争者有限公司" in handler.get(f"/staff/cases/{case.pk}/").content.decode()
