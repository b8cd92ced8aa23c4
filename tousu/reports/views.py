"""The reports' pages and downloads: a list, one report, and its xlsx and docx files.
Who may open which report is decided in `selectors`; a report one may not see is not found."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tousu.org.services import org_timezone

from . import exports, filing, labels
from .models import Report
from .periods import month_of, parse_month, parse_week, week_of
from .selectors import reports_visible_to, sees_all_units
from .services import produce, produce_units, weekly_units

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
    return render(request, "reports/list.html", {"page": page, "kind": kind, "kinds": Report.KINDS,
                                                 "may_produce": sees_all_units(request.user), **_last_periods()})


def _last_periods() -> dict:
    """The last complete week and month, offered in the 生成 form."""
    today = timezone.localtime(timezone.now(), org_timezone()).date()
    return {"last_week": week_of(today - dt.timedelta(days=7)).code,
            "last_month": month_of(today.replace(day=1) - dt.timedelta(days=1)).code}


@staff_required
@require_POST
def report_produce(request):
    """生成: produce (or refresh) a weekly record of every department or the monthly analysis of
    all units, for those who may open the all-units reports."""
    if not sees_all_units(request.user):
        raise PermissionDenied
    kind, text = request.POST.get("kind", ""), request.POST.get("period", "")
    try:
        period = parse_week(text) if kind == Report.WEEKLY else parse_month(text) if kind == Report.MONTHLY else None
    except ValueError:
        period = None
    if period is None:
        messages.error(request, _("Give a week such as 2026-W47 or a month such as 2026-10."))
        return redirect("reports:list")
    reports = produce_units(period, weekly_units()) if kind == Report.WEEKLY else [produce(period)]
    messages.success(request, _("Produced %(n)d report(s) for %(period)s.") % {"n": len(reports), "period": period.code})
    if len(reports) == 1:
        return redirect("reports:report", report_id=reports[0].pk)
    return redirect(f"{reverse('reports:list')}?kind={kind}")


@staff_required
def report_page(request, report_id: int):
    return render_report(request, report_id)


def render_report(request, report_id: int, *, error: str = "", typed: dict | None = None):
    """The report's page; `error` and what was `typed` when a filing step was refused."""
    report = _report(request.user, report_id)
    figures = report.figures
    charts = {
        "category": [{"name": r["label"] or str(labels.NOT_GIVEN), "value": r["count"]}
                     for r in figures["by_category"]],
        "channel": [{"name": r["label"] or str(labels.NOT_GIVEN), "value": r["count"]}
                    for r in figures["by_channel"]],
    }
    typed = typed or {}
    return render(request, "reports/report.html", {
        "report": report, "figures": figures, "title": labels.title(report.kind),
        "heading": exports.heading_lines(report), "tables": exports.tables(report),
        "record": exports.record_rows(report, request.user) if report.kind == Report.WEEKLY else None,
        "charts": charts, "error": error,
        "filing": {
            "review": bool(filing.review_roles()) and report.kind == Report.MONTHLY,
            "roles": filing.role_names(),
            "lines": exports.filing_lines(report),
            "events": report.events.select_related("actor"),
            "may_write": filing.may_write(request.user, report),
            "may_review": filing.may_review(request.user, report),
            "may_submit_weekly": filing.may_submit_weekly(request.user, report),
            "analysis": typed.get("analysis", report.analysis),
            "recommendations": typed.get("recommendations", report.recommendations),
            "note": typed.get("note", ""),
        },
    }, status=400 if error else 200)


@staff_required
def report_file(request, report_id: int, fmt: str):
    report = _report(request.user, report_id)
    body = exports.to_xlsx(report, request.user) if fmt == "xlsx" else exports.to_docx(report, request.user)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(report, fmt)}"'
    return response
