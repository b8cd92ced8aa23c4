"""An administrator sees a model's measured quality before switching it on."""

from django.contrib import admin, messages
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from . import services
from .models import RoutingModel


@admin.register(RoutingModel)
class RoutingModelAdmin(admin.ModelAdmin):
    list_display = ("kind", "version", "active", "trained_at", "training_size", "figures")
    list_filter = ("kind", "active")
    readonly_fields = ("kind", "version", "config", "trained_at", "training_size", "seconds", "figures",
                       "per_class", "file", "sha256", "active", "trained_by")
    exclude = ("quality",)
    actions = ["switch_on"]

    def has_add_permission(self, request):
        return False  # trained by `tousu routing train`, never typed in

    @admin.display(description=_("Quality (cross-validated)"))
    def figures(self, model):
        return format_html_join(" · ", "{}: macro-F1 {} · {} {} · top-3 {}", (
            (target, q["macro_f1"], _("accuracy"), q["accuracy"], q["top3"]) for target, q in model.quality.items()))

    @admin.display(description=_("Per class"))
    def per_class(self, model):
        return format_html_join("", "<div>{} · {}: F1 {} ({})</div>", (
            (target, row["label"], row["f1"], row["support"]) for target, q in model.quality.items()
            for row in q["per_class"]))

    @admin.action(description=_("Switch the selected model on"))
    def switch_on(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose one model."), messages.ERROR)
            return
        model = services.activate(queryset.get())
        self.message_user(request, _("%(model)s is on.") % {"model": model})
