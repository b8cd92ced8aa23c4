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


@register.simple_tag
def registers(user) -> list[tuple[str, str]]:
    """(kind code, label) of the kinds that keep a register with monthly figures (their preset
    lists `[[kinds.X.monthly]]`), for a member of staff."""
    from tousu.cases.wording import localized

    if not is_staff_member(user):
        return []
    return [(code, localized(kind.label, kind.label_en)) for code, kind in current_policy().kinds.items()
            if kind.monthly]


@register.filter
def last_day(moment):
    """The last day a deadline allows: a deadline at 24:00 (stored as 00:00 of the next day) is
    that day's; shown in the organisation's zone."""
    from datetime import timedelta

    from django.utils import timezone

    from tousu.org.services import org_timezone

    if moment is None:
        return ""
    return timezone.localtime(moment - timedelta(microseconds=1), org_timezone()).strftime("%Y-%m-%d")
