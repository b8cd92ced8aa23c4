"""Every change this app makes, one function per action.

The handling report and publishing to the case library are case actions: each runs inside the
case engine (`tousu.cases.engine`), so the policy decides who may take it in which case state,
the step is an event on the case's hash chain, and clocks start and stop on it. The report's
steps are the preset's approval chain `handling_report`: submitting requests it, and each step
is decided, in the chain's order, by whoever holds it. Corrective actions are not case actions:
they have their own progress record."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tousu.cases.actions import acting, required
from tousu.cases.effects import may_decide, pending_step
from tousu.cases.engine import perform, run_action
from tousu.cases.errors import InvalidInput, NotFound, Refused
from tousu.cases.selectors import cases_visible_to
from tousu.org.models import Unit
from tousu.org.selectors import is_staff_member
from tousu.org.services import current_policy

from .models import CorrectiveAction, HandlingReport, LibraryEntry, ProgressNote
from .selectors import corrective_actions_visible_to

R = HandlingReport


def submit_handling_report(*, actor, case_id: int, cause: str, investigation: str, recommendation_kind: str,
                           recommendation: str, expected_version: int | None = None, now=None) -> HandlingReport:
    """The handler files the 《顾客投诉处理报告表》 for a matter no standard or training covered;
    the preset's action requests the report's approval chain."""
    with acting(R.SUBMIT, actor=actor, case_id=case_id, expected_version=expected_version, now=now) as step:
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
        run_action(step, {}, note=f"{report.get_recommendation_kind_display()}: {recommendation}")
    return report


def decide_handling_report(*, actor, case_id: int, note: str, expected_version: int | None = None,
                           now=None) -> None:
    """The holder of the report's pending step decides it (签认, 加签意见, 审批, 执行: whatever the
    chain's step is); `note` (the sign-off note, the opinion, the instructions, what was done)
    is kept with the step (the action's input `note`)."""
    try:
        perform(R.DECIDE, actor=actor, case_id=case_id, inputs={"note": note},
                expected_version=expected_version, now=now)
    except Refused as refused:
        raise _whose_step(refused, actor=actor, case_id=case_id) from None


def _whose_step(refused: Refused, *, actor, case_id: int) -> Refused:
    """The engine refuses a step that is not the actor's as a lack of right; say whose step it
    is instead (the chain, not the actor, decides the order), or that there is none."""
    step = pending_step(case_id, R.CHAIN)
    if step is None:
        if not HandlingReport.objects.filter(case_id=case_id).exists():
            return Refused(_("This complaint has no handling report yet."))
        return Refused(_("No approval is waiting for a decision."))
    if may_decide(actor, step, None):
        return refused
    if step.unit_id:
        return Refused(_("This step is “%(step)s”, for %(unit)s.") % {"step": step.label, "unit": step.unit.name})
    return Refused(_("This step is for %(role)s.") % {"role": step.label})


REPORT_ACTIONS = {R.SUBMIT: submit_handling_report, R.DECIDE: decide_handling_report}


# --- the case library ---------------------------------------------------------------------------

PUBLISH = "publish_case"  # the kind's action that puts a case into the library (its preset's)


def publish_case(*, actor, case_id: int, title: str, summary: str, lessons: str, now=None) -> LibraryEntry:
    """Publish a closed case to the case library (案例库) with a summary and its lessons: the
    kind's publish_case action, whose `publish` effect is `publish_effect` below."""
    perform(PUBLISH, actor=actor, case_id=case_id, now=now,
            inputs={"title": title, "summary": summary, "lessons": lessons})
    return LibraryEntry.objects.get(case_id=case_id)


def publish_effect(step, params: dict, values: dict) -> None:
    """The `publish` effect: the case goes into the library under the inputs named by params."""
    if LibraryEntry.objects.filter(case=step.case).exists():
        raise Refused(_("This complaint is already in the case library."))
    title = values.get(params["title"], "")[:200]
    LibraryEntry.objects.create(
        case=step.case, title=title, summary=values.get(params["summary"], ""),
        lessons=values.get(params["lessons"], ""), category=step.case.category, unit=step.case.handling_unit,
        published_by=step.staff_actor, published_at=step.now)
    step.facts["library"] = title


def corrective_action_effect(step, params: dict, values: dict) -> None:
    """The `corrective_action` effect: a corrective action (整改) for this case, named by the
    title input, owned by the person input (the actor when the preset names none) and due on
    the date input, in the case's handling unit."""
    title = (values.get(params["title"]) or "").strip()[:200]
    if not title:
        raise InvalidInput(_("%(field)s is required.") % {"field": params["title"]}, field=params["title"])
    owner = values.get(params.get("owner", "")) or step.staff_actor
    due = values.get(params["due"])
    if not isinstance(due, dt.date):
        raise InvalidInput(_("%(field)s is required.") % {"field": _("Due date")}, field=params["due"])
    action = CorrectiveAction.objects.create(
        title=title, description=(values.get(params.get("description", "")) or "").strip(),
        category=step.case.category, unit=step.case.handling_unit, owner=owner, due_date=due,
        created_by=step.staff_actor, created_at=step.now)
    action.cases.add(step.case)
    step.facts["corrective_action"] = title


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


def create_cluster_plan(*, actor, cluster: str, area: str, plan_kind: str, title: str, owner,
                        due_date: dt.date, description: str = "", now=None) -> CorrectiveAction:
    """A plan (建站, 优化, 维修 ...: one of the cluster's `plans`) for an area of a cluster, with its
    owner and planned date, linked to the area's complaints of the cluster's window that the actor
    may see. Its effect is measured once it is done (`clusters.effect`)."""
    from . import clusters as found

    now = now or timezone.now()
    spec = found.policy_clusters().get(cluster)
    if spec is None:
        raise NotFound()
    if plan_kind not in dict((code, label) for code, label, _en in spec.plans):
        raise InvalidInput(_("%(field)s must be one of: %(choices)s.") % {
            "field": _("Kind of plan"), "choices": "、".join(found.plan_label(spec, c) for c, _l, _e in spec.plans)},
            field="plan_kind")
    area = (area or "").strip()
    since = now - dt.timedelta(days=spec.window_days)
    ids = list(found.in_area(actor, spec, area).filter(received_at__gte=since, received_at__lte=now)
               .values_list("pk", flat=True)) if area else []
    if not ids:
        raise InvalidInput(_("No complaint of this cluster was received in this area in the last %(days)d days.")
                           % {"days": spec.window_days}, field="area")
    with transaction.atomic():
        plan = create_corrective_action(actor=actor, title=title, owner=owner, due_date=due_date,
                                        description=description, place=spec.area_name(area)[:200],
                                        case_ids=ids, now=now)
        plan.cluster, plan.area, plan.plan_kind = spec.code, area[:200], plan_kind
        plan.save(update_fields=["cluster", "area", "plan_kind"])
    return plan


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
