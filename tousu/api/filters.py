"""The list's filters, applied on top of `cases_visible_to` (never on all cases)."""

from __future__ import annotations

from typing import Literal

from django.db.models import QuerySet
from ninja import Field

from tousu.cases.models import Case
from tousu.cases.selectors import filter_cases, order_cases
from tousu.domain.policy import Policy

from .schemas import Day, StorableIn

MAX_OFFSET = 2**31 - 1  # beyond a 64-bit OFFSET the database fails; nobody pages this far

Ordering = Literal[
    "received_at", "-received_at", "due_at", "-due_at", "number", "-number", "level", "-level", "state",
    "-state", "updated_at", "-updated_at"]


class CaseFilters(StorableIn):
    kind: str | None = Field(None, description="A kind of case (GET /api/kinds).")
    state: str | None = None
    channel: str | None = None
    category: str | None = None
    stage: str | None = None
    unit: str | None = Field(None, description="Unit code: cases received by, handled by or "
                                               "complained about in that unit or below it.")
    level: int | None = Field(None, ge=0)
    received_from: Day | None = Field(None, description="First day (in the organisation's zone), "
                                                        "from 1900-01-01 to 9999-12-30.")
    received_to: Day | None = Field(None, description="Last day, included.")
    q: str | None = Field(None, max_length=100, description=(
        "Search in number, subject, description and (if you may see it) the complainant's name; "
        "also finds a case by its tracking code, by the complainant's or a party's full phone "
        "number or its last four digits (if you may see personal data), and by a party's name."))
    order_by: Ordering = Field("-received_at", description="due_at: the nearest running deadline "
                                                          "(cases without one come last).")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


def apply_filters(qs: QuerySet[Case], f: CaseFilters, *, policy: Policy, personal: bool) -> QuerySet[Case]:
    """The workspace's own filters and sorting (`tousu.cases.selectors`), fed from the query."""
    qs = filter_cases(qs, policy=policy, personal=personal, state=f.state, channel=f.channel,
                      category=f.category, stage=f.stage, unit=f.unit, level=f.level,
                      received_from=f.received_from, received_to=f.received_to, q=f.q, kind=f.kind)
    return order_cases(qs, f.order_by)
