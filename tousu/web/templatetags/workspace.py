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


@register.filter
def deadline(moment) -> str:
    """A deadline as a clerk reads it, in the organisation's zone: one that falls at midnight is
    the end of the day before (2026-12-01 24:00), not the start of the next (2026-12-02 00:00)."""
    from tousu.cases.readable import deadline_text

    return deadline_text(moment)


@register.simple_tag
def time_left(due, now) -> str:
    """剩余 5 小时 6 分 / 已超时 2 天 3 小时: the two largest units, in words."""
    from tousu.cases.readable import time_left as words

    return words(due, now)


@register.filter
def yuan(amount) -> str:
    """An amount of money with its unit: 200.00 元."""
    from tousu.cases.readable import yuan as words

    return words(amount)


FOLD_AFTER = 160  # characters: a longer text shows its start and opens on a click (no script)


@register.simple_tag
def folded(text) -> str:
    """A long text folded into <details>: its first line as the summary, the whole when opened."""
    from django.utils.html import format_html
    from django.utils.text import Truncator
    from django.utils.translation import gettext as _

    text = "" if text is None else str(text)
    if len(text) <= FOLD_AFTER:
        return text
    return format_html('<details class="folded"><summary>{} <span class="muted">{}</span></summary>'
                       '<div class="folded-text">{}</div></details>',
                       Truncator(text).chars(80), _("(show all)"), text)


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template (a figure by its code)."""
    return (mapping or {}).get(key)


@register.simple_tag
def has_overview(user) -> bool:
    """Heads and those who see every unit have the manager's overview."""
    from ..overview import home_is_overview

    return user.is_authenticated and home_is_overview(user, current_policy())
