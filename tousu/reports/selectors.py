"""Reads for reports: which cases a report is computed from, and which stored reports a
person may open.

The scheduled reports cover the whole organisation (the monthly report) or a whole
department (the weekly ones) whoever later reads them, so they are computed from a *system
read*, `cases_for_reports()`: every case, unscoped. Only the report producers
(`services.produce`) call it; nothing it returns goes to a person except through a stored
report, and who may open a stored report is decided here by `reports_visible_to` /
`may_see_report`, following the same rule as `cases.selectors.cases_visible_to`:

- the monthly report (all units): superusers and members holding a role that sees every unit
  (the hotel's marketing office, the bank's service management);
- a unit's weekly report: those, and members of that unit or of a unit above it.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tousu.cases.models import Case, CaseEvent
from tousu.org.selectors import is_staff_member, memberships, sees_every_unit

from .models import Report


def cases_for_reports() -> QuerySet[Case]:
    """System read (see the module docstring): every case, for the report producers only."""
    return Case.objects.all()


def events_of(cases: QuerySet[Case]) -> QuerySet[CaseEvent]:
    """The events of `cases`, a queryset the caller has already scoped (a register's figures)."""
    return CaseEvent.objects.filter(case__in=cases)


def sees_all_units(user) -> bool:
    """Who may open the all-units reports: `org.selectors.sees_every_unit`, one definition."""
    return sees_every_unit(user)


def reports_visible_to(user) -> QuerySet[Report]:
    base = Report.objects.select_related("unit")
    if user is None or not user.is_authenticated or not is_staff_member(user):
        return base.none()
    if sees_all_units(user):
        return base
    scope = Q(pk__in=[])
    for m in memberships(user):
        # A member of a unit sees its reports and those of the units below it.
        scope |= Q(unit__path__startswith=m.unit.path)
    return base.filter(scope, unit__isnull=False)


def may_see_report(user, report: Report) -> bool:
    return reports_visible_to(user).filter(pk=report.pk).exists()
