"""The start page and the manager's overview (tousu/web/overview.py reads its figures)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone

from tousu.org.services import current_policy, org_timezone

from .. import overview
from .common import staff_required


@staff_required
def home(request):
    """The start page: the overview for heads and those who see every unit, else "My work"."""
    target = "web:overview" if overview.home_is_overview(request.user, current_policy()) else "web:my_work"
    return redirect(target)


@staff_required
def manager_overview(request):
    policy = current_policy()
    if not overview.home_is_overview(request.user, policy):
        raise PermissionDenied
    now = timezone.now()
    months = overview.trend(request.user, policy, now, org_timezone())

    def percent(rate):
        return None if rate["rate"] is None else round(rate["rate"] * 100, 1)

    chart = {"months": [m["month"] for m in months],
             "series": [{"key": key, "name": str(label), "data": [percent(m["rates"][key]) for m in months]}
                        for key, label in overview.RATE_LABELS.items()]}
    return render(request, "web/overview.html", {
        "units": overview.unit_rows(request.user, policy, now), "months": months, "this_month": months[-1],
        "oldest": overview.oldest_open(request.user), "now": now, "chart": chart,
        "rate_labels": overview.RATE_LABELS, "states": policy.states})
