"""The case's append-only event chain: each event holds the keyed hash of the one before it.

An event's hash is HMAC-SHA256 over its content and the hash before it, with a key kept outside
the database (`chain_key`): whoever can write the database but not read the key cannot rewrite
an event and recompute the hashes after it. Personal data never enters an event in clear: the
event holds a keyed commitment to it (`commitment`), the value lives only in the case's and
its parties' rows, and anonymising the case (tousu/cases/retention.py) clears both the values
and the case's salt, so the chain still verifies and the commitments reveal nothing.
Verification lives in `chain.py`."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model

from tousu.notify.hooks import case_event_recorded

from .models import Case, CaseEvent

NO_KEY = ("No event chain key: set TOUSU_CHAIN_KEY or TOUSU_CHAIN_KEY_FILE (a long random secret kept "
          "outside the database), or put one in %s.")


def plain(value):
    """A JSON-safe form of a field value, as stored in an event."""
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def chain_key() -> bytes:
    """The chain's key: the setting, else the data folder's `chain_key` file."""
    key = settings.TOUSU_CHAIN_KEY
    if not key:
        path = Path(settings.TOUSU_CHAIN_KEY_PATH)
        key = path.read_text().strip() if path.is_file() else ""
    if not key:
        raise ImproperlyConfigured(NO_KEY % settings.TOUSU_CHAIN_KEY_PATH)
    return key.encode("utf-8")


def write_key_file(path: Path) -> bool:
    """Write a new random key to `path` (readable by its owner only) unless one is there; True
    when it wrote one. The demo makes its chain key and its secret key so on its first run."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(secrets.token_urlsafe(48) + "\n")
    return True


def key_id(key: bytes) -> str:
    """A short fingerprint of the key, written into anchor files: a check run with another key
    says so instead of calling every chain broken."""
    return hmac.new(key, b"tousu-chain-key-id", hashlib.sha256).hexdigest()[:16]


def _body(case_id, seq, actor_id, at, action, old, new, note, prev_hash, actor_party_id) -> bytes:
    # The time in UTC, as the database gives it back: an action timed in local time must
    # verify later. A party who acted (the complainant on the portal) is hashed only when there
    # is one, so every chain written before parties could act still verifies.
    # `at` may come as that text already (chain.utc_text, when many chains are checked).
    when = at if isinstance(at, str) else at.astimezone(UTC).isoformat()
    fields = [case_id, seq, actor_id, when, action, old, new, note, prev_hash]
    if actor_party_id is not None:
        fields.append(["party", actor_party_id])
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def event_hash(*, case_id: int, seq: int, actor_id: int | None, at: datetime, action: str,
               old: dict, new: dict, note: str, prev_hash: str, actor_party_id: int | None = None,
               key: bytes | None = None) -> str:
    """The event's keyed hash (HMAC-SHA256 with the chain key)."""
    body = _body(case_id, seq, actor_id, at, action, old, new, note, prev_hash, actor_party_id)
    return hmac.digest(key or chain_key(), body, "sha256").hex()


def legacy_hash(*, case_id: int, seq: int, actor_id: int | None, at: datetime, action: str,
                old: dict, new: dict, note: str, prev_hash: str, actor_party_id: int | None = None) -> str:
    """The unkeyed SHA-256 of chains written before the key (`tousu verify-events --rekey`
    checks them with it once, then keys them)."""
    body = _body(case_id, seq, actor_id, at, action, old, new, note, prev_hash, actor_party_id)
    return hashlib.sha256(body).hexdigest()


def new_salt() -> str:
    return secrets.token_hex(16)


def commitment(salt: str, value, key: bytes | None = None) -> str:
    """What an event holds for a piece of personal data: HMAC of the value under a key derived
    from the chain key and the case's salt. Without the salt (an anonymised case) nobody can
    link it to a value; without the chain key nobody can test guesses even with the salt."""
    if not salt:
        return ""
    personal_key = hmac.new(key or chain_key(), f"personal:{salt}".encode(), hashlib.sha256).digest()
    digest = hmac.new(personal_key, str(value or "").strip().encode("utf-8"), hashlib.sha256).hexdigest()
    return "hmac:" + digest[:32]


def party_name(case: Case, party) -> str:
    """A party's name as an event holds it: a person's as a commitment; an organisation's
    (a company complained about) is not personal information and stays readable."""
    if party.kind == "organisation":
        return party.name
    return commitment(case.personal_salt, party.name)


def party_fact(case: Case, party) -> dict:
    """How an event names a party: its role, its row and its name as `party_name` gives it."""
    return {"role": party.role, "party": party.pk, "name": party_name(case, party)}


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


# Verification lives in chain.py (which imports this module); these stay for their callers.
def verify_case(case: Case):
    from .chain import verify_case as check

    return check(case)


def verify_all(cases=None):
    from .chain import verify_all as check

    return check(cases)
