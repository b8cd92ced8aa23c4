"""A trained routing model: its file in the data directory and what is known about it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RoutingModel(models.Model):
    """One training run for a kind of case. The pickled model lives in the data directory
    (`file`); its SHA-256 is checked before it is loaded, so a file swapped on disk is refused.
    At most one model per kind is active (switched on by an administrator after seeing its
    figures)."""

    kind = models.CharField(_("kind"), max_length=50)
    version = models.PositiveIntegerField(_("version"))
    config = models.CharField(max_length=100)
    trained_at = models.DateTimeField(_("trained at"))
    training_size = models.PositiveIntegerField(_("training size"))
    seconds = models.FloatField(default=0)
    quality = models.JSONField(default=dict)  # target -> macro_f1, accuracy, top3, size, per_class
    file = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    active = models.BooleanField(_("active"), default=False)
    trained_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="routing_model_version"),
            models.UniqueConstraint(fields=["kind"], condition=models.Q(active=True), name="routing_one_active"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version}"


class Suggestion(models.Model):
    """What was suggested for a new case and what was chosen: one row per target (category,
    unit) of a case registered while a model was on. `rank` is the chosen value's place among
    the suggestions (1-3), 0 when none of them was chosen; the acceptance rate is the share of
    rows with a rank."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    model = models.ForeignKey(RoutingModel, on_delete=models.SET_NULL, null=True, related_name="+")
    target = models.CharField(max_length=20)
    suggested = models.JSONField(default=list)  # [[value, confidence], ...], best first
    chosen = models.CharField(max_length=100, blank=True)
    rank = models.PositiveSmallIntegerField(default=0)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["at"], name="routing_suggestion_at")]
