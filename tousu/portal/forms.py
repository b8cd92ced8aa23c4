"""The portal's forms: a complaint with attachments, a lookup, a rating, a re-review request."""

from __future__ import annotations


from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tousu.cases.actions import PHONE_RE
from tousu.cases.attachments import MultipleFileField
from tousu.cases.inputs import event_time_in_future



class ComplaintForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200,
                              help_text=_("A few words, for example: “Wrong fee charged at the counter”."))
    description = forms.CharField(label=_("What happened"), max_length=5000, widget=forms.Textarea(
        attrs={"rows": 6}), help_text=_("The course of events, and the names of the people involved if you know them."))
    occurred_at = forms.DateTimeField(
        label=_("When did it happen?"), required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    place = forms.CharField(label=_("Where did it happen?"), max_length=200, required=False)
    requested_resolution = forms.CharField(
        label=_("What would you like us to do?"), max_length=2000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}))
    stage = forms.ChoiceField(label=_("When was this?"), widget=forms.RadioSelect,
                              help_text=_("Our deadline to answer you depends on it."))
    requested_by = forms.DateTimeField(
        label=_("By when would you like it dealt with?"), required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("If you are still staying with us, tell us by when; otherwise we deal with it "
                    "within our usual time."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    category = forms.ChoiceField(label=_("Category"), required=False)
    complainant_name = forms.CharField(label=_("Your name"), max_length=100, widget=forms.TextInput(
        attrs={"autocomplete": "name"}))
    complainant_phone = forms.CharField(
        label=_("Your phone number"), max_length=40,
        help_text=_("We call you back on it; its last four digits let you track the complaint."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}))
    complainant_email = forms.EmailField(label=_("Your email"), required=False, widget=forms.EmailInput(
        attrs={"autocomplete": "email"}))
    attachments = MultipleFileField(
        label=_("Photos or documents"),
        refused_note=_("Nothing was saved. Your text is kept below; choose the files again."))
    submission = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, categories: dict[str, str] | None = None,
                 stages: dict[str, str] | None = None, ask_requested_by: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not ask_requested_by:  # asked where a deadline is the time the complainant names
            del self.fields["requested_by"]
        if stages:  # asked only where a deadline depends on it (the hotel: 消费中 or 消费后)
            self.fields["stage"].choices = list(stages.items())
        else:
            del self.fields["stage"]
        categories = categories or {}
        if categories:
            self.fields["category"].choices = [("", _("— choose if you like —"))] + list(categories.items())
        else:
            del self.fields["category"]

    def clean_occurred_at(self):
        value = self.cleaned_data.get("occurred_at")
        if event_time_in_future(value):
            raise forms.ValidationError(_("This time is in the future."))
        return value

    def clean_requested_by(self):
        value = self.cleaned_data.get("requested_by")
        if value is not None and value <= timezone.now():
            raise forms.ValidationError(_("This time must be in the future."))
        return value

    def clean_complainant_phone(self):
        phone = self.cleaned_data["complainant_phone"].strip()
        if not PHONE_RE.match(phone) or sum(ch.isdigit() for ch in phone) < 4:
            raise forms.ValidationError(
                _("Enter a phone number of digits (spaces, '-' and a leading '+' are fine)."))
        return phone


class LookupForm(forms.Form):
    tracking_code = forms.CharField(label=_("Tracking code"), max_length=32, widget=forms.TextInput(
        attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}))
    phone_last4 = forms.CharField(
        label=_("Last four digits of your phone number"), min_length=4, max_length=4,
        validators=[RegexValidator(r"^[0-9]{4}$", _("Enter four digits."))],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{4}"}))


class RatingForm(forms.Form):
    result = forms.ChoiceField(label=_("Are you satisfied with our reply?"), widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Anything you want to add"), required=False,
                              max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, kind, action: str, **kwargs):
        """The answers are the outcomes the case kind's rating action offers (满意, 不满意)."""
        from tousu.cases import inputs as input_rules

        super().__init__(*args, **kwargs)
        spec = kind.actions.get(action)
        result = spec.input("result") if spec is not None else None
        self.fields["result"].choices = input_rules.choices(result, kind) if result is not None else []


class ReReviewForm(forms.Form):
    reason = forms.CharField(label=_("Why should we look at it again?"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))


# Input types a complainant fills in on the portal; an action with others is staff-only.
PORTAL_TYPES = frozenset({"text", "longtext", "choice", "outcome", "level", "datetime", "bool"})


def action_form(spec, kind) -> type[forms.Form]:
    """A form for one of the kind's portal actions, drawn from its inputs."""
    from tousu.cases import inputs as input_rules

    fields = {}
    for item in spec.inputs:
        label = input_rules.label(item)
        if item.type in ("choice", "outcome", "level"):
            fields[item.name] = forms.ChoiceField(label=label, required=item.required, widget=forms.RadioSelect,
                                                  choices=input_rules.choices(item, kind))
        elif item.type == "datetime":
            fields[item.name] = forms.DateTimeField(label=label, required=item.required)
        elif item.type == "bool":
            fields[item.name] = forms.NullBooleanField(label=label, required=False)
        else:
            fields[item.name] = forms.CharField(
                label=label, required=item.required, max_length=item.max_length or 2000,
                widget=forms.Textarea(attrs={"rows": 3}) if item.type == "longtext" else forms.TextInput)
    fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
    return type(f"Portal{spec.name}Form", (forms.Form,), fields)
