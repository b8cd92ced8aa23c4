"""A case as the API shows it to one person: personal data masked unless their roles may see it."""

from __future__ import annotations

from datetime import UTC, datetime

from tousu.cases.models import Case
from tousu.cases.selectors import mask_name, mask_phone, may_see_personal_data, party_masked
from tousu.org.services import current_policy


def sees_personal_data(user) -> bool:
    return may_see_personal_data(user, current_policy())


def _username(user) -> str | None:
    return user.get_username() if user is not None else None


def mask_email(email: str) -> str:
    local, _at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if email else ""


def _in_utc(fields: dict) -> dict:
    """Every time in UTC, whether it came from the database or from the action just taken."""
    return {k: v.astimezone(UTC) if isinstance(v, datetime) else v for k, v in fields.items()}


def summary(case: Case, *, personal: bool) -> dict:
    return _in_utc({
        "id": case.pk, "number": case.number, "kind": case.kind, "state": case.state,
        "channel": case.channel, "stage": case.stage, "category": case.category,
        "severity": case.severity, "subject": case.subject, "received_at": case.received_at,
        "receiving_unit": case.receiving_unit.code, "handling_unit": case.handling_unit.code,
        "target_unit": case.target_unit.code if case.target_unit_id else None,
        "level": case.level, "owner": _username(case.owner),
        "complainant_name": case.complainant_name if personal else mask_name(case.complainant_name),
        "personal_data_masked": not personal, "provisional_deadline": case.provisional_deadline,
        "version": case.version, "updated_at": case.updated_at,
    })


def detail(case: Case, *, personal: bool) -> dict:
    out = summary(case, personal=personal)
    plain_fields = (
        "description", "occurred_at", "place", "people_involved", "requested_resolution",
        "requested_by", "promised_reply_at", "transfer_plan", "at_fault", "resolution", "reply",
        "replied_at", "callback_result", "callback_at", "signed_off_at", "closed_at", "reason",
        "reopen_count")
    out.update(_in_utc({name: getattr(case, name) for name in plain_fields}))
    out.update({
        "complainant_phone": case.complainant_phone if personal else mask_phone(case.complainant_phone),
        "complainant_email": case.complainant_email if personal else mask_email(case.complainant_email),
        "complainant_address": case.complainant_address if personal or not case.complainant_address
        else "***",
        "received_by": _username(case.received_by),
        "responsible_employee": _username(case.responsible_employee),
        "plan_agreed_by": _username(case.plan_agreed_by),
        "signed_off_by": _username(case.signed_off_by),
        "compensation": str(case.compensation),
        "is_open": case.is_open,
        "parties": [_party(p, current_policy().kind(case.kind), personal) for p in _parties(case)],
        "approvals": [{"chain": a.chain, "round": a.round, "position": a.position, "label": a.label,
                       "state": a.state, "decided_by": _username(a.decided_by), "decided_at": a.decided_at}
                      for a in _approvals(case)],
        "clocks": [{name: getattr(clock, name) for name in CLOCK_FIELDS} for clock in _clocks(case)],
        "events": [
            {"seq": e.seq, "at": e.at, "action": e.action, "actor": _username(e.actor),
             "actor_party": e.actor_party_id, "old": e.old, "new": e.new, "note": e.note}
            for e in _events(case)],
    })
    return out


def _party(party, kind, personal: bool) -> dict:
    """A party as the reader may see it: a person's name, phone and address, and the
    complainant's whatever it is, are masked for those who may not see personal data (a
    company complained about is public)."""
    masked = party_masked(party, kind, personal)
    return {"id": party.pk, "role": party.role, "kind": party.kind,
            "name": mask_name(party.name) if masked else party.name,
            "address": "***" if masked and party.address else party.address,
            "phone": mask_phone(party.phone) if masked else party.phone,
            "product": party.product, "served_at": party.served_at}


CLOCK_FIELDS = ("name", "label", "state", "started_at", "due_at", "warn_at", "provisional",
                "warned_at", "breached_at")


def _written(case: Case, name: str) -> list | None:
    """What register_case has just written, when `case` is its answer; else None."""
    return getattr(case, "written_at_intake", {}).get(name)


def _parties(case: Case) -> list:
    found = _written(case, "parties")
    return list(case.parties.order_by("pk")) if found is None else found


def _approvals(case: Case) -> list:
    found = _written(case, "approvals")
    if found is None:
        return list(case.approvals.select_related("decided_by").order_by("chain", "round", "position"))
    return found


def _clocks(case: Case) -> list:
    found = _written(case, "clocks")
    if found is None:
        return list(case.clocks.order_by("started_at", "pk"))
    return sorted(found, key=lambda clock: (clock.started_at, clock.pk))


def _events(case: Case) -> list:
    found = _written(case, "events")
    if found is None:
        return list(case.events.select_related("actor").order_by("seq"))
    return sorted(found, key=lambda event: event.seq)
