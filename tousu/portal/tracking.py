"""Finding a case from the portal: the tracking code plus the last four digits of the phone.

This is the portal's only read of cases, and it is scoped by those two secrets instead of by a
user: a wrong code and a wrong phone take the same path (one indexed query, one constant-time
comparison) and give the same answer, so nobody learns whether a number or a code exists.
Lookups are limited per client and per tracking code (limits.py)."""

from __future__ import annotations

import hmac
import re

from tousu.cases import tracking_codes
from tousu.cases.models import Case
from tousu.cases.wording import localized

SESSION_KEY = "portal_case"
SESSION_SECONDS = 30 * 60
_DUMMY_PHONE = "\x00\x00\x00\x00"  # never equals four digits

def public_label(kind, state: str) -> str:
    """What the complainant reads for a state: the preset's `public` words (the staff's label
    when it gives none)."""
    spec = kind.states.get(state)
    if spec is None:
        return state
    return localized(spec.public or spec.label, spec.public_en or spec.label_en)


def complainant_party(case):
    """The case's party of its kind's complainant role (None when the kind names none)."""
    from tousu.org.services import current_policy

    role = current_policy().kind(case.kind).complainant_role()
    return case.parties.filter(role=role.code).order_by("pk").first() if role else None


def normal_code(tracking_code: str) -> str:
    """A tracking code as it is looked up: as read aloud or typed (case, spaces, hyphens and
    look-alike letters forgiven; `cases/tracking_codes.py`)."""
    return tracking_codes.normal(tracking_code)


def last_four(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    return digits[-4:] if len(digits) >= 4 else _DUMMY_PHONE


def find_case(tracking_code: str, phone_last4: str) -> int | None:
    """The id of the case with this code whose phone ends in these digits, else None."""
    row = (Case.objects.filter(tracking_code=normal_code(tracking_code))
           .values_list("pk", "complainant_phone").first())
    pk, phone = row if row else (None, "")
    matches = hmac.compare_digest(last_four(phone).encode(), phone_last4.encode())
    return pk if (row and matches) else None


def remember(request, case_id: int) -> None:
    request.session.cycle_key()  # a fresh session id once it holds a case
    request.session[SESSION_KEY] = case_id
    request.session.set_expiry(SESSION_SECONDS)


def forget(request) -> None:
    request.session.pop(SESSION_KEY, None)


def remembered_case(request) -> Case | None:
    case_id = request.session.get(SESSION_KEY)
    if case_id is None:
        return None
    case = Case.objects.select_related("owner", "handling_unit", "receiving_unit", "target_unit") \
        .filter(pk=case_id).first()
    if case is None:
        forget(request)
    return case
