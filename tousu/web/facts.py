"""A kind's own facts (`data.NAME`, written by `set` effects from an action's inputs) as the case
page lists them: each under the label of the input that writes it, a link as a link."""

from __future__ import annotations

from tousu.cases import inputs as input_rules
from tousu.cases.readable import yuan
from tousu.cases.wording import fact_label
from tousu.domain.policy import Kind


def labelled(kind: Kind) -> dict[str, tuple[str, str]]:
    """data NAME -> (label, input type), from the first action input a `set` effect writes it from."""
    found: dict[str, tuple[str, str]] = {}
    for spec in sorted(kind.actions.values(), key=lambda s: s.order):
        for effect in spec.effects:
            if effect.name != "set":
                continue
            for field, value in dict(effect.params).get("fields", ()):
                if not field.startswith("data.") or not isinstance(value, str) or not value.startswith("$input."):
                    continue
                item = spec.input(value.removeprefix("$input."))
                if item is not None and item.type != "files":
                    found.setdefault(field.removeprefix("data."), (input_rules.label(item), item.type))
    return found


def of(case, kind: Kind) -> list[dict]:
    """[{label, value, link}] for the case's facts that have a label, in the kind's order."""
    data = case.data or {}
    rows = []
    for name, (label, kind_of_input) in labelled(kind).items():
        value = data.get(name)
        if value in (None, "") or isinstance(value, (dict, list)):
            continue
        if kind_of_input == "choice":  # a code, in words (also one an action writes itself)
            value = fact_label(kind, name, value)
        text = yuan(value) if kind_of_input == "money" else str(value)
        link = text if kind_of_input == "url" and text.startswith(("http://", "https://")) else ""
        rows.append({"label": label, "value": text, "link": link})
    return rows
