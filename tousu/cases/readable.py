"""How deadlines, durations and amounts read to a person: in the organisation's zone, in words,
with their unit. One place, so the case page, the work lists and the registers agree."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _


def deadline_text(moment: datetime | None) -> str:
    """2026-12-01 17:30; a deadline that falls at midnight is the end of the day before
    (2026-12-01 24:00), not the start of the next day (2026-12-02 00:00)."""
    from tousu.org.services import org_timezone

    if moment is None:
        return ""
    local = timezone.localtime(moment, org_timezone())
    if (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0):
        return f"{(local - timedelta(days=1)):%Y-%m-%d} 24:00"
    return f"{local:%Y-%m-%d %H:%M}"


def duration_words(seconds: int) -> str:
    """5 小时 6 分; 2 天 3 小时; 不到 1 分: the two largest units that are not zero."""
    minutes = max(int(seconds), 0) // 60
    if minutes == 0:
        return _("under a minute")
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [text % {"n": n} for n, text in (
        (days, _("%(n)d d")), (hours, _("%(n)d h")), (mins, _("%(n)d min"))) if n]
    return " ".join(parts[:2])


def time_left(due: datetime | None, now: datetime) -> str:
    """剩余 5 小时 6 分 before the deadline; 已超时 2 天 3 小时 after it."""
    if due is None:
        return ""
    seconds = (due - now).total_seconds()
    if seconds > 0:
        return _("%(t)s left") % {"t": duration_words(seconds)}
    return _("overdue by %(t)s") % {"t": duration_words(-seconds)}


def yuan(amount) -> str:
    """200.00 元: an amount of money with its unit; nothing for no amount."""
    if amount in (None, ""):
        return ""
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
    except ArithmeticError:
        return str(amount)
    return _("%(amount)s yuan") % {"amount": f"{value:,}"}
