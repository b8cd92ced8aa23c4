"""Input forms: they only read and check input; the actions do the work."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from tousu.cases import inputs as input_rules
from tousu.domain.policy import ActionSpec
from tousu.domain.text import LONG_TEXT_MAX
from tousu.org.models import Membership, Unit

from .models import HandlingReport
from .selectors import MONTH, WEEK


class SubmitReportForm(forms.Form):
    cause = forms.CharField(label=_("Cause of the complaint"), max_length=LONG_TEXT_MAX,
                            widget=forms.Textarea(attrs={"rows": 3}))
    investigation = forms.CharField(label=_("Investigation and result"), max_length=LONG_TEXT_MAX,
                                    widget=forms.Textarea(attrs={"rows": 4}))
    recommendation_kind = forms.ChoiceField(label=_("Recommended"), choices=HandlingReport.KINDS)
    recommendation = forms.CharField(label=_("Standard document or training recommended"), max_length=300)
    expected_version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class DecideForm(forms.Form):
    """The decision on the report's pending step: its text, labelled and required as the
    preset's decision action says (`spec`: that action, None when the kind has none)."""

    note = forms.CharField(label=_("Note"), required=False, max_length=LONG_TEXT_MAX,
                           widget=forms.Textarea(attrs={"rows": 3}))
    expected_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, spec: ActionSpec | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        item = spec.input("note") if spec is not None else None
        if item is not None:
            self.fields["note"].label = input_rules.label(item)
            self.fields["note"].required = item.required


class PublishForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), max_length=LONG_TEXT_MAX,
                              widget=forms.Textarea(attrs={"rows": 5}))
    lessons = forms.CharField(label=_("Lessons"), max_length=LONG_TEXT_MAX,
                              widget=forms.Textarea(attrs={"rows": 5}))


class HotspotFilter(forms.Form):
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    period = forms.ChoiceField(label=_("Period"), required=False,
                               choices=[(MONTH, _("month")), (WEEK, _("week"))])
    threshold = forms.IntegerField(label=_("At least"), required=False, min_value=1, max_value=10000)


def staff_users():
    return get_user_model().objects.filter(
        is_active=True, pk__in=Membership.objects.values("user")).order_by("username")


class CorrectiveActionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("What is to be done"), required=False, max_length=LONG_TEXT_MAX,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ChoiceField(label=_("Category"), required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), required=False, queryset=Unit.objects.all())
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=staff_users())
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
    cases = forms.CharField(label=_("Complaint numbers"), required=False,
                            help_text=_("One or more numbers, separated by spaces or commas."))

    def __init__(self, *args, policy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—")] + list(policy.categories.items())
        self.fields["owner"].queryset = staff_users()
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.username

    def case_numbers(self) -> list[str]:
        return [n for n in self.cleaned_data.get("cases", "").replace(",", " ").replace("，", " ").split() if n]


class ClusterPlanForm(forms.Form):
    """A plan for an area of a cluster (建站, 优化, 维修): its kind, what it is, who owns it, by when."""

    plan_kind = forms.ChoiceField(label=_("Kind of plan"))
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("What is to be done"), required=False, max_length=LONG_TEXT_MAX,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=staff_users())
    due_date = forms.DateField(label=_("Planned date"),
                               widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_kind"].choices = list(plans)
        self.fields["owner"].queryset = staff_users()
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.username


class ProgressForm(forms.Form):
    text = forms.CharField(label=_("Progress"), max_length=LONG_TEXT_MAX,
                           widget=forms.Textarea(attrs={"rows": 2}))


class MonitoringForm(forms.Form):
    """A day's monitoring log (每日搜索、监测、研判、预警)."""

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    # An <input type="date"> takes only ISO dates: the localised format left it empty (so unsendable).
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    searched = forms.CharField(label=_("Sites and channels searched"), max_length=LONG_TEXT_MAX,
                               widget=forms.Textarea(attrs={"rows": 2}))
    findings = forms.CharField(label=_("What was found"), required=False, max_length=LONG_TEXT_MAX,
                               widget=forms.Textarea(attrs={"rows": 3}))
    judgement = forms.CharField(label=_("Assessment"), required=False, max_length=LONG_TEXT_MAX,
                                widget=forms.Textarea(attrs={"rows": 2}))
    warnings = forms.CharField(label=_("Warnings given"), required=False, max_length=LONG_TEXT_MAX,
                               widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, units=(), labels=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])
        for name, label in (labels or {}).items():  # the preset's words for its own duty
            self.fields[name].label = label
