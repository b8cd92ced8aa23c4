"""The monthly ranking of the units that handle cases (districts, departments): 响应率, 解决率
and 满意率 of the cases each was responsible for, best first, as figures and as an .xlsx.

The rates are the reports' own (figures.py, one definition): responded and resolved by the
states each kind's figures name, satisfied among the call-backs that are a verdict. Units are
ranked by satisfaction, then resolution, then response; a unit with no verdict yet ranks below
every unit with one, and two units with the same three rates share a place."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from tousu.org.models import Unit

from . import services
from .periods import Period


def ranked_units(unit_kinds: list[str] | None = None) -> list[Unit]:
    """The units ranked: of `unit_kinds`, or every unit whose kind is not the top unit's (the
    hotline centre, the bureau itself)."""
    units = list(Unit.objects.order_by("path"))
    if unit_kinds:
        return [u for u in units if u.kind in unit_kinds]
    top = {u.kind for u in units if u.parent_id is None}
    return [u for u in units if u.kind not in top]


def _rate(rate: dict) -> float | None:
    return rate.get("rate") if rate else None


def ranking(period: Period, units: list[Unit], *, now=None) -> list[dict]:
    found = services.compute_units(period, units, now=now) if units else {}
    rows = []
    for unit in units:
        data = found[unit.pk]
        rates = data["rates"]
        rows.append({"code": unit.code, "unit": unit.name, "total": data["total"],
                     "response": _rate(rates["response"]), "resolution": _rate(rates["resolution"]),
                     "satisfaction": _rate(rates["satisfaction"])})

    def score(row):
        return tuple(-1 if row[k] is None else row[k] for k in ("satisfaction", "resolution", "response"))

    rows.sort(key=lambda row: (score(row), row["total"]), reverse=True)
    place, last = 0, None
    for n, row in enumerate(rows, start=1):
        if score(row) != last:
            place, last = n, score(row)
        row["rank"] = place
    return rows


def to_xlsx(period: Period, rows: list[dict], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = period.code[:31]
    sheet.append([title])
    sheet.cell(1, 1).font = Font(size=14, bold=True)
    sheet.append([_("Rank"), _("Unit"), _("Cases"), _("Response rate"), _("Resolution rate"),
                  _("Satisfaction rate")])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row["rank"], row["unit"], row["total"], row["response"], row["resolution"],
                      row["satisfaction"]])
        for cell in sheet[sheet.max_row][3:6]:
            cell.number_format = "0.0%"
    for column, width in zip("ABCDEF", (8, 24, 10, 12, 12, 12)):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
