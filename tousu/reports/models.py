"""A stored report: the figures of one period, kept as they were when produced."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tousu.org.models import Unit


class Report(models.Model):
    WEEKLY, MONTHLY = "weekly", "monthly"
    KINDS = [(WEEKLY, _("weekly complaint record")), (MONTHLY, _("monthly statistical analysis"))]

    kind = models.CharField(_("kind"), max_length=16, choices=KINDS)
    period_start = models.DateField(_("first day"))
    period_end = models.DateField(_("day after the last"))
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("unit"), help_text=_("Empty: every unit."))
    figures = models.JSONField(_("figures"), default=dict)
    created_at = models.DateTimeField(_("produced at"), auto_now_add=True)
    # Filing (tousu/reports/filing.py, the only writer of these fields): a weekly record is
    # submitted by its department (填表人); a monthly report carries the written analysis and
    # recommendations ([monthly_review] writer_role) and is approved or returned by the reviewer.
    DRAFT, SUBMITTED, APPROVED, RETURNED = "draft", "submitted", "approved", "sent_back"
    STATES = [("", _("not submitted")), (DRAFT, _("analysis written, not submitted")),
              (SUBMITTED, _("submitted")), (APPROVED, _("approved")), (RETURNED, _("sent back"))]
    state = models.CharField(_("filing state"), max_length=16, choices=STATES, blank=True, default="")
    analysis = models.TextField(_("analysis"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("written by"))
    written_at = models.DateTimeField(_("written at"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("reviewed by"))
    decided_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    decision_note = models.TextField(_("review comment"), blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-period_start", "kind", "unit__path"]
        constraints = [
            # NULL is distinct from NULL in a plain unique index: one constraint per case.
            models.UniqueConstraint(fields=["kind", "period_start", "unit"], condition=Q(unit__isnull=False),
                                    name="one_report_per_unit_period"),
            models.UniqueConstraint(fields=["kind", "period_start"], condition=Q(unit__isnull=True),
                                    name="one_report_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.figures.get('period', {}).get('code', self.period_start)}"

    @property
    def code(self) -> str:
        return self.figures.get("period", {}).get("code", str(self.period_start))


    @property
    def locked(self) -> bool:
        """Submitted or approved: its figures stay as they were submitted (a refresh keeps them)."""
        return self.state in (self.SUBMITTED, self.APPROVED)


class ReportEvent(models.Model):
    """The audit record of a report's filing: who wrote, submitted, approved or returned it, when,
    the state it left the report in and the text they gave. Written with the change, never after."""

    WRITE, SUBMIT, APPROVE, RETURN = "write", "submit", "approve", "return"
    ACTIONS = [(WRITE, _("analysis written")), (SUBMIT, _("submitted")), (APPROVE, _("approved")),
               (RETURN, _("sent back"))]

    report = models.ForeignKey(Report, models.PROTECT, related_name="events", verbose_name=_("report"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("by"))
    action = models.CharField(_("action"), max_length=16, choices=ACTIONS)
    at = models.DateTimeField(_("at"))
    state = models.CharField(_("state after"), max_length=16, choices=Report.STATES, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        ordering = ["report", "at", "pk"]
