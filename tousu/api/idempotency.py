"""Create a case at most once per (person, Idempotency-Key).

The key's row is written in the same transaction as the case, under a unique constraint: a
crash leaves both or neither, and of two concurrent requests with one key, one makes the case
and the other gets it back. A key is remembered for TOUSU_IDEMPOTENCY_HOURS: after that it is
forgotten when it is used again, or by the worker's purge, and the same key makes a new case."""

from __future__ import annotations

import hashlib
import json

from django.db import IntegrityError
from django.utils.translation import gettext as _

from tousu.cases import actions
from tousu.cases.errors import InvalidInput
from tousu.cases.models import Case
from tousu.cases.selectors import access_case

from .lookups import unit_by_code
from .models import IdempotencyKey, idempotency_cutoff
from .schemas import CaseIn


def fingerprint(payload: CaseIn) -> str:
    body = json.dumps(payload.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def purge_expired() -> int:
    """Forget the keys older than TOUSU_IDEMPOTENCY_HOURS (the worker calls this each round; the
    index on created_at keeps it cheap). Returns how many were forgotten."""
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=idempotency_cutoff()).delete()
    return deleted


def _earlier(user, key: str, digest: str) -> Case | None:
    row = IdempotencyKey.objects.filter(user=user, key=key).first()
    if row is None:
        return None
    if row.created_at < idempotency_cutoff():  # expired: forget it, the key makes a new case
        IdempotencyKey.objects.filter(pk=row.pk, created_at=row.created_at).delete()
        return None
    if row.request_hash != digest:
        raise InvalidInput(_("This Idempotency-Key was already used for a different request. "
                             "Use a new key for a new complaint."), field="Idempotency-Key")
    return access_case(user, row.case_id)


def register_once(*, user, key: str, payload: CaseIn) -> tuple[Case, bool]:
    """(the case, whether it was made by an earlier request with this key)."""
    digest = fingerprint(payload)
    earlier = _earlier(user, key, digest)
    if earlier is not None:
        return earlier, True
    fields = payload.dict(exclude={"unit", "target_unit"})

    def record_key(case: Case) -> None:
        IdempotencyKey.objects.create(user=user, key=key, request_hash=digest, case=case)

    try:
        case = actions.register_case(
            actor=user, unit=unit_by_code(payload.unit, "unit"),
            target_unit=unit_by_code(payload.target_unit, "target_unit"), in_transaction=record_key, **fields)
    except IntegrityError:
        earlier = _earlier(user, key, digest)  # a concurrent request with this key won
        if earlier is None:
            raise
        return earlier, True
    return case, False
