"""What happens to a new case's suggestions once it is registered (staff form, API, portal):
they are recorded with what was chosen, a unit the clerk picked among them is routed to, and a
unit suggested confidently enough is routed to automatically where the kind's policy allows
(`[kinds.X.routing] action` and `auto_min_confidence`, docs/presets.md). Routing goes through
the action layer (`actions.route_case`): the kind's own action, its roles and states decide."""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from tousu.cases import actions
from tousu.cases.errors import ActionError
from tousu.domain.policy import Policy

from . import selectors, services

log = logging.getLogger(__name__)


def routes_at_intake(policy: Policy, kind: str) -> bool:
    """Whether a suggested unit can be picked at intake to route the case there."""
    kind_spec = policy.kind(kind)
    return bool(kind_spec.routing.action) and kind_spec.routing.action in kind_spec.actions


def after_intake(policy: Policy, case, suggestions: dict, *, actor, picked_unit: str = "") -> dict:
    """Record the suggestions of the registered `case` with `picked_unit` (the unit code the
    clerk chose at intake, by a click on a suggestion or by hand) as the chosen unit; where the
    kind routes at intake, route the case to it, or, when none was picked, automatically to a
    confident suggestion. Returns {"routed": unit code or "", "automatic": bool, "problem":
    message or ""}. A refused route leaves the case registered as it is, and says why."""
    services.record(case, suggestions, chosen={services.UNIT: picked_unit} if picked_unit else None)
    out = {"routed": "", "automatic": False, "problem": ""}
    if not routes_at_intake(policy, case.kind):
        return out
    if picked_unit:
        try:
            actions.route_case(actor=actor, case_id=case.pk, unit=picked_unit)
        except ActionError as error:
            out["problem"] = str(error.message)
        else:
            out["routed"] = picked_unit
        return out
    kind = policy.kind(case.kind)
    rule = kind.routing
    units = suggestions.get(services.UNIT) or []
    if not rule.automatic or not units or units[0]["confidence"] < rule.auto_min_confidence:
        return out
    if case.state not in kind.actions[rule.action].from_states:  # answered on the spot, say: nothing to route
        return out
    top = units[0]
    model = selectors.active_model(case.kind)
    note = _("Routed automatically to %(unit)s: the suggestion's confidence %(confidence).2f is at least "
             "%(threshold).2f.") % {"unit": top["label"], "confidence": top["confidence"],
                                    "threshold": rule.auto_min_confidence}
    try:
        actions.route_case(actor=actor, case_id=case.pk, unit=top["value"], note=note,
                           automatic={"confidence": top["confidence"], "model": str(model) if model else ""})
    except ActionError as error:  # the registering person may not route, or the unit is gone
        log.info("case %s not routed automatically: %s", case.pk, error)
        out["problem"] = str(error.message)
        return out
    out.update(routed=top["value"], automatic=True)
    return out
