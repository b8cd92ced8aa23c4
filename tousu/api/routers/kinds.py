"""The organisation's kinds of case as its policy defines them: states, and each action with
the inputs its body takes (`POST /api/cases/{id}/actions/{action}` with `{"inputs": {...}}`)."""

from ninja import Router, Schema

from tousu.cases import inputs as input_rules
from tousu.cases.engine import label_of, state_label
from tousu.org.services import current_policy

from ..schemas import ErrorOut

router = Router(tags=["kinds"])


class InputOut(Schema):
    name: str
    type: str
    label: str
    required: bool
    choices: list[list[str]]


class ActionOut(Schema):
    name: str
    label: str
    from_states: list[str]
    inputs: list[InputOut]


class StateOut(Schema):
    code: str
    label: str
    ended: bool


class KindOut(Schema):
    code: str
    label: str
    number_prefix: str
    states: list[StateOut]
    actions: list[ActionOut]


@router.get("", response={200: list[KindOut], frozenset({401, 422}): ErrorOut}, operation_id="list_kinds",
            summary="The kinds of case, their states and the inputs of each action")
def list_kinds(request):
    policy = current_policy()
    found = []
    for kind in policy.kinds.values():
        actions = [ActionOut(name=spec.name, label=label_of(kind, spec.name), from_states=sorted(spec.from_states),
                             inputs=[InputOut(name=i.name, type=i.type, label=input_rules.label(i), required=i.required,
                                              choices=[list(c) for c in input_rules.choices(i, kind)])
                                     for i in spec.inputs])
                   for spec in sorted(kind.actions.values(), key=lambda s: s.order) if spec.label]
        found.append(KindOut(code=kind.code, label=kind.label, number_prefix=kind.number_prefix,
                             states=[StateOut(code=s.code, label=state_label(kind, s.code), ended=s.ended)
                                     for s in kind.states.values()], actions=actions))
    return found
