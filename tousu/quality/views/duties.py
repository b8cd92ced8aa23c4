"""The daily monitoring log and the yearly accountability ledger."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tousu.cases.errors import ActionError
from tousu.org.services import org_timezone

from ..duties import monitoring_logs_visible_to, monitoring_units, policy_duties, record_monitoring, yearly_ledger
from ..forms import MonitoringForm
from .common import staff_only


@require_http_methods(["GET", "POST"])
@staff_only
def monitoring(request):
    units = monitoring_units(request.user)
    duty = policy_duties().monitoring
    today = timezone.localtime(timezone.now(), org_timezone()).date()
    form = MonitoringForm(request.POST or None, units=units, labels=duty.fields if duty else None,
                          initial={"day": today, "unit": units[0] if units else None})
    error = ""
    if request.method == "POST" and units and form.is_valid():
        try:
            record_monitoring(actor=request.user, **form.cleaned_data)
        except ActionError as exc:
            error = str(exc)
        else:
            messages.success(request, _("Monitoring log recorded."))
            return redirect("quality:monitoring")
    status = 400 if request.method == "POST" and (error or not form.is_valid() or not units) else 200
    return render(request, "quality/monitoring.html", {
        "form": form if units else None, "error": error, "duty": duty,
        "labels": {name: form.fields[name].label for name in ("searched", "findings", "warnings")},
        "logs": monitoring_logs_visible_to(request.user)[:60]}, status=status)


@require_GET
@staff_only
def yearly(request):
    now = timezone.localtime(timezone.now(), org_timezone())
    try:
        year = int(request.GET.get("year", now.year))
    except ValueError:
        year = now.year
    year = min(max(year, 2000), 2100)
    return render(request, "quality/ledger_year.html", {"ledger": yearly_ledger(request.user, year=year),
                                                        "year": year})
