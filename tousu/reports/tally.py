"""A kind's register figures for one month (`[[kinds.X.monthly]]` in its preset): how many times
each action was taken in the month, on cases holding a fact when the figure says so, and the
average working days between two actions (received to decided).

Computed from the case events of the cases the caller passes in, already scoped to what the
reader may see (tousu.web's register passes `cases_visible_to(user)` of the kind)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import QuerySet

from tousu.cases.wording import localized
from tousu.domain.calendar import WorkCalendar, working_seconds_between
from tousu.domain.policy import Kind, MonthlyFigure

from .selectors import events_of


@dataclass(frozen=True)
class Figure:
    label: str
    value: float | int | None  # None: an average of nothing


def month_bounds(month: date, tz) -> tuple[datetime, datetime]:
    first = month.replace(day=1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return (datetime.combine(first, time(0), tzinfo=tz), datetime.combine(following, time(0), tzinfo=tz))


def _events(cases: QuerySet, figure_action: str, start, end) -> QuerySet:
    action, _sep, outcome = figure_action.partition(":")
    events = events_of(cases).filter(action=action, at__gte=start, at__lt=end)
    return events.filter(new__outcome=outcome) if outcome else events


def _where(cases: QuerySet, figure: MonthlyFigure) -> QuerySet:
    if not figure.where_field:
        return cases
    lookup = figure.where_field.replace(".", "__") if figure.where_field.startswith("data.") else figure.where_field
    return cases.filter(**{lookup: figure.where_value})


def _average(cases: QuerySet, figure: MonthlyFigure, start, end, calendar: WorkCalendar, tz) -> float | None:
    ends = dict(_events(cases, figure.average_to, start, end).values_list("case_id", "at"))
    if not ends:
        return None
    starts = {}
    for case_id, at in (events_of(cases).filter(case_id__in=ends, action=figure.average_from)
                        .order_by("seq").values_list("case_id", "at")):
        starts.setdefault(case_id, at)
    spans = [working_seconds_between(starts[c], ends[c], tz, calendar) / 86400 for c in ends if c in starts]
    return round(sum(spans) / len(spans), 1) if spans else None


def monthly(cases: QuerySet, kind: Kind, month: date, calendar: WorkCalendar, tz) -> list[Figure]:
    """The kind's figures for the month containing `month`, over `cases` (scoped by the caller)."""
    start, end = month_bounds(month, tz)
    cases = cases.filter(kind=kind.code)
    found = []
    for figure in kind.monthly:
        label = localized(figure.label, figure.label_en)
        if figure.count:
            found.append(Figure(label, _events(_where(cases, figure), figure.count, start, end).count()))
        else:
            found.append(Figure(label, _average(_where(cases, figure), figure, start, end, calendar, tz)))
    return found
