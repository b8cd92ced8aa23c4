"""Named conditions a policy action may require (`requires = [...]` in the preset)."""

from django.utils.translation import gettext_lazy as _

GUARDS = {
    "resolution": (lambda case: bool(case.resolution),
                   _("Propose a resolution before replying.")),
    "plan_agreed": (lambda case: not case.transfer_plan or case.plan_agreed_by_id is not None,
                    _("The head of the unit complained about has not agreed the plan yet.")),
    "transferred": (lambda case: bool(case.transfer_plan),
                    _("This case has no plan to agree: it was not transferred.")),
    "plan_pending": (lambda case: case.plan_agreed_by_id is None,
                     _("The plan has already been agreed.")),
    "callback_done": (lambda case: case.callback_result in ("satisfied", "unreachable"),
                      _("Call the customer back before closing.")),
    "signed_off": (lambda case: case.signed_off_by_id is not None,
                   _("The head must sign off (签字确认) before the case is closed.")),
}


def unmet(case, requires) -> list:
    """Messages for the conditions in `requires` that the case does not meet."""
    return [GUARDS[name][1] for name in requires if not GUARDS[name][0](case)]
