"""The organisation: its policy, units as a tree, roles with their authority, memberships,
and the holiday rows that complete the working calendar."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .fields import OrderedJSONField


class Organisation(models.Model):
    """The one organisation this installation serves; `policy` is the preset as loaded."""

    name = models.CharField(_("name"), max_length=200)
    preset = models.CharField(_("preset"), max_length=50)
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    hotline = models.CharField(_("complaint hotline"), max_length=50, blank=True)
    policy = OrderedJSONField(_("policy"), default=dict)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Changes whenever the policy, a role, or a holiday changes: the key of the in-process cache
    # of the parsed policy and calendar (org/services.py).
    config_token = models.CharField(max_length=32, default="", editable=False)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisation")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.config_token = uuid.uuid4().hex
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "config_token"}
        super().save(*args, **kwargs)
        _forget()

    @classmethod
    def configuration_changed(cls, **_signal) -> None:
        """A role or holiday changed: the cached policy and calendar are stale."""
        cls.objects.update(config_token=uuid.uuid4().hex)
        _forget()


def _forget() -> None:
    from .services import forget_configuration

    forget_configuration()


class PolicyVersion(models.Model):
    """Each policy the organisation has run under: who put it in force, when, and from what.
    A case records the version it was registered under."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    preset = models.CharField(_("preset"), max_length=50)
    policy = OrderedJSONField(_("policy"))
    changed_by = models.CharField(_("changed by"), max_length=150, blank=True)
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    # Who approved the change and on which day, where the policy in force asks for an approval
    # ([policy_changes] approver_role: the hotel's 总经理).
    approved_by = models.CharField(_("approved by"), max_length=150, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"{self.preset} v{self.number}"


class Unit(models.Model):
    """A node of the organisation tree (hotel > department; head office > branch > outlet).
    `path` is the materialised path of ids ("/1/4/9/") so a subtree is one indexed prefix."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=50)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("parent unit"))
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
        if path != self.path:
            old = self.path
            Unit.objects.filter(pk=self.pk).update(path=path)
            self.path = path
            if old:
                for child in Unit.objects.filter(path__startswith=old).exclude(pk=self.pk):
                    child.save()

    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to this unit (itself included)."""
        return [int(part) for part in self.path.strip("/").split("/") if part]


class Role(models.Model):
    """A role from the preset with its authority; editable in the admin."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    max_compensation = models.DecimalField(_("highest compensation it may grant"), max_digits=12,
                                           decimal_places=2, default=0)
    can_sign_off = models.BooleanField(_("may sign off"), default=False)
    can_close = models.BooleanField(_("may close"), default=False)
    sees_personal_data = models.BooleanField(_("sees personal data"), default=False)
    sees_all_units = models.BooleanField(_("sees every unit"), default=False)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships",
                             verbose_name=_("person"))
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="memberships", verbose_name=_("unit"))
    role = models.ForeignKey(Role, models.PROTECT, related_name="memberships", verbose_name=_("role"))

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="unique_membership")]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.role}"


class HolidayYear(models.Model):
    """A year whose official holiday list an administrator has loaded: from then on the
    calendar treats that year as known and deadlines reaching it are no longer provisional."""

    year = models.PositiveIntegerField(_("year"), unique=True)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("holiday year")
        verbose_name_plural = _("holiday years")

    def __str__(self) -> str:
        return str(self.year)


class Holiday(models.Model):
    """One day that differs from the national calendar or from the weekend rule."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("is a working day"), default=False)
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"
