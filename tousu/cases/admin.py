"""Read-only views of cases for administrators: every change goes through cases/actions.py."""

from django.contrib import admin

from .models import Attachment, Case, CaseEvent, Clock, Lateness


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class EventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ["seq", "at", "actor", "action", "old", "new", "note"]


class ClockInline(ReadOnlyInline):
    model = Clock
    fields = ["label", "state", "due_at", "warn_at", "warned_at", "breached_at", "provisional", "attempts",
              "retry_at", "last_error"]


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["original_name", "content_type", "size", "source", "uploaded_by", "uploaded_at"]


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["number", "subject", "state", "level", "owner", "handling_unit", "received_at"]
    list_filter = ["state", "channel", "stage", "level"]
    search_fields = ["number", "subject"]
    inlines = [ClockInline, AttachmentInline, EventInline]


@admin.register(Lateness)
class LatenessAdmin(ReadOnlyAdmin):
    list_display = ["case", "clock", "unit", "person", "occurred_at"]
