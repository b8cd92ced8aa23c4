"""Clusters of complaints by area (`[clusters.CODE]` in a preset), read where they are used and
checked when the preset loads, as `duties.py` is.

Text 四: weak coverage that cannot be fixed now is collected as evidence for new base-station
sites (建站), what network optimisation can fix goes into the weekly plan (优化), a suspected
equipment fault is checked and repaired (维修). A cluster is the complaints of some categories
in one area within the last `window_days`; when at least `threshold` of them share an area, the
area is shown, and a plan (a corrective action of one of the `plans` kinds, with its owner and
planned date) can be linked to it. Once the plan is done, its effect is the number of such
complaints in the area in the `effect_days` before and after its completion.

An area is one of the preset's `[[clusters.CODE.areas]]` when the complaint's place holds one of
its `match` words (or, with no place recorded, its subject or description does); otherwise the
place as recorded. Plain Python: the quality app turns this into queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import vocabulary as v


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    match: tuple[str, ...]


@dataclass(frozen=True)
class Cluster:
    code: str
    label: str
    label_en: str
    categories: tuple[str, ...]
    plans: tuple[tuple[str, str, str], ...]  # (code, label, label_en), in the preset's order
    areas: tuple[Area, ...] = ()
    window_days: int = 90
    threshold: int = 3
    effect_days: int = 30

    def plan_label(self, code: str) -> tuple[str, str]:
        for plan, label, label_en in self.plans:
            if plan == code:
                return label, label_en
        return code, ""

    def area_name(self, key: str) -> str:
        """The preset's name of an area, or the place as recorded for one it does not name."""
        for area in self.areas:
            if area.code == key:
                return area.name
        return key


def _positive(value: Any, default: int, path, add) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        add(path, "must be a whole number of 1 or more")
        return default
    return value


def read(doc: dict[str, Any], categories=None, problems=None) -> dict[str, Cluster]:
    """The preset's clusters by code. With `problems` (the loader's), each mistake is reported
    naming the key; `categories` (every category code of the policy) are checked when given."""

    def add(path, text):
        if problems is not None:
            problems.add(path, text)

    table = doc.get("clusters", {})
    if not isinstance(table, dict):
        add(("clusters",), "must be a table of clusters")
        return {}
    found = {}
    for code, spec in table.items():
        here = ("clusters", str(code))
        if not isinstance(spec, dict):
            add(here, "must be a table")
            continue
        for key in spec:
            if key not in v.CLUSTER_KEYS:
                add((*here, key), f"unknown key {key!r} (expected one of: {', '.join(sorted(v.CLUSTER_KEYS))})")
        listed = spec.get("categories", [])
        if not isinstance(listed, list) or not listed:
            add((*here, "categories"), "must be a list of the policy's categories")
            listed = []
        for i, category in enumerate(listed):
            if categories is not None and str(category) not in categories:
                add((*here, "categories", str(i)), f"unknown category {category!r}")
        plans_doc = spec.get("plans", {})
        if not isinstance(plans_doc, dict) or not plans_doc:
            add((*here, "plans"), "must be a table of the kinds of plan (code = label)")
            plans_doc = {}
        plans = []
        for plan, label in plans_doc.items():
            if isinstance(label, dict):
                plans.append((str(plan), str(label.get("label", plan)), str(label.get("label_en", ""))))
            else:
                plans.append((str(plan), str(label), ""))
        areas, seen = [], set()
        areas_doc = spec.get("areas", [])
        if not isinstance(areas_doc, list):
            add((*here, "areas"), "must be an array of tables")
            areas_doc = []
        for i, area in enumerate(areas_doc):
            where = (*here, "areas", str(i))
            if not isinstance(area, dict):
                add(where, "must be a table")
                continue
            for key in area:
                if key not in v.CLUSTER_AREA_KEYS:
                    add((*where, key), f"unknown key {key!r}")
            words = area.get("match", [])
            if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
                add((*where, "match"), "must be a list of words the place holds")
                words = []
            area_code = str(area.get("code", ""))
            if not area_code or area_code in seen:
                add((*where, "code"), "needs a code of its own")
            seen.add(area_code)
            areas.append(Area(area_code, str(area.get("name", area_code)), tuple(w.strip() for w in words)))
        found[str(code)] = Cluster(
            code=str(code), label=str(spec.get("label", code)), label_en=str(spec.get("label_en", "")),
            categories=tuple(str(c) for c in listed), plans=tuple(plans), areas=tuple(areas),
            window_days=_positive(spec.get("window_days"), 90, (*here, "window_days"), add),
            threshold=_positive(spec.get("threshold"), 3, (*here, "threshold"), add),
            effect_days=_positive(spec.get("effect_days"), 30, (*here, "effect_days"), add))
    return found
