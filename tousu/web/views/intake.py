"""Intake for each channel. Verbal channels go through a read-back (复述) before anything is
saved: the first POST shows the facts to read back; only "confirm" registers the complaint."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tousu.cases import actions
from tousu.cases.errors import ActionError
from tousu.cases.models import Attachment
from tousu.org.services import current_policy
from tousu.org.models import Unit
from tousu.routing import selectors as routing_selectors
from tousu.routing import services as routing
from tousu.routing.intake import after_intake

from ..forms import IntakeForm, on_the_spot_action, routing_input
from .common import staff_required

READ_BACK = frozenset({"phone", "walk_in", "hotline_transfer"})
# Channels that bring paper: the intake takes its scanned pages (no read-back, so no files to
# carry across a second request).
SCANNED = {"letter": Attachment.LETTER_SCAN, "opinion_book": Attachment.LETTER_SCAN}
NOT_HERE = frozenset({"web"})  # the complainant's own channel is the portal


def intake_channels(policy) -> dict[str, str]:
    return {code: label for code, label in policy.channels.items() if code not in NOT_HERE}


@staff_required
def intake_index(request):
    channels = intake_channels(current_policy())
    channel = request.GET.get("channel", "phone")
    fallback = "phone" if "phone" in channels or not channels else next(iter(channels))
    return redirect("web:intake", channel=channel if channel in channels else fallback)


@staff_required
def intake(request, channel: str):
    policy = current_policy()
    channels = intake_channels(policy)
    if channel not in channels:
        raise Http404
    read_back = channel in READ_BACK
    step = request.POST.get("step", "") if request.method == "POST" else ""
    scanned = channel in SCANNED and not read_back
    form = IntakeForm(request.POST if request.method == "POST" else None,
                      request.FILES if request.method == "POST" and scanned else None,
                      user=request.user, policy=policy, with_files=scanned)
    context = {"form": form, "channel": channel, "channel_label": channels[channel], "channels": channels,
               "read_back": read_back, "error": "", "suggestions": {}}
    if request.method == "POST" and (step == "suggest" or "pick_category" in request.POST
                                     or "pick_unit" in request.POST):
        return _suggesting(request, policy, context, scanned)
    if request.method != "POST" or step == "edit" or not form.is_valid():
        return render(request, "web/intake.html", context, status=400 if step and step != "edit" else 200)
    if read_back and step != "confirm":
        return render(request, "web/intake_read_back.html", {**context, "summary": form.summary()})
    try:
        extra = {"attachment_source": SCANNED[channel]} if scanned else {}
        answered = form.cleaned_data.get("on_the_spot", "").strip()
        with transaction.atomic():  # registered and answered on the spot in one step, or neither
            case = actions.register_case(actor=request.user, channel=channel, **form.register_fields(), **extra)
            if answered:
                case = actions.perform(on_the_spot_action(policy), actor=request.user, case_id=case.pk,
                                       inputs={"text": answered})
    except ActionError as error:
        field = error.field.replace("parties.0.", "party_") if error.field else ""
        if field in form.fields:
            form.add_error(field, str(error.message))
        else:
            context["error"] = error.message
        return render(request, "web/intake.html", context, status=400)
    chosen = form.cleaned_data.get("route_to") or form.cleaned_data.get("target_unit")
    routed = after_intake(policy, case, _suggestions(policy, request.POST), actor=request.user,
                          picked_unit=chosen.code if chosen else "")
    messages.success(request, _("Complaint %(number)s registered.") % {"number": case.number})
    if routed["routed"]:
        messages.success(request, (_("Sent automatically to %(unit)s.") if routed["automatic"]
                                   else _("Sent to %(unit)s.")) % {"unit": _unit_name(routed["routed"])})
    elif routed["problem"]:
        messages.warning(request, _("Not sent on: %(why)s") % {"why": routed["problem"]})
    return redirect("web:case", case_id=case.pk)


def _unit_name(code: str) -> str:
    return routing_selectors.unit_names([code]).get(code, code)


def _suggestions(policy, data) -> dict:
    text = "\n".join(filter(None, (data.get("subject", ""), data.get("description", "")))).strip()
    return routing.intake_suggestions(policy, data.get("kind", ""), text) if text else {}


def _suggesting(request, policy, context, scanned):
    """The form again, unsaved, with the model's suggestions for what is typed so far; a click on
    one (`pick_category`) fills the category in. Nothing is registered."""
    data = request.POST.copy()
    picked = data.get("pick_category", "")
    if picked:
        data["category"] = picked
    picked_unit = Unit.objects.filter(code=data.get("pick_unit", "")).first() if data.get("pick_unit") else None
    if picked_unit is not None:  # where the kind routes: the unit it is sent to; else the unit complained about
        data["route_to" if routing_input(policy) is not None else "target_unit"] = str(picked_unit.pk)
    context["form"] = IntakeForm(initial={k: data.get(k) for k in data if k not in ("csrfmiddlewaretoken", "step")},
                                 user=request.user, policy=policy, with_files=scanned)
    context["suggestions"] = _suggestions(policy, data)
    context["picked"] = picked
    context["picked_unit"] = picked_unit.code if picked_unit is not None else ""
    context["asked"] = True
    return render(request, "web/intake.html", context)
