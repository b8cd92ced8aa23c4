"""The report files as forms (issue 10, the workspace): xlsx with totals rows (合计), numbers as
numbers with their formats and a chart; docx with 填表人 and 审核人 lines; the timeliness
table's headings say what its figures count."""

import io

import pytest
from django.utils import translation
from docx import Document
from openpyxl import load_workbook

from tousu.reports import exports
from tousu.reports.periods import parse_month
from tousu.reports.services import produce

from .conftest import at


@pytest.fixture
def monthly(october):
    return produce(parse_month("2026-10"), now=at(2026, 11, 15, 9))


def sheet(report):
    return load_workbook(io.BytesIO(exports.to_xlsx(report))).active


def test_xlsx_totals_rows_formats_and_a_chart(monthly):
    ws = sheet(monthly)
    rows = [[c for c in row if c is not None] for row in ws.iter_rows(values_only=True)]
    totals = [r for r in rows if r and r[0] == "Total (合计)"]
    assert ["Total (合计)", 5, 1.0] in totals  # each dimension adds up to the complaints received
    assert ["Total (合计)", 6, 3, 3, 3 / 6] in totals  # the clocks: 2 + 4 deadlines, 0 + 3 met (the 消费中 clocks run to 办结)
    rate = next(c for row in ws.iter_rows() for c in row if c.value == 0.6)
    assert rate.number_format == "0.0%"
    assert len(ws._charts) == 1


def test_the_timeliness_headings_name_what_is_counted(monthly):
    rows = [[c for c in row if c is not None] for row in sheet(monthly).iter_rows(values_only=True)]
    assert ["Clock", "Deadlines that fell in the period", "Met", "Missed (late or still open)",
            "Met / deadlines"] in rows


def test_docx_has_compiled_and_reviewed_by_lines(monthly):
    with translation.override("zh-hans"):
        doc = Document(io.BytesIO(exports.to_docx(monthly)))
    last = [p.text for p in doc.paragraphs if p.text][-1]
    assert "填表人：" in last and "审核人：" in last and "日期：" in last
    rows = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    assert ["合计", "5", "100.0%"] in rows
