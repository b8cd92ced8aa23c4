"""The case's append-only event chain: each event holds the hash of the one before it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from django.db.models import Model

from tousu.notify.hooks import case_event_recorded

from .models import Case, CaseEvent


def plain(value):
    """A JSON-safe form of a field value, as stored in an event."""
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def event_hash(*, case_id: int, seq: int, actor_id: int | None, at: datetime, action: str,
               old: dict, new: dict, note: str, prev_hash: str, actor_party_id: int | None = None) -> str:
    # The time in UTC, as the database gives it back: an action timed in local time must
    # verify later. A party who acted (the complainant on the portal) is hashed only when there
    # is one, so every chain written before parties could act still verifies.
    fields = [case_id, seq, actor_id, at.astimezone(UTC).isoformat(), action, old, new, note, prev_hash]
    if actor_party_id is not None:
        fields.append(["party", actor_party_id])
    body = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def append_event(case: Case, *, actor, action: str, at: datetime, old: dict, new: dict,
                 note: str = "", actor_party=None) -> CaseEvent:
    """Append an event and advance the case's head (the caller saves the case). `actor_party`
    is the party who acted instead of a member of staff (then `actor` is None)."""
    seq = case.event_count + 1
    actor_id = actor.pk if actor is not None else None
    party_id = actor_party.pk if actor_party is not None else None
    digest = event_hash(case_id=case.pk, seq=seq, actor_id=actor_id, at=at, action=action,
                        old=old, new=new, note=note, prev_hash=case.last_event_hash,
                        actor_party_id=party_id)
    event = CaseEvent.objects.create(case=case, seq=seq, actor_id=actor_id, at=at, action=action,
                                     old=old, new=new, note=note, prev_hash=case.last_event_hash,
                                     hash=digest, actor_party_id=party_id)
    case.event_count = seq
    case.last_event_hash = digest
    case_event_recorded(case, event)  # listeners queue outbox rows (webhooks) in this transaction
    return event


@dataclass(frozen=True)
class BrokenLink:
    case_number: str
    seq: int
    problem: str

    def __str__(self) -> str:
        return f"{self.case_number} event {self.seq}: {self.problem}"


def verify_case(case: Case) -> BrokenLink | None:
    """The first broken link of one case's chain, or None when it is whole."""
    prev = ""
    expected_seq = 1
    for event in case.events.order_by("seq").iterator():
        if event.seq != expected_seq:
            return BrokenLink(case.number, expected_seq, "missing (deleted?)")
        if event.prev_hash != prev:
            return BrokenLink(case.number, event.seq, "does not follow the event before it")
        digest = event_hash(case_id=case.pk, seq=event.seq, actor_id=event.actor_id, at=event.at,
                            action=event.action, old=event.old, new=event.new, note=event.note,
                            prev_hash=event.prev_hash, actor_party_id=event.actor_party_id)
        if digest != event.hash:
            return BrokenLink(case.number, event.seq, "content changed after it was written")
        prev = event.hash
        expected_seq += 1
    if expected_seq - 1 != case.event_count or prev != case.last_event_hash:
        return BrokenLink(case.number, expected_seq, "missing at the end (deleted?)")
    return None


def verify_all(cases=None):
    """Yield the first broken link of every case whose chain is broken."""
    for case in (cases if cases is not None else Case.objects.order_by("pk")).iterator():
        broken = verify_case(case)
        if broken:
            yield broken
