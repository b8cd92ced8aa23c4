"""The handling report (《顾客投诉处理报告表》) of one case: GET shows the report, its steps as
the preset's approval chain `handling_report` ran them (who decided, when, their text) and the
next step if this person may take it; filing the report and deciding a step are each a POST."""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tousu.cases.engine import roles_of
from tousu.cases.errors import ActionError, NotFound
from tousu.cases.models import CaseApproval
from tousu.cases.selectors import access_case
from tousu.domain.policy import Refusal
from tousu.org.services import current_policy

from .. import actions, report_form
from ..forms import DecideForm, SubmitReportForm
from ..models import HandlingReport
from ..selectors import handling_reports_visible_to
from .common import staff_only

R = HandlingReport
DONE = "done"  # the list's filter for reports whose every step is decided


def _case(user, case_id):
    try:
        return access_case(user, case_id)
    except NotFound:
        raise Http404 from None


def latest_round(rows) -> list[CaseApproval]:
    """The steps of the chain's latest round, in order (`rows`: the case's rows of the chain)."""
    rows = sorted(rows, key=lambda row: (-row.round, row.position))
    return [row for row in rows if row.round == rows[0].round] if rows else []


def status(steps: list[CaseApproval]) -> str:
    """Where the report stands: the step it waits for, or done."""
    pending = next((s for s in steps if s.state == CaseApproval.PENDING), None)
    if pending is not None:
        return _("waiting for: %(step)s") % {"step": pending.label}
    if steps and all(s.state == CaseApproval.GRANTED for s in steps):
        return _("every step done")
    if any(s.state == CaseApproval.SENT_BACK for s in steps):
        return _("sent back")
    return ""


def _may(user, case, action: str) -> bool:
    """Whether the policy lets this person take `action` on the case now (the report's decision
    is the pending step's holder's: the engine's pseudo-role "approver")."""
    policy = current_policy()
    try:
        policy.kind(case.kind).check(action, case.state, roles_of(user, case, policy), policy)
    except Refusal:
        return False
    return True


def _form(action: str, case, data=None):
    if action == R.SUBMIT:
        return SubmitReportForm(data, initial={"expected_version": case.version})
    spec = current_policy().kind(case.kind).actions.get(R.DECIDE)
    return DecideForm(data, spec=spec, initial={"expected_version": case.version})


def _step_label(step: CaseApproval) -> str:
    return f"{step.label} ({step.unit.name})" if step.unit_id else step.label


def _next(report, steps) -> tuple[str, str]:
    """(the next action, what it is called): filing the report, then each pending step."""
    if report is None:
        return R.SUBMIT, _("Submit the handling report")
    pending = next((s for s in steps if s.state == CaseApproval.PENDING), None)
    return (R.DECIDE, _step_label(pending)) if pending is not None else ("", "")


def _render(request, case, *, form=None, error=""):
    report = HandlingReport.objects.filter(case=case).select_related("submitted_by").first()
    steps = latest_round(case.approvals.filter(chain=R.CHAIN).select_related("decided_by", "unit"))
    name, label = _next(report, steps)
    may = bool(name) and _may(request.user, case, name)
    if may and form is None:
        form = _form(name, case)
    return render(request, "quality/report.html", {
        "case": case, "report": report, "steps": steps, "status": status(steps), "next": name,
        "next_label": label, "may": may, "form": form if may else None, "error": error},
        status=400 if error else 200)


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
    form = _form(action, case, request.POST)
    if not form.is_valid():
        return _render(request, case, form=form, error=_("Please correct the fields marked below."))
    fields = dict(form.cleaned_data)
    version = fields.pop("expected_version", None)
    pending = case.approvals.filter(chain=R.CHAIN, state=CaseApproval.PENDING).select_related("unit").first()
    label = _("Submit the handling report") if action == R.SUBMIT else _step_label(pending) if pending else ""
    try:
        actions.REPORT_ACTIONS[action](actor=request.user, case_id=case.pk, expected_version=version, **fields)
    except ActionError as error:
        return _render(request, case, form=form, error=str(error))
    messages.success(request, _("Done: %(step)s.") % {"step": label})
    return redirect("quality:report", case_id=case.pk)


def _step_labels(policy) -> list[str]:
    """Every step of the default kind's report chain, by its label, in order."""
    chain = policy.kind().approvals.get(R.CHAIN)
    if chain is None:
        return []
    labels: list[str] = []
    for steps in (chain.steps, *(steps for _level, steps in chain.by_level)):
        for step in steps:
            label = step.label or policy.roles[step.role].name  # as the engine names the row
            if label not in labels:
                labels.append(label)
    return labels


@require_GET
@staff_only
def report_list(request):
    reports = handling_reports_visible_to(request.user)
    labels = _step_labels(current_policy())
    step = request.GET.get("step", "")
    open_steps = CaseApproval.objects.filter(chain=R.CHAIN, state__in=[CaseApproval.PENDING, CaseApproval.WAITING])
    if step == DONE:
        reports = reports.filter(case__approvals__chain=R.CHAIN).exclude(
            case__in=open_steps.values("case")).distinct()
    elif step in labels:
        reports = reports.filter(case__approvals__chain=R.CHAIN, case__approvals__state=CaseApproval.PENDING,
                                 case__approvals__label=step)
    reports = reports.prefetch_related(Prefetch(
        "case__approvals", queryset=CaseApproval.objects.filter(chain=R.CHAIN), to_attr="report_steps"))
    rows = [{"report": r, "status": status(latest_round(r.case.report_steps))} for r in reports[:200]]
    return render(request, "quality/report_list.html", {
        "rows": rows, "steps": [(label, _("waiting for: %(step)s") % {"step": label}) for label in labels]
        + [(DONE, _("every step done"))], "step": step})


CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@require_GET
@staff_only
def report_file(request, case_id, fmt):
    """The filed report as the paper form (xlsx or docx), signed as far as the chain has gone."""
    case = _case(request.user, case_id)
    report = HandlingReport.objects.filter(case=case).select_related(
        "submitted_by", "case__handling_unit", "case__target_unit", "case__receiving_unit").first()
    if report is None:
        raise Http404
    steps = latest_round(case.approvals.filter(chain=R.CHAIN).select_related("decided_by", "unit"))
    build = report_form.to_xlsx if fmt == "xlsx" else report_form.to_docx
    response = HttpResponse(build(report, steps, request.user), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{report_form.filename(report, fmt)}"'
    return response
