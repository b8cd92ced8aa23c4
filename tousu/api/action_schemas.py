"""The OpenAPI document describes each action's body: the organisation's kinds and their
actions' inputs are read from its policy when the document is asked for, and written as one
schema per action (`Inputs.KIND.ACTION`) under `POST /api/cases/{case_id}/actions/{action}`."""

from __future__ import annotations

from ninja import NinjaAPI

from tousu.cases import inputs as input_rules
from tousu.cases.engine import label_of

# The JSON each input type takes in the API (files come only through the staff pages).
JSON_TYPES = {
    "text": {"type": "string"},
    "longtext": {"type": "string"},
    "money": {"type": ["string", "number"], "pattern": r"^\d+(\.\d{1,2})?$", "minimum": 0,
              "description": "yuan, at most two decimals"},
    "datetime": {"type": "string", "format": "date-time"},
    "unit": {"type": "string", "description": "a unit's code"},
    "person": {"type": "string", "description": "a person's username"},
    "party": {"type": "integer", "description": "the id of one of the case's parties"},
    "bool": {"type": ["boolean", "null"]},
    "date": {"type": "string", "format": "date"},
    "lines": {"type": ["array", "string"], "items": {"type": "string"},
              "description": "entries: a list, or text with one entry per line"},
    "per_item": {"type": "array", "items": {"type": "string"},
                 "description": "one value for each entry of the list it follows, in order"},
    "url": {"type": "string", "maxLength": 2000, "description": "an http:// or https:// address"},
    "count": {"type": ["integer", "string"], "minimum": 0, "pattern": r"^\d+$",
              "description": "a whole number, 0 or more"},
}


def action_schema(spec, kind) -> dict:
    properties, required = {}, []
    for item in spec.inputs:
        if item.type == "files":
            continue
        if item.type in ("choice", "outcome", "level"):
            values = [value for value, _label in input_rules.choices(item, kind)]
            prop = {"enum": [int(v) for v in values] if item.type == "level" else values}
        else:
            prop = dict(JSON_TYPES[item.type])
            if item.type in ("text", "longtext"):
                prop["maxLength"] = input_rules.max_length(item)
        prop["title"] = input_rules.label(item)
        properties[item.name] = prop
        if item.required:
            required.append(item.name)
    schema = {"type": "object", "title": f"{kind.label} · {label_of(kind, spec.name)}",
              "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = required
    return schema


def with_action_bodies(document: dict) -> dict:
    """`document` with a schema per action of the policy in force (unchanged without one)."""
    from tousu.org.services import current_policy

    try:
        policy = current_policy()
    except Exception:  # no organisation yet, or no database here: the generic body stands
        return document
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    refs = []
    for kind in policy.kinds.values():
        for spec in kind.actions.values():
            if not spec.label or spec.portal:
                continue
            name = f"Inputs.{kind.code}.{spec.name}"
            schemas[name] = action_schema(spec, kind)
            refs.append({"$ref": f"#/components/schemas/{name}"})
    body = schemas.get("AnyActionIn", {}).get("properties", {}).get("inputs")
    if body is not None and refs:
        body["anyOf"] = refs
        body["description"] = "The action's inputs: the schema named Inputs.KIND.ACTION."
    return document


class TousuAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        return with_action_bodies(super().get_openapi_schema(*args, **kwargs))
