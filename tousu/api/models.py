"""What the API keeps of its own: people's tokens, the idempotency keys of creates, and the
webhook subscriptions that case events are sent to."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tousu.notify import egress

TOKEN_PREFIX = "tsk_"


def hash_key(key: str) -> str:
    """Tokens are long random strings, so one SHA-256 is enough (no slow hash needed)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def token_expiry():
    """When a token made now expires: TOUSU_API_TOKEN_DAYS from now."""
    return timezone.now() + timedelta(days=settings.TOUSU_API_TOKEN_DAYS)


def idempotency_cutoff():
    """Keys written before this have expired (TOUSU_IDEMPOTENCY_HOURS ago)."""
    return timezone.now() - timedelta(hours=settings.TOUSU_IDEMPOTENCY_HOURS)


class ApiToken(models.Model):
    """A person's API token. Only its hash is kept: the key is shown once, when it is made."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens",
                             verbose_name=_("person"))
    name = models.CharField(_("name"), max_length=100, blank=True,
                            help_text=_("What the token is for, e.g. the call-centre system."))
    prefix = models.CharField(_("prefix"), max_length=16, editable=False,
                              help_text=_("The start of the key, to tell tokens apart."))
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(_("expires at"), default=token_expiry, blank=True, help_text=_(
        "After this the token is refused. Left blank: the usual number of days from now."))

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} · {self.prefix}… {self.name}".strip()

    def save(self, *args, **kwargs):
        if self.expires_at is None:
            self.expires_at = token_expiry()
        super().save(*args, **kwargs)

    def set_new_key(self) -> str:
        """Give the token a fresh key; returns the key, which is not stored anywhere."""
        key = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.prefix = key[: len(TOKEN_PREFIX) + 6]
        self.key_hash = hash_key(key)
        return key


class IdempotencyKey(models.Model):
    """A create request's Idempotency-Key, written in the same transaction as the case it made."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    case = models.ForeignKey("cases.Case", models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="unique_idempotency_key")]
        indexes = [models.Index(fields=["created_at"], name="idempotency_key_created")]  # the purge


def new_secret() -> str:
    return secrets.token_hex(32)


class WebhookSubscription(models.Model):
    """Every case event is POSTed to each active subscription's URL, signed with its secret
    (header X-Tousu-Signature: HMAC-SHA256, in hex, of X-Tousu-Timestamp, a dot and the body).
    The URL must be a public http(s) address, or a host the operator allows
    (TOUSU_WEBHOOK_ALLOW_HOSTS): checked with a DNS lookup when a form saves it, without one on
    every save, and again at each delivery (tousu/notify/egress.py)."""

    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(_("secret"), max_length=128, default=new_secret,
                              help_text=_("The receiver checks each body's signature with it."))
    active = models.BooleanField(_("active"), default=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self) -> str:
        return self.url

    def clean(self):
        super().clean()
        try:
            egress.check(self.url)
        except egress.BlockedTarget as exc:
            raise ValidationError({"url": str(exc)}) from None

    def save(self, *args, **kwargs):
        try:
            egress.check_without_lookup(self.url)
        except egress.BlockedTarget as exc:
            raise ValidationError({"url": str(exc)}) from None
        super().save(*args, **kwargs)
