from django.contrib import admin, messages
from django.utils.translation import gettext as _

from .models import ApiToken, WebhookSubscription


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "prefix", "active", "created_at", "last_used_at", "expires_at"]
    list_filter = ["active"]
    search_fields = ["user__username", "name", "prefix"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    autocomplete_fields = ["user"]

    def save_model(self, request, obj, form, change):
        key = None if change else obj.set_new_key()
        super().save_model(request, obj, form, change)
        if key:
            self.message_user(request, _("The new token is %(key)s. Copy it now: it is not shown again.")
                              % {"key": key}, messages.WARNING)


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["url", "description", "active", "created_at"]
    list_filter = ["active"]
