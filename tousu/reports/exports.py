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


def record_rows(report: Report, user=None) -> tuple[list[str], list[list]]:
    """The weekly record's header and rows, and its 合计 row (the cases counted and the money paid,
    as numbers). The stored rows hold the complainant masked; a reader who may see personal data
    (and may see the case) reads the full name and phone, looked up from the case now."""
    header = [_("No.")] + [str(label) for _key, label in labels.ROW_COLUMNS]
    stored = report.figures.get("rows", [])
    full = _full_complainants(user, [row.get("number", "") for row in stored])
    rows = []
    for i, row in enumerate(stored, start=1):
        values = {**row, "result": labels.result(row), "complainant": full.get(row.get("number"), row["complainant"]),
                  "compensation": labels.Yuan(row.get("compensation") or 0)}
        rows.append([i] + [values.get(key, "") for key, _label in labels.ROW_COLUMNS])
    if stored:
        keys = [key for key, _label in labels.ROW_COLUMNS]
        total: list = [str(labels.TOTAL)] + [""] * len(keys)
        total[1 + keys.index("number")] = len(stored)
        total[1 + keys.index("compensation")] = labels.Yuan(sum(float(r.get("compensation") or 0) for r in stored))
        rows.append(total)
    return header, rows


def _full_complainants(user, numbers: list[str]) -> dict[str, str]:
    """{case number: "name phone"} of the cases `user` may see, when they may see personal data."""
    from tousu.cases.selectors import cases_visible_to, may_see_personal_data
    from tousu.org.services import current_policy

    if user is None or not numbers or not may_see_personal_data(user, current_policy()):
        return {}
    found = cases_visible_to(user).filter(number__in=numbers).values_list(
        "number", "complainant_name", "complainant_phone")
    return {number: " ".join(p for p in (name, phone) if p) for number, name, phone in found}


def filing_lines(report: Report) -> list[tuple[str, str]]:
    """(label, text) of the filing: the monthly report's analysis, recommendations and review, who
    submitted it; empty for a report nobody has written or submitted."""
    out = []
    if report.kind == Report.MONTHLY and (report.analysis or report.recommendations):
        out += [(_("Analysis"), report.analysis), (_("Recommendations"), report.recommendations)]
    if report.submitted_by_id:
        out.append((_("Submitted by"), f"{person(report.submitted_by)} · {when(report.submitted_at)}"))
    if report.kind == Report.MONTHLY and report.state:
        out.append((_("Review"), str(report.get_state_display())))
    if report.decided_by_id:
        decided = f"{person(report.decided_by)} · {when(report.decided_at)}"
        out.append((_("Approved by") if report.state == Report.APPROVED else _("Returned by"), decided))
        if report.decision_note:
            out.append((_("Review comment"), report.decision_note))
    return out


def person(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def when(moment) -> str:
    from django.utils import timezone

    from tousu.org.services import org_timezone

    return timezone.localtime(moment, org_timezone()).strftime("%Y-%m-%d %H:%M") if moment else ""


def signature_parts(report: Report) -> list[tuple[str, str]]:
    """The form's last line: 填表人 (who submitted it), 审核人 (who approved it), 日期; blank when
    nobody has yet."""
    approved = report.state == Report.APPROVED
    day = report.decided_at if approved else report.submitted_at
    return [(_("Compiled by:"), person(report.submitted_by) if report.submitted_by_id else ""),
            (_("Reviewed by:"), person(report.decided_by) if approved else ""),
            (_("Date:"), when(day)[:10] if day else "")]


def filename(report: Report, ext: str) -> str:
    unit = report.figures["unit"]["code"] if report.figures.get("unit") else "all"
    return f"tousu-{report.kind}-{report.code}-{unit}.{ext}"


# --- xlsx -------------------------------------------------------------------------------------

def to_xlsx(report: Report, user=None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

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
        header, rows = record_rows(report, user)
        table("", header, rows, wrap=True)
    category_rows = None
    for (title, header, rows), key in zip(tables(report), ["summary", *labels.DIMENSIONS, "clocks", "top"],
                                          strict=True):
        first = table(title, header, rows)
        if key == "by_category" and rows:
            category_rows = (first, first + len(rows) - 2)  # without the total row
    if category_rows:
        _category_chart(ws, *category_rows, anchor=f"J{category_rows[0]}")
    for label, text in filing_lines(report):
        put(ws, row, 1, label).font = Font(bold=True)
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=width)
        put(ws, row, 2, text).alignment = Alignment(wrap_text=True, vertical="top")
        row += 1
    for col, (label, text) in zip((1, 3, 5), signature_parts(report), strict=True):
        put(ws, row, col, label)
        put(ws, row, col + 1, text)
    sizes = ((14, 16, 17, 17, 14, 20, 14, 12, 12, 10, 36, 30, 12, 17, 16, 14) if report.kind == Report.WEEKLY
             else (14, 18, 18, 40, 12, 30, 16, 14))
    for col, size in enumerate(sizes, start=1):
        ws.column_dimensions[get_column_letter(col)].width = size
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

def to_docx(report: Report, user=None) -> bytes:
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
        header, rows = record_rows(report, user)
        table("", header, rows)
    for caption, header, rows in tables(report):
        table(caption, header, rows)
    for label, text in filing_lines(report):
        doc.add_heading(label, level=2)
        for line in text.splitlines() or [""]:
            doc.add_paragraph(line)
    doc.add_paragraph("")
    doc.add_paragraph("    ".join(f"{label} {text or '____________'}" for label, text in signature_parts(report)))
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
