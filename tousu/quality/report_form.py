"""The 《顾客投诉处理报告表》 as the paper form, an xlsx workbook or a docx document: the case's
facts, the report's content, and a signature line per step of the report's approval chain
(latest round) filled from the decisions: who decided, what, when; blank where a step is not yet
decided. The complainant reads masked for a reader who may not see personal data."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _

from tousu.cases.models import CaseApproval
from tousu.cases.selectors import mask_name, mask_phone, may_see_personal_data
from tousu.domain.cells import put
from tousu.org.services import current_policy, org_timezone

from .models import HandlingReport



def title() -> str:
    return _("《顾客投诉处理报告表》")


def _when(moment) -> str:
    return timezone.localtime(moment, org_timezone()).strftime("%Y-%m-%d %H:%M") if moment else ""


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def facts(report: HandlingReport, reader) -> list[tuple[str, str]]:
    """(label, value) of the case and of the report, in the form's order."""
    case, policy = report.case, current_policy()
    kind = policy.kind(case.kind)
    personal = may_see_personal_data(reader, policy)
    name = case.complainant_name if personal else mask_name(case.complainant_name)
    phone = case.complainant_phone if personal else mask_phone(case.complainant_phone) if case.complainant_phone else ""
    return [
        (_("Case number"), case.number),
        (_("Time received"), _when(case.received_at)),
        (_("Complainant"), " ".join(p for p in (name, phone) if p)),
        (_("Time of the event"), _when(case.occurred_at)),
        (_("Place"), case.place),
        (_("People involved"), case.people_involved),
        (_("Handling unit"), case.handling_unit.name),
        (_("Unit complained about"), case.target_unit.name if case.target_unit_id else case.receiving_unit.name),
        (_("Stage"), kind.stages.get(case.stage, case.stage)),
        (_("Category"), policy.categories.get(case.category, case.category)),
        (_("Subject"), case.subject),
        (_("Course of events"), case.description),
        (_("Cause of the complaint"), report.cause),
        (_("Investigation and result"), report.investigation),
        (_("Recommended"), f"{report.get_recommendation_kind_display()}: {report.recommendation}"),
        (_("Submitted by"), f"{_person(report.submitted_by)} · {_when(report.submitted_at)}"),
    ]


def signatures(steps: list[CaseApproval]) -> list[tuple[str, str, str, str, str]]:
    """(step, decision, note, by, at) per step; the last four blank while the step is undecided."""
    out = []
    for step in steps:
        label = f"{step.label} ({step.unit.name})" if step.unit_id else step.label
        if step.state in (CaseApproval.GRANTED, CaseApproval.SENT_BACK):
            out.append((label, str(step.get_state_display()), step.note, _person(step.decided_by),
                        _when(step.decided_at)))
        else:
            out.append((label, "", "", "", ""))
    return out


def signature_header() -> list[str]:
    return [_("Step"), _("Decision"), _("Opinion / instructions"), _("Signed by"), _("Date")]


def filename(report: HandlingReport, ext: str) -> str:
    return f"tousu-handling-report-{report.case.number}.{ext}"


def to_xlsx(report: HandlingReport, steps: list[CaseApproval], reader) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Handling report")[:31]
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=5)
    put(ws, 1, 1, title()).font = Font(size=16, bold=True)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    row = 3
    for label, value in facts(report, reader):
        put(ws, row, 1, label).font = Font(bold=True)
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=5)
        cell = put(ws, row, 2, value)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row, 1).border = cell.border = box
        row += 1
    row += 1
    for col, text in enumerate(signature_header(), start=1):
        cell = put(ws, row, col, text)
        cell.font, cell.border = Font(bold=True), box
    row += 1
    for values in signatures(steps):
        for col, value in enumerate(values, start=1):
            cell = put(ws, row, col, value)
            cell.border = box
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        row += 1
    for col, size in zip("ABCDE", (26, 14, 40, 18, 18)):
        ws.column_dimensions[col].width = size
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def to_docx(report: HandlingReport, steps: list[CaseApproval], reader) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = Document()
    doc.add_heading(title(), level=0).alignment = WD_ALIGN_PARAGRAPH.CENTER
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in facts(report, reader):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
        for run in cells[0].paragraphs[0].runs:
            run.font.bold = True
    doc.add_heading(_("Signatures"), level=2)
    header = signature_header()
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for values in signatures(steps):
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = value
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
