"""The hotspot list and the monthly assessment table as xlsx workbooks."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from tousu.domain.cells import append

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet(ws, title: str, header: list[str], rows: list[list]) -> None:
    ws.title = title[:31]
    append(ws, header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        append(ws, row)  # a place or a name as typed: text, never a formula
    for column in ws.columns:
        width = max(len(str(c.value or "")) for c in column)
        ws.column_dimensions[column[0].column_letter].width = min(max(width * 2, 10), 60)


def _bytes(wb: Workbook) -> bytes:
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def hotspots_workbook(clusters: list[dict], *, categories: dict[str, str]) -> bytes:
    wb = Workbook()
    _sheet(wb.active, _("Hotspots"), [_("Period starting"), _("Category"), _("Place"), _("Complaints")],
           [[c["period_start"], categories.get(c["category"], c["category"]), c["spot"], c["count"]]
            for c in clusters])
    for row in wb.active.iter_rows(min_row=2, max_col=1):
        row[0].number_format = "yyyy-mm-dd"
    return _bytes(wb)


def ledger_workbook(ledger: dict) -> bytes:
    wb = Workbook()
    header = [_("Breached deadlines"), _("Missed call-backs"), *(label for _kind, label in ledger.get("kinds", ())),
              _("Total")]

    def line(r):
        return [r["name"], r["breached"], r["missed_callbacks"], *r.get("others", ()), r["total"]]

    _sheet(wb.active, _("Units") + " " + ledger["month"].code, [_("Unit"), *header], [line(r) for r in ledger["units"]])
    _sheet(wb.create_sheet(), _("People") + " " + ledger["month"].code, [_("Person"), *header],
           [line(r) for r in ledger["people"]])
    return _bytes(wb)
