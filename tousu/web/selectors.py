"""The workspace's reads: lists and counts built on `cases.selectors.cases_visible_to`, so
nothing here can show a case its reader may not see."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from tousu.cases.models import Clock
from tousu.cases.models import OPEN
from tousu.cases.selectors import cases_visible_to, in_units
from tousu.domain.policy import OWNER, Policy
from tousu.org.models import Membership, Unit
from tousu.org.selectors import memberships
from tousu.org.selectors import sees_every_unit as org_sees_every_unit

DUE_SOON = timedelta(days=1)
# The GET parameters of the lists, the same names as the API's (tousu.cases.selectors.filter_cases).
FILTERS = ("kind", "state", "channel", "category", "stage", "unit", "level", "received_from", "received_to", "q")
SORTS = ("-received_at", "received_at", "due_at", "-due_at", "-level", "level")
TABS = ("mine", "units", "due_soon", "overdue", "sign_off", "all")


def _units_q(units) -> Q:
    """Cases one of whose units lies in one of `units`' subtrees."""
    return in_units(units)


def _running_clock(*conditions: Q, **fields) -> Exists:
    return Exists(Clock.objects.filter(*conditions, case=OuterRef("pk"), state=Clock.RUNNING, **fields))


def sign_off_scope(user, policy: Policy) -> Q | None:
    """Which cases `user` may sign off by role (None: no role of theirs signs off)."""
    allowed = policy.allowed_roles("sign_off")
    q, any_role = Q(pk__in=[]), False
    if OWNER in allowed:
        q |= Q(owner=user)
        any_role = True
    for m in memberships(user):
        if m.role.code in allowed:
            any_role = True
            if policy.roles.get(m.role.code) and policy.roles[m.role.code].all_units:
                return Q()
            q |= _units_q([m.unit])
    return q if any_role else None


def may_sign_off(user, policy: Policy) -> bool:
    allowed = policy.allowed_roles("sign_off") - {OWNER}
    return any(m.role.code in allowed for m in memberships(user))


def _awaiting_verdict(policy: Policy) -> list[str]:
    """The states in which a staff action records the complainant's verdict (the call-back)."""
    return sorted({state for kind in policy.kinds.values() for spec in kind.actions.values()
                   if spec.outcome and not spec.portal for state in spec.from_states})


def awaiting_sign_off(user, policy: Policy) -> QuerySet:
    scope = sign_off_scope(user, policy)
    spec = policy.actions.get("sign_off")
    if scope is None or spec is None:
        return cases_visible_to(user).none()
    return (cases_visible_to(user).filter(scope, state__in=spec.from_states, signed_off_by__isnull=True)
            .order_by("replied_at", "pk"))


def work_lists(user, policy: Policy, now: datetime) -> dict[str, QuerySet]:
    """The tabs of "My work", each a queryset of visible cases."""
    visible = cases_visible_to(user)
    open_ = visible.filter(OPEN)
    return {
        "mine": open_.filter(owner=user),
        "units": open_.filter(_units_q([m.unit for m in memberships(user)])),
        # A running clock not yet due that falls due within DUE_SOON or has reached its warning
        # time: the cases are looked up from those clocks (IN over the running clocks' due-time
        # index), so the database reads just the clocks still to fall due, not every visible
        # case with a probe each: as an EXISTS per case SQLite walked all the reader's cases
        # whenever fewer than the badge's cap were due (docs/performance.md, session 5).
        "due_soon": open_.filter(pk__in=Clock.objects.filter(
            Q(due_at__lte=now + DUE_SOON) | Q(warn_at__lte=now), state=Clock.RUNNING, due_at__gt=now,
        ).values("case_id")),
        # As a scalar subquery, which PostgreSQL keeps as a probe per case: walking the newest
        # open cases it stops at the badge's cap, where EXISTS became a hash join over every
        # overdue clock, a backlog that grows with history (docs/performance.md).
        "overdue": open_.annotate(overdue_clock=Subquery(
            Clock.objects.filter(case=OuterRef("pk"), state=Clock.RUNNING, due_at__lte=now).values("pk")[:1]))
        .filter(overdue_clock__isnull=False),
        "sign_off": awaiting_sign_off(user, policy),
        "all": visible,
    }


def filter_units(user) -> list[tuple[str, str]]:
    """(code, name indented by its depth) for the unit filter: every unit for someone who sees every unit, otherwise
    the units under their own (a case of theirs elsewhere is still found with no unit chosen)."""
    units = Unit.objects.order_by("path")
    if not sees_every_unit(user):
        units = units.filter(_paths_q(memberships(user)))
    units = list(units)
    top = min((u.path.count("/") for u in units), default=0)
    return [(u.code, "\u3000" * (u.path.count("/") - top) + u.name) for u in units]


def _paths_q(mine) -> Q:
    q = Q(pk__in=[])
    for m in mine:
        q |= Q(path__startswith=m.unit.path)
    return q


def sees_every_unit(user) -> bool:
    return org_sees_every_unit(user)


def awaiting_verdict_state(policy: Policy) -> str:
    """The one state the work list's filter can show the cases waiting for their call-back in
    (the hotel's 已答复), from the policy; "" when the policy has none, or several (a single
    state filter cannot list them)."""
    states = _awaiting_verdict(policy)
    return states[0] if len(states) == 1 else ""


def unit_overview(user, now: datetime) -> list[dict]:
    """For someone who sees every unit: per unit (its subtree), the open complaints, the overdue
    ones, the replied ones waiting for a call-back, and those received in the last 30 days."""
    from tousu.org.services import current_policy

    visible = cases_visible_to(user)
    open_ = OPEN
    awaiting = _awaiting_verdict(current_policy())
    rows = []
    for unit in Unit.objects.order_by("path"):
        counts = (visible.filter(_units_q([unit])).order_by()
                  .annotate(late=_running_clock(due_at__lte=now))
                  .aggregate(open=Count("pk", filter=open_), overdue=Count("pk", filter=open_ & Q(late=True)),
                             replied=Count("pk", filter=Q(state__in=awaiting)),
                             recent=Count("pk", filter=Q(received_at__gte=now - timedelta(days=30)))))
        rows.append({"unit": unit, "depth": unit.path.count("/") - 2, **counts})
    return rows


def with_next_clock(qs: QuerySet) -> QuerySet:
    running = Clock.objects.filter(state=Clock.RUNNING).order_by("due_at")
    return qs.prefetch_related(Prefetch("clocks", queryset=running, to_attr="running_clocks"))


def intake_units(user) -> QuerySet:
    """The units `user` may register a complaint for: their units and the units below them."""
    mine = memberships(user)
    if not mine:
        return Unit.objects.none()
    q = Q()
    for i, m in enumerate(mine):
        q = Q(path__startswith=m.unit.path) if i == 0 else q | Q(path__startswith=m.unit.path)
    return Unit.objects.filter(q).order_by("path")


def case_units(case) -> list[Unit]:
    return [u for u in (case.receiving_unit, case.handling_unit, case.target_unit) if u is not None]


def assignable_people(case) -> QuerySet:
    """People whose unit covers the case (the ones `assign_case` accepts)."""
    ancestor_ids = {pk for unit in case_units(case) for pk in unit.ancestor_ids()}
    user_ids = Membership.objects.filter(unit_id__in=ancestor_ids).values("user_id")
    return get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("username")


def transfer_units(case) -> QuerySet:
    return Unit.objects.exclude(pk=case.handling_unit_id).order_by("path")


def timeline(case) -> QuerySet:
    return case.events.select_related("actor").order_by("seq")


def attachments_of(case) -> QuerySet:
    return case.attachments.select_related("uploaded_by").order_by("pk")


def clocks_of(case) -> QuerySet:
    return case.clocks.order_by("started_at", "pk")


def parties_of(case) -> QuerySet:
    """The case's parties other than the complainant (shown in their own card)."""
    return case.parties.exclude(role__in=[r.code for r in _complainant_roles()]).order_by("pk")


def _complainant_roles():
    from tousu.org.services import current_policy

    return [role for kind in current_policy().kinds.values() for role in kind.parties.values() if role.complainant]


def approvals_of(case) -> QuerySet:
    return case.approvals.select_related("decided_by", "unit").order_by("chain", "round", "position")


def documents_of(case) -> QuerySet:
    return case.documents.select_related("rendered_by").order_by("pk")


def register_of(user, kind: str, state: str = "") -> tuple[QuerySet, QuerySet]:
    """(the kind's cases `user` may see, those in `state` newest first, each with its open clocks
    as `open_clocks`, soonest due first): a kind's register."""
    scoped = cases_visible_to(user).filter(kind=kind)
    listed = scoped.filter(state=state) if state else scoped
    clocks = Clock.objects.filter(state__in=[Clock.RUNNING, Clock.PAUSED]).order_by("due_at")
    return scoped, listed.order_by("-received_at", "-pk").prefetch_related(
        Prefetch("clocks", queryset=clocks, to_attr="open_clocks"))
