"""The routing app's reads: the past cases a model learns from, and its models."""

from __future__ import annotations

from django.db.models import Q

from tousu.cases.models import Case
from tousu.imports.models import ImportedRow

from .models import RoutingModel


def training_rows(kind: str, *, limit: int | None = None):
    """(subject, description, category, handling unit code) of the kind's past cases: ended or
    imported, newest first. A system read over the whole organisation (the model serves every
    unit), never shown to a person."""
    imported = ImportedRow.objects.filter(kind=kind).values("case_id")
    qs = (Case.objects.filter(Q(is_open=False) | Q(pk__in=imported), kind=kind)
          .order_by("-received_at").values_list("subject", "description", "category", "handling_unit__code"))
    return qs[:limit] if limit else qs


def models_of(kind: str | None = None):
    qs = RoutingModel.objects.order_by("kind", "-version")
    return qs.filter(kind=kind) if kind else qs


def active_model(kind: str) -> RoutingModel | None:
    return RoutingModel.objects.filter(kind=kind, active=True).first()
