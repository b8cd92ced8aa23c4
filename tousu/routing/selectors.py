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


def ended_since(kind: str, since, *, limit: int) -> int:
    """How many of the kind's cases ended (last changed while ended) after `since`, counted no
    further than `limit` (the retraining schedule asks whether there are at least that many)."""
    return Case.objects.filter(kind=kind, is_open=False, updated_at__gt=since).values("pk")[:limit].count()


def models_of(kind: str | None = None):
    qs = RoutingModel.objects.order_by("kind", "-version")
    return qs.filter(kind=kind) if kind else qs


def active_model(kind: str) -> RoutingModel | None:
    return RoutingModel.objects.filter(kind=kind, active=True).first()


def acceptance(start, end, *, kind: str | None = None) -> dict[str, dict]:
    """Per target: how many intakes had suggestions in [start, end), how many chose one of them
    (and the first), and the rate."""
    from django.db.models import Count, Q as Where

    from .models import Suggestion

    qs = Suggestion.objects.filter(at__gte=start, at__lt=end)
    if kind:
        qs = qs.filter(case__kind=kind)
    out = {}
    for row in qs.values("target").annotate(n=Count("pk"), taken=Count("pk", filter=Where(rank__gt=0)),
                                            first=Count("pk", filter=Where(rank=1))).order_by("target"):
        out[row["target"]] = {"suggested": row["n"], "taken": row["taken"], "first": row["first"],
                              "rate": round(row["taken"] / row["n"], 3) if row["n"] else None}
    return out


def unit_names(codes: list[str]) -> dict[str, str]:
    from tousu.org.models import Unit

    return dict(Unit.objects.filter(code__in=codes).values_list("code", "name"))
