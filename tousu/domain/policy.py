"""The organisation's policy, parsed from a preset (TOML) into plain data.

Nothing here imports Django: the policy answers questions (may this role take this action in
this state? which clocks does it start? who is next on the ladder?) and the Django layer acts
on the answers. Refusals carry a code and parameters; the caller turns them into words.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

PRESET_DIR = Path(__file__).resolve().parent.parent / "presets"
OWNER = "owner"  # pseudo-role: the case's current owner
ANY_MEMBER = "member"  # pseudo-role: anyone whose unit covers the case
SYSTEM = "system"  # pseudo-role: the worker acting on a clock
# A tuple, in the order of the partial indexes' condition (cases/models.py): SQLite uses an
# index on "open cases" only when the query's NOT IN list is written exactly as the index's,
# and a frozenset's order changes with each process's hash seed.
TERMINAL_STATES = ("closed", "withdrawn", "rejected")
CLOCK_UNITS = ("minutes", "hours", "natural_days", "working_days")
# Actions whose permission comes from a role's authority flag as well as from the action's list.
FLAG_ACTIONS = {"sign_off": "sign_off", "close": "close"}


class PolicyError(ValueError):
    """The preset itself is wrong (raised at load time, with the place that is wrong)."""


class Refusal(Exception):
    """The policy refuses an action; `code` names why, `params` fill the message."""

    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class RoleSpec:
    code: str
    name: str
    max_compensation: Decimal = Decimal(0)
    sign_off: bool = False
    close: bool = False
    personal_data: bool = False
    all_units: bool = False


@dataclass(frozen=True)
class LadderStep:
    level: int
    role: str
    unit_kind: str = ""  # look for the role in a unit of this kind beside the case's units


@dataclass(frozen=True)
class ActionSpec:
    name: str
    from_states: frozenset[str]
    to_state: str  # "" keeps the state
    roles: frozenset[str]
    requires: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClockSpec:
    name: str
    label: str
    start_on: frozenset[str]
    stop_on: frozenset[str]
    pause_on: frozenset[str] = frozenset()
    resume_on: frozenset[str] = frozenset()
    when: tuple[tuple[str, str], ...] = ()
    amount: int = 0
    unit: str = "working_days"
    due_from: str = ""  # a case field holding the due time (the customer's requested time)
    warn_minutes: int = 0
    on_breach: str = "record"  # "record" or "escalate"

    def applies_to(self, facts: dict[str, Any]) -> bool:
        return all(str(facts.get(key, "")) == value for key, value in self.when)


@dataclass(frozen=True)
class Policy:
    preset: str
    organisation: dict[str, Any]
    roles: dict[str, RoleSpec]
    ladder: tuple[LadderStep, ...]
    actions: dict[str, ActionSpec]
    clocks: tuple[ClockSpec, ...]
    callback_outcomes: dict[str, str]
    channels: dict[str, str]
    stages: dict[str, str]
    categories: dict[str, str]
    unit_kinds: dict[str, str]
    states: dict[str, str]
    raw: dict[str, Any] = field(repr=False, default_factory=dict)

    # --- who may act -------------------------------------------------------------------
    def check(self, action: str, state: str, roles: set[str]) -> ActionSpec:
        """The action's spec when `roles` (role codes, plus OWNER / ANY_MEMBER / SYSTEM) may take
        it in `state`; otherwise Refusal('unknown_action' | 'wrong_state' | 'no_right')."""
        spec = self.actions.get(action)
        if spec is None:
            raise Refusal("unknown_action", action=action)
        if state not in spec.from_states:
            raise Refusal("wrong_state", action=action, state=state)
        if SYSTEM in roles:
            return spec
        if not roles & self.allowed_roles(action):
            raise Refusal("no_right", action=action)
        return spec

    def allowed_roles(self, action: str) -> frozenset[str]:
        spec = self.actions[action]
        flag = FLAG_ACTIONS.get(action)
        flagged = {r.code for r in self.roles.values() if flag and getattr(r, flag)}
        return spec.roles | flagged

    # --- the ladder ----------------------------------------------------------------------
    def level_of(self, roles: set[str]) -> int:
        """The highest ladder level among `roles` (0 when none is on the ladder)."""
        levels = [step.level for step in self.ladder if step.role in roles]
        return max(levels, default=0)

    def next_step(self, level: int) -> LadderStep:
        for step in self.ladder:
            if step.level == level + 1:
                return step
        raise Refusal("top_of_ladder", level=level)

    def step(self, level: int) -> LadderStep:
        for step in self.ladder:
            if step.level == level:
                return step
        raise Refusal("top_of_ladder", level=level)

    def max_compensation(self, roles: set[str]) -> Decimal:
        amounts = [self.roles[r].max_compensation for r in roles if r in self.roles]
        return max(amounts, default=Decimal(0))

    def check_authority(self, roles: set[str], amount: Decimal) -> None:
        """Refusal('beyond_authority', step=...) naming the lowest ladder level that may grant
        `amount` when the actor's roles may not."""
        if amount <= self.max_compensation(roles):
            return
        for step in self.ladder:
            if self.roles[step.role].max_compensation >= amount:
                raise Refusal("beyond_authority", role=self.roles[step.role].name, level=step.level)
        raise Refusal("beyond_any_authority", amount=amount)

    def sees(self, roles: set[str], flag: str) -> bool:
        return any(getattr(self.roles[r], flag) for r in roles if r in self.roles)

    # --- clocks --------------------------------------------------------------------------
    def deadline_facts(self) -> frozenset[str]:
        """The case fields some deadline depends on (the hotel's stage: 消费中 or 消费后): a
        complaint cannot be registered without them, or no clock would ever start for it."""
        return frozenset(key for spec in self.clocks for key, _value in spec.when)

    def clocks_for(self, event: str, facts: dict[str, Any]) -> dict[str, list[ClockSpec]]:
        """What `event` (an action name, or 'action:outcome') does to clocks: lists of clocks
        to start, stop, pause and resume, for a case with these facts."""
        found: dict[str, list[ClockSpec]] = {"start": [], "stop": [], "pause": [], "resume": []}
        for clock in self.clocks:
            if not clock.applies_to(facts):
                continue
            for verb, events in (("start", clock.start_on), ("stop", clock.stop_on),
                                 ("pause", clock.pause_on), ("resume", clock.resume_on)):
                if event in events:
                    found[verb].append(clock)
        return found

    def clock(self, name: str) -> ClockSpec:
        for clock in self.clocks:
            if clock.name == name:
                return clock
        raise KeyError(name)


# --- loading -------------------------------------------------------------------------------

def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Deep merge of two TOML documents; `over` wins; lists are replaced, not joined."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def read_preset(name: str, directory: Path = PRESET_DIR) -> dict[str, Any]:
    """The preset's TOML, merged over the file it `extends` (if any)."""
    path = directory / f"{name}.toml"
    if not path.is_file():
        known = sorted(p.stem for p in directory.glob("*.toml") if not p.stem.startswith("_"))
        raise PolicyError(f"unknown preset {name!r}; known presets: {', '.join(known)}")
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{path.name}: {exc}") from exc
    parent = doc.pop("extends", "")
    if parent:
        doc = merge(read_preset(parent, directory), doc)
    doc.setdefault("preset", name)
    return doc


def load_preset(name: str, directory: Path = PRESET_DIR) -> Policy:
    return parse_policy(read_preset(name, directory))


def _names(doc: dict[str, Any], key: str) -> dict[str, str]:
    return {code: str(label) for code, label in doc.get(key, {}).items()}


def parse_policy(doc: dict[str, Any]) -> Policy:
    """Build and validate a Policy; PolicyError names the first wrong place."""
    states = _names(doc, "states")
    roles = {}
    for code, spec in doc.get("roles", {}).items():
        roles[code] = RoleSpec(
            code=code,
            name=str(spec.get("name", code)),
            max_compensation=Decimal(str(spec.get("max_compensation", 0))),
            sign_off=bool(spec.get("sign_off", False)),
            close=bool(spec.get("close", False)),
            personal_data=bool(spec.get("personal_data", False)),
            all_units=bool(spec.get("all_units", False)),
        )
    if not roles:
        raise PolicyError("the policy defines no roles")

    ladder = []
    for level, step in enumerate(doc.get("ladder", {}).get("steps", [])):
        if step.get("role") not in roles:
            raise PolicyError(f"ladder step {level}: unknown role {step.get('role')!r}")
        ladder.append(LadderStep(level=level, role=step["role"], unit_kind=step.get("unit_kind", "")))
    if not ladder:
        raise PolicyError("the policy defines no escalation ladder")

    pseudo = {OWNER, ANY_MEMBER}
    actions = {}
    for name, spec in doc.get("actions", {}).items():
        from_states = frozenset(spec.get("from", []))
        to_state = spec.get("to", "")
        for state in [*from_states, to_state]:
            if state and state not in states and state != "new":
                raise PolicyError(f"action {name}: unknown state {state!r}")
        action_roles = frozenset(spec.get("roles", []))
        unknown = action_roles - set(roles) - pseudo
        if unknown:
            raise PolicyError(f"action {name}: unknown roles {sorted(unknown)}")
        actions[name] = ActionSpec(name, from_states, to_state, action_roles,
                                   tuple(spec.get("requires", [])))

    clocks = []
    for spec in doc.get("clocks", []):
        name = spec.get("name", "")
        unit = spec.get("unit", "working_days")
        if unit not in CLOCK_UNITS:
            raise PolicyError(f"clock {name}: unit {unit!r} is not one of {', '.join(CLOCK_UNITS)}")
        if not spec.get("due_from") and int(spec.get("amount", 0)) <= 0:
            raise PolicyError(f"clock {name}: needs an amount or due_from")
        if spec.get("on_breach", "record") not in ("record", "escalate"):
            raise PolicyError(f"clock {name}: on_breach must be 'record' or 'escalate'")
        clocks.append(ClockSpec(
            name=name,
            label=str(spec.get("label", name)),
            start_on=frozenset(spec.get("start_on", [])),
            stop_on=frozenset(spec.get("stop_on", [])),
            pause_on=frozenset(spec.get("pause_on", [])),
            resume_on=frozenset(spec.get("resume_on", [])),
            when=tuple(sorted((k, str(v)) for k, v in spec.get("when", {}).items())),
            amount=int(spec.get("amount", 0)),
            unit=unit,
            due_from=spec.get("due_from", ""),
            warn_minutes=int(spec.get("warn_minutes", 0)),
            on_breach=spec.get("on_breach", "record"),
        ))

    outcomes = dict(doc.get("callback", {}).get("outcomes", {}))
    for outcome, effect in outcomes.items():
        if effect not in ("confirm", "escalate", "stay"):
            raise PolicyError(f"callback outcome {outcome}: effect {effect!r} is not confirm/escalate/stay")

    return Policy(
        preset=doc.get("preset", ""),
        organisation=dict(doc.get("organisation", {})),
        roles=roles,
        ladder=tuple(ladder),
        actions=actions,
        clocks=tuple(clocks),
        callback_outcomes=outcomes,
        channels=_names(doc, "channels"),
        stages=_names(doc, "stages"),
        categories=_names(doc, "categories"),
        unit_kinds=_names(doc, "unit_kinds"),
        states=states,
        raw=doc,
    )
