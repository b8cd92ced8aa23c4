"""Filing a stored report, one function per step, each in one transaction with its audit row.

- The weekly 《客户投诉记录表》 is submitted by a member of the department it is for (its 填表人):
  text 五, each department hands the week's record to marketing.
- The monthly 《顾客投诉统计分析报告表》 carries the written analysis and recommendations of a
  person holding the preset's `[monthly_review] writer_role` (the hotel's 营销部), who submits
  it; a person holding `approver_role` (the hotel's 总经室) approves it or returns it with a
  comment; a returned report is written again and submitted again. Python names neither role.

Who may see a report at all is `selectors.reports_visible_to`; a report one may not see is not
found here either."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tousu.cases.errors import InvalidInput, Refused
from tousu.domain.text import is_storable
from tousu.org.selectors import memberships
from tousu.org.services import current_policy

from .models import Report, ReportEvent
from .selectors import reports_visible_to

MAX_TEXT = 20_000


class ReportNotFound(Refused):
    def __init__(self):
        super().__init__(_("No such report, or you may not see it."))


def _roles(user) -> set[str]:
    return {m.role.code for m in memberships(user)}


def review_roles() -> dict[str, str]:
    """The preset's `[monthly_review]` ({} when the organisation reviews no analysis)."""
    return current_policy().monthly_review


def role_names() -> dict[str, str]:
    """{"writer": ..., "approver": ...}: the names of the roles `[monthly_review]` names."""
    policy = current_policy()
    return {key.removesuffix("_role"): policy.roles[code].name
            for key, code in policy.monthly_review.items() if code in policy.roles}


def may_write(user, report: Report) -> bool:
    """Whether `user` may write and submit the analysis of this monthly report now."""
    role = review_roles().get("writer_role")
    return (report.kind == Report.MONTHLY and bool(role) and role in _roles(user)
            and report.state in ("", Report.DRAFT, Report.RETURNED))


def may_review(user, report: Report) -> bool:
    """Whether `user` may approve or return this monthly report's analysis now."""
    role = review_roles().get("approver_role")
    return (report.kind == Report.MONTHLY and bool(role) and role in _roles(user)
            and report.state == Report.SUBMITTED)


def may_submit_weekly(user, report: Report) -> bool:
    """Whether `user` may submit this weekly record: a member of the unit it is for, not yet submitted."""
    return (report.kind == Report.WEEKLY and report.unit_id is not None and report.state != Report.SUBMITTED
            and any(m.unit_id == report.unit_id for m in memberships(user)))


def _locked(actor, report_id: int) -> Report:
    """The report, locked for the change, if `actor` may see it."""
    report = reports_visible_to(actor).select_for_update(of=("self",)).filter(pk=report_id).first()
    if report is None:
        raise ReportNotFound
    return report


def _text(value, field: str, label: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(_("%(field)s is required.") % {"field": label}, field=field)
    if len(text) > MAX_TEXT:
        raise InvalidInput(_("%(field)s is longer than %(n)d characters.") % {"field": label, "n": MAX_TEXT},
                           field=field)
    if not is_storable(text):
        raise InvalidInput(_("This text holds a character that cannot be stored (NUL or an unpaired "
                             "surrogate)."), field=field)
    return text


def _audit(report: Report, actor, action: str, now, note: str = "") -> ReportEvent:
    return ReportEvent.objects.create(report=report, actor=actor, action=action, at=now, state=report.state,
                                      note=note)


def write_analysis(*, actor, report_id: int, analysis: str, recommendations: str, now=None) -> Report:
    """The writer saves the month's analysis and recommendations (a draft until submitted)."""
    now = now or timezone.now()
    analysis = _text(analysis, "analysis", _("Analysis"))
    recommendations = _text(recommendations, "recommendations", _("Recommendations"))
    with transaction.atomic():
        report = _locked(actor, report_id)
        if not may_write(actor, report):
            raise Refused(_("You may not write the analysis of this report now."))
        report.analysis, report.recommendations = analysis, recommendations
        report.written_by, report.written_at = actor, now
        report.state = Report.DRAFT if report.state == "" else report.state
        report.save(update_fields=["analysis", "recommendations", "written_by", "written_at", "state"])
        _audit(report, actor, ReportEvent.WRITE, now)
    return report


def submit_analysis(*, actor, report_id: int, now=None) -> Report:
    """The writer submits the written analysis for approval."""
    now = now or timezone.now()
    with transaction.atomic():
        report = _locked(actor, report_id)
        if not may_write(actor, report):
            raise Refused(_("You may not submit this report now."))
        if not (report.analysis and report.recommendations):
            raise InvalidInput(_("Write the analysis and the recommendations before submitting."),
                               field="analysis")
        report.state, report.submitted_by, report.submitted_at = Report.SUBMITTED, actor, now
        report.decided_by, report.decided_at, report.decision_note = None, None, ""
        report.save(update_fields=["state", "submitted_by", "submitted_at", "decided_by", "decided_at",
                                   "decision_note"])
        _audit(report, actor, ReportEvent.SUBMIT, now)
    return report


def review_analysis(*, actor, report_id: int, approve: bool, note: str = "", now=None) -> Report:
    """The reviewer approves the submitted analysis, or returns it with a comment (required)."""
    now = now or timezone.now()
    note = (note or "").strip()
    if not approve:
        note = _text(note, "note", _("Comment"))
    elif note and not is_storable(note):
        raise InvalidInput(_("This text holds a character that cannot be stored (NUL or an unpaired "
                             "surrogate)."), field="note")
    with transaction.atomic():
        report = _locked(actor, report_id)
        if not may_review(actor, report):
            raise Refused(_("You may not review this report now."))
        report.state = Report.APPROVED if approve else Report.RETURNED
        report.decided_by, report.decided_at, report.decision_note = actor, now, note[:MAX_TEXT]
        report.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        _audit(report, actor, ReportEvent.APPROVE if approve else ReportEvent.RETURN, now, note[:MAX_TEXT])
    return report


def submit_weekly(*, actor, report_id: int, now=None) -> Report:
    """A member of the department submits the week's record (and is named on it as 填表人)."""
    now = now or timezone.now()
    with transaction.atomic():
        report = _locked(actor, report_id)
        if not may_submit_weekly(actor, report):
            raise Refused(_("You may not submit this record."))
        report.state, report.submitted_by, report.submitted_at = Report.SUBMITTED, actor, now
        report.save(update_fields=["state", "submitted_by", "submitted_at"])
        _audit(report, actor, ReportEvent.SUBMIT, now)
    return report


def submit(*, actor, report_id: int, now=None) -> Report:
    """Submit the report: a weekly record as filed, a monthly report's analysis for approval."""
    kind = reports_visible_to(actor).filter(pk=report_id).values_list("kind", flat=True).first()
    if kind is None:
        raise ReportNotFound
    return (submit_weekly if kind == Report.WEEKLY else submit_analysis)(actor=actor, report_id=report_id, now=now)
