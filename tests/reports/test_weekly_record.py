"""The weekly 《客户投诉记录表》 as a file (text 五, issue 10): each case accepted in the week with
its number, times, place, complainant (masked for a reader who may not see personal data),
people involved, unit complained about, stage, category, handling and result, compensation as a
number (元), reply time, state and call-back, handler; a 合计 row of numbers; and, once the
department has submitted it, the person who submitted it."""

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from tousu.cases import actions as act
from tousu.cases.errors import Refused
from tousu.reports import exports, filing
from tousu.reports.models import Report, ReportEvent
from tousu.reports.periods import parse_week
from tousu.reports.services import produce

from .conftest import at

HEADER = ["No.", "Case number", "Time received", "Time of the event", "Place", "Complainant", "People involved",
          "Unit complained about", "Stage", "Category", "Content", "Handling and result", "Compensation (元)",
          "Reply time", "State and call-back", "Handler"]


@pytest.fixture
def week(hotel):
    h = hotel
    first = act.register_case(
        actor=h.hk_staff, unit=h.units["housekeeping"], now=at(2026, 10, 13, 9), channel="phone", stage="after",
        category="hygiene", subject="床单有污渍", description="入住发现床单有污渍", complainant_name="张三丰",
        complainant_phone="13900000003", occurred_at=at(2026, 10, 12, 22), place="1208 房",
        people_involved="客房服务员 赵敏")
    # A 消费后 complaint: the department head has it from registration and handles it.
    act.accept_case(actor=h.hk_head, case_id=first.pk, now=at(2026, 10, 13, 9, 10))
    act.propose_resolution(actor=h.hk_head, case_id=first.pk, resolution="致歉并更换床单，赠送早餐", compensation=150,
                           now=at(2026, 10, 13, 10))
    act.reply_case(actor=h.hk_head, case_id=first.pk, text="已更换", now=at(2026, 10, 13, 10, 30))
    act.record_callback(actor=h.hk_head, case_id=first.pk, result="satisfied", now=at(2026, 10, 14, 10))
    second = act.register_case(
        actor=h.hk_staff, unit=h.units["housekeeping"], now=at(2026, 10, 15, 14), channel="walk_in", stage="during",
        category="hygiene", subject="毛巾不干净", description="经过", complainant_name="李四",
        complainant_phone="13700000004", requested_by=at(2026, 10, 15, 18))
    act.accept_case(actor=h.hk_staff, case_id=second.pk, now=at(2026, 10, 15, 14, 5))
    act.propose_resolution(actor=h.hk_staff, case_id=second.pk, resolution="更换毛巾", compensation="50.5",
                           now=at(2026, 10, 15, 15))
    report = produce(parse_week("2026-W42"), h.units["housekeeping"], now=at(2026, 10, 19, 9))
    return report, first, second


def xlsx_rows(report, user) -> list[list]:
    ws = load_workbook(io.BytesIO(exports.to_xlsx(report, user))).active
    return [list(row) for row in ws.iter_rows(values_only=True)]


def record(rows: list[list]) -> list[list]:
    """The header, the case rows and the 合计 row, as the 16 columns of the form."""
    start = next(i for i, row in enumerate(rows) if row[:16] == HEADER)
    out = []
    for row in rows[start:]:
        if row[0] is None:
            break
        out.append(row[:16])
    return out


def test_the_record_has_the_forms_columns_numbers_and_a_total_row(hotel, week):
    report, first, second = week
    header, one, two, total = record(xlsx_rows(report, hotel.hk_head))
    assert header == HEADER
    assert one == [1, first.number, "2026-10-13 09:00", "2026-10-12 22:00", "1208 房", "张三丰 13900000003",
                   "客房服务员 赵敏", "客房部", "消费后投诉", "卫生", "床单有污渍：入住发现床单有污渍",
                   "致歉并更换床单，赠送早餐", 150, "2026-10-13 10:30", "已确认 · 满意", "客房部经理 陈刚"]
    assert two[1] == second.number and two[8] == "消费中投诉" and two[12] == 50.5
    # 合计: the complaints counted and the money paid, numbers a spreadsheet adds up.
    assert total[0] == "Total (合计)" and total[1] == 2 and total[12] == 200.5
    assert isinstance(total[1], int) and isinstance(total[12], float)


def test_a_reader_who_may_not_see_personal_data_reads_the_complainant_masked(hotel, week):
    report, first, _second = week
    # The marketing office sees every unit's record but not personal data (hotel.toml).
    _header, one, _two, _total = record(xlsx_rows(report, hotel.marketing))
    assert one[5] == "张** 139****0003"
    everything = [str(v) for row in xlsx_rows(report, hotel.marketing) for v in row]
    assert not any("13900000003" in v or "张三丰" in v for v in everything)
    doc = Document(io.BytesIO(exports.to_docx(report, hotel.marketing)))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "张** 139****0003" in cells and not any("13900000003" in c for c in cells)
    # The department head may: the full name and phone.
    doc = Document(io.BytesIO(exports.to_docx(report, hotel.hk_head)))
    assert "张三丰 13900000003" in [c.text for t in doc.tables for row in t.rows for c in row.cells]


def test_the_department_submits_the_record_and_is_named_on_it(hotel, week):
    report, _first, _second = week
    footer = [row for row in xlsx_rows(report, hotel.hk_head) if row[0] == "Compiled by:"][0]
    assert footer[1] is None  # not yet submitted: a blank line
    with pytest.raises(Refused):  # the marketing office receives it; it is the department's to submit
        filing.submit(actor=hotel.marketing, report_id=report.pk)
    filing.submit(actor=hotel.hk_staff, report_id=report.pk, now=at(2026, 10, 19, 10))
    report.refresh_from_db()
    footer = [row for row in xlsx_rows(report, hotel.marketing) if row[0] == "Compiled by:"][0]
    assert footer[:6] == ["Compiled by:", "客房服务员 赵敏", "Reviewed by:", None, "Date:", "2026-10-19"]
    doc = Document(io.BytesIO(exports.to_docx(report, hotel.marketing)))
    assert "Compiled by: 客房服务员 赵敏" in [p.text for p in doc.paragraphs if p.text][-1]
    assert [(e.action, e.actor, e.state) for e in ReportEvent.objects.filter(report=report)] == [
        (ReportEvent.SUBMIT, hotel.hk_staff, Report.SUBMITTED)]
    with pytest.raises(Refused):  # once is enough
        filing.submit(actor=hotel.hk_head, report_id=report.pk)


def test_a_submitted_record_keeps_its_rows_when_the_week_is_produced_again(hotel, week):
    report, _first, _second = week
    filing.submit(actor=hotel.hk_staff, report_id=report.pk, now=at(2026, 10, 19, 10))
    act.register_case(actor=hotel.hk_staff, unit=hotel.units["housekeeping"], now=at(2026, 10, 16, 9),
                      channel="phone", stage="after", category="hygiene", subject="late entry", description="经过",
                      complainant_name="王五")
    again = produce(parse_week("2026-W42"), hotel.units["housekeeping"], now=at(2026, 10, 20, 9))
    assert again.pk == report.pk and len(again.figures["rows"]) == 2
