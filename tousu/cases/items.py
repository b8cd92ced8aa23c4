"""A case's list of items (the complaint's 投诉事项 1..n) as the case page shows it: each entry
with what was recorded for it since (findings, rulings, each party's answer).

The list is the one a kind's document repeats over (`items = "data.NAME"`); what belongs to an
entry is found from the preset itself: a `per_item` input following that list, written into
`data.X` by a `set` (one value per entry) or a `set_for_party` (one value per entry for each
party), is shown under the input's label. Nothing here names a field of a preset."""

from __future__ import annotations

from dataclasses import dataclass, field

from tousu.domain.policy import Kind

from .inputs import label as input_label


@dataclass
class ItemRow:
    number: int
    entry: str
    values: list[tuple[str, str]] = field(default_factory=list)  # (label, value)
    answers: list[tuple[str, str, str]] = field(default_factory=list)  # (label, party, value)


def item_list(kind: Kind) -> str:
    """The data list the kind's documents repeat over ('' when none does)."""
    return next((doc.items for doc in kind.documents.values() if doc.items), "")


def _written(kind: Kind, listed: str) -> list[tuple[str, str, bool]]:
    """(data key, label, kept per party) for each per-item input following `listed`."""
    found, seen = [], set()
    for action in kind.actions.values():
        inputs = {i.name: i for i in action.inputs if i.type == "per_item" and i.of == listed}
        if not inputs:
            continue
        for effect in action.effects:
            if effect.name not in ("set", "set_for_party"):
                continue
            for key, value in dict(effect.param("fields", ())).items():
                source = str(value).removeprefix("$input.")
                if source in inputs and key.startswith("data.") and key not in seen:
                    seen.add(key)
                    found.append((key.removeprefix("data."), input_label(inputs[source]),
                                  effect.name == "set_for_party"))
    return found


def item_rows(case, kind: Kind) -> list[ItemRow]:
    listed = item_list(kind)
    data = case.data or {}
    entries = data.get(listed.removeprefix("data."), []) if listed else []
    if not isinstance(entries, list):
        return []
    names = {str(p.pk): p.name for p in case.parties.all()}
    rows = [ItemRow(n, str(entry)) for n, entry in enumerate(entries, start=1)]
    for key, label, per_party in _written(kind, listed):
        kept = data.get(key)
        for row in rows:
            i = row.number - 1
            if per_party and isinstance(kept, dict):
                for party, values in kept.items():
                    if isinstance(values, list) and i < len(values) and values[i]:
                        row.answers.append((label, names.get(party, party), str(values[i])))
            elif isinstance(kept, list) and i < len(kept) and kept[i]:
                row.values.append((label, str(kept[i])))
    return rows
