"""The xlsx and docx files open with openpyxl and python-docx and hold the page's figures."""

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from tousu.reports import exports, labels
from tousu.reports.periods import parse_month, parse_week
from tousu.reports.services import produce

from .conftest import at


@pytest.fixture
def monthly(october):
    return produce(parse_month("2026-10"), now=at(2026, 11, 15, 9))


@pytest.fixture
def weekly(october):
    return produce(parse_week("2026-W42"), october.h.units["housekeeping"], now=at(2026, 10, 19, 9))


def cells(report) -> list[list]:
    ws = load_workbook(io.BytesIO(exports.to_xlsx(report))).active
    return [[c for c in row if c is not None] for row in ws.iter_rows(values_only=True)]


def docx_rows(report) -> tuple[list[str], list[list[str]]]:
    doc = Document(io.BytesIO(exports.to_docx(report)))
    paragraphs = [p.text for p in doc.paragraphs]
    rows = [[c.text for c in row.cells] for table in doc.tables for row in table.rows]
    return paragraphs, rows


def test_monthly_xlsx_holds_the_figures(monthly):
    rows = cells(monthly)
    assert rows[0] == ["《顾客投诉统计分析报告表》"]
    assert ["Unit: All units"] in rows
    assert ["Month 2026-10 (2026-10-01 to 2026-10-31)"] in rows
    # Counts, rates and changes are numbers (rates formatted as percentages, changes in points).
    assert ["Complaints received", 5, 2, 3] in rows
    assert ["Response rate (响应率)", 0.6, 0.5, 10.0] in rows
    assert ["Resolution rate (解决率)", 0.2, 0.5, -30.0] in rows
    assert ["Satisfaction rate (满意率)", 0.5, 1.0, -50.0] in rows
    assert ["Repeat rate", 0.4, 0.0, 40.0] in rows
    assert ["Reopened", 1, 0, 1] in rows
    assert ["卫生", 2, 0.4] in rows
    assert ["前厅部", 2, 0.4] in rows and ["餐饮部", 1, 0.2] in rows
    assert ["电话", 2, 0.4] in rows
    assert ["消费后投诉", 3, 0.6] in rows
    assert ["1 · 部门负责人", 3, 0.6] in rows
    assert ["消费中投诉：客人要求的处理时间", 2, 0, 2, 0.0] in rows
    assert ["消费后投诉：受理至最终处理三个工作日", 4, 3, 1, 0.75] in rows


def test_monthly_docx_holds_the_figures(monthly):
    paragraphs, rows = docx_rows(monthly)
    assert "《顾客投诉统计分析报告表》" in paragraphs
    assert "Month 2026-10 (2026-10-01 to 2026-10-31)" in paragraphs
    assert ["Complaints received", "5", "2", "+3"] in rows
    assert ["Response rate (响应率)", "60.0%", "50.0%", "+10.0"] in rows
    assert ["Satisfaction rate (满意率)", "50.0%", "100.0%", "-50.0"] in rows
    assert ["Repeat rate", "40.0%", "0.0%", "+40.0"] in rows
    assert ["卫生", "2", "40.0%"] in rows
    assert ["消费后投诉：受理至最终处理三个工作日", "4", "3", "1", "75.0%"] in rows


def test_weekly_files_are_the_record_form(october, weekly):
    rows = cells(weekly)
    assert rows[0] == ["《客户投诉记录表》"]
    assert ["Unit: 客房部"] in rows and ["Week 2026-W42 (2026-10-12 to 2026-10-18)"] in rows
    header = ["No.", "Case number", "Time received", "Time of the event", "Place", "Complainant", "People involved",
              "Unit complained about", "Stage", "Category", "Content", "Handling and result", "Compensation (元)",
              "Reply time", "State and call-back", "Handler"]
    assert header in rows
    first = rows[rows.index(header) + 1]
    assert first[:4] == [1, october.B.number, "2026-10-12 10:00", "张** 138****0002"]
    assert first[-1] == "前厅部经理 李强"
    assert rows[rows.index(header) + 3] == ["Total (合计)", 2, 0]  # two complaints, no money paid
    assert ["Complaints received", 2, 0, 2] in rows
    assert not any("13800000002" in str(v) for row in rows for v in row)  # no reader: masked

    paragraphs, drows = docx_rows(weekly)
    assert "《客户投诉记录表》" in paragraphs and "Unit: 客房部" in paragraphs
    assert header in drows
    assert drows[drows.index(header) + 1][:6] == ["1", october.B.number, "2026-10-12 10:00", "", "", "张** 138****0002"]
    second = drows[drows.index(header) + 2]
    assert second[2] == "2026-10-13 09:00" and second[14] == "处理中 · 不满意"  # the preset's labels of the state and the outcome
    assert ["Complaints received", "2", "0", "+2"] in drows


def test_a_row_stored_without_the_outcome_label_reads_it_from_the_policy(hotel):
    assert labels.result({"result": "已确认", "callback": "satisfied", "callback_label": "满意"}) == "已确认 · 满意"
    assert labels.result({"result": "处理中", "callback": "not_satisfied"}) == "处理中 · 不满意"
    assert labels.result({"result": "已登记", "callback": ""}) == "已登记"
