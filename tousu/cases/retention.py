"""Personal data (个人信息): how long an ended case keeps it, anonymising, and what a complainant
may ask to see.

The kind's `retention_days` says how long; `due` finds the ended cases past it and `apply`
takes the kind's `anonymise` action on each as the system, so every anonymisation is an event
on the case's chain like any other action. The effects `anonymise` and `personal_data_export`
(domain/vocabulary.py) do the work inside an action's transaction.

Anonymising clears the personal data held in rows (the complainant's fields on the case, the
parties who are persons, the same values wherever they occur in the course of events), deletes
the case's attachment and document files and its outbox messages, and clears the salt of the
commitments the events hold instead of names (events.commitment): the chain still verifies,
and the commitments can no longer be linked to anyone. Free text staff wrote in events (notes,
replies, reasons) is the record of the handling and is kept."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max

from tousu.domain.policy import Policy
from tousu.notify.models import Notification

from .models import Attachment, Case, CaseDocument, CaseParty

ANONYMISE = "anonymise"  # the system's action on an ended case past its retention (like `clock`)
MASK = "***"
# The complainant's fields on the case, cleared when it is anonymised (none is ever recorded by an
# event: register records who handles the case, not who complained).
CASE_FIELDS = ("complainant_name", "complainant_phone", "complainant_email", "complainant_address")
# Free text written at intake and never by an action, searched for the values cleared.
TEXT_FIELDS = ("description",)
PARTY_FIELDS = ("name", "address", "phone", "email", "id_number")


@dataclass(frozen=True)
class Due:
    case_id: int
    number: str
    kind: str
    last_event_at: datetime


def due(policy: Policy, now: datetime) -> list[Due]:
    """Ended cases, not yet anonymised, whose last event is older than their kind's retention."""
    found = []
    for kind in policy.kinds.values():
        if not kind.retention_days or ANONYMISE not in kind.actions:
            continue
        cutoff = now - timedelta(days=kind.retention_days)
        rows = (Case.objects.filter(kind=kind.code, is_open=False, anonymised_at__isnull=True)
                .annotate(last=Max("events__at")).filter(last__lt=cutoff).order_by("pk")
                .values_list("pk", "number", "last"))
        found += [Due(pk, number, kind.code, last) for pk, number, last in rows]
    return found


def _values(case: Case, parties: list[CaseParty]) -> list[str]:
    """The personal values to look for in free text, longest first."""
    values = {getattr(case, name) for name in CASE_FIELDS}
    for party in parties:
        values |= {getattr(party, name) for name in PARTY_FIELDS}
    return sorted((v for v in values if v and len(v) >= 2 and v != MASK), key=len, reverse=True)


def _redacted(text: str, values: list[str]) -> str:
    if not text or not values:
        return text
    return re.sub("|".join(re.escape(v) for v in values), MASK, text)


def anonymise(step) -> None:
    """The `anonymise` effect: clear the case's personal data (see the module's docstring).
    The event records which fields were cleared, never their values."""
    case = step.case
    parties = list(CaseParty.objects.filter(case=case, kind=CaseParty.PERSON))
    values = _values(case, parties)
    for name in TEXT_FIELDS:
        setattr(case, name, _redacted(getattr(case, name), values))
    case.complainant_name = MASK
    for name in CASE_FIELDS[1:]:
        setattr(case, name, "")
    case.personal_salt = ""
    case.anonymised_at = step.now
    for party in parties:
        party.name = MASK
        for name in PARTY_FIELDS[1:]:
            setattr(party, name, "")
    CaseParty.objects.bulk_update(parties, list(PARTY_FIELDS))
    Notification.objects.filter(case=case).delete()
    files = []
    for model in (Attachment, CaseDocument):
        for item in model.objects.filter(case=case).exclude(file=""):
            files.append(item.file)
        model.objects.filter(case=case).update(file="")
    Attachment.objects.filter(case=case).update(original_name=MASK)
    transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files if f.name and f.storage.exists(f.name)])
    step.facts["anonymised"] = [*CASE_FIELDS, *TEXT_FIELDS]
    step.facts["parties_anonymised"] = len(parties)


def export(case: Case) -> dict:
    """What is held about the complainant and the case's other persons (a request to see it)."""
    parties = CaseParty.objects.filter(case=case, kind=CaseParty.PERSON).order_by("pk")
    return {
        "case": case.number,
        "received_at": case.received_at.isoformat(),
        "complainant": {"name": case.complainant_name, "phone": case.complainant_phone,
                        "email": case.complainant_email, "address": case.complainant_address},
        "course_of_events": case.description,
        "requested_resolution": case.requested_resolution,
        "reply": case.reply,
        "parties": [{"role": p.role, **{name: getattr(p, name) for name in PARTY_FIELDS}} for p in parties],
        "attachments": list(case.attachments.values_list("original_name", flat=True)),
        "events": [{"seq": e.seq, "action": e.action, "at": e.at.isoformat(), "note": e.note}
                   for e in case.events.order_by("seq")],
        "anonymised_at": case.anonymised_at.isoformat() if case.anonymised_at else None,
    }


def personal_data_export(step) -> None:
    """The `personal_data_export` effect: the export rides on the case the action returns;
    the event records that it was given, not what it held."""
    step.case.personal_export = export(step.case)
    step.facts["exported"] = sorted(k for k, v in step.case.personal_export.items() if v)
