from django import template

from tousu.org.services import current_policy

from .. import selectors

register = template.Library()


@register.simple_tag
def may_sign_off(user) -> bool:
    return user.is_authenticated and selectors.may_sign_off(user, current_policy())
