"""The actions the case page offers: every action of the case's kind that has a label in the
preset, in the preset's order, each with a form drawn from the action's inputs."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms as django_forms

from tousu.cases import inputs as input_rules
from tousu.cases.engine import available, label_of
from tousu.domain.policy import ActionSpec, Kind, Policy

from . import forms


@dataclass(frozen=True)
class ActionUI:
    name: str
    label: str
    spec: ActionSpec
    kind: Kind

    def form(self, *args, case, policy, **kwargs) -> django_forms.Form:
        return action_form(self.spec, self.kind, case)(*args, **kwargs)


def _field(spec, kind: Kind, case) -> django_forms.Field:
    label = input_rules.label(spec)
    # Required inputs are checked by the action itself, so the message is the one the API gives.
    if spec.type == "longtext":
        return django_forms.CharField(label=label, required=False, max_length=input_rules.max_length(spec),
                                      widget=django_forms.Textarea(attrs={"rows": 4 if spec.required else 2}))
    if spec.type == "text":
        return django_forms.CharField(label=label, required=False, max_length=input_rules.max_length(spec))
    if spec.type == "money":
        return django_forms.DecimalField(label=label, required=False, min_value=0, decimal_places=2,
                                         max_digits=12, initial=0)
    if spec.type == "datetime":
        return django_forms.DateTimeField(label=label, required=False, widget=forms.DateTimeLocal)
    if spec.type in ("choice", "outcome", "level"):
        return django_forms.ChoiceField(label=label, required=False,
                                        choices=[("", "—")] + input_rules.choices(spec, kind))
    if spec.type == "unit":
        field = forms.UnitChoice(queryset=forms.selectors.transfer_units(case), label=label, required=False)
        if case.target_unit_id and case.target_unit_id != case.handling_unit_id:
            field.initial = case.target_unit_id  # recorded at intake
        return field
    if spec.type == "person":
        return forms.PersonChoice(queryset=forms.selectors.assignable_people(case), label=label, required=False)
    if spec.type == "party":
        parties = case.parties.all()
        if spec.party_role:
            parties = parties.filter(role=spec.party_role)
        return django_forms.ChoiceField(label=label, required=False,
                                        choices=[("", "—")] + [(str(p.pk), p.name) for p in parties])
    if spec.type == "files":
        return forms.MultipleFileField(label=label)
    if spec.type == "date":
        return django_forms.DateField(label=label, required=False, widget=forms.DateInput, help_text=spec.help)
    if spec.type == "lines":
        return django_forms.CharField(label=label, required=False, help_text=spec.help,
                                      widget=django_forms.Textarea(attrs={"rows": 5}))
    if spec.type == "per_item":
        options = [("", "—")] + list(spec.choices) if spec.choices else None
        return forms.PerItemField(input_rules.entries_of(spec, case), choices=options, label=label,
                                  help_text=spec.help)
    if spec.type == "url":  # checked by the action, whose message names the field
        return django_forms.CharField(label=label, required=False, max_length=2000,
                                      widget=django_forms.URLInput(attrs={"placeholder": "https://"}))
    if spec.type == "count":
        return django_forms.CharField(label=label, required=False, max_length=20,
                                      widget=django_forms.NumberInput(attrs={"min": 0, "step": 1}))
    return django_forms.NullBooleanField(label=label, required=False, widget=django_forms.Select(choices=[
        ("unknown", forms.NOT_KNOWN), ("true", forms.YES), ("false", forms.NO)]))


def action_form(spec: ActionSpec, kind: Kind, case) -> type[django_forms.Form]:
    """A form class for the action's inputs, named as the inputs are."""
    return type(f"{spec.name}Form", (django_forms.Form,),
                {item.name: _field(item, kind, case) for item in spec.inputs})


def offered(kind: Kind) -> list[ActionUI]:
    """The kind's actions a person takes on the case page (those the preset gives a label and does
    not keep for another page with `offer = false`)."""
    specs = sorted((s for s in kind.actions.values() if s.label and s.offer and "new" not in s.from_states),
                   key=lambda s: s.order)
    return [ActionUI(s.name, label_of(kind, s.name), s, kind) for s in specs]


def by_name(kind: Kind, name: str) -> ActionUI | None:
    for ui in offered(kind):
        if ui.name == name:
            return ui
    return None


def possible(case, policy: Policy, actor) -> tuple[list[ActionUI], list[tuple[ActionUI, str]]]:
    """(actions this person may take now, [(action, why not yet)] for the ones only a condition
    on the case holds back); the engine decides, this only keeps those the page offers."""
    shown = {ui.name: ui for ui in offered(policy.kind(case.kind))}
    now, later = [], []
    for spec, problem in available(case, actor, policy):
        ui = shown.get(spec.name)
        if ui is None:
            continue
        if problem:
            if not spec.quiet:  # a quiet action waits unseen for its condition
                later.append((ui, problem))
        else:
            now.append(ui)
    return now, later


__all__ = ["ActionUI", "by_name", "offered", "possible"]
