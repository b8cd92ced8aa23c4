"""Every read this app makes, scoped by what the person may see: cases through
`tousu.cases.selectors.cases_visible_to`, so a figure never counts a case its reader may not see."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf, Trim, TruncMonth, TruncWeek

from tousu.cases.models import Case, Lateness
from tousu.cases.selectors import cases_visible_to, repeat_window_days  # noqa: F401
from tousu.domain.policy import Policy
from tousu.org.selectors import is_staff_member, memberships
from tousu.org.services import current_policy
from tousu.reports.figures import per_kind

from .models import CorrectiveAction, HandlingReport, LibraryEntry

WEEK, MONTH = "week", "month"
MISSED_CALLBACK = "missed_callback"  # the ledger's own column, not a Lateness kind


def dismissed(policy: Policy) -> Q:
    """Cases found not to be a complaint at all (the states of each kind's `[figures]
    dismissed`: the complaint kind's 不予受理), which the figures here leave out."""
    return per_kind(policy, lambda kind: Q(state__in=kind.figures.dismissed))


def sees_all_units(user) -> bool:
    return bool(user.is_superuser or any(m.role.sees_all_units for m in memberships(user)))


# --- months -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", (text or "").strip())
        if not match or not 1 <= int(match[2]) <= 12:
            raise ValueError(text)
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, moment: dt.datetime, tz: ZoneInfo) -> Month:
        local = moment.astimezone(tz)
        return cls(local.year, local.month)

    @property
    def code(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def bounds(self, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
        start = dt.datetime(self.year, self.month, 1, tzinfo=tz)
        following = dt.datetime(self.year + self.month // 12, self.month % 12 + 1, 1, tzinfo=tz)
        return start, following

    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), 12 if self.month == 1 else self.month - 1)

    def next(self) -> Month:
        return Month(self.year + (self.month == 12), 1 if self.month == 12 else self.month + 1)


# --- handling reports -----------------------------------------------------------------------

def handling_reports_visible_to(user) -> QuerySet[HandlingReport]:
    return (HandlingReport.objects.filter(case__in=cases_visible_to(user).values("pk"))
            .select_related("case", "case__handling_unit", "submitted_by"))


# --- hotspots (S3) ---------------------------------------------------------------------------

def hotspots(user, *, since: dt.datetime, until: dt.datetime, period: str, threshold: int,
             tz: ZoneInfo) -> list[dict]:
    """Clusters of complaints by category x place x period with at least `threshold` cases.
    The place is the case's place, or the handling unit's name when the place is blank.
    Cases dismissed as not a complaint (`dismissed`) are left out."""
    trunc = TruncWeek if period == WEEK else TruncMonth
    rows = (cases_visible_to(user)
            .filter(received_at__gte=since, received_at__lt=until).exclude(dismissed(current_policy()))
            .annotate(period_start=trunc("received_at", tzinfo=tz),
                      spot=Coalesce(NullIf(Trim("place"), Value("")), F("handling_unit__name")))
            .values("category", "spot", "period_start")
            .annotate(count=Count("pk"))
            .filter(count__gte=threshold)
            .order_by("-count", "period_start", "category", "spot"))
    out = []
    for row in rows:
        start = row["period_start"]
        if isinstance(start, dt.datetime):
            start = start.astimezone(tz).date() if start.tzinfo else start.date()
        out.append({**row, "period_start": start})
    return out


# --- accountability ledger ----------------------------------------------------------------------

def callback_due_days(policy: Policy, kind: str = "") -> int:
    """The kind's `[callback] due_days`: a replied case not called back within them is missed."""
    return policy.kind(kind).callback_due_days


def _person(first: str, last: str, username: str) -> str:
    return f"{last}{first}".strip() if (first or last) else username


def ledger(user, *, month: Month, tz: ZoneInfo, due_days: int, now: dt.datetime) -> dict:
    """Per unit and per person for `month`: clocks breached (Lateness entries of the kind
    `clock_breach` recorded in the month), call-backs missed (cases replied in the month not
    called back within `due_days`, counted once the days have passed), and every other ledger
    entry counted under its own kind (a sanction is not a breached deadline), labelled with the
    preset's `[accountability.KIND]` words. Aggregate queries only."""
    from tousu.cases.wording import localized

    from .duties import policy_duties

    start, end = month.bounds(tz)
    visible = cases_visible_to(user).values("pk")
    entries = Lateness.objects.filter(case__in=visible, occurred_at__gte=start, occurred_at__lt=end)
    due = dt.timedelta(days=due_days)
    missed = (Case.objects.filter(pk__in=visible, replied_at__gte=start, replied_at__lt=end)
              .filter(Q(callback_at__isnull=True, replied_at__lte=now - due)
                      | Q(callback_at__gt=F("replied_at") + due)))

    units: dict = {}
    people: dict = {}
    others: set[str] = set()

    def add(table, key, name, kind, count):
        row = table.setdefault(key, {"name": name, "breached": 0, "missed_callbacks": 0, "entries": {}})
        if kind == Lateness.CLOCK_BREACH:
            row["breached"] += count
        elif kind == MISSED_CALLBACK:
            row["missed_callbacks"] += count
        else:
            row["entries"][kind] = row["entries"].get(kind, 0) + count
            others.add(kind)

    for r in entries.values("unit", "unit__name", "kind").annotate(n=Count("pk")):
        add(units, r["unit"], r["unit__name"], r["kind"], r["n"])
    for r in entries.values("person", "person__first_name", "person__last_name", "person__username",
                            "kind").annotate(n=Count("pk")):
        add(people, r["person"], _person(r["person__first_name"], r["person__last_name"],
                                          r["person__username"]), r["kind"], r["n"])
    for r in missed.values("handling_unit", "handling_unit__name").annotate(n=Count("pk")):
        add(units, r["handling_unit"], r["handling_unit__name"], MISSED_CALLBACK, r["n"])
    for r in missed.values("owner", "owner__first_name", "owner__last_name", "owner__username").annotate(
            n=Count("pk")):
        add(people, r["owner"], _person(r["owner__first_name"], r["owner__last_name"], r["owner__username"]),
            MISSED_CALLBACK, r["n"])

    words = policy_duties().accountability
    kinds = [(kind, localized(words[kind].label, words[kind].label_en) if kind in words else kind)
             for kind in sorted(others)]

    def rows(table):
        out = [{**row, "others": [row["entries"].get(kind, 0) for kind, _label in kinds],
                "total": row["breached"] + row["missed_callbacks"] + sum(row["entries"].values())}
               for row in table.values()]
        return sorted(out, key=lambda r: (-r["total"], r["name"]))

    return {"month": month, "units": rows(units), "people": rows(people), "kinds": kinds}


# --- corrective actions ------------------------------------------------------------------------

def corrective_actions_visible_to(user) -> QuerySet[CorrectiveAction]:
    """Those the person owns or created, linked to a case they may see, or set against a unit
    in their part of the tree."""
    if not is_staff_member(user):
        return CorrectiveAction.objects.none()
    if sees_all_units(user):
        return CorrectiveAction.objects.all()
    scope = Q(owner=user) | Q(created_by=user) | Q(cases__in=cases_visible_to(user).values("pk"))
    for m in memberships(user):
        scope |= Q(unit__path__startswith=m.unit.path)
    ids = CorrectiveAction.objects.filter(scope).values("pk")
    return CorrectiveAction.objects.filter(pk__in=ids)


def effect(action: CorrectiveAction, *, user, days: int, now: dt.datetime) -> dict:
    """Complaints of the action's category and place in the `days` before it was created and
    in the `days` after (the after-window is complete once `days` have passed), leaving out
    cases dismissed as not a complaint."""
    created = action.created_at
    window = dt.timedelta(days=days)
    cases = cases_visible_to(user).exclude(dismissed(current_policy()))
    if action.category:
        cases = cases.filter(category=action.category)
    if action.place:
        cases = cases.filter(place__iexact=action.place)
    if action.unit_id:
        cases = cases.filter(handling_unit__path__startswith=action.unit.path)
    counts = cases.aggregate(
        before=Count("pk", filter=Q(received_at__gte=created - window, received_at__lt=created)),
        after=Count("pk", filter=Q(received_at__gte=created, received_at__lt=created + window)))
    return {**counts, "days": days, "complete": now >= created + window}


# --- the case library ---------------------------------------------------------------------------

def library_visible_to(user) -> QuerySet[LibraryEntry]:
    """The whole library for staff, nothing for anyone else. An entry holds what was written for
    publication (no complainant's details); the case itself stays behind `access_case`."""
    if not is_staff_member(user):
        return LibraryEntry.objects.none()
    return LibraryEntry.objects.select_related("case", "unit", "published_by")


def search_library(user, *, query: str = "", category: str = "") -> QuerySet[LibraryEntry]:
    entries = library_visible_to(user)
    if category:
        entries = entries.filter(category=category)
    for word in (query or "").split():
        entries = entries.filter(Q(title__icontains=word) | Q(summary__icontains=word)
                                 | Q(lessons__icontains=word) | Q(case__subject__icontains=word))
    return entries
