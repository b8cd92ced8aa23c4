"""Who acts for the complainant when the portal changes a case.

The portal has no logged-in user, yet every action needs an actor (it is recorded in the
event chain). So the portal acts through people the organisation names:

* **Submitting** registers the case with `actions.register_case(actor=<intake user>,
  unit=<intake unit>, channel="web", ...)`. The intake unit and user come from the policy:
  `organisation().policy["portal"] = {unit = "<unit code>", user = "<username>"}`. Without
  them, the unit is the first unit, from the root down (nearest the root first, then by id),
  where somebody holds the role of ladder level 1 (the complaint manager, the department
  head ...; level 0 if the ladder has one step), and that person is the intake user. The
  intake user owns the case (首问负责制) until they hand it on.
* **Rating satisfaction** is the call-back (回访): `actions.record_callback(actor=<the case
  owner>, result=...)`, with a note saying it came from the portal. "Not satisfied" escalates
  the case by the policy's rule.
* **Asking for a re-review** of a closed case reopens it: `actions.reopen_case(actor=<a holder
  of a role the policy lets reopen, whose unit covers the case>)`; in any other state (or when
  nobody may reopen) it is a note on the case by its owner (`actions.add_note`).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from tousu.domain.policy import Policy
from tousu.org.models import Membership, Unit
from tousu.org.services import NotInitialised, current_policy, organisation


class PortalUnavailable(Exception):
    """The organisation has not named anyone who can take portal complaints."""

    message = _("The portal cannot take complaints at the moment. Please call the complaint hotline.")


def _intake_role(policy: Policy) -> str:
    steps = {step.level: step.role for step in policy.ladder}
    return steps.get(1, steps.get(0, ""))


def _depth(unit: Unit) -> int:
    return len(unit.ancestor_ids())


def intake_actor() -> tuple:
    """(user, unit) that registers a portal complaint; PortalUnavailable when there is none."""
    try:
        org = organisation()
        policy = current_policy()
    except NotInitialised as exc:
        raise PortalUnavailable() from exc
    conf = org.policy.get("portal", {}) or {}
    User = get_user_model()
    unit = user = None
    if conf.get("unit"):
        unit = Unit.objects.filter(code=conf["unit"]).first()
        if unit is None:
            raise PortalUnavailable()
    if conf.get("user"):
        user = User.objects.filter(username=conf["user"], is_active=True).first()
        if user is None:
            raise PortalUnavailable()
    if user is not None:
        if unit is None:
            mine = [m.unit for m in Membership.objects.filter(user=user).select_related("unit")]
            if not mine:
                raise PortalUnavailable()
            unit = min(mine, key=lambda u: (_depth(u), u.pk))
        return user, unit

    units = Unit.objects.filter(path__startswith=unit.path) if unit is not None else Unit.objects.all()
    role = _intake_role(policy)
    for candidate in sorted(units, key=lambda u: (_depth(u), u.pk)):
        member = (Membership.objects.filter(unit=candidate, role__code=role, user__is_active=True)
                  .select_related("user").order_by("pk").first())
        if member:
            return member.user, candidate
    raise PortalUnavailable()
