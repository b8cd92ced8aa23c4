"""Every read of cases goes through here, scoped by what the person may see.

A person sees a case when they own it, when one of their units is the case's receiving,
handling or complained-about unit or an ancestor of one, or when a role of theirs sees every
unit (marketing, head office service management)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tousu.domain.policy import ANY_MEMBER, OWNER, Policy
from tousu.org.models import Membership, Unit

from .errors import NotFound
from .models import Case

CASE_UNITS = ("receiving_unit", "handling_unit", "target_unit")


def memberships(user) -> list[Membership]:
    if user is None or not user.is_authenticated:
        return []
    return list(Membership.objects.filter(user=user).select_related("unit", "role"))


def covers(unit: Unit, case: Case) -> bool:
    """Whether `unit` is one of the case's units or an ancestor of one."""
    for name in CASE_UNITS:
        case_unit = getattr(case, name)
        if case_unit is not None and case_unit.path.startswith(unit.path):
            return True
    return False


def actor_roles(user, case: Case, policy: Policy) -> set[str]:
    """The role codes `user` may act with on `case` (empty: the case is not theirs to touch).
    OWNER is added for the owner and ANY_MEMBER for anyone whose unit covers the case."""
    roles: set[str] = set()
    if user is None:
        return roles
    if case.owner_id == user.pk:
        roles.add(OWNER)
    for m in memberships(user):
        if covers(m.unit, case):
            roles.update({m.role.code, ANY_MEMBER})
        elif policy.roles.get(m.role.code) and policy.roles[m.role.code].all_units:
            roles.add(m.role.code)
    return roles


def cases_visible_to(user) -> QuerySet[Case]:
    base = Case.objects.select_related("owner", "receiving_unit", "handling_unit", "target_unit")
    if user is None or not user.is_authenticated:
        return base.none()
    if user.is_superuser:
        return base
    mine = memberships(user)
    if any(m.role.sees_all_units for m in mine):
        return base
    scope = Q(owner=user)
    for m in mine:
        for name in CASE_UNITS:
            scope |= Q(**{f"{name}__path__startswith": m.unit.path})
    return base.filter(scope)


def access_case(user, case_id: int, *, write: bool = False) -> Case:
    """The case if `user` may see it (NotFound otherwise: a stranger learns nothing).
    With write=True the row is locked for the caller's transaction."""
    qs = cases_visible_to(user)
    if write:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=case_id)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def may_see_personal_data(user, policy: Policy) -> bool:
    return bool(user and user.is_superuser) or any(
        m.role.sees_personal_data for m in memberships(user))


def mask_phone(phone: str) -> str:
    if len(phone) <= 4:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:] if len(phone) > 7 else "*" * (len(phone) - 4) + phone[-4:]


def mask_name(name: str) -> str:
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""
