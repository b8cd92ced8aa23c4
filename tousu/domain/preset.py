"""Reading a preset (TOML, possibly extending another) and checking it into a `Policy`.

Every mistake is collected, not only the first: each names the file that set the key, the key
and what is wrong ("hotel.toml: kinds.complaint.actions.reply.to: unknown state 'answered'").
`tousu policy check FILE` prints them; loading a preset with any refuses it whole.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from . import clusters, duties
from . import vocabulary as v
from .policy import (
    PRESET_DIR,
    ActionSpec,
    ApprovalChain,
    ApprovalStep,
    Branch,
    Category,
    ClockSpec,
    DocumentSpec,
    MonthlyFigure,
    PeriodSpec,
    EffectSpec,
    Figures,
    GuardSpec,
    ImportStep,
    InputSpec,
    Kind,
    LadderStep,
    PartyRole,
    Policy,
    PolicyError,
    RoleSpec,
    RoutingPolicy,
    StateSpec,
)

Path_ = tuple[str, ...]


# --- reading ---------------------------------------------------------------------------------

def _merge(base: dict, over: dict, origins: dict, name: str, path: Path_ = ()) -> dict:
    """Deep merge of two TOML documents; `over` wins; lists are replaced, not joined. Every key
    `over` sets is recorded in `origins` as coming from file `name`."""
    out = dict(base)
    for key, value in over.items():
        here = (*path, str(key))
        origins[here] = name
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value, origins, name, here)
        else:
            out[key] = value
            if isinstance(value, dict):
                _mark(value, origins, name, here)
    return out


def _mark(doc: dict, origins: dict, name: str, path: Path_) -> None:
    for key, value in doc.items():
        origins[(*path, str(key))] = name
        if isinstance(value, dict):
            _mark(value, origins, name, (*path, str(key)))


def _find(name: str, directory: Path, extending: Path | None = None) -> Path:
    path = Path(name)
    if path.suffix == ".toml":
        # a file named with its suffix: beside the file that extends it first, then as given
        for candidate in ((directory / path) if not path.is_absolute() else path, path):
            if candidate.is_file() and not (extending and candidate.resolve() == extending.resolve()):
                return candidate
    for folder in (directory, PRESET_DIR):
        candidate = folder / f"{name}.toml"
        # a file never extends itself: a local hotel.toml extending "hotel" means the shipped one
        if candidate.is_file() and not (extending and candidate.resolve() == extending.resolve()):
            return candidate
    known = sorted(p.stem for p in PRESET_DIR.glob("*.toml") if not p.stem.startswith("_"))
    raise PolicyError(f"unknown preset {name!r}; known presets: {', '.join(known)}")


def read_with_origins(name: str, directory: Path = PRESET_DIR, *, _below: tuple[Path, ...] = ()
                      ) -> tuple[dict[str, Any], dict]:
    """The preset's TOML merged over the file it `extends` (looked for beside it, then among
    the shipped presets), and which file set each key."""
    path = _find(name, directory)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PolicyError(f"{path.name}: {exc}") from exc
    parent = doc.pop("extends", "")
    own_name = doc.get("preset", path.stem)
    origins: dict = {}
    if parent:
        try:
            parent_path = _find(str(parent), path.parent, extending=path)
        except PolicyError as exc:
            raise PolicyError(f"{path.name}: extends: {exc}") from None
        below = (*_below, path.resolve())
        if parent_path.resolve() in below:
            raise PolicyError(f"{path.name}: extends: {parent!r} extends {path.name} in turn")
        base, origins = read_with_origins(str(parent_path), path.parent, _below=below)
        doc = _merge(base, doc, origins, path.name)
    else:
        _mark(doc, origins, path.name, ())
    doc["preset"] = own_name
    return doc, origins


def read_preset(name: str, directory: Path = PRESET_DIR) -> dict[str, Any]:
    return read_with_origins(name, directory)[0]


def load_preset(name: str, directory: Path = PRESET_DIR) -> Policy:
    doc, origins = read_with_origins(name, directory)
    return parse_policy(doc, origins)


def check_file(path: str | Path) -> list[str]:
    """Every mistake in the preset at `path` ([] when it loads)."""
    try:
        load_preset(str(path), Path(path).parent)
    except PolicyError as exc:
        return exc.problems
    return []


# --- checking --------------------------------------------------------------------------------

class _Problems:
    def __init__(self, origins: dict | None, preset: str):
        self.origins = origins or {}
        self.preset = preset
        self.found: list[str] = []

    def add(self, path: Path_, message: str) -> None:
        where = f"{self.preset}.toml"
        for end in range(len(path), 0, -1):
            if path[:end] in self.origins:
                where = self.origins[path[:end]]
                break
        self.found.append(f"{where}: {'.'.join(path)}: {message}")


def _table(value: Any, path: Path_, p: _Problems) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        p.add(path, "must be a table")
        return {}
    return value


def _list(value: Any, path: Path_, p: _Problems) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        p.add(path, "must be a list")
        return []
    return value


def _unknown_keys(doc: dict, allowed: frozenset, path: Path_, p: _Problems) -> None:
    for key in doc:
        if key not in allowed:
            p.add((*path, key), f"unknown key {key!r} (expected one of: {', '.join(sorted(allowed))})")


def _int(value: Any, path: Path_, p: _Problems, default: int = 0) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        p.add(path, f"must be a whole number, not {value!r}")
        return default
    return value


def parse_policy(doc: dict[str, Any], origins: dict | None = None) -> Policy:
    """Build and check a Policy; PolicyError lists every wrong place."""
    p = _Problems(origins, str(doc.get("preset", "preset")))
    _unknown_keys(doc, v.TOP_KEYS, (), p)
    roles = _roles(doc, p)
    ladder = _ladder(doc.get("ladder"), ("ladder",), roles, p)
    if not ladder:
        p.add(("ladder",), "the policy defines no escalation ladder")
    channels = {str(k): str(x) for k, x in _table(doc.get("channels"), ("channels",), p).items()}
    kinds = {}
    for code, kind_doc in _table(doc.get("kinds"), ("kinds",), p).items():
        kinds[code] = _kind(code, _table(kind_doc, ("kinds", code), p), roles, ("kinds", code), p)
    if not kinds:
        p.add(("kinds",), "the policy defines no kind of case")
    default_kind = str(doc.get("default_kind", next(iter(kinds), "")))
    organisation = _table(doc.get("organisation"), ("organisation",), p)
    unit_kinds = _table(doc.get("unit_kinds"), ("unit_kinds",), p)
    if kinds and default_kind not in kinds:
        p.add(("default_kind",), f"unknown kind {default_kind!r}")
    duties.read(doc, roles, p)  # [accountability], [monitoring], levels' record_views
    clusters.read(doc, {c for kind in kinds.values() for c in kind.categories}, p)  # [clusters]
    intake = _table(doc.get("intake"), ("intake",), p)
    _unknown_keys(intake, v.INTAKE_KEYS, ("intake",), p)
    spot = intake.get("on_the_spot")
    if spot is not None and (default_kind not in kinds or str(spot) not in kinds[default_kind].actions):
        p.add(("intake", "on_the_spot"), f"unknown action {spot!r} of the kind {default_kind!r}")
    for code, spec in _table(doc.get("registers"), ("registers",), p).items():
        spec = _table(spec, ("registers", code), p)
        _unknown_keys(spec, v.REGISTER_KEYS, ("registers", code), p)
        listed = spec.get("channels", [])
        if not isinstance(listed, list) or not listed or any(str(c) not in channels for c in listed):
            p.add(("registers", code, "channels"), "must be a list of the preset's channels")
    report_units = _table(doc.get("reports"), ("reports",), p).get("units", [])
    if not isinstance(report_units, list) or any(str(k) not in unit_kinds for k in report_units):
        p.add(("reports", "units"), "must be a list of the preset's unit kinds")
    changes = _table(doc.get("policy_changes"), ("policy_changes",), p)
    _unknown_keys(changes, v.POLICY_CHANGE_KEYS, ("policy_changes",), p)
    if "approver_role" in changes and changes["approver_role"] not in roles:
        p.add(("policy_changes", "approver_role"), f"unknown role {changes['approver_role']!r}")
    review = _table(doc.get("monthly_review"), ("monthly_review",), p)
    _unknown_keys(review, v.MONTHLY_REVIEW_KEYS, ("monthly_review",), p)
    for key in sorted(v.MONTHLY_REVIEW_KEYS):
        if review and review.get(key) not in roles:
            p.add(("monthly_review", key), f"must be a role of the preset, not {review.get(key)!r}")
    if p.found:
        raise PolicyError(p.found)
    return Policy(
        preset=str(doc.get("preset", "")),
        organisation=dict(organisation),
        roles=roles,
        ladder=tuple(ladder),
        kinds=kinds,
        default_kind=default_kind,
        channels=channels,
        unit_kinds={str(k): str(x) for k, x in unit_kinds.items()},
        raw=doc,
    )


def _roles(doc: dict, p: _Problems) -> dict[str, RoleSpec]:
    roles = {}
    for code, spec in _table(doc.get("roles"), ("roles",), p).items():
        path = ("roles", code)
        spec = _table(spec, path, p)
        _unknown_keys(spec, v.ROLE_KEYS, path, p)
        if code in v.PSEUDO_ROLES or code == v.SYSTEM:
            p.add(path, f"{code!r} is a word of the engine and cannot name a role")
        try:
            amount = Decimal(str(spec.get("max_compensation", 0)))
        except InvalidOperation:
            p.add((*path, "max_compensation"), "must be a number")
            amount = Decimal(0)
        roles[code] = RoleSpec(
            code=code, name=str(spec.get("name", code)), max_compensation=amount,
            sign_off=bool(spec.get("sign_off", False)), close=bool(spec.get("close", False)),
            personal_data=bool(spec.get("personal_data", False)),
            all_units=bool(spec.get("all_units", False)))
    if not roles:
        p.add(("roles",), "the policy defines no roles")
    return roles


def _ladder(doc: Any, path: Path_, roles: dict, p: _Problems) -> list[LadderStep]:
    ladder = []
    steps = _list(_table(doc, path, p).get("steps"), (*path, "steps"), p)
    for level, step in enumerate(steps):
        step = _table(step, (*path, "steps", str(level)), p)
        if step.get("role") not in roles:
            p.add((*path, "steps", str(level), "role"), f"unknown role {step.get('role')!r}")
            continue
        ladder.append(LadderStep(level=level, role=step["role"], unit_kind=str(step.get("unit_kind", ""))))
    return ladder


def _kind(code: str, doc: dict, roles: dict, path: Path_, p: _Problems) -> Kind:
    _unknown_keys(doc, v.KIND_KEYS, path, p)
    states = {}
    for state, spec in _table(doc.get("states"), (*path, "states"), p).items():
        here = (*path, "states", state)
        if isinstance(spec, str):
            spec = {"label": spec}
        spec = _table(spec, here, p)
        _unknown_keys(spec, v.STATE_KEYS, here, p)
        states[state] = StateSpec(state, str(spec.get("label", state)), bool(spec.get("ended", False)),
                                  str(spec.get("public", "")), str(spec.get("label_en", "")),
                                  str(spec.get("public_en", "")))
    if not states:
        p.add((*path, "states"), "the kind defines no states")
    elif all(s.ended for s in states.values()) or not any(s.ended for s in states.values()):
        p.add((*path, "states"), "a kind needs open states and at least one ended state")

    outcomes, outcomes_en = {}, {}
    for outcome, spec in _table(doc.get("outcomes"), (*path, "outcomes"), p).items():
        if isinstance(spec, dict):  # { label = "满意", label_en = "Satisfied" }
            _unknown_keys(spec, frozenset({"label", "label_en"}), (*path, "outcomes", outcome), p)
            outcomes[str(outcome)] = str(spec.get("label", outcome))
            outcomes_en[str(outcome)] = str(spec.get("label_en", ""))
        else:
            outcomes[str(outcome)] = str(spec)
    stages = {str(k): str(x) for k, x in _table(doc.get("stages"), (*path, "stages"), p).items()}
    levels, level_visibility = _levels(doc.get("levels"), (*path, "levels"), p, roles)
    default_level = _int(doc.get("default_level"), (*path, "default_level"), p, levels[0][0])
    if default_level not in dict(levels):
        p.add((*path, "default_level"), f"not one of the levels {[lv for lv, _ in levels]}")
    parties = _parties(doc.get("parties"), (*path, "parties"), p)
    documents = _documents(doc.get("documents"), (*path, "documents"), p)
    periods = _periods(doc.get("periods"), (*path, "periods"), documents, p)
    approvals = _approvals(doc.get("approvals"), (*path, "approvals"), roles, p)
    ladder = _ladder(doc["ladder"], (*path, "ladder"), roles, p) if "ladder" in doc else []
    categories = _categories(doc.get("categories"), (*path, "categories"), p)

    names = set(_table(doc.get("actions"), (*path, "actions"), p))
    actions = {}
    clock_names = {str(_table(c, (), p).get("name", "")) for c in _list(doc.get("clocks"), (*path, "clocks"), p)}
    for order, (name, spec) in enumerate(_table(doc.get("actions"), (*path, "actions"), p).items()):
        ctx = _Context(states, outcomes, roles, parties, approvals, levels, names, stages)
        ctx.clock_names, ctx.documents = clock_names, documents
        actions[name] = _action(name, _table(spec, (*path, "actions", name), p), ctx,
                                (*path, "actions", name), order, p)
    for needed, why in (("register", "a case is registered by it"), ("clock", "the worker acts on clocks by it")):
        if needed not in actions:
            p.add((*path, "actions", needed), f"the kind needs an action {needed!r}: {why}")
    ctx = _Context(states, outcomes, roles, parties, approvals, levels, names, stages)
    ctx.clock_names, ctx.categories = clock_names, categories
    clocks = _clocks(doc.get("clocks"), (*path, "clocks"), ctx, actions, p)

    figures_doc = _table(doc.get("figures"), (*path, "figures"), p)
    _unknown_keys(figures_doc, v.FIGURE_KEYS, (*path, "figures"), p)
    figures = Figures(
        responded=_known(figures_doc.get("responded", []), states, (*path, "figures", "responded"), "state", p),
        resolved=_known(figures_doc.get("resolved", []), states, (*path, "figures", "resolved"), "state", p),
        satisfied=_known(figures_doc.get("satisfied", []), outcomes, (*path, "figures", "satisfied"), "outcome", p),
        verdicts=_known(figures_doc.get("verdicts", []), outcomes, (*path, "figures", "verdicts"), "outcome", p),
        dismissed=_known(figures_doc.get("dismissed", []), states, (*path, "figures", "dismissed"), "state", p),
    )
    prefix = str(doc.get("number_prefix", "TS"))
    if not prefix.isalnum() or len(prefix) > 8:
        p.add((*path, "number_prefix"), "must be 1 to 8 letters or digits")
    return Kind(
        code=code, label=str(doc.get("label", code)), number_prefix=prefix, states=states,
        actions=actions, clocks=tuple(clocks), categories=categories, stages=stages,
        outcomes=outcomes, outcomes_en=outcomes_en, documents=documents, level_visibility=level_visibility,
        levels=levels, default_level=default_level, parties=parties,
        approvals=approvals, figures=figures,
        repeat_window_days=_int(_table(doc.get("repeats"), (*path, "repeats"), p).get("window_days"),
                                (*path, "repeats", "window_days"), p, 30),
        callback_due_days=_int(_table(doc.get("callback"), (*path, "callback"), p).get("due_days"),
                               (*path, "callback", "due_days"), p, 3),
        retention_days=_retention_days(doc.get("retention_days"), (*path, "retention_days"), p),
        ladder=tuple(ladder), label_en=str(doc.get("label_en", "")), periods=periods,
        monthly=_monthly(doc.get("monthly"), (*path, "monthly"), actions, p),
        import_reply=_imports(doc.get("imports"), (*path, "imports"), actions, p),
        words=_words(doc.get("words"), (*path, "words"), p),
        routing=_routing(doc.get("routing"), (*path, "routing"), actions, p))


def _words(doc: Any, path: Path_, p: _Problems) -> dict[str, dict[str, tuple[str, str]]]:
    """[kinds.X.words.FACT]: code -> label, or code -> { label, label_en }."""
    found: dict[str, dict[str, tuple[str, str]]] = {}
    for fact, table in _table(doc, path, p).items():
        found[str(fact)] = {}
        for code, spec in _table(table, (*path, fact), p).items():
            here = (*path, fact, code)
            if isinstance(spec, dict):
                _unknown_keys(spec, frozenset({"label", "label_en"}), here, p)
                found[str(fact)][str(code)] = (str(spec.get("label", code)), str(spec.get("label_en", "")))
            elif isinstance(spec, str):
                found[str(fact)][str(code)] = (spec, "")
            else:
                p.add(here, "a label, or a table { label, label_en }")
    return found


def _routing(value: Any, path: Path_, actions: dict, p: _Problems) -> RoutingPolicy:
    doc = _table(value, path, p)
    _unknown_keys(doc, v.ROUTING_KEYS, path, p)
    action = str(doc.get("action", ""))
    confidence = doc.get("auto_min_confidence", 0)
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not 0 <= confidence <= 1:
        p.add((*path, "auto_min_confidence"), f"must be a number from 0 to 1, not {confidence!r}")
        confidence = 0
    if action:
        spec = actions.get(action)
        if spec is None:
            p.add((*path, "action"), f"no action {action!r} in this kind")
        elif not any(i.type == "unit" for i in spec.inputs):
            p.add((*path, "action"), f"the action {action!r} takes no unit (an input of type unit)")
    elif confidence:
        p.add((*path, "action"), "auto_min_confidence needs the action that routes (action)")
    days = _int(doc.get("retrain_days"), (*path, "retrain_days"), p, 0)
    after = _int(doc.get("retrain_after_cases"), (*path, "retrain_after_cases"), p, 0)
    for key, number in (("retrain_days", days), ("retrain_after_cases", after)):
        if number < 0:
            p.add((*path, key), "must not be negative")
    activate = str(doc.get("retrain_activate", "better"))
    if activate not in v.RETRAIN_ACTIVATE:
        p.add((*path, "retrain_activate"), f"must be one of {', '.join(v.RETRAIN_ACTIVATE)}")
    return RoutingPolicy(action=action, auto_min_confidence=float(confidence), retrain_days=max(days, 0),
                         retrain_after_cases=max(after, 0), retrain_activate=activate)


def _retention_days(value: Any, path: Path_, p: _Problems) -> int:
    days = _int(value, path, p, 0)
    if days < 0:
        p.add(path, "must be 0 (keep until erased) or a number of days")
        return 0
    return days


def _imports(doc: Any, path: Path_, actions: dict, p: _Problems) -> tuple[ImportStep, ...]:
    """`[kinds.X.imports]`: the actions an imported row with a reply takes, each an action of
    the kind whose inputs are named by it."""
    doc = _table(doc, path, p)
    _unknown_keys(doc, v.IMPORT_KEYS, path, p)
    steps = []
    for i, item in enumerate(_list(doc.get("reply", []), (*path, "reply"), p)):
        here = (*path, "reply", str(i))
        item = _table(item, here, p)
        _unknown_keys(item, v.IMPORT_STEP_KEYS, here, p)
        name = str(item.get("action", ""))
        spec = actions.get(name)
        if spec is None:
            p.add((*here, "action"), f"unknown action {name!r}")
            continue
        inputs = _table(item.get("inputs", {}), (*here, "inputs"), p)
        known = {i.name for i in spec.inputs}
        for key, value in inputs.items():
            if key not in known:
                p.add((*here, "inputs", key), f"the action {name!r} has no input {key!r}")
            if isinstance(value, str) and value.startswith("$") and value not in v.IMPORT_VALUES:
                p.add((*here, "inputs", key), f"unknown value {value!r}: one of {sorted(v.IMPORT_VALUES)}")
        steps.append(ImportStep(name, tuple(inputs.items())))
    return tuple(steps)


def _known(values: Any, known: dict, path: Path_, what: str, p: _Problems) -> tuple[str, ...]:
    out = []
    for i, value in enumerate(_list(values, path, p)):
        if value not in known:
            p.add((*path, str(i)), f"unknown {what} {value!r}")
        else:
            out.append(value)
    return tuple(out)


def _levels(doc: Any, path: Path_, p: _Problems, roles: dict) -> tuple[tuple[tuple[int, str], ...], dict]:
    """A kind's levels, lowest first; each stored as its `value` (3 一般 ... 1 重大); and, for
    a level only some roles may see, those roles."""
    if doc is None:
        return ((3, "一般"), (2, "严重"), (1, "非常严重")), {}
    levels, visibility = [], {}
    for i, item in enumerate(_list(doc, path, p)):
        here = (*path, str(i))
        item = _table(item, here, p)
        _unknown_keys(item, v.LEVEL_KEYS, here, p)
        value = item.get("value")
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 32767:
            p.add((*here, "value"), "must be a whole number from 0 to 32767")
            continue
        levels.append((value, str(item.get("label", value))))
        if "visible_to" in item:
            seen = frozenset(_list(item["visible_to"], (*here, "visible_to"), p))
            unknown = seen - set(roles)
            if unknown:
                p.add((*here, "visible_to"), f"unknown roles {sorted(unknown)}")
            visibility[value] = seen
    if len({lv for lv, _ in levels}) != len(levels):
        p.add(path, "two levels share a value")
    return tuple(levels) or ((3, "一般"),), visibility


def _categories(doc: Any, path: Path_, p: _Problems, parent: str = "", depth: int = 1) -> dict[str, Category]:
    out: dict[str, Category] = {}
    for code, spec in _table(doc, path, p).items():
        here = (*path, code)
        if isinstance(spec, str):
            out[code] = Category(code, spec, parent, depth)
            continue
        spec = _table(spec, here, p)
        _unknown_keys(spec, frozenset({"label", "children"}), here, p)
        out[code] = Category(code, str(spec.get("label", code)), parent, depth)
        if "children" in spec:
            if depth >= 3:
                p.add((*here, "children"), "categories go three levels deep at most")
                continue
            for child_code, child in _categories(spec["children"], (*here, "children"), p, code, depth + 1).items():
                if child_code in out:
                    p.add((*here, "children", child_code), "this category code is used twice")
                out[child_code] = child
    return out


def _documents(doc: Any, path: Path_, p: _Problems) -> dict[str, DocumentSpec]:
    documents = {}
    for name, spec in _table(doc, path, p).items():
        here = (*path, name)
        spec = _table(spec, here, p)
        _unknown_keys(spec, v.DOCUMENT_KEYS, here, p)
        for key in ("title", "body"):
            if not isinstance(spec.get(key), str) or not spec.get(key).strip():
                p.add((*here, key), "a document needs a title and a body (text with {placeholders})")
        items = str(spec.get("items", ""))
        if ("items" in spec) != ("item" in spec):
            p.add((*here, "items" if "item" in spec else "item"), "items and item go together: the "
                  "data list (data.NAME) and the text written for each of its entries")
        elif items and not (items.startswith("data.") and items[5:].isidentifier()):
            p.add((*here, "items"), f"{items!r} is not a list the case keeps (data.NAME)")
        documents[name] = DocumentSpec(name, str(spec.get("title", name)), str(spec.get("body", "")),
                                       items, str(spec.get("item", "")))
    return documents


def _monthly(doc: Any, path: Path_, actions: dict, p: _Problems) -> tuple[MonthlyFigure, ...]:
    figures = []
    for i, spec in enumerate(_list(doc, path, p)):
        here = (*path, str(i))
        spec = _table(spec, here, p)
        _unknown_keys(spec, v.MONTHLY_KEYS, here, p)
        count = str(spec.get("count", ""))
        average = _table(spec.get("average_working_days", {}), (*here, "average_working_days"), p)
        if bool(count) == bool(average):
            p.add(here, "a monthly figure has either count (an action) or average_working_days")
        if count and count.partition(":")[0] not in actions:
            p.add((*here, "count"), f"unknown action {count!r}")
        for key in ("from", "to"):
            if average and average.get(key) not in actions:
                p.add((*here, "average_working_days", key), f"unknown action {average.get(key)!r}")
        where = _table(spec.get("where", {}), (*here, "where"), p)
        if where and set(where) != {"field", "value"}:
            p.add((*here, "where"), "where = { field = \"data.NAME\", value = \"...\" }")
        field = str(where.get("field", ""))
        if field and field not in v.SETTABLE_FIELDS and not (field.startswith("data.") and field[5:].isidentifier()):
            p.add((*here, "where", "field"), f"{field!r} is not a field of the case")
        figures.append(MonthlyFigure(str(spec.get("label", count)), count, field, str(where.get("value", "")),
                                     str(average.get("from", "")), str(average.get("to", "")),
                                     str(spec.get("label_en", ""))))
    return tuple(figures)


def _periods(doc: Any, path: Path_, documents: dict, p: _Problems) -> dict[str, PeriodSpec]:
    periods = {}
    for name, spec in _table(doc, path, p).items():
        here = (*path, name)
        spec = _table(spec, here, p)
        _unknown_keys(spec, v.PERIOD_KEYS, here, p)
        unit = str(spec.get("unit", "days"))
        if unit not in v.PERIOD_UNITS:
            p.add((*here, "unit"), f"unit {unit!r} is not one of {', '.join(v.PERIOD_UNITS)}")
        amount = _int(spec.get("amount"), (*here, "amount"), p)
        if amount <= 0:
            p.add((*here, "amount"), "a period needs an amount above 0")
        served = str(spec.get("served", ""))
        if served not in documents:
            p.add((*here, "served"), f"unknown document {served!r}: a period runs from the day a "
                                     "document of the kind is served")
        periods[name] = PeriodSpec(name, str(spec.get("label", name)), amount, unit,
                                   str(spec.get("basis", "")), str(spec.get("label_en", "")), served)
    return periods


def _parties(doc: Any, path: Path_, p: _Problems) -> dict[str, PartyRole]:
    parties = {}
    for code, spec in _table(doc, path, p).items():
        here = (*path, code)
        spec = _table(spec, here, p)
        _unknown_keys(spec, v.PARTY_KEYS, here, p)
        kind = str(spec.get("kind", "either"))
        if kind not in v.PARTY_KINDS:
            p.add((*here, "kind"), f"must be one of {', '.join(v.PARTY_KINDS)}")
        fields = tuple(_list(spec.get("fields", []), (*here, "fields"), p))
        for i, name in enumerate(fields):
            if name not in v.PARTY_FIELDS:
                p.add((*here, "fields", str(i)), f"unknown party field {name!r} (known: {', '.join(v.PARTY_FIELDS)})")
        parties[code] = PartyRole(code, str(spec.get("label", code)), kind, fields,
                                  bool(spec.get("complainant", False)), bool(spec.get("many", True)),
                                  str(spec.get("label_en", "")))
    complainants = [r.code for r in parties.values() if r.complainant]
    if parties and len(complainants) != 1:
        p.add(path, "exactly one party role must be the complainant (complainant = true), not "
                    f"{', '.join(complainants) or 'none'}")
    return parties


def _steps(doc: Any, path: Path_, roles: dict, p: _Problems) -> tuple[ApprovalStep, ...]:
    steps = []
    for i, step in enumerate(_list(doc, path, p)):
        here = (*path, str(i))
        step = _table(step, here, p)
        _unknown_keys(step, v.STEP_KEYS, here, p)
        if step.get("role") not in roles:
            p.add((*here, "role"), f"unknown role {step.get('role')!r}")
        if step.get("unit", "") not in ("", "handling", "target", "receiving"):
            p.add((*here, "unit"), "must be 'handling', 'target', 'receiving' or absent")
        unit = str(step.get("unit_of_time", "working_days"))
        if unit not in v.CLOCK_UNITS:
            p.add((*here, "unit_of_time"), f"must be one of {', '.join(v.CLOCK_UNITS)}")
        steps.append(ApprovalStep(str(step.get("role", "")), str(step.get("unit", "")),
                                  str(step.get("label", "")), _int(step.get("amount"), (*here, "amount"), p),
                                  unit, bool(step.get("send_back", False))))
    if not steps:
        p.add(path, "an approval chain needs at least one step")
    return tuple(steps)


def _approvals(doc: Any, path: Path_, roles: dict, p: _Problems) -> dict[str, ApprovalChain]:
    chains = {}
    for name, spec in _table(doc, path, p).items():
        here = (*path, name)
        spec = _table(spec, here, p)
        _unknown_keys(spec, v.APPROVAL_KEYS, here, p)
        by_level = []
        for level, steps in _table(spec.get("by_level"), (*here, "by_level"), p).items():
            if not str(level).isdigit():
                p.add((*here, "by_level", level), "a level is written as its value (a whole number)")
                continue
            by_level.append((int(level), _steps(steps, (*here, "by_level", level), roles, p)))
        chains[name] = ApprovalChain(name, str(spec.get("label", name)),
                                     _steps(spec.get("steps"), (*here, "steps"), roles, p), tuple(by_level))
    return chains


class _Context:
    def __init__(self, states, outcomes, roles, parties, approvals, levels, actions, stages):
        self.states, self.outcomes, self.roles = states, outcomes, roles
        self.parties, self.approvals, self.levels = parties, approvals, levels
        self.actions, self.stages = actions, stages
        self.clock_names: set[str] = set()
        self.documents: dict = {}
        self.categories: dict = {}


def _state(value: Any, path: Path_, ctx: _Context, p: _Problems, *, allow_new: bool = False) -> str:
    value = str(value)
    if value not in ctx.states and not (allow_new and value == v.NEW):
        p.add(path, f"unknown state {value!r}")
    return value


def _inputs(doc: Any, path: Path_, ctx: _Context, p: _Problems) -> tuple[InputSpec, ...]:
    inputs = []
    for i, item in enumerate(_list(doc, path, p)):
        here = (*path, str(i))
        item = _table(item, here, p)
        _unknown_keys(item, v.INPUT_KEYS, here, p)
        name, kind = str(item.get("name", "")), str(item.get("type", ""))
        if not name.isidentifier():
            p.add((*here, "name"), f"{name!r} is not a name (letters, digits and _)")
        if kind not in v.INPUT_TYPES:
            p.add((*here, "type"), f"unknown input type {kind!r} (known: {', '.join(v.INPUT_TYPES)})")
        choices = item.get("choices", {})
        if kind == "choice" and not choices:
            p.add((*here, "choices"), "a choice needs its choices")
        if kind == "outcome":
            listed = choices or ctx.outcomes
            for code in listed:
                if code not in ctx.outcomes:
                    p.add((*here, "choices", str(code)), f"unknown outcome {code!r}")
            choices = {code: ctx.outcomes.get(code, code) for code in listed}
        if isinstance(choices, list):
            choices = {str(c): str(c) for c in choices}
        if kind == "level":
            choices = {}
        if item.get("party_role") and item["party_role"] not in ctx.parties:
            p.add((*here, "party_role"), f"unknown party role {item['party_role']!r}")
        of = str(item.get("of", ""))
        if kind == "per_item" and not (of.startswith("data.") and of[5:].isidentifier()):
            p.add((*here, "of"), "a per_item input names the list it follows: of = \"data.NAME\"")
        elif of and kind != "per_item":
            p.add((*here, "of"), "only a per_item input follows a list")
        not_before = str(item.get("not_before", ""))
        if not_before and not_before not in v.NOT_BEFORE_FIELDS:
            p.add((*here, "not_before"), f"{not_before!r} is not one of {', '.join(sorted(v.NOT_BEFORE_FIELDS))}")
        if (not_before or item.get("past")) and kind not in ("date", "datetime"):
            p.add((*here, "not_before" if not_before else "past"), "only a date or datetime input has it")
        inputs.append(InputSpec(name, kind, str(item.get("label", name)), bool(item.get("required", False)),
                                tuple((str(k), str(x)) for k, x in _table(choices, (*here, "choices"), p).items()),
                                bool(item.get("future", False)), bool(item.get("authority", False)),
                                _int(item.get("max_length"), (*here, "max_length"), p),
                                str(item.get("party_role", "")), str(item.get("label_en", "")),
                                str(item.get("help", "")), of, bool(item.get("past", False)), not_before))
    if len({i.name for i in inputs}) != len(inputs):
        p.add(path, "two inputs share a name")
    return tuple(inputs)


def _guards_on_inputs(doc: Any, path: Path_, ctx: _Context, inputs, p: _Problems) -> tuple[GuardSpec, ...]:
    """An action's guards; a guard's `when_input` must name the action's own inputs."""
    guards = _guards(doc, path, ctx, p)
    names = {item.name for item in inputs}
    for i, guard in enumerate(guards):
        if guard.name == "input_given" and guard.param("input") not in names:
            p.add((*path, str(i), "input"), f"the action has no input {guard.param('input')!r}")
        for name, _values in guard.when_input:
            if name not in names:
                p.add((*path, str(i), "when_input", name), f"the action has no input {name!r}")
    return guards


def _guards(doc: Any, path: Path_, ctx: _Context, p: _Problems) -> tuple[GuardSpec, ...]:
    guards = []
    for i, item in enumerate(_list(doc, path, p)):
        here = (*path, str(i))
        if isinstance(item, str):
            item = {"guard": item}
        item = _table(item, here, p)
        name = str(item.get("guard", ""))
        if name not in v.GUARDS:
            p.add((*here, "guard"), f"unknown guard {name!r} (known: {', '.join(v.GUARDS)})")
            continue
        params = {k: x for k, x in item.items() if k not in v.GUARD_COMMON}
        for key in params:
            if key not in v.GUARDS[name]:
                p.add((*here, key), f"guard {name} takes no parameter {key!r}")
        for key in v.GUARDS[name]:
            if key not in params:
                p.add((*here, key), f"guard {name} needs {key!r}: {v.GUARDS[name][key]}")
        if "chain" in params and params["chain"] not in ctx.approvals:
            p.add((*here, "chain"), f"unknown approval chain {params['chain']!r}")
        if "role" in params and params["role"] not in ctx.parties:
            p.add((*here, "role"), f"unknown party role {params['role']!r}")
        if "clock" in params and params["clock"] not in ctx.clock_names:
            p.add((*here, "clock"), f"unknown clock {params['clock']!r}")
        if "document" in params and params["document"] not in ctx.documents:
            p.add((*here, "document"), f"unknown document {params['document']!r}")
        for j, role in enumerate(params.get("roles", []) if isinstance(params.get("roles", []), list) else [None]):
            if role not in ctx.parties:
                p.add((*here, "roles", str(j)), f"unknown party role {role!r}")
        when_input = _table(item.get("when_input", {}), (*here, "when_input"), p)
        for key, values in when_input.items():
            if not isinstance(values, list):
                p.add((*here, "when_input", key), "a list of the answers the guard applies to")
        guards.append(GuardSpec(name, tuple(sorted((k, _frozen(x)) for k, x in params.items())),
                                str(item.get("message", "")), str(item.get("message_en", "")),
                                tuple(sorted((k, tuple(x)) for k, x in when_input.items() if isinstance(x, list)))))
    return tuple(guards)


def _frozen(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_frozen(x) for x in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(x)) for k, x in value.items()))
    return value


def _effects(doc: Any, path: Path_, ctx: _Context, inputs: tuple[InputSpec, ...], p: _Problems
             ) -> tuple[EffectSpec, ...]:
    effects = []
    names = {i.name for i in inputs}
    for i, item in enumerate(_list(doc, path, p)):
        here = (*path, str(i))
        if isinstance(item, str):
            item = {item: {}}
        item = dict(_table(item, here, p))
        when = _case_when(item.pop("when", {}), (*here, "when"), ctx, p, "an effect")
        if len(item) != 1:
            p.add(here, "an effect is a table with one key, the effect's name (and `when`)")
            continue
        (name, params), = item.items()
        if name not in v.EFFECTS:
            p.add((*here, name), f"unknown effect {name!r} (known: {', '.join(v.EFFECTS)})")
            continue
        if name == "set":
            params = {"fields": _table(params, (*here, name), p)}
        params = _table(params, (*here, name), p)
        for key in params:
            if key not in v.EFFECTS[name]:
                p.add((*here, name, key), f"effect {name} takes no parameter {key!r}")
        _check_references(name, params, (*here, name), ctx, names, p)
        effects.append(EffectSpec(name, tuple(sorted((k, _frozen(x)) for k, x in params.items())), when))
    return tuple(effects)


def _case_when(doc: Any, path: Path_, ctx: _Context, p: _Problems, what: str) -> tuple[tuple[str, str], ...]:
    """An effect's or a clock's `when`: the stage, channel, category or level of the cases it
    applies to (policy.matches reads it)."""
    when = _table(doc, path, p)
    for key, value in when.items():
        if key not in ("stage", "channel", "category", "level"):
            p.add((*path, key), f"{what} may depend on stage, channel, category or level")
        elif key == "stage" and str(value) not in ctx.stages:
            p.add((*path, key), f"unknown stage {value!r}")
        elif key == "level" and (isinstance(value, bool) or value not in dict(ctx.levels)):
            p.add((*path, key), f"unknown level {value!r}")
        elif key == "category" and ctx.categories and str(value) not in ctx.categories:
            p.add((*path, key), f"unknown category {value!r}")
    return tuple(sorted((k, str(x)) for k, x in when.items()))


def _check_references(name: str, params: dict, path: Path_, ctx: _Context, names: set, p: _Problems) -> None:
    def check_input(value: Any, key: str) -> None:
        if isinstance(value, str) and value.startswith("$input."):
            if value.removeprefix("$input.") not in names:
                p.add((*path, key), f"the action has no input {value.removeprefix('$input.')!r}")

    for key, value in params.items():
        if isinstance(value, dict):
            for sub, x in value.items():
                check_input(x, sub if name == "set" else f"{key}.{sub}")
        elif not (name == "add_party" and key == "from"):
            check_input(value, key)
    if name == "add_party":  # `from` is the prefix of the party's inputs: '<from>name', ...
        prefix = str(params.get("from", "")).removeprefix("$input.")
        if f"{prefix}name" not in names:
            p.add((*path, "from"), f"the action has no input {prefix + 'name'!r} (the party's name)")
    if name == "set":
        for key in params.get("fields", {}):
            if key not in v.SETTABLE_FIELDS and not (key.startswith("data.") and key[5:].isidentifier()):
                p.add((*path, key), f"{key!r} is not a field an action may set (see docs/presets.md)")
    if name == "increment" and params.get("field") not in v.SETTABLE_FIELDS:
        p.add((*path, "field"), f"{params.get('field')!r} is not a field an action may set")
    if name == "decide_approval" and params.get("note") and params["note"] not in names:
        p.add((*path, "note"), f"the action has no input {params['note']!r}")
    if name == "clock":
        for verb, clock_names in params.items():
            if verb not in ("start", "stop", "pause", "resume"):
                continue
            for clock in clock_names if isinstance(clock_names, list) else [clock_names]:
                if clock not in ctx.clock_names:
                    p.add((*path, verb), f"unknown clock {clock!r}")
    if name == "publish":
        for key in ("title", "summary", "lessons"):
            if params.get(key) not in names:
                p.add((*path, key), f"the action has no input {params.get(key)!r}")
    if name in ("escalate", "transfer", "assign"):
        for key in ("reason", "unit", "plan", "person"):
            if key in params and params[key] not in names:
                p.add((*path, key), f"the action has no input {params[key]!r}")
    if name == "merge" and params.get("case") not in names:
        p.add((*path, "case"), f"the action has no input {params.get('case')!r}")
    if name in ("merge", "cascade") and params.get("action") not in ctx.actions:
        p.add((*path, "action"), f"unknown action {params.get('action')!r}")
    if "chain" in params and params["chain"] not in ctx.approvals:
        p.add((*path, "chain"), f"unknown approval chain {params['chain']!r}")
    if name in ("add_party", "serve") and params.get("role") not in ctx.parties and \
            not (name == "serve" and "party" in params and "role" not in params):
        p.add((*path, "role"), f"unknown party role {params.get('role')!r}")
    for key in ("party", "on"):  # serve, document, set_for_party: inputs named bare
        if name in ("serve", "document", "set_for_party") and key in params and params[key] not in names:
            p.add((*path, key), f"the action has no input {params[key]!r}")
    if name == "set_for_party":
        if "party" not in params:
            p.add((*path, "party"), "effect set_for_party needs 'party': the party input")
        for key in _table(params.get("fields"), (*path, "fields"), p):
            if not (key.startswith("data.") and key[5:].isidentifier()):
                p.add((*path, "fields", key), f"{key!r}: what is kept for a party is data.NAME")
    if name == "announce":
        for key in ("title", "text"):
            if params.get(key) not in names:
                p.add((*path, key), f"the action has no input {params.get(key)!r}")
    if (name == "document" or (name == "serve" and params.get("document"))) and \
            params.get("name" if name == "document" else "document") not in ctx.documents:
        key = "name" if name == "document" else "document"
        p.add((*path, key), f"unknown document {params.get(key)!r}")
    if name == "level" and params.get("to") not in ("up", "down") and not str(params.get("to", "")).startswith("$input."):
        p.add((*path, "to"), "must be 'up', 'down' or '$input.NAME'")
    if name == "decide_approval" and params.get("decision") not in ("grant", "send_back"):
        p.add((*path, "decision"), "must be 'grant' or 'send_back'")
    for key in _EFFECT_NEEDS.get(name, ()):
        if key not in params:
            p.add((*path, key), f"effect {name} needs {key!r}: {v.EFFECTS[name][key]}")
    if name == "notify" and params.get("to", v.OWNER) not in (v.OWNER, v.COMPLAINANT, *ctx.roles):
        p.add((*path, "to"), f"unknown recipient {params['to']!r} (owner, complainant or a role)")
    if name == "escalate" and "to_role" in params and params["to_role"] not in ctx.roles:
        p.add((*path, "to_role"), f"unknown role {params['to_role']!r}")
    if name == "robot" and params.get("to") not in ctx.roles:
        p.add((*path, "to"), f"unknown role {params.get('to')!r}")
    if name == "corrective_action":
        for key in ("title", "due", "owner", "description"):
            if key in params and params[key] not in names:
                p.add((*path, key), f"the action has no input {params[key]!r}")
    if name == "accountability":
        for key in ("unit", "person"):
            if key in params and params[key] not in names:
                p.add((*path, key), f"the action has no input {params[key]!r}")


# The parameters an effect cannot do without that no other check above catches when missing.
_EFFECT_NEEDS = {"transfer": ("unit",), "assign": ("person",), "request_approval": ("chain",),
                 "corrective_action": ("title", "due")}


def _action(name: str, doc: dict, ctx: _Context, path: Path_, order: int, p: _Problems) -> ActionSpec:
    _unknown_keys(doc, v.ACTION_KEYS, path, p)
    from_states = frozenset(_state(s, (*path, "from", str(i)), ctx, p, allow_new=True)
                            for i, s in enumerate(_list(doc.get("from", []), (*path, "from"), p)))
    to = doc.get("to", "")
    to_by_state: list[tuple[str, str]] = []
    to_state = ""
    if isinstance(to, dict):
        for state, target in to.items():
            if state != "*":
                _state(state, (*path, "to", state), ctx, p)
            _state(target, (*path, "to", state), ctx, p)
            if state == "*":
                to_state = str(target)
            else:
                to_by_state.append((state, str(target)))
    elif to:
        to_state = _state(to, (*path, "to"), ctx, p)
    roles = frozenset(_list(doc.get("roles", []), (*path, "roles"), p))
    unknown = roles - set(ctx.roles) - v.PSEUDO_ROLES - set(ctx.parties)
    if unknown:
        p.add((*path, "roles"), f"unknown roles {sorted(unknown)}")
    flag = str(doc.get("role_flag", ""))
    if flag and flag not in v.ROLE_FLAGS:
        p.add((*path, "role_flag"), f"must be one of {', '.join(v.ROLE_FLAGS)}")
    inputs = _inputs(doc.get("inputs"), (*path, "inputs"), ctx, p)
    input_names = {i.name for i in inputs}
    for key in ("note", "outcome"):
        if doc.get(key) and doc[key] not in input_names:
            p.add((*path, key), f"the action has no input {doc[key]!r}")
    branches = []
    for outcome, branch in _table(doc.get("branches"), (*path, "branches"), p).items():
        here = (*path, "branches", outcome)
        if outcome not in ctx.outcomes:
            p.add(here, f"unknown outcome {outcome!r}")
        branch = _table(branch, here, p)
        _unknown_keys(branch, v.BRANCH_KEYS, here, p)
        target = _state(branch["to"], (*here, "to"), ctx, p) if branch.get("to") else ""
        then = str(branch.get("then", ""))
        if then and then not in ctx.actions:
            p.add((*here, "then"), f"unknown action {then!r}")
        branches.append((outcome, Branch(target, _effects(branch.get("effects"), (*here, "effects"), ctx, inputs, p),
                                         then)))
    if branches and not doc.get("outcome"):
        p.add((*path, "branches"), "branches need `outcome`, the input that picks one")
    then = str(doc.get("then", ""))
    if then and then not in ctx.actions:
        p.add((*path, "then"), f"unknown action {then!r}")
    bulk = bool(doc.get("bulk", False))
    for item in inputs if bulk else ():
        if item.type not in v.BULK_INPUT_TYPES:
            p.add((*path, "bulk"), f"input {item.name!r} is a {item.type}: a bulk action takes only "
                                   f"{', '.join(sorted(v.BULK_INPUT_TYPES))}")
    return ActionSpec(
        name=name, from_states=from_states, to_state=to_state, roles=roles,
        requires=_guards_on_inputs(doc.get("requires"), (*path, "requires"), ctx, inputs, p), inputs=inputs,
        effects=_effects(doc.get("effects"), (*path, "effects"), ctx, inputs, p),
        to_by_state=tuple(to_by_state), role_flag=flag, note=str(doc.get("note", "")),
        outcome=str(doc.get("outcome", "")), branches=tuple(branches), then=then,
        portal=bool(doc.get("portal", False)), offer=bool(doc.get("offer", True)), bulk=bulk,
        quiet=bool(doc.get("quiet", False)), label=str(doc.get("label", "")),
        label_en=str(doc.get("label_en", "")), order=_int(doc.get("order"), (*path, "order"), p, order))


def _event_known(event: str, ctx: _Context, actions: dict) -> bool:
    """Whether a clock's event names something the kind has: an action, 'action:outcome',
    'level:VALUE', 'approval:CHAIN:requested|granted|sent_back|STEP', 'serve:PARTY_ROLE' or
    'breach:CLOCK'."""
    head, _sep, rest = event.partition(":")
    if head in actions:
        return not rest or rest in ctx.outcomes
    if head == "level":
        return rest.isdigit() and int(rest) in dict(ctx.levels)
    if head == "approval":
        chain, _sep, what = rest.partition(":")
        return chain in ctx.approvals and (what in ("requested", "granted", "sent_back") or what.isdigit())
    if head == "serve":
        return rest in ctx.parties
    return head == "breach" and rest in ctx.clock_names


def _clocks(doc: Any, path: Path_, ctx: _Context, actions: dict, p: _Problems) -> list[ClockSpec]:
    clocks = []
    seen = set()
    for i, spec in enumerate(_list(doc, path, p)):
        here = (*path, str(i))
        spec = _table(spec, here, p)
        _unknown_keys(spec, v.CLOCK_KEYS, here, p)
        name = str(spec.get("name", ""))
        if not name:
            p.add((*here, "name"), "a clock needs a name")
        if name in seen:
            p.add((*here, "name"), f"two clocks are named {name!r}")
        seen.add(name)
        unit = str(spec.get("unit", "working_days"))
        if unit not in v.CLOCK_UNITS:
            p.add((*here, "unit"), f"unit {unit!r} is not one of {', '.join(v.CLOCK_UNITS)}")
        amount = _int(spec.get("amount"), (*here, "amount"), p)
        if not spec.get("due_from") and amount <= 0:
            p.add((*here, "amount"), "needs an amount above 0 or due_from")
        for key in ("start_on", "stop_on", "pause_on", "resume_on"):
            for j, event in enumerate(_list(spec.get(key, []), (*here, key), p)):
                if not _event_known(str(event), ctx, actions):
                    p.add((*here, key, str(j)), f"unknown clock event {event!r}")
        if not spec.get("start_on"):
            p.add((*here, "start_on"), "a clock that never starts")
        on_breach = str(spec.get("on_breach", ""))
        if on_breach == "record":
            on_breach = ""
        if on_breach and on_breach not in actions:
            p.add((*here, "on_breach"), f"unknown action {on_breach!r} (or 'record')")
        when = _case_when(spec.get("when"), (*here, "when"), ctx, p, "a clock")
        due_from = str(spec.get("due_from", ""))
        if due_from and due_from not in v.TIME_FIELDS and not due_from.startswith("data."):
            p.add((*here, "due_from"), f"{due_from!r} is not a time of the case "
                                       f"({', '.join(sorted(v.TIME_FIELDS))} or data.NAME)")
        start_from = str(spec.get("start_from", ""))
        if start_from and start_from not in v.START_FROM_FACTS:
            p.add((*here, "start_from"), f"{start_from!r} is not a day a step records "
                                         f"({', '.join(sorted(v.START_FROM_FACTS))})")
        clocks.append(ClockSpec(
            name=name, label=str(spec.get("label", name)),
            start_on=frozenset(spec.get("start_on", [])), stop_on=frozenset(spec.get("stop_on", [])),
            pause_on=frozenset(spec.get("pause_on", [])), resume_on=frozenset(spec.get("resume_on", [])),
            when=when, amount=amount, unit=unit,
            due_from=str(spec.get("due_from", "")),
            warn_minutes=_int(spec.get("warn_minutes"), (*here, "warn_minutes"), p),
            on_breach=on_breach, raise_level=bool(spec.get("raise_level", False)),
            per_party=bool(spec.get("per_party", False)), start_from=start_from))
    return clocks
