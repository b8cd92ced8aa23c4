"""The reports' pages and downloads: a list, one report, and its xlsx and docx files.
Who may open which report is decided in `selectors`; a report one may not see is not found."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render

from . import exports, labels
from .models import Report
from .selectors import reports_visible_to

staff_required = login_required(login_url="login")
PER_PAGE = 30
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _report(user, report_id: int) -> Report:
    try:
        return reports_visible_to(user).get(pk=report_id)
    except Report.DoesNotExist:
        raise Http404 from None


@staff_required
def report_list(request):
    reports = reports_visible_to(request.user)
    kind = request.GET.get("kind")
    if kind in (Report.WEEKLY, Report.MONTHLY):
        reports = reports.filter(kind=kind)
    page = Paginator(reports.order_by("-period_start", "kind", "unit__path"), PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "reports/list.html", {"page": page, "kind": kind, "kinds": Report.KINDS})


@staff_required
def report_page(request, report_id: int):
    report = _report(request.user, report_id)
    figures = report.figures
    charts = {
        "category": [{"name": r["label"] or str(labels.NOT_GIVEN), "value": r["count"]}
                     for r in figures["by_category"]],
        "channel": [{"name": r["label"] or str(labels.NOT_GIVEN), "value": r["count"]}
                    for r in figures["by_channel"]],
    }
    return render(request, "reports/report.html", {
        "report": report, "figures": figures, "title": labels.title(report.kind),
        "heading": exports.heading_lines(report), "tables": exports.tables(report),
        "record": exports.record_rows(report) if report.kind == Report.WEEKLY else None,
        "charts": charts,
    })


@staff_required
def report_file(request, report_id: int, fmt: str):
    report = _report(request.user, report_id)
    body = exports.to_xlsx(report) if fmt == "xlsx" else exports.to_docx(report)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(report, fmt)}"'
    return response
