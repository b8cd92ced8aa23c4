"""Reads of membership: who belongs to which unit with which role."""

from __future__ import annotations

from .models import Membership
from .services import request_memo


def memberships(user) -> list[Membership]:
    """The person's memberships with unit and role; read once per web request."""
    if user is None or not user.is_authenticated:
        return []
    memo, key = request_memo(), ("memberships", user.pk)
    if memo is not None and key in memo:
        return list(memo[key])
    found = list(Membership.objects.filter(user=user).select_related("unit", "role"))
    if memo is not None:
        memo[key] = found
    return list(found)


def is_staff_member(user) -> bool:
    """Logged in and a member of some unit (or a superuser): the organisation's own people,
    never a complainant."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or bool(memberships(user))


def sees_every_unit(user) -> bool:
    """The person sees the whole organisation: a superuser, or a member holding a role the
    policy lets see every unit (`all_units`). The one definition the all-units pages, reports
    and lists use."""
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or any(m.role.sees_all_units for m in memberships(user))
