"""The one path every change to a case takes: `perform` an action of the case's kind.

`acting` locks the case, checks the version, the actor's right and the policy (state, roles,
guards) and yields a `Step`; `perform` parses the action's inputs, moves the state the policy
says, runs the action's effects, records one event on the hash chain, moves clocks and takes
the follow-up action the policy names, all in one transaction. Nothing here names a state, an
outcome or a role of a preset: they are all read from the policy."""

from __future__ import annotations

import copy
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tousu.domain.policy import APPROVER, COMPLAINANT, OWNER, SYSTEM, ActionSpec, Kind, Policy, Refusal
from tousu.notify import outbox
from tousu.org.services import current_policy, org_timezone, work_calendar

from . import attachments as attachment_rules
from . import clocks, effects
from . import inputs as input_rules
from .errors import InvalidInput, NotFound, Refused, StaleCase
from .events import append_event, plain
from .guards import needs_values as guard_needs_values
from .guards import unmet
from .labels import action_label
from .models import Case
from .selectors import actor_roles
from .wording import kind_noun, localized


@dataclass(frozen=True)
class PartyActor:
    """A party acting as themselves (the complainant on the portal), not a member of staff."""

    party: object  # CaseParty

    @property
    def pk(self):
        return None


def refusal_message(refusal: Refusal, policy: Policy, kind: Kind | None = None) -> str:
    kind = kind or policy.kind()
    p = dict(refusal.params)
    if "action" in p:
        p["action"] = label_of(kind, p["action"])
    p["kind"] = kind_noun(kind)  # 该客户投诉, 该网络舆情, 该市民诉求: the kind's own word
    messages = {
        "unknown_action": lambda: _("Unknown action: %(action)s.") % p,
        "wrong_state": lambda: _("This %(kind)s is %(state)s: “%(action)s” is not possible now.") % {
            "state": state_label(kind, p["state"]), "action": p["action"], "kind": p["kind"]},
        "no_right": lambda: _("You do not have the right to “%(action)s” on this %(kind)s.") % p,
        "top_of_ladder": lambda: _("This %(kind)s is already at the top of the escalation ladder.") % p,
        "beyond_authority": lambda: _(
            "This compensation is beyond your authority: it needs %(role)s (level %(level)s). "
            "Escalate the %(kind)s.") % p,
        "beyond_any_authority": lambda: _("No one in the escalation ladder may grant %(amount)s.") % p,
    }
    return messages.get(refusal.code, lambda: refusal.code)()


def label_of(kind: Kind, action: str) -> str:
    spec = kind.actions.get(action)
    if spec is not None and spec.label:
        return localized(spec.label, spec.label_en)
    return action_label(action)


def state_label(kind: Kind, state: str) -> str:
    spec = kind.states.get(state)
    return localized(spec.label, spec.label_en) if spec else state


@dataclass
class _GuardContext:
    actor: object
    action: str
    kind: Kind
    policy: Policy
    values: dict | None = None  # the action's parsed inputs, once read


class Step:
    """One action under way on a locked case: collect changes, then record them as an event."""

    def __init__(self, *, case: Case, actor, roles: set[str], policy: Policy, action: str, now: datetime):
        self.case, self.actor, self.roles, self.policy = case, actor, roles, policy
        self.kind = policy.kind(case.kind)
        self.action, self.now = action, now
        self.pending: dict = {}
        self.facts: dict = {}  # what the event records beside the changed fields
        self.events: list[str] = []  # further clock events: 'level:1', 'approval:report:granted'
        self.clock_ops: list[tuple[str, str]] = []
        self.parties: list = []  # the parties this step is about (served, answering): per-party clocks
        self.stored: list = []  # files written by this action (deleted again if it fails)
        self.recorded: list[str] = []
        self._calendar = None

    @property
    def staff_actor(self):
        """The member of staff acting (None for the system or a party)."""
        return None if isinstance(self.actor, PartyActor) else self.actor

    @property
    def calendar(self):
        if self._calendar is None:
            self._calendar = work_calendar()
        return self._calendar

    @property
    def tz(self):
        return org_timezone()

    def set(self, **fields) -> None:
        self.pending.update(fields)

    def set_data(self, name: str, value) -> None:
        data = dict(self.pending.get("data", self.case.data or {}))
        data[name] = plain(value)
        self.pending["data"] = data

    def record(self, action: str | None = None, *, note: str = "", outcome: str = "",
               facts: dict | None = None) -> None:
        """Apply the pending changes, append their event and run the clock rules."""
        action = action or self.action
        case = self.case
        old, new = {}, {}
        for name, value in self.pending.items():
            before = getattr(case, name)
            if before != value:
                old[name], new[name] = plain(before), plain(value)
                setattr(case, name, value)
        self.pending = {}
        case.is_open = self.kind.is_open(case.state)
        new.update(self.facts)
        new.update(facts or {})
        self.facts = {}
        party = self.actor.party if isinstance(self.actor, PartyActor) else None
        append_event(case, actor=self.staff_actor, action=action, at=self.now, old=old, new=new, note=note,
                     actor_party=party)
        events = [action] + ([f"{action}:{outcome}"] if outcome else []) + self.events
        self.events = []
        effects.apply_clock_ops(self)
        clocks.apply(case, self.policy, events, self.now, self.calendar, self.tz, provisional=False,
                     parties=self.parties, facts=new)
        self.parties = []
        if "owner" in new and case.owner.email:
            outbox.queue(recipient=case.owner.email, case=case,
                         subject=_("Complaint %(number)s is now yours") % {"number": case.number},
                         body=f"{case.subject}\n\n{note}")
        self.recorded.append(action)


# The case's relations read with it under the lock: a person's action is shown afterwards with
# all four; the system's (the worker's clocks) reads only the owner and the handling unit, and
# anything else loads when asked.
WITH_CASE = ("owner", "receiving_unit", "handling_unit", "target_unit")
WITH_CASE_FOR_SYSTEM = ("owner", "handling_unit")


def _lock(case_id: int, related: tuple[str, ...] = WITH_CASE) -> Case:
    """The case, locked, with its owner and units, in one query. When that query waited for
    another transaction that changed the owner or a unit (an escalation in another tab),
    PostgreSQL re-checks the join against the owner row it read before the wait and drops the
    case: then lock the row alone and read it again, so the caller sees the case as it is now
    (and the version check says someone else changed it) instead of "no such case"."""
    try:
        return Case.objects.select_for_update(of=("self",)).select_related(*related).get(pk=case_id)
    except (ValueError, TypeError):
        raise NotFound() from None
    except Case.DoesNotExist:
        if not Case.objects.select_for_update().filter(pk=case_id).values_list("pk", flat=True):
            raise NotFound() from None
        return Case.objects.select_related(*related).get(pk=case_id)  # ours now: nobody changes it


def roles_of(actor, case: Case, policy: Policy) -> set[str]:
    """The roles `actor` acts with on `case`: a person's (plus the approver's, when a pending
    approval step is theirs), a party's own role, or the system's."""
    if actor is None:
        return {SYSTEM}
    if isinstance(actor, PartyActor):
        if actor.party.case_id != case.pk:
            return set()
        role = policy.kind(case.kind).parties.get(actor.party.role)
        return {actor.party.role} | ({COMPLAINANT} if role is not None and role.complainant else set())
    roles = actor_roles(actor, case, policy)
    if roles and policy.kind(case.kind).approvals and effects.may_decide(actor, effects.pending_step(case), case):
        roles.add(APPROVER)
    return roles


def available(case: Case, actor, policy: Policy | None = None) -> list[tuple[ActionSpec, str]]:
    """The actions of the case's kind `actor` may take in its state, each with "" when it may
    be taken now or the first unmet guard's message when only a condition holds it back.
    Pages offer what they show from this (the case page, the portal)."""
    policy = policy or current_policy()
    kind = policy.kind(case.kind)
    roles = roles_of(actor, case, policy)
    found = []
    for spec in sorted(kind.actions.values(), key=lambda s: s.order):
        try:
            kind.check(spec.name, case.state, roles, policy)
        except Refusal:
            continue
        problems = unmet(case, spec.requires, _GuardContext(actor, spec.name, kind, policy))
        found.append((spec, problems[0] if problems else ""))
    return found


def _approver_refusal(case: Case, kind: Kind, action: str) -> str:
    """For a decision only the pending step's holder may take: who that is."""
    spec = kind.actions.get(action)
    if spec is None or APPROVER not in spec.roles:
        return ""
    pending = effects.pending_step(case)
    if pending is None:
        return _("No approval is waiting for a decision.")
    step = pending.label
    if pending.unit_id:
        step = _("%(step)s (%(unit)s)") % {"step": pending.label, "unit": pending.unit.name}
    return _("This step is for %(role)s.") % {"role": step}


@contextmanager
def acting(action: str, *, actor, case_id: int, expected_version: int | None = None, now=None,
           system: bool = False, savepoint: bool = True):
    """Lock the case, check version, right and policy; yield a Step; save it all on exit.
    `actor=None` is the worker: it may take only what its kind lets the system take.
    `savepoint=False`: the caller's own transaction (or savepoint) holds the action and rolls
    back with it whenever the action fails, so it needs none of its own (the worker's clocks:
    two round trips fewer each)."""
    if actor is None and not system:
        raise NotFound()  # nobody is not the system: only the worker's own calls go without one
    policy = current_policy()
    with transaction.atomic(savepoint=savepoint):
        case = _lock(case_id, WITH_CASE_FOR_SYSTEM if actor is None else WITH_CASE)
        stored = _stored(case)
        roles = roles_of(actor, case, policy)
        if not roles and getattr(actor, "is_superuser", False):
            raise Refused(_("An administrator acts on complaints through a membership of a unit, with its "
                            "role: add one in the admin first."))
        if not roles:
            raise NotFound()  # not theirs to see: reveal nothing
        if expected_version is not None and case.version != expected_version:
            raise StaleCase()
        kind = policy.kind(case.kind)
        try:
            spec = kind.check(action, case.state, roles, policy)
        except Refusal as refusal:
            raise Refused(_approver_refusal(case, kind, action) or refusal_message(refusal, policy, kind)) from None
        problems = unmet(case, spec.requires, _GuardContext(actor, action, kind, policy))
        if problems:
            raise Refused(problems[0])
        step = Step(case=case, actor=actor, roles=roles, policy=policy, action=action,
                    now=now or timezone.now())
        target = spec.target(case.state)
        if target:
            step.set(state=target)
        yield step
        if step.pending or not step.recorded:
            step.record()
        if stored["provisional_deadline"]:
            clocks.refresh_provisional(case)  # a clock the step stopped may have been the last provisional one
        case.version += 1  # the row is locked: the version read with it is the latest
        case.save(update_fields=[*_changed(case, stored), "updated_at"])


def _stored(case: Case) -> dict:
    """The case's fields as read under the lock, to save only what the action changed."""
    values = {field.attname: getattr(case, field.attname) for field in case._meta.concrete_fields}
    values["data"] = copy.deepcopy(values["data"])  # the one field an effect could change in place
    return values


def _changed(case: Case, stored: dict) -> list[str]:
    return [name for name, value in stored.items() if getattr(case, name) != value]


def attachment_source(step: Step) -> str:
    from .models import Attachment

    return Attachment.PORTAL if isinstance(step.actor, PartyActor) else Attachment.STAFF


def run_action(step: Step, raw: dict, *, note: str = "", stored: list | None = None) -> dict:
    """Parse the inputs of the step's action and do what its policy says (inside `acting`).
    `note` stands for the action's note input; `stored` collects the files it writes."""
    if stored is not None:
        step.stored = stored
    spec = step.kind.actions[step.action]
    unknown = sorted(set(raw) - {item.name for item in spec.inputs})
    if unknown:
        raise InvalidInput(_("“%(action)s” takes no input %(name)s.") % {
            "action": label_of(step.kind, step.action), "name": unknown[0]}, field=unknown[0])
    values = input_rules.parse(spec.inputs, raw, kind=step.kind, case=step.case, tz=step.tz)
    problems = unmet(step.case, spec.requires, _GuardContext(step.actor, step.action, step.kind, step.policy,
                                                             values), values=values)
    if problems:  # a condition that depends on the answers given (closing "not covered")
        field = next(name for guard in spec.requires if guard_needs_values(guard)
                     for name in ([guard.param("input")] if guard.name == "input_given" else [])
                     + [n for n, _v in guard.when_input])
        raise Refused(problems[0], field=field)
    for item in spec.inputs:
        if item.type == "money" and item.authority:
            try:
                step.policy.check_authority(step.roles, values[item.name], step.case.kind)
            except Refusal as refusal:
                raise Refused(refusal_message(refusal, step.policy, step.kind), field=item.name) from None
    text = note or (values.get(spec.note) or "" if spec.note else "")
    noted = spec.input(spec.note) if spec.note and not note else None
    if noted is not None and noted.type == "choice":  # a choice is noted as its words (直接送达)
        text = dict(noted.choices).get(text, text)
    for item in spec.inputs:
        if item.type == "files" and values[item.name]:
            names = attachment_rules.store(step.case, values[item.name], actor=step.staff_actor,
                                           source=attachment_source(step), now=step.now, stored=step.stored)
            step.facts[item.name] = names
            text = attachment_rules.with_names(text, names) if spec.note else text
    outcome = str(values.get(spec.outcome) or "") if spec.outcome else ""
    target = spec.target(step.case.state, outcome)
    if target:
        step.set(state=target)
    branch = spec.branch(outcome)
    for effect in spec.effects + (branch.effects if branch else ()):
        effects.run(step, effect, values)
    step.record(note=text, outcome=outcome)
    then = (branch.then if branch and branch.then else "") or spec.then
    if then:
        follow(step, then, note=text)
    return values


def follow_problem(step: Step, action: str) -> tuple[bool, str]:
    """(whether the system may take `action` now, why not when a person should know)."""
    try:
        spec = step.kind.check(action, step.case.state, {SYSTEM}, step.policy)
    except Refusal:
        return False, ""
    if unmet(step.case, spec.requires, _GuardContext(None, action, step.kind, step.policy)):
        return False, ""
    if any(effect.name == "escalate" for effect in spec.effects):
        try:
            effects.escalation_holder(step)
        except Refused as refused:
            top = step.policy.ladder_of(step.case.kind)[-1].level <= step.case.level
            return False, "" if top else str(refused)
    return True, ""


def follow(step: Step, action: str, *, note: str = "") -> bool:
    """The system takes `action` after the one just recorded, when its state, guards and
    effects allow (a call-back's 不满意 escalates unless the case is at the top of the ladder)."""
    possible, _why = follow_problem(step, action)
    if not possible:
        return False
    spec = step.kind.actions[action]
    step.action = action
    target = spec.target(step.case.state)
    if target:
        step.set(state=target)
    values = {spec.note: note} if spec.note else {}
    for effect in spec.effects:
        effects.run(step, effect, values)
    step.record(action, note=note)
    return True


def perform(action: str, *, actor, case_id: int, inputs: dict | None = None,
            expected_version: int | None = None, now=None, note: str = "") -> Case:
    """Take `action` on the case with `inputs` (by input name) as `actor`."""
    with attachment_rules.kept_only_on_success() as stored:
        with acting(action, actor=actor, case_id=case_id, expected_version=expected_version, now=now) as step:
            run_action(step, dict(inputs or {}), note=note, stored=stored)
    return step.case


__all__ = ["OWNER", "PartyActor", "Step", "acting", "perform", "refusal_message"]
