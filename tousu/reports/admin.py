from django.contrib import admin

from .models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("kind", "period_start", "period_end", "unit", "created_at")
    list_filter = ("kind",)
    # The filing fields change only through tousu/reports/filing.py (each step with its audit row).
    readonly_fields = ("kind", "period_start", "period_end", "unit", "figures", "created_at", "state", "analysis",
                       "recommendations", "written_by", "written_at", "submitted_by", "submitted_at", "decided_by",
                       "decided_at", "decision_note")

    def has_add_permission(self, request):
        return False  # produced by `tousu report` and the worker, never typed in
