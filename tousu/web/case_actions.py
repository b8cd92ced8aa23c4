"""The actions the case page offers, in the order it shows them: a label, a form, the action."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from tousu.cases import actions
from tousu.cases.guards import unmet
from tousu.cases.labels import ACTION_LABELS
from tousu.domain.policy import Policy, Refusal

from . import forms


@dataclass(frozen=True)
class ActionUI:
    name: str
    form: type[forms.ActionForm]
    call: object  # the function in tousu.cases.actions

    @property
    def label(self) -> Promise:
        return ACTION_LABELS[self.name]


ACTIONS = [
    ActionUI("accept", forms.AcceptForm, actions.accept_case),
    ActionUI("propose_resolution", forms.ResolutionForm, actions.propose_resolution),
    ActionUI("reply", forms.ReplyForm, actions.reply_case),
    ActionUI("record_callback", forms.CallbackForm, actions.record_callback),
    ActionUI("sign_off", forms.NoteOnly, actions.sign_off_case),
    ActionUI("close", forms.NoteOnly, actions.close_case),
    ActionUI("escalate", forms.ReasonForm, actions.escalate_case),
    ActionUI("assign", forms.AssignForm, actions.assign_case),
    ActionUI("transfer", forms.TransferForm, actions.transfer_case),
    ActionUI("agree_plan", forms.NoteOnly, actions.agree_plan),
    ActionUI("note", forms.AddNoteForm, actions.add_note),
    ActionUI("attach", forms.AttachForm, actions.attach_files),
    ActionUI("reopen", forms.ReasonForm, actions.reopen_case),
    ActionUI("withdraw", forms.ReasonForm, actions.withdraw_case),
    ActionUI("reject", forms.ReasonForm, actions.reject_case),
]
BY_NAME = {a.name: a for a in ACTIONS}


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
