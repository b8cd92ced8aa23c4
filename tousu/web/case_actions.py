"""The actions the case page offers, in the order it shows them: a label, a form, the action."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tousu.cases import actions
from tousu.cases.guards import unmet
from tousu.domain.policy import Policy, Refusal

from . import forms


@dataclass(frozen=True)
class ActionUI:
    name: str
    label: Promise
    form: type[forms.ActionForm]
    call: object  # the function in tousu.cases.actions


ACTIONS = [
    ActionUI("accept", _("Accept"), forms.AcceptForm, actions.accept_case),
    ActionUI("propose_resolution", _("Propose a resolution"), forms.ResolutionForm, actions.propose_resolution),
    ActionUI("reply", _("Reply to the customer"), forms.ReplyForm, actions.reply_case),
    ActionUI("record_callback", _("Record the call-back"), forms.CallbackForm, actions.record_callback),
    ActionUI("sign_off", _("Sign off"), forms.NoteOnly, actions.sign_off_case),
    ActionUI("close", _("Close"), forms.NoteOnly, actions.close_case),
    ActionUI("escalate", _("Escalate"), forms.ReasonForm, actions.escalate_case),
    ActionUI("assign", _("Assign"), forms.AssignForm, actions.assign_case),
    ActionUI("transfer", _("Transfer to the unit complained about"), forms.TransferForm, actions.transfer_case),
    ActionUI("agree_plan", _("Agree the plan"), forms.NoteOnly, actions.agree_plan),
    ActionUI("note", _("Add a note"), forms.AddNoteForm, actions.add_note),
    ActionUI("reopen", _("Reopen"), forms.ReasonForm, actions.reopen_case),
    ActionUI("withdraw", _("Withdraw (the customer withdrew)"), forms.ReasonForm, actions.withdraw_case),
    ActionUI("reject", _("Reject (not a complaint)"), forms.ReasonForm, actions.reject_case),
]
BY_NAME = {a.name: a for a in ACTIONS}

EVENT_LABELS = {
    "register": _("Registered"),
    "clock_warned": _("Deadline warning"),
    "clock_breached": _("Deadline missed"),
    "deadline_recomputed": _("Deadline recomputed"),
    **{a.name: a.label for a in ACTIONS},
}


def possible(case, roles: set[str], policy: Policy) -> tuple[list[ActionUI], list[tuple[ActionUI, str]]]:
    """(actions this person may take now, [(action, why not yet)] for the ones only a condition
    on the case holds back)."""
    now, later = [], []
    for ui in ACTIONS:
        if ui.name not in policy.actions:
            continue
        try:
            spec = policy.check(ui.name, case.state, roles)
        except Refusal:
            continue
        problems = unmet(case, spec.requires)
        if problems:
            later.append((ui, str(problems[0])))
        else:
            now.append(ui)
    return now, later
