from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tousu.domain.policy import PolicyError, parse_policy

from .models import Holiday, HolidayYear, Membership, Organisation, PolicyVersion, Role, Unit
from .services import approval_problem, record_version


class OrganisationForm(forms.ModelForm):
    approved_by = forms.CharField(label=_("approved by (user name)"), required=False, max_length=150,
                                  help_text=_("Where the policy in force asks for an approval of its changes."))
    approved_on = forms.DateField(label=_("approved on"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = Organisation
        fields = "__all__"

    def clean(self):
        """A change of the policy takes effect only with the approval the policy in force asks for."""
        cleaned = super().clean()
        latest = PolicyVersion.objects.order_by("-number").first()
        policy = cleaned.get("policy")
        if latest is not None and policy is not None and policy != latest.policy:
            problem = approval_problem(latest.policy, cleaned.get("approved_by", ""), cleaned.get("approved_on"))
            if problem:
                self.add_error("approved_by", problem)
        return cleaned

    def clean_policy(self):
        """A policy edited here is checked as a preset file is: every mistake is named."""
        policy = self.cleaned_data["policy"]
        try:
            parse_policy(policy)
        except PolicyError as exc:
            raise forms.ValidationError(exc.problems) from None
        return policy


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationForm
    list_display = ["name", "preset", "timezone", "hotline", "updated_at"]

    def save_model(self, request, obj, form, change):
        """Each change of the policy becomes a new version naming who made it."""
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            record_version(obj.policy, changed_by=request.user.get_username(), note=str(_("edited in the admin")),
                           approved_by=form.cleaned_data.get("approved_by", ""),
                           approved_on=form.cleaned_data.get("approved_on"))


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    """The policies the organisation has run under; read only (a case names its version)."""

    list_display = ["number", "preset", "changed_by", "changed_at", "approved_by", "approved_on", "note"]
    readonly_fields = ["number", "preset", "policy", "changed_by", "changed_at", "approved_by", "approved_on",
                       "note"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent"]
    search_fields = ["name", "code"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "max_compensation", "can_sign_off", "can_close",
                    "sees_personal_data", "sees_all_units"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["role", "unit"]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "name"]


@admin.register(HolidayYear)
class HolidayYearAdmin(admin.ModelAdmin):
    list_display = ["year", "loaded_at", "source"]
