"""Two parts of a preset read where they are used, checked when it loads: the accountability
words with their consequences (`[accountability.WORD]`) and the daily monitoring duty
(`[monitoring]`); and the levels whose every view is recorded (`record_views` on a level).

Plain Python: the quality app (the ledger, the monitoring log) and the worker read these."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import vocabulary as v


@dataclass(frozen=True)
class Accountability:
    word: str
    label: str
    label_en: str = ""
    consequences: tuple[str, ...] = ()


@dataclass(frozen=True)
class Monitoring:
    role: str
    days: str = "every_day"  # or working_days
    missed: str = "missed_monitoring"  # the ledger word of a day without a log
    label: str = ""
    fields: dict[str, str] = field(default_factory=dict)  # the log's field labels, by field


@dataclass(frozen=True)
class Duties:
    accountability: dict[str, Accountability] = field(default_factory=dict)
    monitoring: Monitoring | None = None


def read(doc: dict[str, Any], roles=(), problems=None) -> Duties:
    """The duties of a preset document; `problems.add(path, text)` hears every mistake."""
    def add(path, text):
        if problems is not None:
            problems.add(path, text)

    words = {}
    table = doc.get("accountability", {})
    if not isinstance(table, dict):
        add(("accountability",), "must be a table of ledger words")
        table = {}
    for word, spec in table.items():
        if not isinstance(spec, dict):
            spec = {"label": str(spec)}
        for key in spec:
            if key not in v.ACCOUNTABILITY_KEYS:
                add(("accountability", word, key), f"unknown key {key!r}")
        consequences = spec.get("consequences", [])
        if not isinstance(consequences, list):
            add(("accountability", word, "consequences"), "must be a list of texts")
            consequences = []
        words[str(word)] = Accountability(str(word), str(spec.get("label", word)), str(spec.get("label_en", "")),
                                          tuple(str(c) for c in consequences))
    monitoring = None
    spec = doc.get("monitoring")
    if spec is not None:
        if not isinstance(spec, dict):
            add(("monitoring",), "must be a table")
            spec = {}
        for key in spec:
            if key not in v.MONITORING_KEYS:
                add(("monitoring", key), f"unknown key {key!r}")
        role = str(spec.get("role", ""))
        if role not in roles:
            add(("monitoring", "role"), f"unknown role {role!r}")
        days = str(spec.get("days", "every_day"))
        if days not in v.MONITORING_DAYS:
            add(("monitoring", "days"), f"must be one of {', '.join(v.MONITORING_DAYS)}")
        labels = spec.get("fields", {})
        if not isinstance(labels, dict):
            add(("monitoring", "fields"), "must be a table of field labels")
            labels = {}
        for name in labels:
            if name not in v.MONITORING_FIELDS:
                add(("monitoring", "fields", name), f"must be one of {', '.join(v.MONITORING_FIELDS)}")
        monitoring = Monitoring(role, days, str(spec.get("missed", "missed_monitoring")), str(spec.get("label", "")),
                                {str(k): str(t) for k, t in labels.items() if k in v.MONITORING_FIELDS})
    for code, kind in (doc.get("kinds") or {}).items():
        for i, level in enumerate(kind.get("levels") or [] if isinstance(kind, dict) else []):
            if isinstance(level, dict) and not isinstance(level.get("record_views", False), bool):
                add(("kinds", code, "levels", str(i), "record_views"), "must be true or false")
    return Duties(words, monitoring)


def recorded_levels(doc: dict[str, Any], kind: str) -> frozenset[int]:
    """The levels of `kind` whose every view is recorded (`record_views = true`)."""
    levels = ((doc.get("kinds") or {}).get(kind) or {}).get("levels") or []
    return frozenset(level.get("value") for level in levels
                     if isinstance(level, dict) and level.get("record_views") is True)
