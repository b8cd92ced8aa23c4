from django import template

from tousu.org.selectors import is_staff_member
from tousu.org.services import current_policy

from .. import selectors

register = template.Library()


@register.simple_tag
def may_sign_off(user) -> bool:
    return user.is_authenticated and selectors.may_sign_off(user, current_policy())


@register.simple_tag
def staff_member(user) -> bool:
    """A member of some unit: may open the reports and the quality pages."""
    return is_staff_member(user)


@register.simple_tag
def sees_every_unit(user) -> bool:
    return user.is_authenticated and selectors.sees_every_unit(user)
