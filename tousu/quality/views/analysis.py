"""Hotspots (S3), repeats (S7) and the monthly accountability ledger: read-only pages, each
also an xlsx download where it is a table people file."""

import datetime as dt

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from tousu.cases.selectors import repeat_cases
from tousu.org.services import current_policy, org_timezone

from ..forms import HotspotFilter
from ..selectors import MONTH, Month, callback_due_days, hotspots, ledger, repeat_window_days
from ..xlsx import XLSX, hotspots_workbook, ledger_workbook
from .common import staff_only

DEFAULT_THRESHOLD = 3


def _download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _hotspot_query(request):
    tz = org_timezone()
    form = HotspotFilter(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    today = timezone.localdate(timezone=tz)
    until = data.get("until") or today
    since = data.get("since") or (until - dt.timedelta(days=90))
    period = data.get("period") or MONTH
    threshold = data.get("threshold") or DEFAULT_THRESHOLD
    clusters = hotspots(
        request.user, since=dt.datetime.combine(since, dt.time.min, tzinfo=tz),
        until=dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
        period=period, threshold=threshold, tz=tz)
    return form, clusters, {"since": since, "until": until, "period": period, "threshold": threshold}


@require_GET
@staff_only
def hotspot_page(request):
    form, clusters, query = _hotspot_query(request)
    categories = current_policy().categories
    for c in clusters:
        c["category_label"] = categories.get(c["category"], c["category"] or "—")
    return render(request, "quality/hotspots.html", {
        "form": form, "clusters": clusters, "query": query, "querystring": request.GET.urlencode()})


@require_GET
@staff_only
def hotspot_xlsx(request):
    _form, clusters, query = _hotspot_query(request)
    content = hotspots_workbook(clusters, categories=current_policy().categories)
    return _download(content, f"hotspots-{query['since']:%Y%m%d}-{query['until']:%Y%m%d}.xlsx")


@require_GET
@staff_only
def repeat_list(request):
    policy = current_policy()
    days = repeat_window_days(policy)
    cases = repeat_cases(request.user, window_days=days).order_by("-received_at")
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    return render(request, "quality/repeats.html", {
        "page": page, "days": days, "categories": policy.categories})


def _ledger(request):
    tz = org_timezone()
    now = timezone.now()
    try:
        month = Month.parse(request.GET.get("month", ""))
    except ValueError:
        month = Month.of(now, tz)
    return ledger(request.user, month=month, tz=tz, due_days=callback_due_days(current_policy()), now=now)


@require_GET
@staff_only
def ledger_page(request):
    table = _ledger(request)
    return render(request, "quality/ledger.html", {"ledger": table, "month": table["month"],
                                                   "due_days": callback_due_days(current_policy())})


@require_GET
@staff_only
def ledger_xlsx(request):
    table = _ledger(request)
    return _download(ledger_workbook(table), f"accountability-{table['month'].code}.xlsx")
