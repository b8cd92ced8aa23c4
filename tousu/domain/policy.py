"""The organisation's policy, parsed from a preset (TOML) into plain data.

Nothing here imports Django: the policy answers questions (may this role take this action in
this state? which clocks does this event start? who is next on the ladder?) and the Django layer
acts on the answers. Refusals carry a code and parameters; the caller turns them into words.

An organisation runs one or more kinds of case (`Kind`): each has its own states (open or
ended), actions, clocks, outcomes, levels, parties, approval chains and categories. Roles, the
escalation ladder (unless a kind has its own), channels and units are the organisation's.
`preset.py` reads and checks the TOML; this module only holds and queries what it built.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from .vocabulary import ANY_MEMBER, APPROVER, COMPLAINANT, NEW, OWNER, SYSTEM  # noqa: F401

PRESET_DIR = Path(__file__).resolve().parent.parent / "presets"


class PolicyError(ValueError):
    """The preset itself is wrong: `problems` lists each wrong place as 'file: key: what'."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


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
class StateSpec:
    code: str
    label: str
    ended: bool = False
    public: str = ""  # what the complainant reads on the portal
    label_en: str = ""
    public_en: str = ""


@dataclass(frozen=True)
class InputSpec:
    name: str
    type: str
    label: str
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    future: bool = False  # a date-time that must lie ahead
    authority: bool = False  # money checked against the actor's authority (the ladder)
    max_length: int = 0
    party_role: str = ""
    label_en: str = ""
    help: str = ""
    of: str = ""  # per_item: the data list ('data.items') it gives one value for each entry of
    past: bool = False  # a date or date-time that may not lie ahead
    not_before: str = ""  # a time of the case ('received_at') the value may not precede


@dataclass(frozen=True)
class GuardSpec:
    name: str
    params: tuple[tuple[str, Any], ...] = ()
    message: str = ""
    message_en: str = ""
    # input -> values: the guard holds only when the action is taken with one of these answers
    # (closing a hotel complaint "not covered by a standard": the handling report must be done).
    when_input: tuple[tuple[str, tuple[Any, ...]], ...] = ()

    def param(self, key: str, default: Any = None) -> Any:
        return dict(self.params).get(key, default)


def matches(when: tuple[tuple[str, str], ...], facts: dict[str, Any]) -> bool:
    """Whether a case with these facts (Case.facts) is one a `when` names: an effect's or a
    clock's, read by the loader's one `_case_when`."""
    return all(str(facts.get(key, "")) == value for key, value in when)


@dataclass(frozen=True)
class EffectSpec:
    name: str
    params: tuple[tuple[str, Any], ...] = ()
    when: tuple[tuple[str, str], ...] = ()  # the case facts it applies to (like a clock's `when`)

    def applies_to(self, facts: dict[str, Any]) -> bool:
        return matches(self.when, facts)

    def param(self, key: str, default: Any = None) -> Any:
        return dict(self.params).get(key, default)


@dataclass(frozen=True)
class Branch:
    to: str = ""
    effects: tuple[EffectSpec, ...] = ()
    then: str = ""


@dataclass(frozen=True)
class ActionSpec:
    name: str
    from_states: frozenset[str]
    to_state: str = ""  # "" keeps the state
    roles: frozenset[str] = frozenset()
    requires: tuple[GuardSpec, ...] = ()
    inputs: tuple[InputSpec, ...] = ()
    effects: tuple[EffectSpec, ...] = ()
    to_by_state: tuple[tuple[str, str], ...] = ()  # from-state -> target, before `to_state`
    role_flag: str = ""  # roles with this authority flag (sign_off, close) may take it too
    note: str = ""  # the input whose text is the event's note
    outcome: str = ""  # the input whose value picks a branch (and is the event's outcome)
    branches: tuple[tuple[str, Branch], ...] = ()
    then: str = ""  # an action the system takes next, when it may
    portal: bool = False  # offered to the complainant on the portal
    offer: bool = True  # offered on the case page (off: another page takes it, e.g. quality's)
    quiet: bool = False  # not listed as "not yet" on the case page while a guard holds it back
    bulk: bool = False  # offered on the work list for the cases ticked there, one by one
    label: str = ""
    label_en: str = ""
    order: int = 0

    def target(self, state: str, outcome: str = "") -> str:
        """The state this action leaves a case in that was in `state` (outcome-dependent)."""
        branch = self.branch(outcome)
        if branch is not None and branch.to:
            return branch.to
        return dict(self.to_by_state).get(state, self.to_state)

    def branch(self, outcome: str) -> Branch | None:
        return dict(self.branches).get(outcome) if outcome else None

    def input(self, name: str) -> InputSpec | None:
        for spec in self.inputs:
            if spec.name == name:
                return spec
        return None


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
    on_breach: str = ""  # an action the system takes when the clock breaches ("" records only)
    raise_level: bool = False  # a breach raises the case's level one step
    per_party: bool = False  # one clock for each party an event names (served, answering)
    start_from: str = ""  # a day the starting step records (served_on): the clock counts from it

    def applies_to(self, facts: dict[str, Any]) -> bool:
        return matches(self.when, facts)


@dataclass(frozen=True)
class ApprovalStep:
    role: str
    unit: str = ""  # "handling": the role must be held in the unit that handled the case
    label: str = ""
    amount: int = 0  # the step's clock (0: none)
    unit_of_time: str = "working_days"
    send_back: bool = False


@dataclass(frozen=True)
class ApprovalChain:
    name: str
    label: str
    steps: tuple[ApprovalStep, ...]
    by_level: tuple[tuple[int, tuple[ApprovalStep, ...]], ...] = ()

    def steps_for(self, level: int) -> tuple[ApprovalStep, ...]:
        return dict(self.by_level).get(level, self.steps)


@dataclass(frozen=True)
class PartyRole:
    code: str
    label: str
    kind: str = "either"  # person, organisation or either
    fields: tuple[str, ...] = ()
    complainant: bool = False  # the role whose party files the case and uses the portal
    many: bool = True
    label_en: str = ""

    @property
    def default_kind(self) -> str:
        """A party's kind when nobody says: the role's own, a person when it may be either."""
        return "person" if self.kind == "either" else self.kind


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    parent: str = ""
    depth: int = 1


@dataclass(frozen=True)
class DocumentSpec:
    name: str
    title: str
    body: str
    items: str = ""  # the data list ('data.items') whose entries `item` is written for, at {items}
    item: str = ""


@dataclass(frozen=True)
class MonthlyFigure:
    """A figure of a kind's register for a month: how many times an action was taken (on cases
    whose fact `where_field` is `where_value`), or the average working days between two actions."""

    label: str
    count: str = ""  # an action (or 'action:outcome') counted when taken in the month
    where_field: str = ""  # data.NAME or a case column
    where_value: str = ""
    average_from: str = ""  # with average_to: the first time this action was taken ...
    average_to: str = ""  # ... to this one, taken in the month, in working days
    label_en: str = ""


@dataclass(frozen=True)
class PeriodSpec:
    """A statutory period counted from the day a party is served (行政复议 60 days ...)."""

    name: str
    label: str
    amount: int
    unit: str  # days or months (tousu/domain/periods.py)
    basis: str = ""  # the article that sets it, shown with it
    label_en: str = ""
    served: str = ""  # the document whose service on a party starts it


@dataclass(frozen=True)
class Figures:
    """What the reports count (one definition, used by every page and export)."""

    responded: tuple[str, ...] = ()  # states of a case that was responded to
    resolved: tuple[str, ...] = ()
    satisfied: tuple[str, ...] = ()  # outcomes counted as satisfied
    verdicts: tuple[str, ...] = ()  # outcomes that are a verdict (satisfied or not)
    dismissed: tuple[str, ...] = ()  # ended states of a case found not to be one of this kind


@dataclass(frozen=True)
class ImportStep:
    """One action an imported row with a reply takes (`[kinds.X.imports] reply`)."""

    action: str
    inputs: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class RoutingPolicy:
    """`[kinds.X.routing]`: what the kind does with its routing model's suggestions (issue 14).
    `action` is the action that routes a new case to a unit (its input of type unit), taken
    automatically when the top unit suggestion's confidence is at least `auto_min_confidence`
    (0: never). The worker trains a new model every `retrain_days` days or after
    `retrain_after_cases` newly closed cases (0: not on that ground), and switches it on only
    when its quality is at least the active model's (`retrain_activate` = "better"), always
    ("always") or never ("never": an administrator does)."""

    action: str = ""
    auto_min_confidence: float = 0.0
    retrain_days: int = 0
    retrain_after_cases: int = 0
    retrain_activate: str = "better"

    @property
    def automatic(self) -> bool:
        return bool(self.action) and self.auto_min_confidence > 0

    @property
    def retrains(self) -> bool:
        return self.retrain_days > 0 or self.retrain_after_cases > 0


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    number_prefix: str
    states: dict[str, StateSpec]
    actions: dict[str, ActionSpec]
    clocks: tuple[ClockSpec, ...]
    categories: dict[str, Category]
    stages: dict[str, str]
    outcomes: dict[str, str]
    levels: tuple[tuple[int, str], ...]  # (value stored in the case, label), lowest first
    default_level: int
    parties: dict[str, PartyRole]
    approvals: dict[str, ApprovalChain]
    figures: Figures
    repeat_window_days: int = 30
    callback_due_days: int = 3
    # Days an ended case keeps its personal data before `tousu retention apply` anonymises it
    # (0: kept until a person erases it).
    retention_days: int = 0
    ladder: tuple[LadderStep, ...] = ()
    label_en: str = ""
    outcomes_en: dict[str, str] = field(default_factory=dict)
    documents: dict[str, DocumentSpec] = field(default_factory=dict)
    # level value -> the roles that may see a case at that level (besides its owner); a level
    # not listed is seen as the units rule says.
    level_visibility: dict[int, frozenset[str]] = field(default_factory=dict)
    periods: dict[str, PeriodSpec] = field(default_factory=dict)
    monthly: tuple[MonthlyFigure, ...] = ()
    import_reply: tuple[ImportStep, ...] = ()  # what an imported row with a reply does
    # data NAME -> {code: (label, label_en)}: the words for codes an action writes into the fact
    # itself rather than picking from an input's choices (the bank's reply written in the book).
    words: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)
    routing: RoutingPolicy = field(default_factory=RoutingPolicy)

    # --- states -------------------------------------------------------------------------
    @property
    def ended_states(self) -> tuple[str, ...]:
        return tuple(code for code, spec in self.states.items() if spec.ended)

    def is_open(self, state: str) -> bool:
        spec = self.states.get(state)
        return spec is None or not spec.ended

    def state_labels(self) -> dict[str, str]:
        return {code: spec.label for code, spec in self.states.items()}

    def complainant_role(self) -> PartyRole | None:
        for role in self.parties.values():
            if role.complainant:
                return role
        return None

    def level_label(self, value: int) -> str:
        return dict(self.levels).get(value, str(value))

    def level_values(self) -> list[int]:
        return [value for value, _label in self.levels]

    # --- who may act ---------------------------------------------------------------------
    def check(self, action: str, state: str, roles: set[str], policy: Policy) -> ActionSpec:
        """The action's spec when `roles` (role codes, plus the pseudo-roles) may take it in
        `state`; otherwise Refusal('unknown_action' | 'wrong_state' | 'no_right')."""
        spec = self.actions.get(action)
        if spec is None:
            raise Refusal("unknown_action", action=action)
        if state not in spec.from_states:
            raise Refusal("wrong_state", action=action, state=state)
        if SYSTEM in roles:
            return spec
        if not roles & self.allowed_roles(action, policy):
            raise Refusal("no_right", action=action)
        return spec

    def allowed_roles(self, action: str, policy: Policy) -> frozenset[str]:
        """Who may take `action`; nobody when the kind has no such action (a kind without a
        sign-off step has no sign-off list)."""
        spec = self.actions.get(action)
        if spec is None:
            return frozenset()
        flagged = {r.code for r in policy.roles.values() if spec.role_flag and getattr(r, spec.role_flag)}
        return spec.roles | flagged

    # --- clocks --------------------------------------------------------------------------
    def deadline_facts(self) -> frozenset[str]:
        """The case fields some deadline depends on (the hotel's stage: 消费中 or 消费后): a
        complaint cannot be registered without them, or no clock would ever start for it."""
        return frozenset(key for spec in self.clocks for key, _value in spec.when if key != "level")

    def due_fields(self) -> frozenset[str]:
        """The case's times some clock falls due at (the hotel's requested time): the staff form
        and the portal ask for them."""
        return frozenset(spec.due_from for spec in self.clocks if spec.due_from)

    def clocks_for(self, event: str, facts: dict[str, Any]) -> dict[str, list[ClockSpec]]:
        """What `event` (an action name, 'action:outcome', 'level:N', 'approval:CHAIN:STEP' ...)
        does to clocks: lists of clocks to start, stop, pause and resume."""
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
        """The clock spec by name; a per-party clock's rows are named 'NAME#PARTY_ID'."""
        name = name.split("#", 1)[0]
        for clock in self.clocks:
            if clock.name == name:
                return clock
        raise KeyError(name)


@dataclass(frozen=True)
class Policy:
    preset: str
    organisation: dict[str, Any]
    roles: dict[str, RoleSpec]
    ladder: tuple[LadderStep, ...]
    kinds: dict[str, Kind]
    default_kind: str
    channels: dict[str, str]
    unit_kinds: dict[str, str]
    raw: dict[str, Any] = field(repr=False, default_factory=dict)

    @property
    def monthly_review(self) -> dict[str, str]:
        """`[monthly_review]`: the roles that write (`writer_role`) and approve (`approver_role`)
        the monthly report's analysis; {} when the preset asks for no review."""
        return {str(k): str(v) for k, v in (self.raw.get("monthly_review") or {}).items()}

    def kind(self, code: str = "") -> Kind:
        """The kind `code` (the default kind for "" or a kind this policy no longer has)."""
        return self.kinds.get(code) or self.kinds[self.default_kind]

    # The default kind's parts, for pages that show one organisation-wide list (filters,
    # reports): a case at hand is always read through `kind(case.kind)`.
    @property
    def actions(self) -> dict[str, ActionSpec]:
        return self.kind().actions

    @property
    def states(self) -> dict[str, str]:
        labels: dict[str, str] = {}
        for kind in self.kinds.values():
            for code, label in kind.state_labels().items():
                labels.setdefault(code, label)
        return labels

    @property
    def clocks(self) -> tuple[ClockSpec, ...]:
        return self.kind().clocks

    @property
    def categories(self) -> dict[str, str]:
        labels: dict[str, str] = {}
        for kind in self.kinds.values():
            for code, category in kind.categories.items():
                labels.setdefault(code, category.label)
        return labels

    @property
    def stages(self) -> dict[str, str]:
        return self.kind().stages

    @property
    def callback_outcomes(self) -> dict[str, str]:
        return self.kind().outcomes

    def hidden_levels(self, roles: set[str]) -> list[tuple[str, int]]:
        """(kind, level) pairs whose cases a person with `roles` may not see (unless theirs)."""
        return [(kind.code, level) for kind in self.kinds.values()
                for level, allowed in kind.level_visibility.items() if not roles & allowed]

    def ended_states(self) -> tuple[str, ...]:
        """Every state that ends a case in any kind, in a fixed order."""
        ended: list[str] = []
        for kind in self.kinds.values():
            ended += [s for s in kind.ended_states if s not in ended]
        return tuple(ended)

    # --- who may act -------------------------------------------------------------------
    def check(self, action: str, state: str, roles: set[str], kind: str = "") -> ActionSpec:
        return self.kind(kind).check(action, state, roles, self)

    def allowed_roles(self, action: str, kind: str = "") -> frozenset[str]:
        return self.kind(kind).allowed_roles(action, self)

    def deadline_facts(self, kind: str = "") -> frozenset[str]:
        return self.kind(kind).deadline_facts()

    def clocks_for(self, event: str, facts: dict[str, Any]) -> dict[str, list[ClockSpec]]:
        return self.kind(str(facts.get("kind", ""))).clocks_for(event, facts)

    def clock(self, name: str, kind: str = "") -> ClockSpec:
        return self.kind(kind).clock(name)

    # --- the ladder ----------------------------------------------------------------------
    def ladder_of(self, kind: str = "") -> tuple[LadderStep, ...]:
        return self.kind(kind).ladder or self.ladder

    def level_of(self, roles: set[str], kind: str = "") -> int:
        """The highest ladder level among `roles` (0 when none is on the ladder)."""
        levels = [step.level for step in self.ladder_of(kind) if step.role in roles]
        return max(levels, default=0)

    def next_step(self, level: int, kind: str = "") -> LadderStep:
        for step in self.ladder_of(kind):
            if step.level == level + 1:
                return step
        raise Refusal("top_of_ladder", level=level)

    def step(self, level: int, kind: str = "") -> LadderStep:
        for step in self.ladder_of(kind):
            if step.level == level:
                return step
        raise Refusal("top_of_ladder", level=level)

    def max_compensation(self, roles: set[str]) -> Decimal:
        amounts = [self.roles[r].max_compensation for r in roles if r in self.roles]
        return max(amounts, default=Decimal(0))

    def check_authority(self, roles: set[str], amount: Decimal, kind: str = "") -> None:
        """Refusal('beyond_authority', step=...) naming the lowest ladder level that may grant
        `amount` when the actor's roles may not."""
        if amount <= self.max_compensation(roles):
            return
        for step in self.ladder_of(kind):
            if self.roles[step.role].max_compensation >= amount:
                raise Refusal("beyond_authority", role=self.roles[step.role].name, level=step.level)
        raise Refusal("beyond_any_authority", amount=amount)

    def sees(self, roles: set[str], flag: str) -> bool:
        return any(getattr(self.roles[r], flag) for r in roles if r in self.roles)


def load_preset(name: str, directory: Path = PRESET_DIR) -> Policy:
    from .preset import load_preset as load

    return load(name, directory)


def parse_policy(doc: dict[str, Any], origins: dict | None = None) -> Policy:
    from .preset import parse_policy as parse

    return parse(doc, origins)


def read_preset(name: str, directory: Path = PRESET_DIR) -> dict[str, Any]:
    from .preset import read_preset as read

    return read(name, directory)
