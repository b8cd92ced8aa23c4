from django.contrib import admin

from .models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("kind", "period_start", "period_end", "unit", "created_at")
    list_filter = ("kind",)
    readonly_fields = ("kind", "period_start", "period_end", "unit", "figures", "created_at")

    def has_add_permission(self, request):
        return False  # produced by `tousu report` and the worker, never typed in
