"""One spreadsheet row read into what registering its case needs, or the reasons it cannot be.

Nothing here writes: a row is checked whole first (dates, text, category, channel), so a row
with a mistake is reported by its row and column and never half-written."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _

from tousu.domain.policy import Kind, Policy

from .mapping import CATEGORY_FIELDS, Mapping

DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
                "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日 %H:%M:%S",
                "%Y年%m月%d日 %H:%M", "%Y年%m月%d日", "%Y%m%d", "%m/%d/%Y", "%m/%d/%Y %H:%M")
SUBJECT_END = re.compile(r"[。！!？?，,；;\n]")


@dataclass(frozen=True)
class RowError:
    row: int  # the row's number in the file (the header is row 1)
    column: str  # the column's header, or the field when no column holds it
    message: str


@dataclass
class Prepared:
    """A row ready to register: the case's fields, its reply and when, and its key."""

    row: int
    key: str
    fields: dict
    reply: str = ""
    replied_at: datetime | None = None
    errors: list[RowError] = field(default_factory=list)


class RowReader:
    """Reads the rows of one file against one kind of case."""

    def __init__(self, *, headers: list[str], mapping: Mapping, policy: Policy, kind: Kind, tz,
                 now: datetime | None = None):
        self.headers, self.mapping, self.policy, self.kind, self.tz = headers, mapping, policy, kind, tz
        self.columns = mapping.resolve(headers)
        self.now = now or timezone.now()
        self.channels = _lookup(policy.channels)
        self.stages = _lookup(kind.stages)

    def column(self, name: str) -> str:
        """The header of the column holding `name`, or `name` itself when none does."""
        return self.headers[self.columns[name]] if name in self.columns else name

    def missing(self) -> list[str]:
        """What this file cannot be imported without: the fields it holds no column for."""
        needed = []
        if "description" not in self.columns and "subject" not in self.columns:
            needed.append("description")
        if "received_at" not in self.columns:
            needed.append("received_at")
        if "stage" in self.kind.deadline_facts() and "stage" not in self.columns | self.mapping.defaults.keys():
            needed.append("stage")
        return needed

    def _cell(self, values: list, name: str):
        if name in self.columns:
            position = self.columns[name]
            value = values[position] if position < len(values) else None
        else:
            value = self.mapping.defaults.get(name)
        if isinstance(value, str):
            value = value.strip()
        return None if value in ("", None) else value

    def read(self, number: int, values: list) -> Prepared:
        errors: list[RowError] = []

        def fail(name: str, message: str) -> None:
            errors.append(RowError(number, self.column(name), message))

        text = {name: _text(self._cell(values, name)) for name in (
            "subject", "description", "reply", "complainant_name", "complainant_phone",
            "complainant_address", "place")}
        description = text["description"] or text["subject"]
        if not description:
            fail("description", _("The complaint's text is empty."))
        subject = text["subject"] or _subject_of(description)
        received_at = self._moment(values, "received_at", fail, required=True)
        replied_at = self._moment(values, "replied_at", fail, required=False)
        if received_at and received_at > self.now:
            fail("received_at", _("This time lies in the future."))
        if replied_at and received_at and replied_at < received_at:
            fail("replied_at", _("The reply is dated before the complaint."))
        if replied_at and replied_at > self.now:
            fail("replied_at", _("This time lies in the future."))
        if text["reply"] and self.kind.import_reply and not replied_at and received_at:
            replied_at = received_at  # a reply without its own time: counted as given at once
        category = self._category(values, fail)
        channel = self._choice(values, "channel", self.channels, fail) or next(iter(self.policy.channels), "")
        stage = self._choice(values, "stage", self.stages, fail)
        content = [_text(v) for v in values]
        key_value = _text(self._cell(values, "key"))
        key = key_value[:100] if key_value else "sha256:" + hashlib.sha256(
            json.dumps(content, ensure_ascii=False).encode("utf-8")).hexdigest()[:64]
        fields = {
            "subject": subject[:200], "description": description, "received_at": received_at,
            "complainant_name": (text["complainant_name"] or _("Anonymous"))[:100],
            "complainant_phone": text["complainant_phone"][:40],
            "complainant_address": text["complainant_address"][:300], "place": text["place"][:200],
            "category": category, "channel": channel, "stage": stage}
        return Prepared(number, key, fields, reply=text["reply"], replied_at=replied_at if text["reply"] else None,
                        errors=errors)

    def _moment(self, values, name, fail, *, required: bool):
        raw = self._cell(values, name)
        if raw is None:
            if required:
                fail(name, _("The date is missing."))
            return None
        moment = parse_moment(raw)
        if moment is None:
            fail(name, _("Not a date and time: %(value)s.") % {"value": str(raw)[:40]})
            return None
        return timezone.make_aware(moment, self.tz) if timezone.is_naive(moment) else moment

    def _category(self, values, fail) -> str:
        """The deepest category the row names, each level checked under the one above it."""
        chosen, parent = "", None
        for name in CATEGORY_FIELDS:
            raw = _text(self._cell(values, name))
            if not raw:
                continue
            depth = CATEGORY_FIELDS.index(name) + 1
            found = [c for c in self.kind.categories.values()
                     if raw in (c.code, c.label)
                     and (c.parent == parent if parent is not None else c.depth == depth)]
            if not found:
                fail(name, _("Unknown category: %(value)s.") % {"value": raw[:50]})
                return ""
            chosen = parent = found[0].code
        return chosen

    def _choice(self, values, name, known: dict[str, str], fail) -> str:
        raw = _text(self._cell(values, name))
        if not raw:
            return ""
        if raw not in known:
            fail(name, _("Unknown value: %(value)s.") % {"value": raw[:50]})
            return ""
        return known[raw]


def _lookup(choices: dict[str, str]) -> dict[str, str]:
    """code or label -> code."""
    found = {label: code for code, label in choices.items()}
    found.update({code: code for code in choices})
    return found


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _subject_of(text: str) -> str:
    first = SUBJECT_END.split(text, maxsplit=1)[0]
    return (first or text)[:40]


def parse_moment(value) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0))
    text = " ".join(str(value).split())
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None
