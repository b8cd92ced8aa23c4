"""The handling report (《顾客投诉处理报告表》) of one case: GET shows it and the next step the
person may take; each step is a POST to one action."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from tousu.cases.errors import ActionError, NotFound
from tousu.cases.selectors import access_case, actor_roles
from tousu.domain.policy import Refusal
from tousu.org.services import current_policy

from .. import actions
from ..forms import REPORT_FORMS
from ..models import HandlingReport
from ..selectors import handling_reports_visible_to
from .common import staff_only

STEP_LABELS = {
    "handling_report_submit": gettext_lazy("Submit the handling report"),
    "handling_report_sign": gettext_lazy("Sign as department head"),
    "handling_report_opinion": gettext_lazy("Give marketing's opinion"),
    "handling_report_approve": gettext_lazy("Approve for the GM office"),
    "handling_report_execute": gettext_lazy("Record that the department carried it out"),
}
NEXT_ACTION = {
    None: "handling_report_submit",
    HandlingReport.SUBMITTED: "handling_report_sign",
    HandlingReport.SIGNED: "handling_report_opinion",
    HandlingReport.OPINION: "handling_report_approve",
    HandlingReport.APPROVED: "handling_report_execute",
}


def _case(user, case_id):
    try:
        return access_case(user, case_id)
    except NotFound:
        raise Http404 from None


def _next_action(case, report, user):
    """The next step and whether this person may take it (by the policy)."""
    name = NEXT_ACTION.get(report.step if report else None)
    if name is None:
        return None, False
    policy = current_policy()
    try:
        policy.check(name, case.state, actor_roles(user, case, policy))
    except Refusal:
        return name, False
    return name, True


def _render(request, case, *, form=None, error=""):
    report = HandlingReport.objects.filter(case=case).select_related(
        "submitted_by", "signed_by", "opinion_by", "approved_by", "executed_by").first()
    name, may = _next_action(case, report, request.user)
    if may and form is None:
        form = REPORT_FORMS[name]()
    return render(request, "quality/report.html", {
        "case": case, "report": report, "next": name, "next_label": str(STEP_LABELS.get(name, "")),
        "may": may, "form": form if may else None, "error": error}, status=400 if error else 200)


@require_GET
@staff_only
def report_page(request, case_id):
    return _render(request, _case(request.user, case_id))


@require_POST
@staff_only
def report_action(request, case_id, action):
    case = _case(request.user, case_id)
    if action not in actions.REPORT_ACTIONS:
        raise Http404
    form = REPORT_FORMS[action](request.POST)
    if not form.is_valid():
        return _render(request, case, form=form, error=_("Please correct the fields marked below."))
    try:
        actions.REPORT_ACTIONS[action](actor=request.user, case_id=case.pk, **form.cleaned_data)
    except ActionError as error:
        return _render(request, case, form=form, error=str(error))
    messages.success(request, _("Done: %(step)s.") % {"step": STEP_LABELS[action]})
    return redirect("quality:report", case_id=case.pk)


@require_GET
@staff_only
def report_list(request):
    reports = handling_reports_visible_to(request.user)
    step = request.GET.get("step", "")
    if step in dict(HandlingReport.STEPS):
        reports = reports.filter(step=step)
    return render(request, "quality/report_list.html", {
        "reports": reports[:200], "steps": HandlingReport.STEPS, "step": step})
