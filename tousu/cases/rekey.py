"""Keying the chains written before the chain key (`tousu verify-events --rekey`).

Such a chain was hashed with plain SHA-256, which anyone who can write the database can
recompute. Each one is first checked with that hash, link by link and against its case's head;
only a whole one is rewritten, with the keyed hash. Its events' party names are replaced by
commitments under a new salt for the case on the way (events.commitment), so retention can
anonymise old cases as it does new ones. A chain that is already keyed is left alone; a broken
one too (the check that follows names it). Cases are locked a batch at a time."""

from __future__ import annotations

import hmac

from django.db import transaction

from .chain import BATCH, EVENT_FIELDS
from .events import chain_key, commitment, event_hash, legacy_hash, new_salt
from .models import Case, CaseEvent, CaseParty


def _hash_of(case_id: int, event: tuple, prev: str, hasher, **extra) -> str:
    _case, seq, actor_id, at, action, old, new, note, _prev, _digest, party_id = event
    return hasher(case_id=case_id, seq=seq, actor_id=actor_id, at=at, action=action, old=old, new=new,
                  note=note, prev_hash=prev, actor_party_id=party_id, **extra)


def _whole(case: Case, events: list[tuple], hasher, **extra) -> bool:
    prev = ""
    for n, event in enumerate(events, start=1):
        if event[1] != n or event[8] != prev or not hmac.compare_digest(
                _hash_of(case.pk, event, prev, hasher, **extra), event[9]):
            return False
        prev = event[9]
    return len(events) == case.event_count and prev == case.last_event_hash


def _committed(case: Case, new: dict, key: bytes) -> dict:
    """`new` with the party names it holds in clear replaced by commitments."""
    if not isinstance(new, dict):
        return new
    new = dict(new)
    if isinstance(new.get("parties"), list):
        named = []
        for item in new["parties"]:
            if isinstance(item, dict) and "name" in item and "party" not in item:
                party = CaseParty.objects.filter(case=case, role=item.get("role", ""), name=item["name"]).first()
                organisation = party is not None and party.kind == CaseParty.ORGANISATION
                item = {"role": item.get("role", ""), "party": party.pk if party else None,
                        "name": item["name"] if organisation else commitment(case.personal_salt, item["name"], key)}
            named.append(item)
        new["parties"] = named
    if isinstance(new.get("served"), list):
        organisations = set(CaseParty.objects.filter(case=case, kind=CaseParty.ORGANISATION)
                            .values_list("name", flat=True))
        new["served"] = [name if name in organisations else commitment(case.personal_salt, name, key)
                         for name in new["served"]]
    return new


def rekey_case(case: Case, events: list[tuple], key: bytes) -> bool:
    """Rewrite one whole legacy chain with the keyed hash (the case is locked by the caller)."""
    if _whole(case, events, event_hash, key=key) or not _whole(case, events, legacy_hash):
        return False
    if not case.personal_salt and case.anonymised_at is None:
        case.personal_salt = new_salt()
    prev = ""
    rows = []
    for event in events:
        new = _committed(case, event[6], key)
        event = (*event[:6], new, *event[7:])
        digest = _hash_of(case.pk, event, prev, event_hash, key=key)
        rows.append(CaseEvent(case_id=case.pk, seq=event[1], new=new, prev_hash=prev, hash=digest))
        prev = digest
    ids = dict(CaseEvent.objects.filter(case=case).values_list("seq", "pk"))
    for row in rows:
        row.pk = ids[row.seq]
    CaseEvent.objects.bulk_update(rows, ["new", "prev_hash", "hash"])
    Case.objects.filter(pk=case.pk).update(last_event_hash=prev, personal_salt=case.personal_salt)
    return True


def rekey_all(*, batch: int = BATCH) -> tuple[int, int]:
    """(chains keyed, chains left alone)."""
    key = chain_key()
    keyed = skipped = 0
    last = 0
    while True:
        with transaction.atomic():
            cases = list(Case.objects.select_for_update().filter(pk__gt=last).order_by("pk")
                         .only("id", "event_count", "last_event_hash", "personal_salt", "anonymised_at")[:batch])
            if not cases:
                return keyed, skipped
            found: dict[int, list[tuple]] = {c.pk: [] for c in cases}
            for event in (CaseEvent.objects.filter(case_id__in=list(found)).order_by("case_id", "seq")
                          .values_list(*EVENT_FIELDS)):
                found[event[0]].append(event)
            for case in cases:
                if rekey_case(case, found[case.pk], key):
                    keyed += 1
                else:
                    skipped += 1
            last = cases[-1].pk
