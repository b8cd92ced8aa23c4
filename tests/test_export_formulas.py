"""Text typed into the portal or the API never becomes a live formula in an exported file: the
weekly record (subject, description, party name), the hotspot list (place) and the ledger (a
person's name) hold it as text, exactly as typed; csv values that start like a formula get `'`."""

import csv
import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from tousu.cases import actions as act
from tousu.cases.sweep import sweep
from tousu.domain import cells
from tousu.org.models import Unit
from tousu.reports import exports
from tousu.reports.periods import parse_week
from tousu.reports.services import produce

from .times import at

HYPERLINK = '=HYPERLINK("http://x","y")'
DDE = "=cmd|' /C calc'!A0"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def sheet_cells(content: bytes):
    book = load_workbook(io.BytesIO(content))
    return [cell for ws in book.worksheets for row in ws.iter_rows() for cell in row if cell.value is not None]


def holding(content: bytes, text: str):
    found = [cell for cell in sheet_cells(content) if isinstance(cell.value, str) and text in cell.value]
    assert found, f"{text!r} is not in the workbook"
    return found


def test_weekly_record_holds_a_formula_like_subject_and_name_as_text(hotel):
    h = hotel
    act.register_case(actor=h.hk_staff, unit=h.units["housekeeping"], now=at(2026, 10, 13, 9), channel="phone",
                      stage="after", category="hygiene", subject=HYPERLINK, description=DDE,
                      complainant_name="=1+1", complainant_phone="13900000003")
    act.register_case(actor=h.hk_staff, unit=h.units["housekeeping"], now=at(2026, 10, 13, 10), channel="phone",
                      stage="after", category="hygiene", subject=DDE, description="经过", complainant_name="张先生")
    report = produce(parse_week("2026-W42"), h.units["housekeeping"], now=at(2026, 10, 19, 9))
    content = exports.to_xlsx(report)

    assert not [cell for cell in sheet_cells(content) if cell.data_type == "f"]
    subject_cell = holding(content, HYPERLINK)[0]
    assert subject_cell.data_type == "s" and subject_cell.value == f"{HYPERLINK}：{DDE}"
    other = [cell for cell in holding(content, DDE) if cell.value == f"{DDE}：经过"]
    assert other and other[0].data_type == "s" and other[0].quotePrefix  # shown and edited as text
    name = [cell for cell in sheet_cells(content) if str(cell.value).startswith("=")
            and cell.column == 6]  # the complainant column: the masked name starts with "="
    assert name and all(cell.data_type == "s" for cell in name)


def test_hotspot_list_holds_a_formula_like_place_as_text(telecom, client):
    t = telecom
    for day in (4, 5, 6):
        act.register_case(actor=t.agent, unit=t.units["cs_center"], now=at(2026, 5, day, 10), channel="phone",
                          stage="after", category="weak_coverage", place=HYPERLINK, subject="投诉",
                          description="经过", complainant_name="张先生")
    client.force_login(t.company_head)
    query = {"since": "2026-05-01", "until": "2026-05-31", "period": "month", "threshold": "3"}
    response = client.get("/quality/hotspots.xlsx", query)
    assert response.status_code == 200
    place = holding(response.content, HYPERLINK)[0]
    assert place.value == HYPERLINK and place.data_type == "s"
    assert not [cell for cell in sheet_cells(response.content) if cell.data_type == "f"]


def test_ledger_holds_a_formula_like_unit_name_as_text(hotel, client):
    h = hotel
    late = act.register_case(actor=h.frontdesk, unit=h.units["front_office"], now=at(2026, 5, 12, 9),
                             channel="phone", stage="after", category="billing", subject="投诉",
                             description="经过", complainant_name="张先生")
    act.accept_case(actor=h.fo_head, case_id=late.pk, now=at(2026, 5, 12, 9, 5))  # 消费后: the head's
    assert sweep(now=at(2026, 5, 18, 10))["breached"] == 1  # against front office
    Unit.objects.filter(pk=h.units["front_office"].pk).update(name=DDE)
    client.force_login(hotel.gm)
    response = client.get("/quality/ledger.xlsx", {"month": "2026-05"})
    assert response.status_code == 200
    unit = holding(response.content, DDE)[0]
    assert unit.value == DDE and unit.data_type == "s"


def test_control_characters_do_not_break_the_file():
    from openpyxl import Workbook

    wb = Workbook()
    cells.append(wb.active, ["a\x01b", 3, "+86 138"])
    out = io.BytesIO()
    wb.save(out)
    read = load_workbook(io.BytesIO(out.getvalue())).active
    assert [c.value for c in read[1]] == ["ab", 3, "+86 138"]
    assert read["C1"].data_type == "s"


def test_csv_values_that_start_like_a_formula_get_a_quote():
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([cells.csv_value(v) for v in (HYPERLINK, DDE, "+1", "-1", "@SUM(A1)", "\tx", "普通", 7)])
    row = next(csv.reader(io.StringIO(out.getvalue())))
    assert row[:6] == ["'" + HYPERLINK, "'" + DDE, "'+1", "'-1", "'@SUM(A1)", "'\tx"]
    assert row[6:] == ["普通", "7"]
