"""The complainant portal: no login. Landing, submit, track (lookup, rate, ask for a re-review).

State changes only on POST and only through `tousu.cases.actions` (see `intake.py` for who
acts); the looked-up case is kept in the session, never in the URL."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tousu.cases import actions, selectors
from tousu.cases.engine import PartyActor, available, label_of, perform
from tousu.cases.errors import ActionError, InvalidInput, StaleCase
from tousu.cases.wording import outcome_label
from tousu.cases.models import Attachment, Clock
from tousu.org.services import NotInitialised, current_policy, organisation, org_timezone

from tousu.routing import services as routing
from tousu.routing.intake import after_intake

from . import limits, tracking
from .forms import PORTAL_TYPES, ComplaintForm, LookupForm, RatingForm, ReReviewForm
from .forms import action_form as portal_action_form
from .intake import PortalUnavailable, intake_actor

# The portal's actions by their names in the complaint kind's preset: rating the reply, and
# asking for a re-review (the owner is told while the case is open; a closed case reopens).
RATE = "rate"
REVIEW = ("request_review", "reopen_on_request")
SUBMITTED_KEY = "portal_submitted"  # {submission id: [number, tracking code]}
SUGGEST = "suggest"  # the form's "suggest a category" button (an input, so "the form's button" stays the send one)


def _org_context() -> dict:
    try:
        org = organisation()
    except NotInitialised:
        return {"org": None, "tz": "Asia/Shanghai"}
    return {"org": org, "tz": org.timezone}


def _render(request, template: str, context: dict, status: int = 200):
    return render(request, template, {**_org_context(), **context}, status=status)


@require_http_methods(["GET"])
def landing(request):
    return _render(request, "portal/landing.html", {"announced": bool(selectors.announcements(1))})


@require_http_methods(["GET"])
def announcements(request):
    """Results published with the `announce` effect (政府采购投诉处理结果公告), personal data removed."""
    rows = selectors.announcements()
    for row in rows:
        row["paragraphs"] = [line for line in row["text"].splitlines() if line.strip()]
    return _render(request, "portal/announcements.html", {"rows": rows})


def _choices() -> dict[str, dict[str, str]]:
    """The form's choices from the policy: categories, and the stages where a deadline depends on them."""
    try:
        policy = current_policy()
    except NotInitialised:
        return {}
    return {"categories": policy.categories,
            "stages": policy.stages if "stage" in policy.deadline_facts() else {},
            "ask_requested_by": "requested_by" in policy.kind().due_fields()}


@require_http_methods(["GET", "POST"])
def submit(request):
    choices = _choices()
    if request.method == "GET":
        form = ComplaintForm(**choices, initial={"submission": uuid.uuid4().hex})
        return _render(request, "portal/submit.html", {"form": form})

    if "pick_category" in request.POST or SUGGEST in request.POST:
        return _suggesting(request, choices)
    form = ComplaintForm(request.POST, request.FILES, **choices)
    submitted = request.session.get(SUBMITTED_KEY, {})
    key = request.POST.get("submission", "")
    if key and key in submitted:  # the same form sent twice (double click, retry): one case
        return redirect("portal:submitted", key=key)
    status = 400
    if form.is_valid() and not limits.allow_client(request, "submit_client"):
        form.add_error(None, _("Too many complaints have been sent from your connection. Please "
                               "try again later, or call the complaint hotline."))
        status = 429
    elif form.is_valid():
        try:
            case = _register(form)
        except PortalUnavailable as exc:
            form.add_error(None, exc.message)
            status = 503
        except InvalidInput as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        except ActionError as exc:
            form.add_error(None, exc.message)
            status = 503
        else:
            key = key or uuid.uuid4().hex
            submitted[key] = [case.number, case.tracking_code]
            request.session[SUBMITTED_KEY] = dict(list(submitted.items())[-10:])
            return redirect("portal:submitted", key=key)
    return _render(request, "portal/submit.html", {"form": form}, status=status)


def _suggestions(data) -> list[dict]:
    """The routing model's top categories for what the complainant wrote (none without a model)."""
    text = "\n".join(filter(None, (data.get("subject", ""), data.get("description", "")))).strip()
    if not text:
        return []
    try:
        policy = current_policy()
    except NotInitialised:
        return []
    return routing.intake_suggestions(policy, "", text).get(routing.CATEGORY, [])


def _suggesting(request, choices):
    """The form again, nothing saved, with the categories suggested for the text so far as
    buttons; a press on one (`pick_category`) chooses it. Works without script: each is a
    submit button. Files are not carried across (a browser does not resend them)."""
    data = request.POST.copy()
    picked = data.get("pick_category", "")
    if picked in (choices.get("categories") or {}):
        data["category"] = picked
    initial = {k: data.get(k) for k in data if k not in ("csrfmiddlewaretoken", SUGGEST, "pick_category")}
    form = ComplaintForm(**choices, initial=initial)
    return _render(request, "portal/submit.html", {"form": form, "suggestions": _suggestions(data),
                                                   "picked": data.get("category", ""), "asked": True})


def _register(form: ComplaintForm):
    """One action registers the case with its files (saved in its transaction, removed again
    if it fails); what the routing model suggested and what was chosen is recorded after it (and
    the case routed where the policy routes confident suggestions automatically)."""
    case = _registered(form)
    data = form.cleaned_data
    text = "\n".join(filter(None, (data["subject"], data["description"])))
    policy = current_policy()
    suggestions = routing.intake_suggestions(policy, case.kind, text)
    if suggestions:
        after_intake(policy, case, suggestions, actor=case.owner)
    return case


def _registered(form: ComplaintForm):
    data = form.cleaned_data
    user, unit = intake_actor()
    return actions.register_case(
        actor=user, unit=unit, channel="web", subject=data["subject"],
        description=data["description"], occurred_at=data.get("occurred_at"),
        place=data.get("place", ""), requested_resolution=data.get("requested_resolution", ""),
        complainant_name=data["complainant_name"], complainant_phone=data["complainant_phone"],
        complainant_email=data.get("complainant_email", ""), category=data.get("category", ""),
        stage=data.get("stage", ""), requested_by=data.get("requested_by"),
        note=_("Submitted on the complainant portal."), attachments=data.get("attachments") or [],
        attachment_source=Attachment.PORTAL)


@require_http_methods(["GET"])
def submitted(request, key: str):
    found = request.session.get(SUBMITTED_KEY, {}).get(key)
    if not found:
        return redirect("portal:submit")
    number, code = found
    return _render(request, "portal/submitted.html", {"number": number, "tracking_code": code})


def _complainant(case):
    """The complainant acting as themselves (None for a case registered before parties)."""
    party = tracking.complainant_party(case)
    return PartyActor(party) if party is not None else None


def _possible(case) -> list:
    """The kind's portal actions the complainant may take on `case` now (the engine decides)."""
    actor = _complainant(case)
    if actor is None:
        return []
    return [spec for spec, problem in available(case, actor) if spec.portal and not problem]


def _first(possible: list, *names: str) -> str:
    """The first of `names` among `possible` ("" when none)."""
    found = {spec.name for spec in possible}
    return next((name for name in names if name in found), "")


def _portal_action(case, *names: str) -> str:
    """The first of `names` the complainant may take on `case` now ("" when none)."""
    return _first(_possible(case), *names)


def _other_actions(possible: list, case, kind, data=None, failed: str = "") -> list[dict]:
    """The kind's other portal actions among `possible`, each with its form (`failed`'s bound to
    `data`, to show its errors)."""
    found = []
    for spec in possible:
        if spec.name in (RATE, *REVIEW) or any(item.type not in PORTAL_TYPES for item in spec.inputs):
            continue
        form_class = portal_action_form(spec, kind)
        form = (form_class(data, prefix=spec.name) if failed == spec.name
                else form_class(initial={"version": case.version}, prefix=spec.name))
        found.append({"name": spec.name, "label": label_of(kind, spec.name), "form": form})
    return found


@require_POST
def act(request, action: str):
    """One of the kind's other portal actions (see `_other_actions`), taken as the complainant."""
    case = _session_case_or_back(request)
    if case is None:
        return redirect("portal:track")
    kind = current_policy().kind(case.kind)
    spec = kind.actions.get(action)
    if spec is None or action in (RATE, *REVIEW) or not _portal_action(case, action):
        messages.info(request, _("This is not possible for your complaint now."))
        return redirect("portal:track")
    form = portal_action_form(spec, kind)(request.POST, prefix=action)
    if not form.is_valid():
        return _render(request, "portal/case.html", _case_context(request, case, failed=action), status=400)
    if not _request_allowed(request, case):
        return _render(request, "portal/case.html", _case_context(request, case, failed=action), status=429)
    inputs = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    if _taken(request, case, action, inputs, form.cleaned_data["version"]):
        messages.success(request, _("Done: %(action)s.") % {"action": label_of(kind, action)})
    return redirect("portal:track")


def _request_allowed(request, case) -> bool:
    """Count a request to the staff (a re-review, another portal action) against the client's
    and the case's limits; when either is used up, say so as a message."""
    if limits.allow_client(request, "request_client") and limits.allow("request_case", str(case.pk)):
        return True
    messages.error(request, _("Too many requests have been sent for this complaint. Please try "
                              "again later, or call the complaint hotline."))
    return False


def _taken(request, case, action: str, inputs: dict, version=None) -> bool:
    """Take `action` as the complainant; a refusal or a case changed meanwhile is said as a
    message (the page then shows the case as it is). True when it was taken."""
    try:
        perform(action, actor=_complainant(case), case_id=case.pk, inputs=inputs, expected_version=version)
    except StaleCase:
        messages.info(request, _("Your complaint has just changed. Here it is as it is now."))
        return False
    except ActionError as exc:
        messages.error(request, exc.message)
        return False
    return True


def _rating_inputs(case, result: str, comment: str) -> dict:
    """The rating action's inputs: the result, and the comment where the action takes one."""
    spec = current_policy().kind(case.kind).actions[RATE]
    return {"result": result, **({"comment": comment} if spec.input("comment") else {})}


def _review_state(case, kind) -> dict | None:
    """The complainant's latest re-review request as the portal shows it: when it was made, the
    deadline its clock (the kind's clock started by a re-review) gives the handler, and whether it
    is answered; None when none was made."""
    data = case.data or {}
    requested = parse_datetime(str(data.get("review_requested_at") or ""))
    if requested is None:
        return None
    names = [spec.name for spec in kind.clocks if set(REVIEW) & set(spec.start_on)]
    clock = case.clocks.filter(name__in=names).order_by("-started_at").first() if names else None
    running = clock is not None and clock.state != Clock.STOPPED
    return {"requested_at": requested, "reason": data.get("review_reason", ""),
            "answer": data.get("review_answer", ""), "due_at": clock.due_at if running else None,
            "open": running or (clock is None and not data.get("review_answer"))}


def _case_context(request, case, *, failed: str = "") -> dict:
    """What the case page shows; `failed` names a kind's portal action whose form is redrawn with
    the complainant's input and its errors."""
    policy = current_policy()
    kind = policy.kind(case.kind)
    possible = _possible(case)
    can_rate = bool(_first(possible, RATE))
    can_rereview = bool(_first(possible, *REVIEW))
    return {
        "case": case,
        "other_actions": _other_actions(possible, case, kind, request.POST if failed else None, failed),
        "state_label": tracking.public_label(kind, case.state),
        "rating_label": outcome_label(kind, case.callback_result) if case.callback_result else "",
        "rating_form": RatingForm(initial={"version": case.version}, kind=kind, action=RATE) if can_rate else None,
        "rereview_form": ReReviewForm() if can_rereview else None,
        "review": _review_state(case, kind),
        "tz": org_timezone().key,
        "policy": policy,
    }


@require_http_methods(["GET", "POST"])
def track(request):
    if request.method == "GET":
        case = tracking.remembered_case(request)
        if case is not None:
            return _render(request, "portal/case.html", _case_context(request, case))
        return _render(request, "portal/track.html", {"form": LookupForm()})

    if not limits.allow_client(request, "lookup_client"):
        return _render(request, "portal/track.html", {"form": LookupForm(), "limited": True}, status=429)
    form = LookupForm(request.POST)
    if form.is_valid():
        code = form.cleaned_data["tracking_code"]
        if not limits.allow("lookup_code", tracking.normal_code(code)):
            # Many tries at one code, from anywhere: its digits are being guessed. Refused even
            # when right, the same for a code that exists and one that does not.
            return _render(request, "portal/track.html", {"form": LookupForm(), "code_limited": True},
                           status=429)
        case_id = tracking.find_case(code, form.cleaned_data["phone_last4"])
        if case_id is not None:
            tracking.remember(request, case_id)
            return redirect("portal:track")
        form.add_error(None, _("We could not find a complaint with this tracking code and these "
                               "digits. Check both and try again."))
    return _render(request, "portal/track.html", {"form": form})


def _session_case_or_back(request):
    case = tracking.remembered_case(request)
    if case is None:
        messages.info(request, _("Look up your complaint first."))
    return case


@require_POST
def rate(request):
    case = _session_case_or_back(request)
    if case is None:
        return redirect("portal:track")
    form = RatingForm(request.POST, kind=current_policy().kind(case.kind), action=RATE)
    if not _portal_action(case, RATE):
        messages.info(request, _("This complaint cannot be rated now."))
        return redirect("portal:track")
    if not form.is_valid():
        context = _case_context(request, case)
        context["rating_form"] = form
        return _render(request, "portal/case.html", context, status=400)
    comment = form.cleaned_data["comment"].strip()
    if not _taken(request, case, RATE, _rating_inputs(case, form.cleaned_data["result"], comment),
                  form.cleaned_data["version"]):
        return redirect("portal:track")
    if form.cleaned_data["result"] in current_policy().kind(case.kind).figures.satisfied:
        messages.success(request, _("Thank you. We have recorded that you are satisfied."))
    else:
        messages.success(request, _("Thank you. We are sorry; your complaint goes to a more senior "
                                    "person, who will contact you."))
    return redirect("portal:track")


@require_POST
def rereview(request):
    case = _session_case_or_back(request)
    if case is None:
        return redirect("portal:track")
    form = ReReviewForm(request.POST)
    action = _portal_action(case, *REVIEW)
    if not action:
        messages.info(request, _("This complaint cannot be re-reviewed now."))
        return redirect("portal:track")
    if not form.is_valid() or not _request_allowed(request, case):
        context = _case_context(request, case)
        context["rereview_form"] = form
        return _render(request, "portal/case.html", context, status=400 if form.errors else 429)
    if not _taken(request, case, action, {"reason": form.cleaned_data["reason"].strip()}):
        return redirect("portal:track")
    if not case.is_open:
        messages.success(request, _("Your complaint has been reopened. We will contact you."))
    else:
        messages.success(request, _("Your request has been passed to the person handling your "
                                    "complaint. We will contact you."))
    return redirect("portal:track")


@require_POST
def leave(request):
    tracking.forget(request)
    return redirect("portal:track")
