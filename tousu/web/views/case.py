"""The case page and its actions. GET only reads; each action is a POST to one action function.
With htmx the case section is re-rendered in place; without, the same form posts and redirects."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tousu.cases import attachments as attachment_rules
from tousu.cases.engine import label_of, perform, state_label
from tousu.cases.errors import ActionError, NotFound
from tousu.cases.wording import outcome_label
from tousu.cases.selectors import (access_case, mask_name, mask_phone, may_see_personal_data, party_masked,
                                   similar_open_cases)
from tousu.cases import clocks
from tousu.cases.items import item_rows
from tousu.cases.service import service_rows
from tousu.notify import robots
from tousu.org.services import current_policy, org_timezone, work_calendar
from tousu.quality.duties import record_view, views_of

from .. import facts, selectors
from ..timeline import details as timeline_details
from ..case_actions import by_name, possible
from .common import is_htmx, staff_required


def _case_or_404(user, case_id):
    try:
        return access_case(user, case_id)
    except NotFound:
        raise Http404 from None


def _clocks(case, now, spans=None):
    rows = []
    for clock in selectors.clocks_of(case):
        running = clock.state == clock.RUNNING
        rows.append({"clock": clock, "running": running, "overdue": running and clock.due_at <= now,
                     "warning": running and clock.warn_at <= now < clock.due_at,
                     "paused_spans": (spans or {}).get(clock.name, [])})
    return rows


def _complainant(case, personal: bool) -> dict:
    if personal:
        return {"name": case.complainant_name, "phone": case.complainant_phone,
                "email": case.complainant_email, "address": case.complainant_address, "masked": False}
    return {"name": mask_name(case.complainant_name), "phone": mask_phone(case.complainant_phone),
            "email": "***" if case.complainant_email else "", "address": "***" if case.complainant_address else "",
            "masked": True}


def _parties(case, kind, personal: bool) -> list:
    """The case's parties, each marked `masked` when the reader may not read its name."""
    parties = list(selectors.parties_of(case))
    for party in parties:
        party.masked = party_masked(party, kind, personal)
    return parties


def case_context(request, case, *, failed=None, notice=""):
    """Everything the case section shows; `failed` is (action name, bound form, message) after
    a refused POST so that form re-renders with the person's input and the message."""
    policy = current_policy()
    kind = policy.kind(case.kind)
    now_actions, later = possible(case, policy, request.user)
    forms = []
    for ui in now_actions:
        if failed and failed[0] == ui.name:
            form, error = failed[1], failed[2]
        else:
            form, error = ui.form(prefix=ui.name, case=case, policy=policy), ""
        forms.append({"ui": ui, "form": form, "error": error, "open": bool(failed and failed[0] == ui.name)})
    if failed and failed[0] not in {f["ui"].name for f in forms}:
        notice_error = failed[2]  # the action is no longer possible: say why at the top
    else:
        notice_error = ""
    now = timezone.now()
    timeline = list(selectors.timeline(case))
    events = [{"event": e, "label": label_of(kind, e.action), "details": shown,
               "state": state_label(kind, (e.new or {}).get("state", "")) if (e.new or {}).get("state") else ""}
              for e, shown in zip(timeline, timeline_details(timeline, kind), strict=True)]
    calendar, tz = work_calendar(), org_timezone()
    spans = clocks.paused_spans(case, kind, timeline, now, calendar, tz)
    ladder = policy.ladder_of(case.kind)
    category = kind.categories.get(case.category)
    personal = may_see_personal_data(request.user, policy)
    return {
        "case": case, "policy": policy, "kind": kind, "now": now, "state_label": state_label(kind, case.state),
        "channel_label": policy.channels.get(case.channel, case.channel),
        "stage_label": kind.stages.get(case.stage, case.stage),
        "category_label": category.label if category else case.category,
        "callback_label": outcome_label(kind, case.callback_result),
        "level_label": policy.roles[ladder[case.level].role].name if case.level < len(ladder) else "",
        "severity_label": kind.level_label(case.severity),
        "parties": _parties(case, kind, personal),
        "approvals": list(selectors.approvals_of(case)),
        "complainant": _complainant(case, personal),
        "clocks": _clocks(case, now, spans), "events": events,
        "items": item_rows(case, kind), "services": service_rows(case, kind, calendar), "forms": forms, "later": later,
        "attachments": list(selectors.attachments_of(case)),
        "documents": list(selectors.documents_of(case)),
        "notice": notice, "notice_error": notice_error,
        "robot_reports": robots.reports_of(case),
        "facts": facts.of(case, kind),
        "views": list(views_of(request.user, case.pk)[:50]),
        "similar": similar_open_cases(case, user=request.user) if case.is_open else [],
        "merge": _merge_action(now_actions),
    }


def _merge_action(now_actions) -> dict | None:
    """The action this person may take now whose effect merges another case into this one (并案),
    and the input that names the other case: a similar case is then merged with one click."""
    for ui in now_actions:
        for effect in ui.spec.effects:
            if effect.name == "merge":
                return {"action": ui.name, "label": ui.label, "field": f"{ui.name}-{effect.param('case')}"}
    return None


@require_GET
@staff_required
def case_page(request, case_id: int):
    case = _case_or_404(request.user, case_id)
    record_view(request.user, case, "page")  # a confidential level's every view (quality/duties.py)
    return render(request, "web/case.html", case_context(request, case))


def _safe_next(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return ""


@require_POST
@staff_required
def case_action(request, case_id: int, action: str):
    case = _case_or_404(request.user, case_id)
    policy = current_policy()
    ui = by_name(policy.kind(case.kind), action)
    if ui is None:
        raise Http404
    form = ui.form(request.POST, request.FILES, prefix=ui.name, case=case, policy=policy)
    try:
        expected = int(request.POST["expected_version"])
    except (KeyError, ValueError):
        expected = None
    error = ""
    if form.is_valid():
        try:
            perform(ui.name, actor=request.user, case_id=case.pk, expected_version=expected,
                    inputs=form.cleaned_data)
        except ActionError as refused:
            if refused.field and refused.field in form.fields:
                form.add_error(refused.field, str(refused.message))
            else:
                error = refused.message
    else:
        error = _("Please correct the fields marked below.")
    failed = None if form.is_valid() and not error else (ui.name, form, error)

    if failed is None:
        notice = _("Saved: %(action)s.") % {"action": ui.label}
        try:
            case = access_case(request.user, case_id)
        except NotFound:  # handed to a unit this person does not see
            messages.success(request, notice)
            if is_htmx(request):
                return HttpResponse(headers={"HX-Redirect": reverse("web:my_work")})
            return redirect("web:my_work")
        if is_htmx(request):
            return render(request, "web/_case_body.html", case_context(request, case, notice=notice))
        messages.success(request, notice)
        return redirect(_safe_next(request) or reverse("web:case", args=[case.pk]))

    case = _case_or_404(request.user, case_id)  # re-read: the page never lies about what was saved
    context = case_context(request, case, failed=failed)
    if is_htmx(request):
        return render(request, "web/_case_body.html", context)
    return render(request, "web/case.html", context, status=400)


# Shown in the browser; anything else is downloaded. Only these are accepted (sniffed).
INLINE_TYPES = attachment_rules.TYPES


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _case_file(request, case_id: int, files, file_id: int):
    """(the case, its file row) for someone who may see the case; 404 otherwise, as for the case."""
    case = _case_or_404(request.user, case_id)
    item = files(case).filter(pk=file_id).first()
    if item is None:
        raise Http404
    record_view(request.user, case, f"{files.__name__}:{file_id}")
    return case, item


def _served(item, *, filename: str, content_type: str, inline: bool) -> FileResponse:
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=not inline, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@staff_required
def attachment(request, case_id: int, attachment_id: int):
    """A case's attachment: images and PDF shown in the browser, anything else downloaded."""
    _case, item = _case_file(request, case_id, selectors.attachments_of, attachment_id)
    inline = item.content_type in INLINE_TYPES
    return _served(item, filename=item.original_name, inline=inline,
                   content_type=item.content_type if inline else "application/octet-stream")


@require_GET
@staff_required
def document(request, case_id: int, document_id: int):
    """A document rendered for the case (.docx), downloaded."""
    case, item = _case_file(request, case_id, selectors.documents_of, document_id)
    return _served(item, filename=f"{case.number} {item.title}.docx", content_type=DOCX, inline=False)
