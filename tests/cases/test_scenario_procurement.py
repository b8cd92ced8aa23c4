"""A government procurement complaint ruled on by a finance department (preset `procurement`):
receipt, review, service of copies, answers, a paused decision clock, the approval chain, the
decision docx, service on every party with the appeal periods, publication; and each other
branch (corrections, refusal, referral, suspension, withdrawal, dismissal). Dates run across the
Spring Festival (15-23 February 2026 off, Saturday 14 and 28 February worked), Qingming (4-6
April 2026) and National Day (1-7 October 2026, Saturday 10 October worked); every deadline is
asserted to the day."""

from __future__ import annotations

import hashlib

import docx
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from tests.times import at
from tousu.cases import actions
from tousu.cases.engine import perform
from tousu.cases.errors import InvalidInput, Refused
from tousu.cases.events import verify_case
from tousu.cases.models import Case, CaseApproval, CaseDocument, CaseEvent, Clock

ITEMS = """1、我公司投标报价最低，按综合评分法试算，综合得分应为第一名；
2、银行资信证明虽未经负责人签字，但其格式和解释权由出具银行负责，效力上不存在瑕疵；
3、我公司附有大量政府采购业绩，以业绩不足作为未中标理由不充分。"""


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def do(action, actor, case, **inputs) -> Case:
    return perform(action, actor=actor, case_id=case.pk, inputs=inputs)


def fresh(case) -> Case:
    return Case.objects.get(pk=case.pk)


def due(case, name) -> tuple:
    clock = Clock.objects.filter(case=case, name=name).order_by("-pk").first()
    return clock.state, clock.due_at


def register(cg, when, **extra) -> Case:
    case = actions.register_case(
        actor=cg.cg_handler, unit=cg.units["procurement_division"], channel="letter", category="result",
        subject="疫苗冷链建设项目中标结果投诉", description="投诉人对评标结果不服，质疑答复后提起投诉。",
        complainant_name="青岛某特种电器有限公司", complainant_address="青岛市某路一号",
        complainant_phone="0532-88936015", now=when,
        parties=[{"role": "purchaser", "name": "某省卫生健康委员会", "address": "某市莲湖路",
                  "kind": "organisation"}], **extra)
    return case


def pdf(name="回证.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                              content_type="application/pdf")


def accepted_case(cg, clock, when=at(2026, 2, 10, 10, 0)) -> Case:
    """Received and accepted, the agency and the agent named."""
    case = register(cg, when)
    do("enter_items", cg.cg_handler, case, items=ITEMS)
    do("add_agency", cg.cg_handler, case, party_name="某省药械招标有限公司", party_address="某市南二环西段21号")
    complainant = case.parties.get(role="complainant")
    do("add_agent", cg.cg_handler, case, agent_agent_of=str(complainant.pk), agent_name="贺某",
       agent_phone="13800001111", authorisation=[pdf("授权委托书.pdf")])
    do("accept", cg.cg_handler, case, note="符合投诉条件")
    return fresh(case)


def party(case, role):
    return case.parties.get(role=role)


def test_receipt_to_published_decision_across_the_spring_festival(cg):
    with time_machine.travel(at(2026, 2, 10, 10, 0), tick=False) as clock:
        case = accepted_case(cg, clock)
        assert case.state == "accepted" and case.number.startswith("CG")
        assert case.data["items"][1].startswith("银行资信证明")  # numbering taken off, one per line
        # 第二十一条: the review within 5 working days: 11, 12, 13, 14 (make-up Saturday), 24 Feb.
        review = Clock.objects.get(case=case, name="review")
        assert review.state == Clock.STOPPED and review.due_at == at(2026, 2, 25, 0, 0)
        # 8 working days for the copies: to the end of 27 February.
        assert due(case, "copies") == (Clock.RUNNING, at(2026, 2, 28, 0, 0))
        # 30 working days for the decision (第二十六条): to the end of 30 March.
        assert due(case, "decision") == (Clock.RUNNING, at(2026, 3, 31, 0, 0))

        # Copies served on each respondent; each one's answer clock runs from its own service.
        clock.move_to(at(2026, 2, 13, 10, 0))
        purchaser, agency = party(case, "purchaser"), party(case, "agency")
        do("serve_copy", cg.cg_handler, case, party=str(purchaser.pk), method="in_person",
           served_on="2026-02-13", receipt=[pdf()])
        assert due(case, "copies")[0] == Clock.RUNNING  # the agency is not served yet
        answer_p = Clock.objects.get(case=case, name=f"answer#{purchaser.pk}")
        # 第二十二条: 5 working days from 13 February: 14, 24, 25, 26, 27 February.
        assert answer_p.due_at == at(2026, 2, 28, 0, 0) and "某省卫生健康委员会" in answer_p.label
        clock.move_to(at(2026, 2, 24, 9, 0))
        do("serve_copy", cg.cg_handler, case, party=str(agency.pk), method="post", served_on="2026-02-24")
        assert due(case, "copies")[0] == Clock.STOPPED  # every respondent served: the system said so
        assert fresh(case).events.filter(action="copies_served").exists()
        # The agency's: 25, 26, 27, 28 (make-up Saturday) February, 2 March.
        assert due(case, f"answer#{agency.pk}") == (Clock.RUNNING, at(2026, 3, 3, 0, 0))
        notices = CaseDocument.objects.filter(case=case, name="answer_notice")
        assert notices.count() == 2
        text = "\n".join(p.text for p in docx.Document(notices.first().file.open("rb")).paragraphs)
        assert "某省卫生健康委员会：" in text and "2、银行资信证明" in text

        # The purchaser answers each item in time; the agency's answer is late.
        clock.move_to(at(2026, 2, 26, 15, 0))
        do("record_answer", cg.cg_handler, case, party=str(purchaser.pk), answers=[
            "综合评分法下中标是多因素的结果，存在无效投标情形即无竞争优势",
            "银行资信证明为必备资质，未经签字不能生效", "投标文件业绩项为空白"])
        assert Clock.objects.get(case=case, name=f"answer#{purchaser.pk}").state == Clock.STOPPED
        clock.move_to(at(2026, 3, 3, 0, 1))
        late = Clock.objects.get(case=case, name=f"answer#{agency.pk}")
        actions.breach_clock(clock_id=late.pk)
        assert Clock.objects.get(pk=late.pk).breached_at is not None  # the missing answer shows

        # 第二十七条: expert review is not counted. Paused Monday 2 March 10:00 to Monday 9 March
        # 10:00 (five working days), the decision moves from 30 March to 7 April (Qingming, 4-6
        # April, is not counted either).
        clock.move_to(at(2026, 3, 2, 10, 0))
        do("investigate", cg.cg_handler, case, method="re_review", text="组织评标委员会复议")
        do("pause_time", cg.cg_handler, case, why="expert", note="组织专家评审")
        assert due(case, "decision")[0] == Clock.PAUSED
        with pytest.raises(Refused, match="已经中止"):
            do("pause_time", cg.cg_handler, case, why="testing", note="检测")
        clock.move_to(at(2026, 3, 9, 10, 0))
        do("resume_time", cg.cg_handler, case)
        assert due(case, "decision") == (Clock.RUNNING, at(2026, 4, 8, 0, 0))

        # The handler drafts; the division head reviews; the leader signs; the system issues.
        clock.move_to(at(2026, 3, 30, 9, 0))
        do("draft_decision", cg.cg_handler, case,
           findings=["三家预中标单位均有重大必备条款不符合招标文件要求", "资信证明未见负责人签字，不能生效",
                     "业绩项不影响评审结论"],
           rulings=["成立", "不成立", "不成立"],
           ruling_basis=["《政府采购法》第三十六条", "招标文件第三章", "招标文件第四章"],
           result="upheld", decision="此次招标结果无效，责令重新开展采购活动。",
           reconsideration_body="某省人民政府或者中华人民共和国财政部", court="某市中级人民法院")
        with pytest.raises(Refused):
            do("approve_decision", cg.cg_leader, case)  # the division head reviews first
        do("approve_decision", cg.cg_head, case, note="同意")
        assert fresh(case).state == "accepted"
        clock.move_to(at(2026, 3, 31, 11, 0))
        do("approve_decision", cg.cg_leader, case, note="签发")
        case = fresh(case)
        assert case.state == "decided"
        assert due(case, "decision")[0] == Clock.STOPPED
        signed = CaseDocument.objects.get(case=case, name="decision")
        issued = case.events.get(action="issue_decision")
        content = signed.file.open("rb").read()
        assert issued.new["document_sha256"] == [hashlib.sha256(content).hexdigest()]
        assert verify_case(case) is None
        steps = CaseApproval.objects.filter(case=case).order_by("position")
        assert [(s.label, s.decided_by.username) for s in steps] == [("处长审核", "cg_head"), ("厅领导签发", "cg_leader")]

        # Service on every party; each copy carries its day and its periods (民法典 201-203).
        clock.move_to(at(2026, 4, 1, 10, 0))
        complainant = party(case, "complainant")
        do("serve_decision", cg.cg_handler, case, party=str(complainant.pk), method="in_person",
           served_on="2026-04-01", receipt=[pdf()])
        clock.move_to(at(2026, 4, 3, 10, 0))
        do("serve_decision", cg.cg_handler, case, party=str(purchaser.pk), method="post", served_on="2026-04-03")
        assert fresh(case).state == "decided"  # the agency is not served yet
        clock.move_to(at(2026, 4, 7, 10, 0))
        do("serve_decision", cg.cg_handler, case, party=str(agency.pk), method="post", served_on="2026-04-07")
        case = fresh(case)
        assert case.state == "delivered"

        copies = list(CaseDocument.objects.filter(case=case, name="decision").order_by("pk"))
        assert len(copies) == 4  # the signed original and one copy for each party served
        first = "\n".join(p.text for p in docx.Document(copies[1].file.open("rb")).paragraphs)
        # Items, claims, each respondent's answer, findings and rulings, carried from entry.
        assert "投诉事项2\n投诉人称：银行资信证明虽未经负责人签字" in first
        assert "某省卫生健康委员会：银行资信证明为必备资质，未经签字不能生效" in first
        assert "本厅查明：资信证明未见负责人签字，不能生效" in first
        assert "处理意见：投诉事项1成立。依据：《政府采购法》第三十六条" in first
        assert "处理意见：投诉事项3不成立。" in first
        assert "授权委托代理人：贺某（青岛某特种电器有限公司）　联系方式：13800001111" in first
        assert "被投诉人（采购代理机构）：某省药械招标有限公司　地址：某市南二环西段21号" in first
        assert "的规定，投诉事项成立。决定如下：" in first
        # Served 1 April: 60 days end on Sunday 31 May, so Monday 1 June; six months end on
        # 1 October, National Day, so Thursday 8 October.
        assert "申请行政复议：60日（《中华人民共和国行政复议法》第二十条），自2026年4月1日送达之次日起算，至2026年6月1日止" in first
        assert "提起行政诉讼：6个月（《中华人民共和国行政诉讼法》第四十六条），自2026年4月1日送达之次日起算，至2026年10月8日止" in first
        assert "2026年3月31日" in first  # the day it was signed
        agency_copy = "\n".join(p.text for p in docx.Document(copies[3].file.open("rb")).paragraphs)
        # Served 7 April: 6 June is a Saturday, so 8 June; 7 October is a holiday, so 8 October.
        assert "至2026年6月8日止" in agency_copy and "至2026年10月8日止" in agency_copy

        # 第三十五条: published, personal data removed.
        clock.move_to(at(2026, 4, 8, 10, 0))
        do("announce_result", cg.cg_handler, case, title="疫苗冷链建设项目投诉处理结果公告",
           text="投诉人代理人贺某（电话13800001111）称……本厅决定：此次招标结果无效。")
        case = fresh(case)
        assert case.state == "closed" and not case.is_open
        announced = case.data["announcement"]["text"]
        assert "13800001111" not in announced and "贺某" not in announced and "贺*" in announced
        assert "此次招标结果无效" in announced
        public = Client(headers={"Accept-Language": "zh-hans"}).get("/portal/announcements/").content.decode()
        assert "疫苗冷链建设项目投诉处理结果公告" in public and case.number in public
        assert "13800001111" not in public and "贺某" not in public

        # The case page shows the paused span, each party's last days and the items' rulings.
        client = Client(headers={"Accept-Language": "zh-hans"})
        client.force_login(cg.cg_handler)
        page = client.get(f"/staff/cases/{case.pk}/").content.decode()
        assert "2026-03-02 10:00 – 2026-03-09 10:00 · 5.0 个工作日 · 组织专家评审" in page
        services = page[page.index('id="services"'):]
        services = services[:services.index("</section>")]
        assert services.count("2026-10-08") == 3  # every party's lawsuit period ends after National Day
        assert "2026-06-01" in services and "2026-06-02" in services and "2026-06-08" in services
        assert "2026-05-31 为休息日" in services
        items = page[page.index('id="items"'):]
        assert "银行资信证明为必备资质，未经签字不能生效" in items and "不成立" in items


def test_a_decision_is_refused_without_a_ruling_on_every_item_and_nothing_is_written(cg):
    with time_machine.travel(at(2026, 9, 28, 10, 0), tick=False) as clock:
        case = accepted_case(cg, clock, at(2026, 9, 28, 10, 0))
        before = (case.version, CaseEvent.objects.filter(case=case).count(), CaseApproval.objects.count())
        with pytest.raises(InvalidInput) as refused:
            do("draft_decision", cg.cg_handler, case, findings=["甲", "乙", "丙"], rulings=["成立", "", "不成立"],
               ruling_basis=["一", "二", "三"], result="upheld", decision="决定", reconsideration_body="某省人民政府",
               court="某法院")
        assert refused.value.field == "rulings" and "处理意见" in str(refused.value.message)
        assert "2" in str(refused.value.message)
        with pytest.raises(InvalidInput) as wrong:
            do("draft_decision", cg.cg_handler, case, findings=["甲", "乙", "丙"], rulings=["成立", "部分成立", "不成立"],
               ruling_basis=["一", "二", "三"], result="upheld", decision="决定", reconsideration_body="某省人民政府",
               court="某法院")
        assert wrong.value.field == "rulings"
        after = fresh(case)
        assert (after.version, CaseEvent.objects.filter(case=case).count(), CaseApproval.objects.count()) == before
        assert "rulings" not in after.data


def test_service_on_a_party_that_does_not_exist_or_before_receipt_is_refused(cg):
    with time_machine.travel(at(2026, 9, 28, 10, 0), tick=False) as clock:
        case = accepted_case(cg, clock, at(2026, 9, 28, 10, 0))
        other = register(cg, at(2026, 9, 28, 10, 0))
        version = case.version
        with pytest.raises(InvalidInput) as stranger:
            do("serve_copy", cg.cg_handler, case, party=str(party(other, "purchaser").pk), method="post",
               served_on="2026-09-28")
        assert stranger.value.field == "party" and "送达对象" in str(stranger.value.message)
        with pytest.raises(InvalidInput) as early:
            do("serve_copy", cg.cg_handler, case, party=str(party(case, "purchaser").pk), method="post",
               served_on="2026-09-27")
        assert early.value.field == "served_on" and "2026-09-28" in str(early.value.message)
        with pytest.raises(InvalidInput) as ahead:
            do("serve_copy", cg.cg_handler, case, party=str(party(case, "purchaser").pk), method="post",
               served_on="2026-10-09")
        assert ahead.value.field == "served_on"
        assert fresh(case).version == version and not CaseDocument.objects.filter(case=case).exists()
        assert "services" not in fresh(case).data


def doc_text(case, name) -> str:
    document = CaseDocument.objects.filter(case=case, name=name).order_by("-pk").first()
    return "\n".join(p.text for p in docx.Document(document.file.open("rb")).paragraphs)


def test_corrections_then_refusal_across_national_day(cg):
    with time_machine.travel(at(2026, 9, 28, 10, 0), tick=False) as clock:
        case = register(cg, at(2026, 9, 28, 10, 0))
        # 5 working days: 29, 30 September, 8, 9 and 10 October (a make-up Saturday).
        assert due(case, "review") == (Clock.RUNNING, at(2026, 10, 11, 0, 0))
        # 30 working days from 28 September: to the end of 13 November.
        assert due(case, "decision") == (Clock.RUNNING, at(2026, 11, 14, 0, 0))

        clock.move_to(at(2026, 9, 29, 10, 0))
        do("ask_correction", cg.cg_handler, case, what="请提供质疑答复及证明材料", correct_by="2026-10-09")
        case = fresh(case)
        assert case.state == "correcting"
        assert due(case, "review")[0] == Clock.STOPPED and due(case, "decision")[0] == Clock.PAUSED
        assert "补正期限：2026-10-09前" in doc_text(case, "correction_notice")

        # The corrections arrive after the holiday: the review starts again, and the decision
        # clock gets back the time it had (29 September 10:00 to 9 October 10:00 is 3 working days).
        clock.move_to(at(2026, 10, 9, 10, 0))
        do("corrected", cg.cg_handler, case, note="已补正")
        case = fresh(case)
        assert case.state == "received"
        assert due(case, "review") == (Clock.RUNNING, at(2026, 10, 16, 0, 0))  # 10 (Sat), 12-15 October
        assert due(case, "decision") == (Clock.RUNNING, at(2026, 11, 19, 0, 0))
        with pytest.raises(Refused, match="一次性"):
            do("ask_correction", cg.cg_handler, case, what="再补正", correct_by="2026-10-20")

        # Not eligible: the written refusal within 3 working days of the finding.
        clock.move_to(at(2026, 10, 12, 9, 0))
        do("find_ineligible", cg.cg_handler, case, reasons="投诉人未在法定期限内提起投诉")
        assert fresh(case).state == "refusing"
        assert due(case, "refusal_notice") == (Clock.RUNNING, at(2026, 10, 16, 0, 0))  # 13, 14, 15 October
        clock.move_to(at(2026, 10, 14, 9, 0))
        do("refuse", cg.cg_handler, case, reasons="投诉人未在答复期满后15个工作日内提起投诉（第十九条）")
        case = fresh(case)
        assert case.state == "refused" and not case.is_open
        assert not Clock.objects.filter(case=case, state__in=[Clock.RUNNING, Clock.PAUSED]).exists()
        assert "第十九条" in doc_text(case, "refusal_notice")


def test_a_complaint_for_another_department_is_referred(cg):
    with time_machine.travel(at(2026, 9, 30, 10, 0), tick=False) as clock:
        case = register(cg, at(2026, 9, 30, 10, 0))
        assert due(case, "review") == (Clock.RUNNING, at(2026, 10, 14, 0, 0))  # 8, 9, 10, 12, 13 October
        clock.move_to(at(2026, 10, 9, 10, 0))
        do("find_not_ours", cg.cg_handler, case, note="采购项目属于市级预算项目")
        assert due(case, "referral_notice") == (Clock.RUNNING, at(2026, 10, 14, 0, 0))  # 10, 12, 13
        clock.move_to(at(2026, 10, 12, 10, 0))
        do("refer", cg.cg_handler, case, competent="某市财政局")
        case = fresh(case)
        assert case.state == "referred" and not case.is_open
        assert due(case, "referral_notice")[0] == Clock.STOPPED
        assert "请向某市财政局提起投诉" in doc_text(case, "referral_notice")


def test_suspension_for_at_most_thirty_days_lifted_then_the_complaint_withdrawn(cg):
    with time_machine.travel(at(2026, 9, 28, 10, 0), tick=False) as clock:
        case = accepted_case(cg, clock, at(2026, 9, 28, 10, 0))
        clock.move_to(at(2026, 9, 29, 10, 0))
        do("suspend_procurement", cg.cg_handler, case, reason="投诉事项可能影响中标结果")
        # 第二十八条: at most 30 days, holidays included: to the end of 29 October.
        assert due(case, "suspension") == (Clock.RUNNING, at(2026, 10, 30, 0, 0))
        assert "暂停时间最长不超过30日" in doc_text(case, "suspension_notice")
        with pytest.raises(Refused, match="已经暂停"):
            do("suspend_procurement", cg.cg_handler, case, reason="再次暂停")
        clock.move_to(at(2026, 10, 12, 10, 0))
        do("lift_suspension", cg.cg_handler, case, note="经审查可以继续采购")
        assert due(case, "suspension")[0] == Clock.STOPPED
        assert "本厅于2026年9月29日通知暂停的采购活动，现通知恢复" in doc_text(case, "resumption_notice")
        assert fresh(case).data["suspended_on"] is None

        # 第三十条: the complainant withdraws in writing; the procedure ends; every clock stops.
        clock.move_to(at(2026, 10, 13, 10, 0))
        do("withdraw", cg.cg_handler, case, reason="投诉人书面申请撤回投诉")
        case = fresh(case)
        assert case.state == "withdrawn" and not case.is_open
        assert not Clock.objects.filter(case=case, state__in=[Clock.RUNNING, Clock.PAUSED]).exists()
        notice = doc_text(case, "termination_notice")
        assert "第三十条" in notice and "被投诉人（采购人）：某省卫生健康委员会" in notice


def test_a_dismissal_sent_back_once_then_signed(cg):
    with time_machine.travel(at(2026, 9, 28, 10, 0), tick=False) as clock:
        case = accepted_case(cg, clock, at(2026, 9, 28, 10, 0))
        drafted = dict(findings=["无证据", "无证据", "无证据"], rulings=["不成立", "不成立", "不成立"],
                       ruling_basis=["第二十九条第二项"] * 3, result="dismiss",
                       dismissal_ground="投诉事项缺乏事实依据，投诉事项不成立", decision="驳回投诉。",
                       reconsideration_body="某省人民政府", court="某市中级人民法院")
        clock.move_to(at(2026, 10, 9, 10, 0))
        do("draft_decision", cg.cg_handler, case, **drafted)
        with pytest.raises(Refused, match="正在审批"):
            do("draft_decision", cg.cg_handler, case, **drafted)
        do("send_back_decision", cg.cg_head, case, note="查明事实部分过简")
        assert fresh(case).state == "accepted"
        do("draft_decision", cg.cg_handler, case, **{**drafted, "findings": ["经查无证据"] * 3})
        do("approve_decision", cg.cg_head, case)
        do("approve_decision", cg.cg_leader, case)
        case = fresh(case)
        assert case.state == "decided" and case.data["result"] == "dismiss"
        signed = doc_text(case, "decision")
        assert "的规定，驳回投诉。决定如下：" in signed and "投诉事项缺乏事实依据，投诉事项不成立" in signed
        assert "本厅查明：经查无证据" in signed
        # The signed original names the periods and how they are counted, not a day.
        assert "申请行政复议：60日（《中华人民共和国行政复议法》第二十条），自送达之日起算" in signed


def test_an_answer_clock_counts_from_the_day_of_service_entered_not_the_day_it_was_recorded(cg):
    """第二十二条 counts "自收到...之日起": a receipt returned by post and recorded two days later
    still gives the respondent five working days from the day it received the copy."""
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False) as clock:
        case = accepted_case(cg, clock, when=at(2026, 3, 2, 10, 0))
        agency = party(case, "agency")
        clock.move_to(at(2026, 3, 11, 16, 0))  # a Wednesday: the receipt came back by post
        do("serve_copy", cg.cg_handler, case, party=str(agency.pk), method="post", served_on="2026-03-09")
        answer = Clock.objects.get(case=case, name=f"answer#{agency.pk}")
        # From Monday 9 March: 10, 11, 12, 13, 16 March; recorded on the 11th it would be the 18th.
        assert answer.due_at == at(2026, 3, 17, 0, 0)
        assert answer.started_at == at(2026, 3, 9, 0, 0)
