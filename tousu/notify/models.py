from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """An outbox row, written in the same transaction as the action that caused it and
    delivered afterwards by the worker, with retries."""

    PENDING, SENT, FAILED = "pending", "sent", "failed"
    STATES = [(PENDING, _("pending")), (SENT, _("sent")), (FAILED, _("failed"))]

    channel = models.CharField(_("channel"), max_length=32, default="email")
    recipient = models.CharField(_("recipient"), max_length=300)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"), blank=True)
    payload = models.JSONField(default=dict, blank=True)
    case = models.ForeignKey("cases.Case", models.SET_NULL, null=True, blank=True, related_name="+")
    state = models.CharField(_("state"), max_length=16, choices=STATES, default=PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The id of the request that queued it, bound again in the worker's log lines for it.
    request_id = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["next_attempt_at"], name="outbox_due",
                                condition=Q(state="pending")),
                   # /metrics counts the given-up rows on every scrape without reading the sent ones
                   models.Index(fields=["channel"], name="outbox_failed", condition=Q(state="failed"))]

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient}: {self.subject}"
