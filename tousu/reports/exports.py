"""A stored report as the paper form: an xlsx workbook (openpyxl) or a docx document
(python-docx). Both are built from the stored figures only, so they say what the page says."""

from __future__ import annotations

import io
from datetime import date, timedelta

from django.utils.translation import gettext as _

from tousu.domain.cells import put

from . import labels
from .models import Report


def heading_lines(report: Report) -> list[str]:
    figures = report.figures
    period = figures["period"]
    unit = figures["unit"]["name"] if figures.get("unit") else _("All units")
    if report.kind == Report.WEEKLY:
        when = _("Week %(code)s (%(start)s to %(end)s)")
    else:
        when = _("Month %(code)s (%(start)s to %(end)s)")
    last_day = (date.fromisoformat(period["end"]) - timedelta(days=1)).isoformat()
    return [
        _("Unit: %(unit)s") % {"unit": unit},
        when % {"code": period["code"], "start": period["start"], "end": last_day},
        _("Figures as of %(time)s") % {"time": figures["as_of"][:16].replace("T", " ")},
    ]


def tables(report: Report) -> list[tuple[str, list[str], list[tuple]]]:
    """(title, header, rows) for each figure table, in the form's order."""
    figures = report.figures
    out = [(_("Summary"), [_("Figure"), _("This period"), _("Previous period"), _("Change (points for rates)")],
            labels.summary_rows(figures))]
    total = figures["total"]
    for key, title in labels.DIMENSIONS.items():
        rows = labels.dimension_rows(figures, key)
        counted = sum(r[1] for r in rows)
        out.append((str(title), [_("Item"), _("Complaints"), _("Share")],
                    [*rows, (str(labels.TOTAL), counted, labels.share(counted / total if total else None))]
                    if rows else rows))
    # What the clock figures count (figures._clocks): the deadlines that fell in the period and
    # have passed (or whose clock stopped), those met, and the rest, missed or still open late.
    clocks = figures["clocks"]
    due, met = sum(c["due"] for c in clocks), sum(c["on_time"] for c in clocks)
    out.append((_("Timeliness by clock"),
                [_("Clock"), _("Deadlines that fell in the period"), _("Met"), _("Missed (late or still open)"),
                 _("Met / deadlines")],
                [*[(c["label"], c["due"], c["on_time"], c["late"], labels.share(c["rate"])) for c in clocks],
                 (str(labels.TOTAL), due, met, due - met, labels.share(met / due if due else None))]
                if clocks else []))
    out.append((_("Top causes"), [_("Category"), _("Complaints"), _("Share")],
                [(c["label"], c["count"], labels.share(c["share"])) for c in figures["top_causes"]]))
    if figures.get("suggestions"):
        targets = {"category": _("Category"), "unit": _("Handling unit")}
        out.append((_("Suggestions at intake"),
                    [_("Suggested for"), _("Intakes"), _("Accepted"), _("First choice"), _("Acceptance rate")],
                    [(str(targets.get(t, t)), s["suggested"], s["taken"], s["first"], labels.share(s["rate"]))
                     for t, s in figures["suggestions"].items()]))
    return out


def record_rows(report: Report) -> tuple[list[str], list[list[str]]]:
    header = [_("No.")] + [str(label) for _key, label in labels.ROW_COLUMNS]
    rows = []
    for i, row in enumerate(report.figures.get("rows", []), start=1):
        values = {**row, "result": labels.result(row)}
        rows.append([str(i)] + [values[key] for key, _label in labels.ROW_COLUMNS])
    return header, rows


def filename(report: Report, ext: str) -> str:
    unit = report.figures["unit"]["code"] if report.figures.get("unit") else "all"
    return f"tousu-{report.kind}-{report.code}-{unit}.{ext}"


# --- xlsx -------------------------------------------------------------------------------------

def to_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Report")[:31]
    width = 8
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    put(ws, 1, 1, labels.title(report.kind)).font = Font(size=16, bold=True)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    row = 2
    for line in heading_lines(report):
        put(ws, row, 1, line)
        row += 1
    row += 1

    def table(title, header, rows, *, wrap=False):
        nonlocal row
        if title:
            put(ws, row, 1, title).font = Font(bold=True)
            row += 1
        for col, text in enumerate(header, start=1):
            cell = put(ws, row, col, str(text))
            cell.font, cell.border = Font(bold=True), box
        row += 1
        first = row
        for values in rows:
            for col, value in enumerate(values, start=1):
                if hasattr(value, "xlsx_value"):  # a share, a rate or a change: a number, formatted
                    cell = ws.cell(row, col, value.xlsx_value)
                    cell.number_format = value.XLSX_FORMAT
                else:
                    cell = put(ws, row, col, value)  # the complainant's words stay text
                cell.border = box
                if wrap:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
            if values and str(values[0]) == str(labels.TOTAL):
                for col in range(1, len(values) + 1):
                    ws.cell(row, col).font = Font(bold=True)
            row += 1
        row += 1
        return first

    if report.kind == Report.WEEKLY:
        header, rows = record_rows(report)
        table("", header, rows, wrap=True)
    category_rows = None
    for (title, header, rows), key in zip(tables(report), ["summary", *labels.DIMENSIONS, "clocks", "top"],
                                          strict=True):
        first = table(title, header, rows)
        if key == "by_category" and rows:
            category_rows = (first, first + len(rows) - 2)  # without the total row
    if category_rows:
        _category_chart(ws, *category_rows, anchor=f"J{category_rows[0]}")
    put(ws, row, 1, _("Compiled by:"))
    put(ws, row, 3, _("Reviewed by:"))
    put(ws, row, 5, _("Date:"))
    for col, size in zip("ABCDEFGH", (14, 18, 18, 40, 12, 30, 16, 14)):
        ws.column_dimensions[col].width = size
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _category_chart(ws, first: int, last: int, *, anchor: str) -> None:
    """A bar chart of the complaints by category, drawn from the table's own cells."""
    from openpyxl.chart import BarChart, Reference

    chart = BarChart()
    chart.title = str(labels.DIMENSIONS["by_category"])
    chart.legend = None
    chart.add_data(Reference(ws, min_col=2, min_row=first - 1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    chart.height, chart.width = 7.5, 15
    ws.add_chart(chart, anchor)


# --- docx -------------------------------------------------------------------------------------

def to_docx(report: Report) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = Document()
    if report.kind == Report.WEEKLY:  # the record form is wide: landscape
        section = doc.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    title = doc.add_heading(labels.title(report.kind), level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in heading_lines(report):
        doc.add_paragraph(line)

    def table(caption, header, rows):
        if caption:
            doc.add_heading(caption, level=2)
        t = doc.add_table(rows=1, cols=len(header))
        t.style = "Table Grid"
        for cell, text in zip(t.rows[0].cells, header):
            cell.text = str(text)
            for run in cell.paragraphs[0].runs:
                run.font.bold = True
        for values in rows:
            cells = t.add_row().cells
            for cell, value in zip(cells, values):
                cell.text = str(value)
                for run in cell.paragraphs[0].runs:
                    run.font.size = Pt(9)

    if report.kind == Report.WEEKLY:
        header, rows = record_rows(report)
        table("", header, rows)
    for caption, header, rows in tables(report):
        table(caption, header, rows)
    doc.add_paragraph("")
    doc.add_paragraph(f"{_('Compiled by:')} ____________    {_('Reviewed by:')} ____________    "
                      f"{_('Date:')} ____________")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
