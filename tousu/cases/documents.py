"""The documents a kind's policy renders (`[kinds.NAME.documents.DOC]`): a title and a body
whose `{placeholders}` are filled from the case, the action's inputs and the parties, written
as a .docx (python-docx) and kept with the case (`CaseDocument`).

Placeholders: `{number}`, `{subject}`, `{received_on}` (the day received), `{today}`, `{state}`,
any case column (`{reply}`, `{resolution}` ...), `{input.NAME}`, `{data.NAME}`, and
`{parties.ROLE}` (the names of the parties of that role, joined). An unknown placeholder is left
as it is, so a typing mistake shows on the page instead of failing the action."""

from __future__ import annotations

import io
import re

from django.core.files.base import ContentFile
from django.utils import timezone
from docx import Document

from .models import CaseDocument
from .wording import localized

FIELD = re.compile(r"\{([a-z_][a-z0-9_.]*)\}")


class _Values(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def values_for(step, inputs: dict) -> dict:
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
        found[f"data.{name}"] = str(value)
    roles: dict[str, list[str]] = {}
    for party in case.parties.all():
        roles.setdefault(party.role, []).append(party.name)
    for role in step.kind.parties:
        found[f"parties.{role}"] = "、".join(roles.get(role, []))
    return found


def fill(text: str, values: dict) -> str:
    return FIELD.sub(lambda m: values[m.group(1)], text)


def render(step, name: str, inputs: dict) -> CaseDocument:
    """Write the kind's document `name` for the case as it is after this action."""
    spec = step.kind.documents[name]
    values = values_for(step, inputs)
    title = fill(spec.title, values)
    doc = Document()
    doc.add_heading(title, level=1)
    for paragraph in fill(spec.body, values).split("\n"):
        doc.add_paragraph(paragraph)
    out = io.BytesIO()
    doc.save(out)
    document = CaseDocument(case=step.case, name=name, title=title[:200], rendered_at=step.now,
                            rendered_by=step.staff_actor, event_seq=step.case.event_count + 1)
    document.file.save(f"{name}.docx", ContentFile(out.getvalue()), save=False)
    document.save()
    return document

