"""Which rows of which files became which cases: the row key makes an import idempotent."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tousu.cases.models import Case


class ImportedRow(models.Model):
    """One spreadsheet row imported as a case. The key is the row's own number (留言编号) when
    the mapping names a key column, otherwise a hash of the row's content; a key already here
    is skipped, so importing the same file twice creates nothing twice."""

    kind = models.CharField(_("kind"), max_length=32)
    key = models.CharField(_("row key"), max_length=100)
    case = models.ForeignKey(Case, models.PROTECT, related_name="+", verbose_name=_("complaint"))
    source = models.CharField(_("file"), max_length=200)
    row = models.PositiveIntegerField(_("row"))
    imported_at = models.DateTimeField(_("imported at"))
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("imported by"))

    class Meta:
        verbose_name = _("imported row")
        verbose_name_plural = _("imported rows")
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="one_case_per_row_key")]

    def __str__(self) -> str:
        return f"{self.source}:{self.row}"
