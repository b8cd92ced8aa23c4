"""Corrective actions: a list, a form to create one, and a page with progress and the effect."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tousu.cases.errors import ActionError
from tousu.cases.selectors import cases_visible_to
from tousu.org.services import current_policy

from .. import actions, clusters
from ..forms import CorrectiveActionForm, ProgressForm
from ..selectors import corrective_actions_visible_to, effect
from .common import staff_only

EFFECT_DAYS = (30, 90)


@require_GET
@staff_only
def action_list(request):
    items = corrective_actions_visible_to(request.user).select_related("owner", "unit").order_by(
        "done_at", "due_date")
    return render(request, "quality/corrective_list.html", {
        "items": items[:200], "today": timezone.localdate(), "categories": current_policy().categories})


@require_http_methods(["GET", "POST"])
@staff_only
def action_new(request):
    policy = current_policy()
    initial = {"cases": request.GET.get("cases", "")}
    form = CorrectiveActionForm(request.POST or None, policy=policy, initial=initial)
    error = ""
    if request.method == "POST" and form.is_valid():
        numbers = form.case_numbers()
        found = dict(cases_visible_to(request.user).filter(number__in=numbers).values_list("number", "pk"))
        missing = [n for n in numbers if n not in found]
        if missing:
            error = _("No such case, or you may not see it: %(numbers)s") % {"numbers": ", ".join(missing)}
        else:
            data = {k: v for k, v in form.cleaned_data.items() if k != "cases"}
            try:
                item = actions.create_corrective_action(actor=request.user, case_ids=found.values(), **data)
            except ActionError as exc:
                error = str(exc)
            else:
                messages.success(request, _("Corrective action created."))
                return redirect("quality:corrective", action_id=item.pk)
    status = 400 if error or (request.method == "POST" and not form.is_valid()) else 200
    return render(request, "quality/corrective_new.html", {"form": form, "error": error}, status=status)


def _visible(user, action_id):
    return get_object_or_404(corrective_actions_visible_to(user).select_related("owner", "unit", "created_by"),
                             pk=action_id)


def _plan(request, item, now) -> dict:
    """For a plan linked to a cluster (建站 for a weak-coverage area): its kind and area, the
    complaints received in the area since it was made, and, once done, its effect."""
    spec = clusters.policy_clusters().get(item.cluster) if item.cluster else None
    if spec is None:
        return {}
    new = clusters.new_complaints(request.user, spec, item)
    return {"plan": {"cluster": clusters.label(spec), "code": spec.code, "kind": clusters.plan_label(spec, item.plan_kind),
                     "area": spec.area_name(item.area), "new": new[:50], "new_count": new.count(),
                     "effect": clusters.effect(request.user, spec, item, now=now)}}


def _render(request, item, *, form=None, error="", status=200):
    now = timezone.now()
    return render(request, "quality/corrective.html", {
        **_plan(request, item, now),
        "item": item, "cases": cases_visible_to(request.user).filter(corrective_actions=item),
        "notes": item.notes.select_related("author"),
        "effects": [effect(item, user=request.user, days=d, now=now) for d in EFFECT_DAYS],
        "category_label": current_policy().categories.get(item.category, item.category),
        "may_update": item.done_at is None and request.user.pk in (item.owner_id, item.created_by_id),
        "form": form or ProgressForm(), "error": error}, status=status)


@require_GET
@staff_only
def action_page(request, action_id):
    return _render(request, _visible(request.user, action_id))


@require_POST
@staff_only
def action_progress(request, action_id):
    """A progress note, or (with done=1) the action marked done."""
    item = _visible(request.user, action_id)
    form = ProgressForm(request.POST)
    done = request.POST.get("done") == "1"
    if not done and not form.is_valid():
        return _render(request, item, form=form, status=400)
    try:
        if done:
            actions.mark_done(actor=request.user, action_id=item.pk, note=request.POST.get("text", ""))
        else:
            actions.add_progress(actor=request.user, action_id=item.pk, text=form.cleaned_data["text"])
    except ActionError as exc:
        return _render(request, item, form=form, error=str(exc), status=400)
    messages.success(request, _("Saved."))
    return redirect("quality:corrective", action_id=item.pk)
