"""Service (送达) of a case's documents on its parties, one record per party and document, and the
statutory periods that run from the day a party was served (`[kinds.X.periods]`).

A record is kept in the case's facts (`Case.data["services"]`, written by the `serve` effect
with a `party`): which party, which document, the day served, how, and when it was recorded.
The periods are counted as the Civil Code counts them (tousu/domain/periods.py) with the
organisation's working calendar, so a last day on a holiday moves to the next working day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tousu.domain.periods import PeriodEnd, period_end
from tousu.domain.policy import Kind, PeriodSpec

from .wording import localized

SERVICES = "services"


@dataclass(frozen=True)
class Served:
    party_id: int
    name: str
    role: str
    document: str
    on: date
    how: str


@dataclass(frozen=True)
class PeriodDue:
    period: PeriodSpec
    end: PeriodEnd

    @property
    def label(self) -> str:
        return localized(self.period.label, self.period.label_en)


def records(case, data: dict | None = None) -> list[Served]:
    """The case's service records, oldest first."""
    found = []
    for row in (data if data is not None else case.data or {}).get(SERVICES, []):
        try:
            found.append(Served(int(row["party"]), str(row.get("name", "")), str(row.get("role", "")),
                                str(row.get("document", "")), date.fromisoformat(row["on"]), str(row.get("how", ""))))
        except (KeyError, TypeError, ValueError):
            continue  # a record written by hand in the admin that is not one: not shown, not counted
    return found


def served_on(case, party_id: int, document: str, data: dict | None = None) -> date | None:
    for record in records(case, data):
        if record.party_id == party_id and record.document == document:
            return record.on
    return None


def periods_for(kind: Kind, served: Served, calendar) -> list[PeriodDue]:
    """The periods that run from this service, each with its last day."""
    return [PeriodDue(spec, period_end(served.on, spec.amount, spec.unit, calendar))
            for spec in kind.periods.values() if spec.served == served.document]


def all_served(case, document: str, roles: tuple[str, ...], data: dict | None = None) -> bool:
    """Every party of `roles` (an agent stands for the party it acts for) has been served
    `document`; false while the case names no such party."""
    principals = set(case.parties.filter(agent_of__isnull=True, role__in=roles).values_list("pk", flat=True))
    done = {r.party_id for r in records(case, data) if r.document == document}
    return bool(principals) and principals <= done


@dataclass(frozen=True)
class ServiceRow:
    served: Served
    document: str  # the document's title in the kind ('' for none)
    periods: list[PeriodDue]


def service_rows(case, kind: Kind, calendar) -> list[ServiceRow]:
    """Each service record with the periods it starts and their last days (the case page)."""
    titles = {}
    for document in case.documents.order_by("pk"):
        titles.setdefault(document.name, document.title)
    return [ServiceRow(r, titles.get(r.document, r.document), periods_for(kind, r, calendar))
            for r in records(case)]
