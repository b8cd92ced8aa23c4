"""An action's typed inputs, read from what a form, the API or the portal sent.

One parser for every way in: each value is checked against its `InputSpec` (text, long text,
money, date-time, choice, outcome, level, unit, person, party, files, yes/no) and a wrong one
is refused with a message naming the field, before anything is written."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _

from tousu.domain.policy import InputSpec, Kind
from tousu.domain.text import LONG_TEXT_MAX, is_storable
from tousu.org.models import Unit

from . import attachments as attachment_rules
from .errors import InvalidInput
from .wording import localized, outcome_label

BLANK = (None, "", [], ())
# A clock a little ahead of the server's is no lie: an event time this far ahead still passes.
EVENT_TIME_SLACK_SECONDS = 300


def event_time_in_future(moment, now=None) -> bool:
    """The time an event happened lies ahead of now (allowing a fast clock): refused at every
    intake, the portal's and the staff's alike."""
    from datetime import timedelta

    return moment is not None and moment > (now or timezone.now()) + timedelta(seconds=EVENT_TIME_SLACK_SECONDS)


def label(spec: InputSpec) -> str:
    return localized(spec.label, spec.label_en)


def choices(spec: InputSpec, kind: Kind) -> list[tuple[str, str]]:
    """(value, label) for a choice, outcome or level input."""
    if spec.type == "level":
        return [(str(value), text) for value, text in kind.levels]
    if spec.type == "outcome":
        return [(code, outcome_label(kind, code)) for code, _label in spec.choices]
    return list(spec.choices)


def max_length(spec: InputSpec) -> int:
    """How long a text input may be: the preset's max_length, else the longest free text."""
    return spec.max_length or LONG_TEXT_MAX


def within_limit(value: str, field: str, name: str, limit: int = LONG_TEXT_MAX) -> str:
    if len(value) > limit:
        raise InvalidInput(_("%(field)s is longer than %(n)d characters.") % {"field": name, "n": limit},
                           field=field)
    return value


def required_text(value, field: str, name: str) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else value
    if not value:
        raise InvalidInput(_("%(field)s is required.") % {"field": name}, field=field)
    return value


def aware(value, field: str, name: str, tz):
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            value = None
    if not isinstance(value, datetime):
        raise InvalidInput(_("%(field)s must be a date and time.") % {"field": name}, field=field)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, tz)
    return value


def money(value, field: str = "compensation") -> Decimal:
    """An amount in yuan, at most two decimals (fen), not negative."""
    try:
        amount = Decimal(str(value if value not in (None, "") else 0).strip())
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite():
        raise InvalidInput(_("Compensation must be a number."), field=field)
    if amount < 0:
        raise InvalidInput(_("Compensation cannot be negative."), field=field)
    _sign, digits, exponent = amount.as_tuple()
    trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    if amount and -(exponent + trailing_zeros) > 2:
        raise InvalidInput(_("Compensation is in yuan with at most two decimals (fen)."), field=field)
    return amount


def _one_of(value, options: list[tuple[str, str]], field: str, name: str) -> str:
    value = "" if value is None else str(value)
    if value not in dict(options):
        raise InvalidInput(_("%(field)s must be one of: %(choices)s.") % {
            "field": name, "choices": "、".join(text for _v, text in options)}, field=field)
    return value


def _unit(value, field: str):
    if isinstance(value, Unit):
        return value
    found = Unit.objects.filter(code=str(value)).first()
    if found is None:
        raise InvalidInput(_("Unknown unit: %(code)s.") % {"code": value}, field=field)
    return found


def _person(value, field: str):
    User = get_user_model()
    if isinstance(value, User):
        return value
    found = User.objects.filter(username=str(value), is_active=True).first()
    if found is None:
        raise InvalidInput(_("Unknown person: %(name)s.") % {"name": value}, field=field)
    return found


def _bool(value, field: str, name: str):
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("", "unknown", "none"):
        return None
    if text in ("true", "yes", "1", "on"):
        return True
    if text in ("false", "no", "0", "off"):
        return False
    raise InvalidInput(_("%(field)s must be yes, no or not known.") % {"field": name}, field=field)


def _date(value, field: str, name: str) -> date:
    """A day: a date, or text as 2027-02-10 (a date-time's day is its own)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise InvalidInput(_("%(field)s must be a date (YYYY-MM-DD).") % {"field": name}, field=field) from None


def _in_time(spec: InputSpec, value, *, case, tz) -> None:
    """`past`: not after today; `not_before`: not before the case's time (its day, for a date)."""
    name, field = label(spec), spec.name
    is_day = isinstance(value, date) and not isinstance(value, datetime)
    now = timezone.now()
    if spec.past and (value > timezone.localtime(now, tz).date() if is_day else value > now):
        raise InvalidInput(_("%(field)s cannot lie in the future.") % {"field": name}, field=field)
    if spec.not_before and case is not None:
        limit = getattr(case, spec.not_before, None)
        if limit is None:
            return
        limit_local = timezone.localtime(limit, tz)
        early = value < limit_local.date() if is_day else value < limit
        if early:
            raise InvalidInput(_("%(field)s cannot be before %(limit)s (%(when)s).") % {
                "field": name, "limit": case._meta.get_field(spec.not_before).verbose_name,
                "when": limit_local.strftime("%Y-%m-%d")}, field=field)


NUMBERING = re.compile(r"^\s*(?:[(（]?\d+[)）]?[.、．:：)）]?|[一二三四五六七八九十]+[、.．])\s*")


def _lines(value, spec: InputSpec) -> list[str]:
    """Entries one per line (or a list from the API), their own numbering (1、 1. （1）) taken off."""
    entries = value if isinstance(value, (list, tuple)) else str(value).splitlines()
    found = [NUMBERING.sub("", str(entry)).strip() for entry in entries]
    found = [entry for entry in found if entry]
    if spec.required and not found:
        raise InvalidInput(_("%(field)s is required.") % {"field": label(spec)}, field=spec.name)
    for entry in found:
        if not is_storable(entry) or (spec.max_length and len(entry) > spec.max_length):
            raise InvalidInput(_("%(field)s: an entry is too long or holds characters that cannot be "
                                 "stored.") % {"field": label(spec)}, field=spec.name)
    return found


def entries_of(spec: InputSpec, case) -> list:
    """The entries of the list a per_item input follows, as the case holds them now."""
    entries = (case.data or {}).get(spec.of.removeprefix("data."), []) if case is not None else []
    return list(entries) if isinstance(entries, list) else []


def _per_item(value, spec: InputSpec, *, kind: Kind, case) -> list[str]:
    """One value for each entry of the list (a list, or a table from entry number 1.. to value);
    a required input needs every one, a choice one of its choices."""
    entries = entries_of(spec, case)
    name = label(spec)
    if not entries:
        raise InvalidInput(_("%(field)s: there are no entries to give it for.") % {"field": name},
                           field=spec.name)
    if isinstance(value, dict):
        value = [value.get(str(n), value.get(n, "")) for n in range(1, len(entries) + 1)]
    if not isinstance(value, (list, tuple)):
        value = str(value).splitlines()
    if len(value) > len(entries):
        raise InvalidInput(_("%(field)s has more entries (%(given)d) than there are (%(n)d).") % {
            "field": name, "given": len(value), "n": len(entries)}, field=spec.name)
    found = []
    for number in range(1, len(entries) + 1):
        given = value[number - 1] if number <= len(value) else ""
        text = "" if given is None else str(given).strip()
        if not is_storable(text):
            raise InvalidInput(_("%(field)s holds characters that cannot be stored.") % {"field": name},
                               field=spec.name)
        if not text and spec.required:
            raise InvalidInput(_("%(field)s is missing for entry %(n)d.") % {"field": name, "n": number},
                               field=spec.name)
        if text and spec.choices and text not in dict(spec.choices):
            raise InvalidInput(_("%(field)s for entry %(n)d must be one of: %(choices)s.") % {
                "field": name, "n": number, "choices": "、".join(t for _v, t in spec.choices)},
                field=spec.name)
        found.append(text)
    return found


def parse(specs: tuple[InputSpec, ...], raw: dict, *, kind: Kind, case, tz) -> dict:
    """The inputs' values by name (None or "" where not given), each checked."""
    values = {}
    for spec in specs:
        values[spec.name] = _value(spec, raw.get(spec.name), kind=kind, case=case, tz=tz)
    return values


def _value(spec: InputSpec, value, *, kind: Kind, case, tz):
    name, field = label(spec), spec.name
    if isinstance(value, str) and not is_storable(value):
        raise InvalidInput(_("%(field)s holds characters that cannot be stored.") % {"field": name}, field=field)
    if value in BLANK and spec.type != "money":
        if spec.required:
            if spec.type == "files":
                raise InvalidInput(_("Choose at least one file."), field=field)
            raise InvalidInput(_("%(field)s is required.") % {"field": name}, field=field)
        return "" if spec.type in ("text", "longtext", "choice", "outcome", "url") else None
    if spec.type in ("text", "longtext"):
        text = required_text(value, field, name) if spec.required else str(value).strip()
        return within_limit(text, field, name, max_length(spec))
    if spec.type == "money":
        return money(value, field)
    if spec.type == "datetime":
        moment = aware(value, field, name, tz)
        if spec.future and moment is not None and moment <= timezone.now():
            raise InvalidInput(_("This time must be in the future."), field=field)
        if moment is not None:
            _in_time(spec, moment, case=case, tz=tz)
        return moment
    if spec.type == "date":
        day = _date(value, field, name)
        _in_time(spec, day, case=case, tz=tz)
        return day
    if spec.type == "lines":
        return _lines(value, spec)
    if spec.type == "per_item":
        return _per_item(value, spec, kind=kind, case=case)
    if spec.type in ("choice", "outcome"):
        return _one_of(value, choices(spec, kind), field, name)
    if spec.type == "level":
        return int(_one_of(value, choices(spec, kind), field, name))
    if spec.type == "unit":
        return _unit(value, field)
    if spec.type == "person":
        return _person(value, field)
    if spec.type == "bool":
        return _bool(value, field, name)
    if spec.type == "party":
        parties = case.parties.all() if case is not None else []
        for party in parties:
            if str(party.pk) == str(value) and (not spec.party_role or party.role == spec.party_role):
                return party
        raise InvalidInput(_("%(field)s: no such party in this case.") % {"field": name}, field=field)
    if spec.type == "files":
        return attachment_rules.check(value, field)
    if spec.type == "url":
        return web_address(value, field, name, max_length(spec))
    if spec.type == "count":
        return whole_number(value, field, name)
    raise InvalidInput(_("Unknown input type."), field=field)  # the preset loader refuses these


_URL = URLValidator(schemes=["http", "https"])


def web_address(value, field: str, name: str, limit: int = 2000) -> str:
    """A link to a page online: http or https with a host, as typed (trimmed)."""
    text = str(value).strip()
    try:
        _URL(text)
    except ValidationError:
        raise InvalidInput(_("%(field)s must be a web address starting with http:// or https://, "
                             "such as https://weibo.com/123456.") % {"field": name}, field=field) from None
    return within_limit(text, field, name, min(limit, 2000))


def whole_number(value, field: str, name: str) -> int:
    """A count (reads, reposts, comments): 0 or more."""
    if isinstance(value, bool):
        value = None
    try:
        number = int(str(value).strip().replace(",", "")) if not isinstance(value, int) else value
    except (TypeError, ValueError):
        number = -1
    if number < 0 or number > 2**53:
        raise InvalidInput(_("%(field)s must be a whole number, 0 or more.") % {"field": name}, field=field)
    return number
