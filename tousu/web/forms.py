"""Forms only read and check input; every write is an action in `tousu.cases.actions`."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tousu.cases.actions import PHONE_RE
from tousu.cases.attachments import MultipleFileField  # noqa: F401  (case_actions draws files with it)
from tousu.cases.inputs import event_time_in_future
from tousu.cases.wording import localized
from tousu.domain.text import LONG_TEXT_MAX
from tousu.org.models import Unit

from . import selectors


class DateTimeLocal(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class PerItemWidget(forms.MultiWidget):
    """One field for each entry of a list the case keeps, each shown under its entry."""

    template_name = "web/widgets/per_item.html"

    def __init__(self, entries: list[str], choices=None):
        widgets = []
        for number, entry in enumerate(entries, start=1):
            attrs = {"entry": entry, "aria-label": f"{number}. {entry}"[:80]}
            widgets.append(forms.Select(attrs=attrs, choices=choices) if choices else
                           forms.Textarea(attrs={**attrs, "rows": 2}))
        super().__init__(widgets)

    def decompress(self, value):
        return list(value) if value else [None] * len(self.widgets)


class PerItemField(forms.MultiValueField):
    """The values for each entry, in order; the action checks them (a missing one is named)."""

    def __init__(self, entries: list[str], *, choices=None, **kwargs):
        fields = [forms.ChoiceField(choices=choices, required=False) if choices else
                  forms.CharField(required=False) for _entry in entries]
        super().__init__(fields, widget=PerItemWidget(entries, choices), require_all_fields=False,
                         required=False, **kwargs)

    def compress(self, data_list):
        return list(data_list or [])


def _choices(names: dict[str, str], blank=True) -> list[tuple[str, str]]:
    return ([("", "—")] if blank else []) + list(names.items())


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


def on_the_spot_action(policy) -> str:
    """The action that answers a complaint at once (`[intake] on_the_spot`), or ""."""
    return str((policy.raw.get("intake") or {}).get("on_the_spot", ""))


def routing_input(policy):
    """The unit input of the default kind's routing action (`[kinds.X.routing] action`), None
    when the kind routes nothing at intake."""
    kind = policy.kind()
    spec = kind.actions.get(kind.routing.action)
    return next((item for item in spec.inputs if item.type == "unit"), None) if spec else None


class IntakeForm(forms.Form):
    """The facts the original text asks to record first (S1 六要素; S2 投诉登记)."""

    unit = UnitChoice(queryset=Unit.objects.none(), label=_("Receiving unit"), empty_label=None)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    occurred_at = forms.DateTimeField(label=_("Time of the event"), required=False, widget=DateTimeLocal)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    description = forms.CharField(label=_("Course of events"), max_length=LONG_TEXT_MAX, widget=forms.Textarea)
    people_involved = forms.CharField(label=_("People involved"), max_length=300, required=False)
    complainant_name = forms.CharField(label=_("Complainant"), max_length=100)
    complainant_kind = forms.ChoiceField(label=_("Person or organisation"), required=False, choices=[
        ("person", _("person")), ("organisation", _("organisation"))])
    complainant_phone = forms.CharField(label=_("Phone"), max_length=40, required=False,
                                        widget=forms.TextInput(attrs={"inputmode": "tel"}))
    complainant_email = forms.EmailField(label=_("Email"), required=False)
    complainant_address = forms.CharField(label=_("Address"), max_length=300, required=False)
    requested_resolution = forms.CharField(label=_("Requested resolution"), required=False, max_length=LONG_TEXT_MAX,
                                           widget=forms.Textarea(attrs={"rows": 3}))
    requested_by = forms.DateTimeField(label=_("Requested time"), required=False, widget=DateTimeLocal)
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    target_unit = UnitChoice(queryset=Unit.objects.order_by("path"), label=_("Unit complained about"),
                             required=False, empty_label="—")
    # Where the kind routes a new case to a unit (`[kinds.X.routing] action`, the hotline's 派单):
    # the unit it is sent to once registered (a suggested unit fills it in with one click).
    route_to = UnitChoice(queryset=Unit.objects.order_by("path"), label=_("Send to"), required=False,
                          empty_label="—")
    severity = forms.TypedChoiceField(label=_("Severity"), coerce=int, initial=3, choices=[
        (3, _("Ordinary")), (2, _("Serious")), (1, _("Very serious"))])
    attachments = MultipleFileField(label=_("Scanned pages"))
    kind = forms.ChoiceField(label=_("Kind of case"), required=False)
    # One further party (a company complained about, a respondent) where the kind names them.
    party_role = forms.ChoiceField(label=_("Other party"), required=False)
    party_name = forms.CharField(label=_("Its name"), max_length=200, required=False)
    party_kind = forms.ChoiceField(label=_("Person or organisation"), required=False, choices=[
        ("organisation", _("organisation")), ("person", _("person"))])
    party_product = forms.CharField(label=_("Product or brand"), max_length=200, required=False)
    party_address = forms.CharField(label=_("Its address"), max_length=300, required=False)

    # 能立即答复的要当场答复: where the preset names an action for it (`[intake] on_the_spot`), the
    # answer given at the counter, registered and replied in one step.
    on_the_spot = forms.CharField(label=_("Answered on the spot"), required=False, max_length=LONG_TEXT_MAX,
                                  widget=forms.Textarea(attrs={"rows": 3}), help_text=_(
                                      "If the complaint was answered at once, what the customer was told: "
                                      "it is registered as replied, then called back and signed off."))

    PARTY_FIELDS = ("party_role", "party_name", "party_kind", "party_product", "party_address")
    NOT_REGISTERED = (*PARTY_FIELDS, "on_the_spot", "route_to")

    def __init__(self, *args, user, policy, with_files: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not on_the_spot_action(policy):
            del self.fields["on_the_spot"]
        if not with_files:  # only channels that bring paper (a letter, the opinion book) take files
            del self.fields["attachments"]
        routing = routing_input(policy)
        if routing is None:
            del self.fields["route_to"]
        else:
            self.fields["route_to"].label = localized(routing.label, routing.label_en)
        if len(policy.kinds) > 1:
            self.fields["kind"].choices = [(k.code, k.label) for k in policy.kinds.values()]
            self.fields["kind"].initial = policy.default_kind
            self.order_fields(["kind"])  # the kind first: the rest of the form depends on it
        else:
            del self.fields["kind"]
        roles = [(f"{k.code}:{r.code}", f"{k.label} · {r.label}" if len(policy.kinds) > 1 else r.label)
                 for k in policy.kinds.values() for r in k.parties.values() if not r.complainant]
        if roles:
            self.fields["party_role"].choices = [("", "—"), *roles]
        else:
            for name in self.PARTY_FIELDS:
                del self.fields[name]
        self.fields["unit"].queryset = selectors.intake_units(user)
        # Every kind's stages (a report's 实名 / 匿名 beside the complaint's): the intake checks
        # the one given against the kind chosen.
        self.fields["stage"].choices = _choices({code: label for kind in policy.kinds.values()
                                                 for code, label in kind.stages.items()})
        # The hotel's deadlines need the stage; with several kinds the action says for which.
        self.fields["stage"].required = len(policy.kinds) == 1 and "stage" in policy.deadline_facts()
        self.fields["category"].choices = _choices(policy.categories)
        kind = policy.kind()  # the levels as the (default) kind names them, highest last: 三级 … 一级
        complainant = kind.complainant_role()  # 投诉人, 诉求人, 发帖人 as the (default) kind calls them
        if complainant is not None:
            self.fields["complainant_name"].label = localized(complainant.label, complainant.label_en)
        self.fields["severity"].choices = list(kind.levels)
        self.fields["severity"].initial = kind.default_level

    def clean_complainant_phone(self):
        phone = self.cleaned_data["complainant_phone"].strip()
        if phone and not PHONE_RE.match(phone):
            raise forms.ValidationError(_("The phone number may hold only digits, spaces, '-' and a leading '+'."))
        return phone

    def clean_occurred_at(self):
        value = self.cleaned_data["occurred_at"]
        if event_time_in_future(value):  # refused before the read-back, as at the portal
            raise forms.ValidationError(_("This time is in the future."))
        return value

    def clean_requested_by(self):
        value = self.cleaned_data["requested_by"]
        if value is not None and value <= timezone.now():
            raise forms.ValidationError(_("This time must be in the future."))
        return value

    def register_fields(self) -> dict:
        """The cleaned data as register_case takes it: the other party as `parties`."""
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.NOT_REGISTERED}
        role = self.cleaned_data.get("party_role", "")
        if role:
            data["parties"] = [{"role": role.split(":", 1)[1], "name": self.cleaned_data["party_name"],
                                "kind": self.cleaned_data["party_kind"], "product": self.cleaned_data["party_product"],
                                "address": self.cleaned_data["party_address"]}]
        return data

    @property
    def files_lost(self) -> bool:
        """Files were sent with input that was refused: the browser will not send them again."""
        return bool(self.is_bound and self.files and self.errors)

    def summary(self) -> list[tuple[str, str]]:
        """(label, value) of every fact given, as read back to the caller."""
        rows = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if value in (None, ""):
                continue
            if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
                value = dict(field.choices).get(value, value)
            elif isinstance(value, Unit):
                value = value.name
            elif hasattr(value, "tzinfo"):
                value = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
            rows.append((field.label, str(value)))
        return rows


# The case actions' forms are drawn from each action's inputs (case_actions.py).
YES, NO, NOT_KNOWN = _("Yes"), _("No"), _("Not yet known")
