"""Every change this app makes, one function per action.

The handling report's steps and publishing to the case library are case actions: each runs
inside `tousu.cases.actions.acting`, so the policy decides who may take it in which case state,
the step is an event on the case's hash chain, and the policy's clocks start and stop on it.
The report's own order of steps lives in `HandlingReport.step`; a skipped step is refused here.
Corrective actions are not case actions: they have their own progress record."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tousu.cases.actions import acting, required
from tousu.cases.errors import InvalidInput, NotFound, Refused
from tousu.cases.selectors import cases_visible_to
from tousu.org.models import Membership, Unit
from tousu.org.selectors import is_staff_member
from tousu.org.services import current_policy

from .models import CorrectiveAction, HandlingReport, LibraryEntry, ProgressNote
from .selectors import corrective_actions_visible_to

R = HandlingReport

# action -> (the step the report must be at, the step it moves to)
REPORT_STEPS = {
    "handling_report_sign": (R.SUBMITTED, R.SIGNED),
    "handling_report_opinion": (R.SIGNED, R.OPINION),
    "handling_report_approve": (R.OPINION, R.APPROVED),
    "handling_report_execute": (R.APPROVED, R.EXECUTED),
}
ORDER = [R.SUBMITTED, R.SIGNED, R.OPINION, R.APPROVED, R.EXECUTED]


def _not_yet(action: str) -> str:
    """Why `action` cannot come yet: the step before it has not been taken."""
    return {
        "handling_report_opinion": _("The department head must sign the report before marketing "
                                     "gives its opinion."),
        "handling_report_approve": _("The GM office approves the report only after the department "
                                     "head has signed it and marketing has given its opinion."),
        "handling_report_execute": _("The department carries the report out only after the GM "
                                     "office has approved it."),
    }.get(action, "")


def _locked_report(case) -> HandlingReport:
    report = HandlingReport.objects.select_for_update().filter(case=case).first()
    if report is None:
        raise Refused(_("This complaint has no handling report yet."))
    return report


def _check_order(report: HandlingReport, action: str) -> None:
    expected, _next = REPORT_STEPS[action]
    if report.step == expected:
        return
    if ORDER.index(report.step) < ORDER.index(expected):
        raise Refused(_not_yet(action))
    raise Refused(_("This step has already been taken: the report is now “%(step)s”.")
                  % {"step": report.get_step_display()})


def _check_department(step, action: str) -> None:
    """Signing and carrying out are the department's own: the actor must hold one of the
    action's roles in the unit that handled the complaint (not merely in the unit that
    received it)."""
    roles = step.policy.allowed_roles(action)
    if not Membership.objects.filter(user=step.actor, unit=step.case.handling_unit, role__code__in=roles).exists():
        raise Refused(_("Only %(unit)s, the department that handled this complaint, may take this step.")
                      % {"unit": step.case.handling_unit.name})


def submit_handling_report(*, actor, case_id: int, cause: str, investigation: str,
                           recommendation_kind: str, recommendation: str, now=None) -> HandlingReport:
    """The handler files the 《顾客投诉处理报告表》 for a matter no standard or training covered."""
    with acting("handling_report_submit", actor=actor, case_id=case_id, now=now) as step:
        cause = required(cause, "cause", _("Cause of the complaint"))
        investigation = required(investigation, "investigation", _("Investigation and result"))
        recommendation = required(recommendation, "recommendation",
                                  _("Standard document or training recommended"))[:300]
        if recommendation_kind not in dict(R.KINDS):
            raise InvalidInput(_("Recommend either a standard document or a training."),
                               field="recommendation_kind")
        if HandlingReport.objects.select_for_update().filter(case=step.case).exists():
            raise Refused(_("This complaint already has a handling report."))
        report = HandlingReport.objects.create(
            case=step.case, cause=cause, investigation=investigation,
            recommendation_kind=recommendation_kind, recommendation=recommendation,
            submitted_by=actor, submitted_at=step.now)
        step.record(note=f"{report.get_recommendation_kind_display()}: {recommendation}")
    return report


def _advance(action: str, *, actor, case_id: int, note: str, fields, department: bool, now) -> HandlingReport:
    with acting(action, actor=actor, case_id=case_id, now=now) as step:
        report = _locked_report(step.case)
        _check_order(report, action)
        if department:
            _check_department(step, action)
        for name, value in fields(step).items():
            setattr(report, name, value)
        report.step = REPORT_STEPS[action][1]
        report.save()
        step.record(note=note)
    return report


def sign_handling_report(*, actor, case_id: int, note: str = "", now=None) -> HandlingReport:
    """The department head signs (签认)."""
    note = (note or "").strip()
    return _advance("handling_report_sign", actor=actor, case_id=case_id, note=note, department=True, now=now,
                    fields=lambda step: {"signed_by": actor, "signed_at": step.now, "sign_note": note})


def give_marketing_opinion(*, actor, case_id: int, opinion: str, now=None) -> HandlingReport:
    """Marketing adds its opinion (加签意见)."""
    opinion = required(opinion, "opinion", _("Opinion"))
    return _advance("handling_report_opinion", actor=actor, case_id=case_id, note=opinion, department=False,
                    now=now, fields=lambda step: {"opinion_by": actor, "opinion_at": step.now, "opinion": opinion})


def approve_handling_report(*, actor, case_id: int, instructions: str, now=None) -> HandlingReport:
    """The GM office approves (审批), with its instructions (批示意见)."""
    instructions = required(instructions, "instructions", _("Instructions"))
    return _advance("handling_report_approve", actor=actor, case_id=case_id, note=instructions,
                    department=False, now=now,
                    fields=lambda step: {"approved_by": actor, "approved_at": step.now,
                                         "instructions": instructions})


def execute_handling_report(*, actor, case_id: int, note: str, now=None) -> HandlingReport:
    """The department records that it carried out the instructions (执行)."""
    note = required(note, "note", _("What was done"))
    return _advance("handling_report_execute", actor=actor, case_id=case_id, note=note, department=True,
                    now=now, fields=lambda step: {"executed_by": actor, "executed_at": step.now,
                                                  "execution_note": note})


REPORT_ACTIONS = {
    "handling_report_submit": submit_handling_report,
    "handling_report_sign": sign_handling_report,
    "handling_report_opinion": give_marketing_opinion,
    "handling_report_approve": approve_handling_report,
    "handling_report_execute": execute_handling_report,
}


# --- the case library ---------------------------------------------------------------------------

def publish_case(*, actor, case_id: int, title: str, summary: str, lessons: str, now=None) -> LibraryEntry:
    """Publish a closed case to the case library (案例库) with a summary and its lessons."""
    with acting("publish_case", actor=actor, case_id=case_id, now=now) as step:
        title = required(title, "title", _("Title"))[:200]
        summary = required(summary, "summary", _("Summary"))
        lessons = required(lessons, "lessons", _("Lessons"))
        if LibraryEntry.objects.filter(case=step.case).exists():
            raise Refused(_("This complaint is already in the case library."))
        entry = LibraryEntry.objects.create(
            case=step.case, title=title, summary=summary, lessons=lessons, category=step.case.category,
            unit=step.case.handling_unit, published_by=actor, published_at=step.now)
        step.record(note=title)
    return entry


# --- corrective actions -----------------------------------------------------------------------

def create_corrective_action(*, actor, title: str, owner, due_date: dt.date, description: str = "",
                             category: str = "", unit: Unit | None = None, place: str = "",
                             case_ids=(), now=None) -> CorrectiveAction:
    """A corrective action for one or many complaints the actor may see. Category and unit, when
    not given, come from the complaints if they all share one."""
    if not is_staff_member(actor):
        raise Refused(_("Only staff may create corrective actions."))
    title = required(title, "title", _("Title"))[:200]
    if not isinstance(due_date, dt.date):
        raise InvalidInput(_("%(field)s is required.") % {"field": _("Due date")}, field="due_date")
    if owner is None or not owner.is_active or not is_staff_member(owner):
        raise InvalidInput(_("The owner must be a member of staff."), field="owner")
    ids = {int(pk) for pk in case_ids}
    cases = list(cases_visible_to(actor).filter(pk__in=ids))
    if len(cases) != len(ids):
        raise InvalidInput(_("No such case, or you may not see it."), field="cases")
    policy = current_policy()
    if not category:
        found = {c.category for c in cases}
        category = found.pop() if len(found) == 1 else ""
    if category and category not in policy.categories:
        raise InvalidInput(_("%(field)s must be one of: %(choices)s.") % {
            "field": _("Category"), "choices": "、".join(policy.categories.values())}, field="category")
    if unit is None and not place.strip():
        units = {c.handling_unit_id for c in cases}
        unit = cases[0].handling_unit if len(units) == 1 else None
    with transaction.atomic():
        action = CorrectiveAction.objects.create(
            title=title, description=(description or "").strip(), category=category, unit=unit,
            place=place.strip(), owner=owner, due_date=due_date, created_by=actor,
            created_at=now or timezone.now())
        action.cases.set(cases)
    return action


def _my_action(actor, action_id: int) -> CorrectiveAction:
    """The corrective action, locked, if the actor owns or created it."""
    action = corrective_actions_visible_to(actor).filter(pk=action_id).first()
    if action is None:
        raise NotFound()
    action = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
    if actor.pk not in (action.owner_id, action.created_by_id):
        raise Refused(_("Only the owner or the creator of this corrective action may update it."))
    return action


def add_progress(*, actor, action_id: int, text: str, now=None) -> ProgressNote:
    text = required(text, "text", _("Progress"))
    with transaction.atomic():
        action = _my_action(actor, action_id)
        if action.done_at is not None:
            raise Refused(_("This corrective action is already done."))
        return ProgressNote.objects.create(action=action, author=actor, at=now or timezone.now(), text=text)


def mark_done(*, actor, action_id: int, note: str = "", now=None) -> CorrectiveAction:
    now = now or timezone.now()
    with transaction.atomic():
        action = _my_action(actor, action_id)
        if action.done_at is not None:
            raise Refused(_("This corrective action is already done."))
        action.done_at = now
        action.save(update_fields=["done_at"])
        ProgressNote.objects.create(action=action, author=actor, at=now,
                                    text=(note or "").strip() or _("Done."))
    return action
