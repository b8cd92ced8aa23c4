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
