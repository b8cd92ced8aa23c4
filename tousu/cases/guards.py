"""The conditions an action may require (`requires = [...]` in a preset), written once.

Each guard reads the case (and, for some, the actor) and answers whether it holds. The preset
names the guard, gives its parameters and may give the message shown when it does not hold;
otherwise the guard's own message is used."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tousu.domain.policy import GuardSpec, Kind
from tousu.org.models import Membership

from .wording import localized


def _field(case, name: str):
    if name.startswith("data."):
        return (case.data or {}).get(name.removeprefix("data."))
    if hasattr(case, f"{name}_id"):  # a person or unit: its id, without reading the row
        return getattr(case, f"{name}_id")
    return getattr(case, name, None)


def _approvals(case, chain: str):
    from .models import CaseApproval

    return CaseApproval.objects.filter(case=case, chain=chain)


def _latest_round(case, chain: str):
    latest = _approvals(case, chain).order_by("-round").values_list("round", flat=True).first()
    return _approvals(case, chain).filter(round=latest) if latest else _approvals(case, chain).none()


def _granted(case, chain: str) -> bool:
    from .models import CaseApproval

    steps = list(_latest_round(case, chain).values_list("state", flat=True))
    return bool(steps) and all(state == CaseApproval.GRANTED for state in steps)


def _pending(case, chain: str) -> bool:
    from .models import CaseApproval

    return _latest_round(case, chain).filter(state__in=[CaseApproval.PENDING, CaseApproval.WAITING]).exists()


def _served(case, role: str) -> bool:
    parties = case.parties.filter(role=role)
    return parties.exists() and not parties.filter(served_at__isnull=True).exists()


def _actor_in_unit(case, ctx, unit: str) -> bool:
    target = getattr(case, f"{unit}_unit", None)
    if ctx.actor is None or target is None:
        return False
    roles = ctx.kind.allowed_roles(ctx.action, ctx.policy)
    return Membership.objects.filter(user=ctx.actor, unit=target, role__code__in=roles).exists()


def _document_served(case, document: str, roles) -> bool:
    from .service import all_served

    return all_served(case, document, tuple(roles))


def _no_contact_details(case) -> bool:
    """The complainant left no phone, email or address: a reply can only be written where they
    wrote (第九条: 客户留有联系方式的，必须回复客户)."""
    return not any((getattr(case, name, "") or "").strip()
                   for name in ("complainant_phone", "complainant_email", "complainant_address"))


def _clock_open(case, name: str) -> bool:
    """A clock of that name (or one of its per-party instances) is running or paused: the
    matter it times is still waiting (a customer's re-review request not yet answered)."""
    from django.db.models import Q

    from .clocks import OPEN

    return case.clocks.filter(Q(name=name) | Q(name__startswith=f"{name}#"), state__in=OPEN).exists()


def _level_rank(kind: Kind, value) -> int:
    values = kind.level_values()
    return values.index(value) if value in values else -1


CHECKS = {
    "field_set": lambda case, g, ctx: _field(case, g.param("field")) not in (None, "", False),
    "field_empty": lambda case, g, ctx: _field(case, g.param("field")) in (None, ""),
    "field_in": lambda case, g, ctx: _field(case, g.param("field")) in tuple(g.param("values")),
    "plan_agreed": lambda case, g, ctx: not case.transfer_plan or case.plan_agreed_by_id is not None,
    "approval_granted": lambda case, g, ctx: _granted(case, g.param("chain")),
    "approval_pending": lambda case, g, ctx: _pending(case, g.param("chain")),
    "no_approval_pending": lambda case, g, ctx: not _pending(case, g.param("chain")),
    "step_may_send_back": lambda case, g, ctx: _latest_round(case, g.param("chain")).filter(
        state="pending", send_back=True).exists(),
    "parties_served": lambda case, g, ctx: _served(case, g.param("role")),
    "has_party": lambda case, g, ctx: case.parties.filter(role=g.param("role")).exists(),
    "document_served": lambda case, g, ctx: _document_served(case, g.param("document"), g.param("roles")),
    "actor_in_unit": lambda case, g, ctx: _actor_in_unit(case, ctx, g.param("unit")),
    "level_at_least": lambda case, g, ctx: _level_rank(ctx.kind, case.severity) >= _level_rank(
        ctx.kind, g.param("level")),
    "no_contact_details": lambda case, g, ctx: _no_contact_details(case),
    "input_given": lambda case, g, ctx: (getattr(ctx, "values", None) or {}).get(g.param("input")) not in (
        None, "", [], ()),
    "clock_not_running": lambda case, g, ctx: not _clock_open(case, g.param("clock")),
    "actor_is": lambda case, g, ctx: ctx.actor is not None and _field(case, g.param("field")) is not None
    and _field(case, g.param("field")) == getattr(ctx.actor, "pk", None),
}

MESSAGES = {
    "field_set": _("This case is not ready for this step yet."),
    "field_empty": _("This step has already been taken."),
    "field_in": _("This case is not ready for this step yet."),
    "plan_agreed": _("The head of the unit complained about has not agreed the plan yet."),
    "approval_granted": _("The approval has not been granted yet."),
    "approval_pending": _("No approval is waiting for a decision."),
    "no_approval_pending": _("An approval is still waiting for a decision."),
    "step_may_send_back": _("This step may not send the matter back."),
    "parties_served": _("Not every party has been served yet."),
    "has_party": _("The case names no such party yet."),
    "document_served": _("The document has not been served on every party yet."),
    "actor_in_unit": _("Only the unit concerned may take this step."),
    "level_at_least": _("The case's level is too low for this step."),
    "no_contact_details": _("The complainant left contact details: the reply must reach them directly."),
    "input_given": _("Fill in this field."),
    "actor_is": _("Only the person this step belongs to may take it."),
    "clock_not_running": _("A request on this case is still waiting for its answer."),
}


def message(guard: GuardSpec, case) -> str:
    """The preset's message (which may name the case's units as %(unit)s, %(target)s and
    %(receiving)s), or the guard's own."""
    if not guard.message:
        return str(MESSAGES[guard.name])
    units = {"unit": case.handling_unit, "target": case.target_unit, "receiving": case.receiving_unit}
    try:
        return localized(guard.message, guard.message_en) % {k: u.name if u else "" for k, u in units.items()}
    except (KeyError, ValueError, TypeError):
        return localized(guard.message, guard.message_en)


def needs_values(guard: GuardSpec) -> bool:
    """Whether the guard reads the action's answers: it is looked at once they are read."""
    return bool(guard.when_input) or guard.name == "input_given"


def applies(guard: GuardSpec, values: dict | None) -> bool:
    """A guard with `when_input` holds only for those answers: it is looked at once the inputs
    are read (`values`), never before."""
    if not guard.when_input:
        return True
    return values is not None and all(values.get(name) in answers for name, answers in guard.when_input)


def unmet(case, requires: tuple[GuardSpec, ...], ctx, values: dict | None = None) -> list[str]:
    """Messages for the conditions in `requires` that the case does not meet. `ctx` gives the
    actor, action, kind and policy (what actor_in_unit and level_at_least look at); `values`, the
    action's parsed inputs, are given once read: then only guards that depend on them are looked at."""
    return [message(guard, case) for guard in requires
            if needs_values(guard) == (values is not None) and applies(guard, values)
            and not CHECKS[guard.name](case, guard, ctx)]
