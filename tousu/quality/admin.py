"""The records an auditor reads in the admin: monitoring logs, missed duties and who opened a
confidential case. Read-only: they are written by their own functions (quality/duties.py)."""

from django.contrib import admin

from .models import CaseView, MissedDuty, MonitoringLog


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MonitoringLog)
class MonitoringLogAdmin(ReadOnly):
    list_display = ["day", "unit", "recorded_by", "recorded_at"]
    list_filter = ["unit"]


@admin.register(MissedDuty)
class MissedDutyAdmin(ReadOnly):
    list_display = ["day", "unit", "person", "kind", "recorded_at"]
    list_filter = ["kind", "unit"]


@admin.register(CaseView)
class CaseViewAdmin(ReadOnly):
    list_display = ["at", "case", "user", "level", "what"]
    search_fields = ["case__number", "user__username"]
