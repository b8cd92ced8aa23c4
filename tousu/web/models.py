"""What the workspace keeps per person: the work list's saved filters."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SavedFilter(models.Model):
    """A named query of the work list (tab, filters, sort), as its link's query string; only
    its owner sees it. The list applies it through the same scoped selectors as any other."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="saved_filters",
                             verbose_name=_("person"))
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(_("query"), max_length=1000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="unique_saved_filter_name")]

    def __str__(self) -> str:
        return self.name
