from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["channel", "recipient", "subject", "state", "attempts", "next_attempt_at"]
    list_filter = ["state", "channel"]
