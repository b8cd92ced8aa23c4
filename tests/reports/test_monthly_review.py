"""The monthly 《顾客投诉统计分析报告表》 carries the marketing office's written analysis and
recommendations and goes to the GM office for approval (text 五; hotel.toml [monthly_review]):
writing, submitting, approving or returning are each one step with an audit row, refused to
those whose role the preset does not name, and the exported files hold the text and the approval
(who, when), so the report can be attached to the marketing monthly report."""

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from tousu.cases.errors import InvalidInput, Refused
from tousu.domain.policy import PolicyError
from tousu.domain.preset import load_preset
from tousu.reports import exports, filing
from tousu.reports.models import Report, ReportEvent
from tousu.reports.periods import parse_month
from tousu.reports.services import produce

from .conftest import at

ANALYSIS = "十月投诉五起，卫生类占四成，集中在客房部。"
ADVICE = "建议客房部修订《客房清洁作业指导书》并组织培训。"


@pytest.fixture
def month(october):
    return produce(parse_month("2026-10"), now=at(2026, 11, 15, 9))


def write(h, report, who=None, when=None):
    return filing.write_analysis(actor=who or h.marketing, report_id=report.pk, analysis=ANALYSIS,
                                 recommendations=ADVICE, now=when or at(2026, 11, 15, 10))


def xlsx_rows(report) -> list[list]:
    ws = load_workbook(io.BytesIO(exports.to_xlsx(report))).active
    return [[c for c in row if c is not None] for row in ws.iter_rows(values_only=True)]


def test_marketing_writes_submits_and_the_gm_office_approves(october, month):
    h = october.h
    write(h, month)
    filing.submit(actor=h.marketing, report_id=month.pk, now=at(2026, 11, 15, 11))
    filing.review_analysis(actor=h.gm_office, report_id=month.pk, approve=True, note="同意，附于营销部月报",
                           now=at(2026, 11, 16, 9, 30))
    month.refresh_from_db()
    assert month.state == Report.APPROVED
    assert [(e.action, e.actor.username, e.state) for e in ReportEvent.objects.filter(report=month)] == [
        ("write", "marketing", "draft"), ("submit", "marketing", "submitted"), ("approve", "gm_office", "approved")]

    rows = xlsx_rows(month)
    assert ["Analysis", ANALYSIS] in rows and ["Recommendations", ADVICE] in rows
    assert ["Submitted by", "营销部 吴静 · 2026-11-15 11:00"] in rows
    assert ["Approved by", "总经室 秘书 郑敏 · 2026-11-16 09:30"] in rows
    assert ["Review comment", "同意，附于营销部月报"] in rows
    assert ["Compiled by:", "营销部 吴静", "Reviewed by:", "总经室 秘书 郑敏", "Date:", "2026-11-16"] in rows

    doc = Document(io.BytesIO(exports.to_docx(month)))
    text = [p.text for p in doc.paragraphs]
    assert ANALYSIS in text and ADVICE in text and "总经室 秘书 郑敏 · 2026-11-16 09:30" in text
    assert text[-1] == "Compiled by: 营销部 吴静    Reviewed by: 总经室 秘书 郑敏    Date: 2026-11-16"


def test_returned_with_a_comment_then_written_again_and_resubmitted(october, month):
    h = october.h
    write(h, month)
    filing.submit(actor=h.marketing, report_id=month.pk)
    with pytest.raises(InvalidInput):  # returning needs the reason
        filing.review_analysis(actor=h.gm_office, report_id=month.pk, approve=False, note="  ")
    filing.review_analysis(actor=h.gm_office, report_id=month.pk, approve=False, note="请补充餐饮部的分析")
    month.refresh_from_db()
    assert (month.state, month.decision_note) == (Report.RETURNED, "请补充餐饮部的分析")
    assert ["Returned by", f"总经室 秘书 郑敏 · {exports.when(month.decided_at)}"] in xlsx_rows(month)
    filing.write_analysis(actor=h.marketing, report_id=month.pk, analysis=ANALYSIS + "餐饮部一起。",
                          recommendations=ADVICE)
    filing.submit(actor=h.marketing, report_id=month.pk)
    month.refresh_from_db()
    assert month.state == Report.SUBMITTED and month.decided_by is None


def test_only_the_roles_the_preset_names_write_and_review(october, month):
    h = october.h
    for outsider in (h.gm_office, h.hk_head, h.gm):
        with pytest.raises(Refused):
            write(h, month, who=outsider)
    with pytest.raises(Refused):  # nothing submitted yet
        filing.review_analysis(actor=h.gm_office, report_id=month.pk, approve=True)
    write(h, month)
    filing.submit(actor=h.marketing, report_id=month.pk)
    for outsider in (h.marketing, h.gm, h.fo_head):
        with pytest.raises(Refused):
            filing.review_analysis(actor=outsider, report_id=month.pk, approve=True)
    with pytest.raises(Refused):  # submitted: no longer the writer's to change
        write(h, month)
    with pytest.raises(Refused):  # a report one may not see is not found (the department head: all units)
        filing.submit(actor=h.hk_head, report_id=month.pk)
    assert ReportEvent.objects.filter(report=month).count() == 2


def test_nothing_is_written_on_a_refusal_or_an_empty_text(october, month):
    h = october.h
    with pytest.raises(InvalidInput):
        filing.write_analysis(actor=h.marketing, report_id=month.pk, analysis=ANALYSIS, recommendations=" ")
    with pytest.raises(InvalidInput):  # nothing written: nothing to submit
        filing.submit(actor=h.marketing, report_id=month.pk)
    month.refresh_from_db()
    assert (month.state, month.analysis, ReportEvent.objects.count()) == ("", "", 0)


def test_an_approved_report_keeps_its_figures_when_the_month_is_produced_again(october, month):
    h = october.h
    write(h, month)
    filing.submit(actor=h.marketing, report_id=month.pk)
    filing.review_analysis(actor=h.gm_office, report_id=month.pk, approve=True)
    before = month.figures["as_of"]
    again = produce(parse_month("2026-10"), now=at(2026, 11, 20, 9))
    assert again.pk == month.pk and again.figures["as_of"] == before and again.analysis == ANALYSIS


def test_a_preset_naming_an_unknown_role_for_the_review_is_refused(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('extends = "hotel"\n[monthly_review]\nwriter_role = "marketing"\napprover_role = "nobody"\n',
                    encoding="utf-8")
    with pytest.raises(PolicyError, match="monthly_review"):
        load_preset(str(path))
