"""Clusters of complaints by area and the plans linked to them (`[clusters.CODE]`, read by
`tousu/domain/clusters.py`): the telecom team's weak coverage, gathered as evidence for new
sites, optimisation or repair, and the effect of each plan once done.

Every read is of the cases the reader may see (`cases_visible_to`), leaving out those found not
to be a complaint at all. One definition of a complaint's area, as a database expression
(`area_of`), so the clusters, a plan's effect and a case's open plans agree."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case as Choose
from django.db.models import CharField, Count, Max, Min, Q, QuerySet, Value, When
from django.db.models.functions import Trim

from tousu.cases.models import OPEN
from tousu.cases.selectors import cases_visible_to
from tousu.cases.wording import localized
from tousu.domain import clusters as rules
from tousu.org.services import current_policy, organisation

from .models import CorrectiveAction
from .selectors import corrective_actions_visible_to, dismissed


def policy_clusters() -> dict[str, rules.Cluster]:
    return rules.read(organisation().policy)


def label(spec: rules.Cluster) -> str:
    return localized(spec.label, spec.label_en)


def plan_label(spec: rules.Cluster, code: str) -> str:
    return localized(*spec.plan_label(code))


def area_of(spec: rules.Cluster):
    """A complaint's area: the first of the preset's areas whose words its place holds; with no
    place recorded, the first whose words its subject or description holds; otherwise the place
    as recorded (trimmed; blank when none was)."""
    by_place = [When(place__contains=word, then=Value(area.code)) for area in spec.areas for word in area.match]
    by_text = [When(Q(place="") & (Q(subject__contains=word) | Q(description__contains=word)),
                    then=Value(area.code)) for area in spec.areas for word in area.match]
    return Choose(*by_place, *by_text, default=Trim("place"), output_field=CharField())


def complaints(user, spec: rules.Cluster) -> QuerySet:
    """The visible complaints of the cluster's categories, each with its `area`."""
    return (cases_visible_to(user).filter(category__in=spec.categories).exclude(dismissed(current_policy()))
            .annotate(area=area_of(spec)))


def in_area(user, spec: rules.Cluster, area: str) -> QuerySet:
    return complaints(user, spec).filter(area=area)


def clusters(user, spec: rules.Cluster, *, now: dt.datetime) -> list[dict]:
    """The areas with at least `threshold` complaints received in the last `window_days`, most
    first: how many, how many still open, the first and the latest, and the plans linked to the
    area (open ones first) with the complaints received since each was made."""
    since = now - dt.timedelta(days=spec.window_days)
    rows = (complaints(user, spec).filter(received_at__gte=since, received_at__lte=now).exclude(area="")
            .values("area").annotate(count=Count("pk"), open=Count("pk", filter=OPEN),
                                     first=Min("received_at"), last=Max("received_at"))
            .filter(count__gte=spec.threshold).order_by("-count", "-last"))
    rows = list(rows)
    plans = plans_by_area(user, spec, [r["area"] for r in rows])
    for row in rows:
        row["name"] = spec.area_name(row["area"])
        row["plans"] = plans.get(row["area"], [])
    return rows


def plans_by_area(user, spec: rules.Cluster, areas: list[str]) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    items = (corrective_actions_visible_to(user).filter(cluster=spec.code, area__in=areas)
             .select_related("owner").order_by("done_at", "due_date", "pk"))
    for item in items:
        found.setdefault(item.area, []).append({
            "item": item, "kind": plan_label(spec, item.plan_kind),
            "new": new_complaints(user, spec, item).count() if item.done_at is None else None})
    return found


def new_complaints(user, spec: rules.Cluster, plan: CorrectiveAction) -> QuerySet:
    """The complaints of the plan's area received since it was made (until it was done), newest
    first: shown against the plan while it is open."""
    qs = in_area(user, spec, plan.area).filter(received_at__gte=plan.created_at)
    if plan.done_at is not None:
        qs = qs.filter(received_at__lt=plan.done_at)
    return qs.order_by("-received_at", "-pk")


def effect(user, spec: rules.Cluster, plan: CorrectiveAction, *, now: dt.datetime) -> dict | None:
    """For a done plan: the complaints of its area in the days before its completion and in as
    many days after it, `effect_days` each or, until that many have passed, the whole days that
    have (two windows of the same length, so the counts compare). None while the plan is open."""
    if plan.done_at is None:
        return None
    passed = max((now - plan.done_at).days, 0)
    days = min(spec.effect_days, passed)
    window = dt.timedelta(days=days)
    counts = in_area(user, spec, plan.area).aggregate(
        before=Count("pk", filter=Q(received_at__gte=plan.done_at - window, received_at__lt=plan.done_at)),
        after=Count("pk", filter=Q(received_at__gte=plan.done_at, received_at__lt=plan.done_at + window)))
    return {**counts, "days": days, "full_days": spec.effect_days, "complete": days == spec.effect_days,
            "change": counts["after"] - counts["before"], "since": plan.done_at - window,
            "done": plan.done_at, "until": plan.done_at + window}


def open_plans_for(user, case) -> list[dict]:
    """The open plans of a cluster the case belongs to (its category and area): what the clerk
    can tell the customer (a site is planned for their area by that date)."""
    out = []
    for spec in policy_clusters().values():
        if case.category not in spec.categories:
            continue
        area = complaints(user, spec).filter(pk=case.pk).values_list("area", flat=True).first()
        if not area:
            continue
        for item in (corrective_actions_visible_to(user).filter(cluster=spec.code, area=area, done_at__isnull=True)
                     .select_related("owner").order_by("due_date", "pk")):
            out.append({"item": item, "kind": plan_label(spec, item.plan_kind), "area": spec.area_name(area),
                        "cluster": label(spec)})
    return out
