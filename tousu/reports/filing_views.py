"""The filing of a report from its page: writing the monthly analysis, submitting a report,
approving or returning it. Each is a POST calling one function of `filing`; a refusal or a
wrong input is shown on the report's page with what was typed kept."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tousu.cases.errors import ActionError

from . import filing

staff_required = login_required(login_url="login")


def _done(request, report_id, text):
    messages.success(request, text)
    return redirect("reports:report", report_id=report_id)


@staff_required
@require_POST
def write(request, report_id: int):
    from .views import render_report

    typed = {"analysis": request.POST.get("analysis", ""), "recommendations": request.POST.get("recommendations", "")}
    try:
        filing.write_analysis(actor=request.user, report_id=report_id, **typed)
    except ActionError as error:
        return render_report(request, report_id, error=str(error), typed=typed)
    return _done(request, report_id, _("The analysis is saved."))


@staff_required
@require_POST
def submit(request, report_id: int):
    from .views import render_report

    try:
        filing.submit(actor=request.user, report_id=report_id)
    except ActionError as error:
        return render_report(request, report_id, error=str(error))
    return _done(request, report_id, _("Submitted."))


@staff_required
@require_POST
def review(request, report_id: int):
    from .views import render_report

    decision, note = request.POST.get("decision", ""), request.POST.get("note", "")
    if decision not in ("approve", "return"):
        return render_report(request, report_id, error=_("Choose to approve or to return."), typed={"note": note})
    try:
        filing.review_analysis(actor=request.user, report_id=report_id, approve=decision == "approve", note=note)
    except ActionError as error:
        return render_report(request, report_id, error=str(error), typed={"note": note})
    return _done(request, report_id, _("Approved.") if decision == "approve" else _("Returned with your comment."))
