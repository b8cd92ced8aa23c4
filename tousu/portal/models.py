"""Files a complainant attaches on the portal. Stored under MEDIA_ROOT/portal/<case number>/
with a random name (the uploaded name is kept only as text). Nothing serves MEDIA_ROOT
publicly: a staff page that shows them must check who may see the case first."""

import uuid
from pathlib import PurePath

from django.db import models
from django.utils.translation import gettext_lazy as _

from tousu.cases.models import Case


def upload_path(instance: "Attachment", filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"portal/{instance.case.number}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, models.PROTECT, related_name="portal_attachments",
                             verbose_name=_("complaint"))
    file = models.FileField(_("file"), upload_to=upload_path, max_length=255)
    original_name = models.CharField(_("original file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("portal attachment")
        verbose_name_plural = _("portal attachments")
        ordering = ["case", "pk"]

    def __str__(self) -> str:
        return self.original_name
