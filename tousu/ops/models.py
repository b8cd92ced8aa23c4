from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """When a worker last finished a round, one row per host (several workers on one host share
    it). /healthz fails when the newest is too old; /metrics shows its age."""

    host = models.CharField(_("host"), max_length=255, unique=True)
    last_round_at = models.DateTimeField(_("last round at"))
    rounds = models.PositiveBigIntegerField(_("rounds"), default=0)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.host} {self.last_round_at:%Y-%m-%d %H:%M:%S}"
