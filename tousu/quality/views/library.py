"""The case library (案例库): staff only, never the portal."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tousu.cases.engine import available
from tousu.cases.errors import ActionError, NotFound
from tousu.cases.selectors import access_case, cases_visible_to
from tousu.org.services import current_policy

from .. import actions
from ..actions import PUBLISH
from ..forms import PublishForm
from ..selectors import library_visible_to, search_library
from .common import staff_only


@require_GET
@staff_only
def library_list(request):
    query, category = request.GET.get("q", "").strip(), request.GET.get("category", "")
    categories = current_policy().categories
    entries = search_library(request.user, query=query, category=category if category in categories else "")
    return render(request, "quality/library.html", {
        "entries": entries[:100], "q": query, "category": category, "categories": categories})


@require_GET
@staff_only
def library_entry(request, entry_id):
    entry = get_object_or_404(library_visible_to(request.user), pk=entry_id)
    may_open_case = cases_visible_to(request.user).filter(pk=entry.case_id).exists()
    return render(request, "quality/library_entry.html", {
        "entry": entry, "may_open_case": may_open_case,
        "category_label": current_policy().categories.get(entry.category, entry.category)})


@require_http_methods(["GET", "POST"])
@staff_only
def publish(request, case_id):
    try:
        case = access_case(request.user, case_id)
    except NotFound:
        raise Http404 from None
    # The engine answers for the case's own kind (state and roles), as the action itself will.
    allowed = any(spec.name == PUBLISH for spec, _problem in available(case, request.user))
    why = "" if allowed else _("You may not publish this case: only a closed case can be published, "
                               "by a role the policy names.")
    form, error = PublishForm(request.POST or None, initial={"title": case.subject}), ""
    if request.method == "POST" and form.is_valid():
        try:
            entry = actions.publish_case(actor=request.user, case_id=case.pk, **form.cleaned_data)
        except ActionError as exc:
            error = str(exc)
        else:
            messages.success(request, _("Published to the case library."))
            return redirect("quality:library_entry", entry_id=entry.pk)
    return render(request, "quality/publish.html", {
        "case": case, "form": form, "allowed": allowed, "why": why, "error": error},
        status=400 if error or (request.method == "POST" and not form.is_valid()) else 200)
