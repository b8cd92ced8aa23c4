"""Clusters of complaints by area (the telecom team's weak coverage) and the plans linked to them:
the clusters of a preset's `[clusters.CODE]`, and a form that links a plan to an area."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tousu.cases.errors import ActionError

from .. import actions
from .. import clusters as found
from ..forms import ClusterPlanForm
from .common import staff_only


def _spec(code: str):
    spec = found.policy_clusters().get(code)
    if spec is None:
        raise Http404
    return spec


@require_GET
@staff_only
def cluster_page(request, code: str):
    spec = _spec(code)
    now = timezone.now()
    return render(request, "quality/clusters.html", {
        "spec": spec, "label": found.label(spec), "rows": found.clusters(request.user, spec, now=now),
        "areas": [(a.name, "、".join(a.match)) for a in spec.areas]})


@require_http_methods(["GET", "POST"])
@staff_only
def plan_new(request, code: str):
    spec = _spec(code)
    area = (request.GET.get("area") or request.POST.get("area") or "").strip()
    plans = [(c, found.plan_label(spec, c)) for c, _label, _en in spec.plans]
    name = spec.area_name(area)
    initial = {"title": f"{name} {plans[0][1]}" if plans else name}
    form = ClusterPlanForm(request.POST or None, plans=plans, initial=initial)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            plan = actions.create_cluster_plan(actor=request.user, cluster=spec.code, area=area, **form.cleaned_data)
        except ActionError as exc:
            error = str(exc.message)
        else:
            messages.success(request, _("Plan linked to the cluster."))
            return redirect("quality:corrective", action_id=plan.pk)
    status = 400 if error or (request.method == "POST" and not form.is_valid()) else 200
    cases = found.in_area(request.user, spec, area).order_by("-received_at", "-pk")[:50] if area else []
    return render(request, "quality/cluster_plan_new.html", {
        "spec": spec, "label": found.label(spec), "area": area, "name": name, "form": form, "error": error,
        "cases": cases}, status=status)
