"""Whether each kept document is still the text its event recorded: the SHA-256 of every
`CaseDocument` file against the `document_sha256` its action wrote on the case's hash chain
(`tousu verify-documents`). A document whose file was removed by anonymising is counted, not
failed: its event keeps the hash of what was served."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .models import CaseDocument, CaseEvent


@dataclass
class Result:
    checked: int = 0
    erased: int = 0
    problems: list[str] = field(default_factory=list)


def _digest(document: CaseDocument) -> str | None:
    try:
        with document.file.open("rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except (FileNotFoundError, OSError):
        return None


def check(*, batch: int = 500) -> Result:
    result = Result()
    documents = CaseDocument.objects.select_related("case").order_by("pk")
    for document in documents.iterator(chunk_size=batch):
        where = _("%(case)s, %(title)s (rendered %(at)s)") % {
            "case": document.case.number, "title": document.title, "at": document.rendered_at.isoformat()}
        if not document.file:
            result.erased += 1
            continue
        result.checked += 1
        event = CaseEvent.objects.filter(case_id=document.case_id, seq=document.event_seq).only("new").first()
        recorded = (event.new or {}).get("document_sha256", []) if event else []
        if not recorded:
            result.problems.append(_("%(where)s: no event records its hash") % {"where": where})
            continue
        digest = _digest(document)
        if digest is None:
            result.problems.append(_("%(where)s: the file is missing") % {"where": where})
        elif digest not in recorded:
            result.problems.append(_("%(where)s: the file differs from the text its event recorded")
                                   % {"where": where})
    return result
