"""What the organisation learns from its complaints: the handling report (《顾客投诉处理报告表》),
corrective actions and the case library (案例库).

Nothing here changes a case: `actions.py` does, through `tousu.cases.actions.acting`, so each
step is an event on the case's chain."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tousu.cases.models import Case
from tousu.org.models import Unit

User = settings.AUTH_USER_MODEL


class HandlingReport(models.Model):
    """《顾客投诉处理报告表》: for a matter no standard document or training covered. This is the
    report's own content; its steps (who signs, comments, approves and carries it out, in which
    order, with which time) are the preset's approval chain `handling_report`, each step a
    CaseApproval row of the case holding who decided it, when, and their text."""

    # What a preset that runs the report provides: the chain, the action that files the report
    # (and requests the chain) and the action that decides the step whose turn it is.
    CHAIN, SUBMIT, DECIDE = "handling_report", "handling_report_submit", "handling_report_decide"
    STANDARD, TRAINING = "standard", "training"
    KINDS = [(STANDARD, _("standard document")), (TRAINING, _("training"))]

    case = models.OneToOneField(Case, models.PROTECT, related_name="handling_report", verbose_name=_("complaint"))
    cause = models.TextField(_("cause of the complaint"))
    investigation = models.TextField(_("investigation and result"))
    recommendation_kind = models.CharField(_("recommended"), max_length=16, choices=KINDS)
    recommendation = models.CharField(_("standard document or training recommended"), max_length=300)

    submitted_by = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        verbose_name = _("complaint handling report")
        verbose_name_plural = _("complaint handling reports")
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.recommendation}"


class CorrectiveAction(models.Model):
    """A measure taken against the cause of one or many complaints, with an owner and a due date."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what is to be done"), blank=True)
    category = models.CharField(_("category"), max_length=50, blank=True)
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("unit"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    owner = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name=_("owner"))
    due_date = models.DateField(_("due date"))
    cases = models.ManyToManyField(Case, related_name="corrective_actions", verbose_name=_("complaints"))
    created_by = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    # A plan linked to a cluster of complaints by area (`[clusters.CODE]`: the telecom team's weak
    # coverage): the cluster's code, the area (an area code of the preset, or a place as recorded)
    # and the kind of plan (建站, 优化, 维修 ...). Blank for any other corrective action.
    cluster = models.CharField(_("cluster"), max_length=50, blank=True, default="")
    area = models.CharField(_("area"), max_length=200, blank=True, default="")
    plan_kind = models.CharField(_("kind of plan"), max_length=50, blank=True, default="")

    class Meta:
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        ordering = ["done_at", "due_date"]

    def __str__(self) -> str:
        return self.title


class ProgressNote(models.Model):
    """One line of a corrective action's progress; never edited."""

    action = models.ForeignKey(CorrectiveAction, models.CASCADE, related_name="notes")
    author = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name=_("author"))
    at = models.DateTimeField(_("at"))
    text = models.TextField(_("progress"))

    class Meta:
        ordering = ["at", "pk"]


class LibraryEntry(models.Model):
    """A closed case published to the case library (案例库), for staff to learn from."""

    case = models.OneToOneField(Case, models.PROTECT, related_name="library_entry", verbose_name=_("complaint"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"))
    lessons = models.TextField(_("lessons"))
    category = models.CharField(_("category"), max_length=50, blank=True)
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("unit"))
    published_by = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name=_("published by"))
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        verbose_name = _("case library entry")
        verbose_name_plural = _("case library")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.title


class MonitoringLog(models.Model):
    """One day's online monitoring by a unit's administrator (每日搜索、监测、研判、预警: the
    preset's `[monitoring]`). A day without one is a missed duty."""

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("unit"))
    day = models.DateField(_("day"))
    searched = models.TextField(_("sites and channels searched"))
    findings = models.TextField(_("what was found"), blank=True)
    judgement = models.TextField(_("assessment"), blank=True)
    warnings = models.TextField(_("warnings given"), blank=True)
    recorded_by = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("monitoring log")
        verbose_name_plural = _("monitoring logs")
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="one_monitoring_log_a_day")]

    def __str__(self) -> str:
        return f"{self.unit} {self.day}"


class MissedDuty(models.Model):
    """A day a duty was not done (no monitoring log): an entry of the accountability ledger
    against the unit and each holder of the duty's role there, found by the worker."""

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("unit"))
    person = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name=_("person"))
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=32)
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("missed duty")
        verbose_name_plural = _("missed duties")
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["unit", "person", "day", "kind"], name="one_missed_duty")]


class CaseView(models.Model):
    """Who opened a case at a level whose views are recorded (`record_views`), when, how."""

    case = models.ForeignKey(Case, models.PROTECT, related_name="+", verbose_name=_("complaint"))
    user = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name=_("person"))
    at = models.DateTimeField(_("at"))
    level = models.PositiveSmallIntegerField(_("severity"))
    what = models.CharField(_("what was opened"), max_length=100)

    class Meta:
        verbose_name = _("case view")
        verbose_name_plural = _("case views")
        ordering = ["-at"]
        indexes = [models.Index(fields=["case", "-at"], name="caseview_case_at")]
