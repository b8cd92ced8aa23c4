"""The list's filters, applied on top of `cases_visible_to` (never on all cases)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Literal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Schema

from tousu.cases.errors import InvalidInput
from tousu.cases.models import Case
from tousu.domain.policy import Policy
from tousu.org.models import Unit
from tousu.org.services import org_timezone

Ordering = Literal[
    "received_at", "-received_at", "number", "-number", "level", "-level", "state", "-state",
    "updated_at", "-updated_at"]


class CaseFilters(Schema):
    state: str | None = None
    channel: str | None = None
    category: str | None = None
    stage: str | None = None
    unit: str | None = Field(None, description="Unit code: cases received by, handled by or "
                                               "complained about in that unit or below it.")
    level: int | None = Field(None, ge=0)
    received_from: date | None = Field(None, description="First day (in the organisation's zone).")
    received_to: date | None = Field(None, description="Last day, included.")
    q: str | None = Field(None, max_length=100, description=(
        "Search in number, subject, description and (if you may see it) the complainant's name."))
    order_by: Ordering = "-received_at"
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


def _choice(value: str | None, choices: dict, field: str) -> None:
    if value is not None and value not in choices:
        raise InvalidInput(_("%(field)s must be one of: %(choices)s.") % {
            "field": field, "choices": ", ".join(choices)}, field=field)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=org_timezone())


def apply_filters(qs: QuerySet[Case], f: CaseFilters, *, policy: Policy, personal: bool) -> QuerySet[Case]:
    _choice(f.state, policy.states, "state")
    _choice(f.channel, policy.channels, "channel")
    _choice(f.stage, policy.stages, "stage")
    _choice(f.category, policy.categories, "category")
    exact = {name: getattr(f, name) for name in ("state", "channel", "stage", "category", "level")
             if getattr(f, name) is not None}
    qs = qs.filter(**exact)
    if f.unit is not None:
        unit = Unit.objects.filter(code=f.unit).first()
        if unit is None:
            raise InvalidInput(_("No unit has the code “%(code)s”.") % {"code": f.unit}, field="unit")
        qs = qs.filter(Q(receiving_unit__path__startswith=unit.path)
                       | Q(handling_unit__path__startswith=unit.path)
                       | Q(target_unit__path__startswith=unit.path))
    if f.received_from and f.received_to and f.received_from > f.received_to:
        raise InvalidInput(_("The first day comes after the last day."), field="received_from")
    if f.received_from:
        qs = qs.filter(received_at__gte=_day_start(f.received_from))
    if f.received_to:
        qs = qs.filter(received_at__lt=_day_start(f.received_to + timedelta(days=1)))
    if f.q and f.q.strip():
        term = f.q.strip()
        found = Q(number__icontains=term) | Q(subject__icontains=term) | Q(description__icontains=term)
        if personal:  # otherwise the search would reveal the masked names
            found |= Q(complainant_name__icontains=term)
        qs = qs.filter(found)
    return qs.order_by(f.order_by, "-pk")
