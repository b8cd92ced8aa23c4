"""Turning the API's names (unit codes, usernames) into rows; an unknown name is a 422."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from tousu.cases.errors import InvalidInput
from tousu.org.models import Unit


def unit_by_code(code: str | None, field: str) -> Unit | None:
    if code is None:
        return None
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise InvalidInput(_("No unit has the code “%(code)s”.") % {"code": code}, field=field)
    return unit


def person(username: str | None, field: str, *, required: bool = True):
    """The active person with this username; None (for the action to refuse) when not found
    and `required` is False."""
    if username is None:
        return None
    found = get_user_model().objects.filter(username=username, is_active=True).first()
    if found is None and required:
        raise InvalidInput(_("No active person has the username “%(name)s”.") % {"name": username},
                           field=field)
    return found
