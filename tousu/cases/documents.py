"""The documents a kind's policy renders (`[kinds.NAME.documents.DOC]`): a title and a body
whose `{placeholders}` are filled from the case, the action's inputs and the parties, written
as a .docx (python-docx) and kept with the case (`CaseDocument`).

Placeholders: `{number}`, `{subject}`, `{received_on}` (the day received), `{today}`, `{state}`,
any case column (`{reply}`, `{resolution}` ...), `{input.NAME}`, `{data.NAME}`,
`{parties.ROLE}` (the names of the parties of that role, joined), `{parties}` (one line per
party: its role, name and address; an agent with the party it acts for and its phone), `{items}`
(the document's `item` text written once for each entry of its `items` list, where `{n}` is
the entry's number, `{entry}` its text, `{data.NAME}` the entry's own value of a per-item list
and `{each.NAME}` each party's, one line per party), and for the copy served on one party
`{party.name}`, `{served_on}`, `{period.NAME}` (the last day of the kind's period) and
`{periods}` (every period with its basis and last day; without a party, how it is counted).
An unknown placeholder is left as it is, so a typing mistake shows on the page instead of
failing the action. Each rendering's SHA-256 goes into its event (effects._document)."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import date, datetime

from django.core.files.base import ContentFile
from django.utils import timezone
from docx import Document

from . import service
from .models import CaseDocument
from .wording import localized, outcome_label

FIELD = re.compile(r"\{([a-z_][a-z0-9_.]*)\}")


class _Values(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def _data_text(value, tz) -> str:
    """A fact as a document shows it: a time the case keeps as the day it fell on, locally."""
    if isinstance(value, str) and len(value) > 10 and value[4:5] == "-" and value[10:11] == "T":
        try:
            return day_text(timezone.localtime(datetime.fromisoformat(value), tz).date())
        except ValueError:
            pass
    if value is None:
        return ""
    return str(value)


def day_text(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _party_lines(kind, parties: list) -> str:
    names = {party.pk: party.name for party in parties}
    lines = []
    for party in parties:
        role = kind.parties.get(party.role)
        role_label = localized(role.label, role.label_en) if role else party.role
        if party.agent_of_id:
            line = f"{role_label}：{party.name}（{names.get(party.agent_of_id, '')}）"
            line += f"　联系方式：{party.phone}" if party.phone else ""
        else:
            line = f"{role_label}：{party.name}" + (f"　地址：{party.address}" if party.address else "")
        lines.append(line)
    return "\n".join(lines)


def _items(spec, values: dict, data: dict, parties: list) -> str:
    """The document's `item` text for each entry of its `items` list."""
    entries = data.get(spec.items.removeprefix("data."), []) if spec.items else []
    names = {str(party.pk): party.name for party in parties}
    blocks = []
    for number, entry in enumerate(entries if isinstance(entries, list) else [], start=1):
        own = _Values(values)
        own.update({"n": str(number), "entry": str(entry)})
        for name, value in data.items():
            if isinstance(value, list):
                own[f"data.{name}"] = str(value[number - 1]) if number <= len(value) else ""
            elif isinstance(value, dict):
                own[f"each.{name}"] = "\n".join(
                    f"{names.get(key, key)}：{given[number - 1]}" for key, given in value.items()
                    if isinstance(given, list) and number <= len(given) and given[number - 1])
        blocks.append(fill(spec.item, own))
    return "\n".join(blocks)


def _periods(step, party, data: dict) -> dict:
    """`{periods}` and `{period.NAME}`: for a party served the document, each period's last day."""
    found = {}
    served = None
    if party is not None:
        served = next((r for r in service.records(step.case, data) if r.party_id == party.pk
                       and any(p.served == r.document for p in step.kind.periods.values())), None)
    lines = []
    for spec in step.kind.periods.values():
        unit = "日" if spec.unit == "days" else "个月"
        basis = f"（{spec.basis}）" if spec.basis else ""
        label = localized(spec.label, spec.label_en)
        if served is not None and served.document == spec.served:
            due = service.periods_for(step.kind, served, step.calendar)
            end = next(d.end for d in due if d.period.name == spec.name)
            found[f"period.{spec.name}"] = day_text(end.last_day)
            lines.append(f"{label}：{spec.amount}{unit}{basis}，自{day_text(served.on)}送达之次日起算，"
                         f"至{day_text(end.last_day)}止")
        else:
            found[f"period.{spec.name}"] = ""
            lines.append(f"{label}：{spec.amount}{unit}{basis}，自送达之日起算")
    found["periods"] = "\n".join(lines)
    if served is not None:
        found["served_on"] = day_text(served.on)
    return found


def values_for(step, inputs: dict, party=None) -> dict:
    case, tz = step.case, step.tz
    found = _Values()
    for field in case._meta.concrete_fields:
        if not field.is_relation:
            value = step.pending.get(field.name, getattr(case, field.name))
            found[field.name] = "" if value is None else str(value)
    found["received_on"] = timezone.localtime(case.received_at, tz).strftime("%Y-%m-%d")
    found["today"] = timezone.localtime(step.now, tz).strftime("%Y-%m-%d")
    state = step.pending.get("state", case.state)
    spec = step.kind.states.get(state)
    found["state"] = localized(spec.label, spec.label_en) if spec else state
    action = step.kind.actions.get(step.action)
    for name, value in inputs.items():
        spec = action.input(name) if action is not None else None
        if spec is not None and spec.choices and isinstance(value, str):
            value = dict(spec.choices).get(value, value)  # a choice is written as its words
        found[f"input.{name}"] = "" if value in (None, ...) else str(value)
    for name, value in (step.pending.get("data", case.data) or {}).items():
        found[f"data.{name}"] = _data_text(value, tz)
        if isinstance(value, str) and value in step.kind.outcomes:
            found[f"data.{name}.label"] = outcome_label(step.kind, value)
    roles: dict[str, list[str]] = {}
    parties = list(case.parties.order_by("pk"))
    for one in parties:
        roles.setdefault(one.role, []).append(one.name)
    for role in step.kind.parties:
        found[f"parties.{role}"] = "、".join(roles.get(role, []))
    found["parties"] = _party_lines(step.kind, parties)
    data = step.pending.get("data", case.data) or {}
    found.update(_periods(step, party, data))
    if party is not None:
        found["party.name"] = party.name
    found["items"] = ""
    return found


def fill(text: str, values: dict) -> str:
    return FIELD.sub(lambda m: values[m.group(1)], text)


def render(step, name: str, inputs: dict, *, party=None) -> CaseDocument:
    """Write the kind's document `name` for the case as it is after this action (the copy for
    `party`, when given)."""
    spec = step.kind.documents[name]
    values = values_for(step, inputs, party)
    values["items"] = _items(spec, values, step.pending.get("data", step.case.data) or {},
                             list(step.case.parties.order_by("pk")))
    title = fill(spec.title, values)
    doc = Document()
    doc.add_heading(title, level=1)
    for paragraph in fill(spec.body, values).split("\n"):
        doc.add_paragraph(paragraph)
    out = io.BytesIO()
    doc.save(out)
    content = out.getvalue()
    listed = f"{title} · {party.name}" if party is not None else title  # the copy for a party says whose
    document = CaseDocument(case=step.case, name=name, title=listed[:200], rendered_at=step.now,
                            rendered_by=step.staff_actor, event_seq=step.case.event_count + 1)
    document.file.save(f"{name}.docx", ContentFile(content), save=False)
    document.save()
    document.sha256 = hashlib.sha256(content).hexdigest()
    return document

