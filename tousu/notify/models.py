from django.core.exceptions import ValidationError
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


class RobotTarget(models.Model):
    """A group robot (WeCom, DingTalk, Feishu) or an SMS gateway that fast reports go to, set up
    by the administrator for a unit (and the units under it) and a role; the `robot` effect
    queues one outbox row per matching target. The secret signs each request (DingTalk's and
    Feishu's 加签; an SMS gateway gets X-Tousu-Signature as a webhook does) and is read at send
    time, never copied into the outbox."""

    WECOM, DINGTALK, FEISHU, SMS = "wecom", "dingtalk", "feishu", "sms"
    KINDS = [(WECOM, _("WeCom group robot")), (DINGTALK, _("DingTalk group robot")),
             (FEISHU, _("Feishu group robot")), (SMS, _("SMS gateway webhook"))]

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=KINDS)
    url = models.URLField(_("webhook URL"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=200, blank=True,
                              help_text=_("DingTalk: the SEC… string of 加签; Feishu: the 签名校验 secret; "
                                          "SMS gateway: the key of X-Tousu-Signature."))
    phones = models.CharField(_("mobile numbers"), max_length=500, blank=True,
                              help_text=_("SMS gateway only: the numbers to text, separated by commas."))
    unit = models.ForeignKey("org.Unit", models.CASCADE, null=True, blank=True, related_name="+",
                             verbose_name=_("unit"),
                             help_text=_("Cases of this unit and the units under it; empty: every unit."))
    role = models.CharField(_("role"), max_length=50, blank=True,
                            help_text=_("The role code the preset's robot effect names (e.g. leaders); "
                                        "empty: every role."))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("robot or SMS target")
        verbose_name_plural = _("robot and SMS targets")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    def clean(self):
        super().clean()
        from . import egress

        try:
            egress.check(self.url)
        except egress.BlockedTarget as exc:
            raise ValidationError({"url": str(exc)}) from None
        if self.kind == self.SMS and not self.phones.strip():
            raise ValidationError({"phones": _("An SMS gateway needs at least one mobile number.")})

    def save(self, *args, **kwargs):
        from . import egress

        try:  # no internal address literal, even outside the admin; names are checked when sent
            egress.check_without_lookup(self.url)
        except egress.BlockedTarget as exc:
            raise ValidationError({"url": str(exc)}) from None
        super().save(*args, **kwargs)
