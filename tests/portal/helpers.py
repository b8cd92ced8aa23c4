"""Shared by the portal tests: a complete submission, and taking a case to "replied"."""

from tousu.cases import actions
from tousu.cases.models import Case

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def complaint(**overrides) -> dict:
    data = {
        "subject": "Charged twice for one transfer",
        "description": "On Monday the teller charged the transfer fee twice.",
        "occurred_at": "2026-01-05T10:30",
        "place": "Wenyi Road outlet",
        "requested_resolution": "Refund the second fee.",
        "complainant_name": "Li Lei",
        "complainant_phone": "138 0013 8000",
        "complainant_email": "li.lei@example.com",
        "category": "fees",
        "submission": "",
    }
    data.update(overrides)
    return data


def to_replied(case: Case, reply: str = "We refunded the second fee.") -> Case:
    """Accept, resolve and reply, as the case's owner."""
    owner = case.owner
    actions.accept_case(actor=owner, case_id=case.pk)
    if "find_at_fault" in actions.current_policy().kind(case.kind).actions:  # the bank: a finding first
        actions.perform("find_at_fault", actor=owner, case_id=case.pk, inputs={
            "findings": "Charged twice", "apology": "Apologised by phone", "correction": "Refund",
            "rectification": "Check the fee screen", "rectification_owner": owner.username,
            "rectification_due": "2030-01-31"})
        return actions.perform("reply", actor=owner, case_id=case.pk, inputs={"text": reply, "method": "phone"})
    actions.propose_resolution(actor=owner, case_id=case.pk, resolution="Refund", compensation=0)
    return actions.reply_case(actor=owner, case_id=case.pk, text=reply)
