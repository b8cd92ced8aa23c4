"""A stored report: the figures of one period, kept as they were when produced."""

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
