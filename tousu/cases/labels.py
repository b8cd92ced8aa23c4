"""What actions and events are called, for people (the case page, refusals, timelines)."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "accept": _("Accept"),
    "propose_resolution": _("Propose a resolution"),
    "reply": _("Reply to the customer"),
    "record_callback": _("Record the call-back"),
    "sign_off": _("Sign off"),
    "close": _("Close"),
    "escalate": _("Escalate"),
    "assign": _("Assign"),
    "transfer": _("Transfer to the unit complained about"),
    "agree_plan": _("Agree the plan"),
    "note": _("Add a note"),
    "attach": _("Attach files"),
    "reopen": _("Reopen"),
    "withdraw": _("Withdraw (the customer withdrew)"),
    "reject": _("Reject (not a complaint)"),
}

EVENT_LABELS = {
    "register": _("Registered"),
    "clock_warned": _("Deadline warning"),
    "clock_breached": _("Deadline missed"),
    "deadline_recomputed": _("Deadline recomputed"),
    **ACTION_LABELS,
}


def action_label(name: str) -> str:
    return str(EVENT_LABELS.get(name, name))
