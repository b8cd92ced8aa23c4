from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Notification, RobotTarget


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["channel", "recipient", "subject", "delivery", "attempts", "next_attempt_at"]
    list_filter = ["state", "channel"]
    readonly_fields = ["last_error"]
    actions = ["try_again"]

    @admin.display(description=gettext_lazy("delivery"))
    def delivery(self, n: Notification) -> str:
        """Sent, or not yet delivered with what the last attempt met: a robot that answered an
        error is shown here, never as sent."""
        if n.state == Notification.SENT:
            return _("delivered %(at)s") % {"at": timezone.localtime(n.sent_at).strftime("%Y-%m-%d %H:%M:%S")
                                            if n.sent_at else ""}
        if n.last_error:
            return _("not yet delivered (%(error)s)") % {"error": n.last_error[:120]}
        return _("not yet delivered")

    @admin.action(description=gettext_lazy("Try the selected notifications again now"))
    def try_again(self, request, queryset):
        count = queryset.exclude(state=Notification.SENT).update(
            state=Notification.PENDING, attempts=0, next_attempt_at=timezone.now())
        self.message_user(request, _("%(n)d notifications will be tried again.") % {"n": count}, messages.INFO)


class RobotTargetForm(forms.ModelForm):
    """The secret is written, never shown again: left empty on a change, the stored one stays."""

    url = forms.URLField(label=gettext_lazy("webhook URL"), max_length=500, assume_scheme="https")
    secret = forms.CharField(label=gettext_lazy("signing secret"), required=False,
                             widget=forms.PasswordInput(render_value=False),
                             help_text=RobotTarget._meta.get_field("secret").help_text)

    class Meta:
        model = RobotTarget
        fields = ["name", "kind", "url", "secret", "phones", "unit", "role", "active"]

    def clean_secret(self):
        secret = self.cleaned_data.get("secret", "")
        if not secret and self.instance.pk:
            return RobotTarget.objects.get(pk=self.instance.pk).secret
        return secret


@admin.register(RobotTarget)
class RobotTargetAdmin(admin.ModelAdmin):
    form = RobotTargetForm
    list_display = ["name", "kind", "unit", "role", "active"]
    list_filter = ["kind", "active"]
