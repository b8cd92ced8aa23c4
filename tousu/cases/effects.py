"""What an action does, from a small vocabulary written once (see domain/vocabulary.py).

A preset lists an action's effects in order; each is one function here taking the step under
way, the effect's parameters and the action's parsed inputs. Effects only stage changes on the
step (`step.set`) or write rows that belong to the case (parties, approvals); the step records
them as one event when the action ends, inside the action's transaction."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from tousu.domain.policy import ApprovalStep, ClockSpec, EffectSpec, Refusal
from tousu.notify import outbox
from tousu.org.models import Membership

from . import clocks, retention
from .errors import InvalidInput, Refused
from .events import party_fact, party_name, plain
from .models import CaseApproval, CaseParty, Clock, Lateness
from .selectors import actor_roles, ladder_holder
from .wording import localized


def resolve(step, value, values: dict):
    """A value as written in a preset: '$input.NAME', '$now', '$actor', '$none' or a literal.
    `...` (Ellipsis) means "not given": the field is left as it is."""
    if not isinstance(value, str) or not value.startswith("$"):
        return value
    if value.startswith("$input."):
        given = values.get(value.removeprefix("$input."))
        return ... if given in (None, "") else given
    return {"$now": step.now, "$actor": step.staff_actor, "$none": None}.get(value, value)


def _set(step, params: dict, values: dict) -> None:
    for field, raw in dict(params["fields"]).items():
        value = resolve(step, raw, values)
        if value is ...:
            continue
        if field.startswith("data."):
            step.set_data(field.removeprefix("data."), value)
        else:
            step.set(**{field: value})


def _increment(step, params: dict, values: dict) -> None:
    field = params["field"]
    step.set(**{field: step.pending.get(field, getattr(step.case, field)) + 1})


def refusal_text(refusal: Refusal, step) -> str:
    from .engine import refusal_message

    return refusal_message(refusal, step.policy, step.kind)


def escalation_holder(step):
    """(the next ladder step, its holder) for this case; Refused at the top or with nobody."""
    try:
        following = step.policy.next_step(step.case.level, step.case.kind)
    except Refusal as refusal:
        raise Refused(refusal_text(refusal, step)) from None
    holder = ladder_holder(step.policy, following.level, step.case.handling_unit, step.case.kind)
    return following, holder


def _escalate(step, params: dict, values: dict) -> None:
    """Climb one level; the holder of the next role becomes the owner. With `to_role`: climb to
    that role's level of the ladder, unless the case is already held there or higher; where
    nobody holds that role for the case's unit, the next level up that somebody holds takes it
    (a department without a head: the deputy GM), so the complaint is still registered. Refused
    only when nobody above holds any."""
    if params.get("to_role"):
        ladder = step.policy.ladder_of(step.case.kind)
        target = next((s for s in ladder if s.role == params["to_role"]), None)
        if target is None or step.pending.get("level", step.case.level) >= target.level:
            return
        refused = None
        for level in sorted(s.level for s in ladder if s.level >= target.level):
            try:
                holder = ladder_holder(step.policy, level, step.case.handling_unit, step.case.kind)
            except Refused as error:
                refused = refused or error
                continue
            step.set(level=level, owner=holder)
            return
        raise refused
    following, holder = escalation_holder(step)
    step.set(level=following.level, owner=holder)


def _transfer(step, params: dict, values: dict) -> None:
    """Hand the case to another unit with a plan; its head there (at the ladder level the case
    or the actor is at, at least `min_level`) owns it and must agree the plan."""
    unit = values.get(params["unit"])
    if unit is None or unit.pk == step.case.handling_unit_id:
        raise InvalidInput(_("Choose another unit to transfer to."), field=params["unit"])
    plan = values.get(params.get("plan", ""), "")
    level = max(step.case.level, step.policy.level_of(step.roles, step.case.kind), int(params.get("min_level", 0)))
    holder = ladder_holder(step.policy, level, unit, step.case.kind)
    step.set(target_unit=unit, handling_unit=unit, owner=holder, level=level, transfer_plan=plan,
             plan_agreed_by=None)


def _assign(step, params: dict, values: dict) -> None:
    assignee = values.get(params["person"])
    if assignee is None or not actor_roles(assignee, step.case, step.policy) - {"owner"}:
        raise InvalidInput(_("The person to assign must belong to a unit of this case."), field=params["person"])
    step.set(owner=assignee)


def _level(step, params: dict, values: dict) -> None:
    """Raise or lower the case's level (its kind's levels, lowest first); the event
    'level:VALUE' then starts or stops the clocks that wait for it."""
    order = step.kind.level_values()
    current = step.pending.get("severity", step.case.severity)
    place = order.index(current) if current in order else 0
    to = params["to"]
    if to == "up":
        value = order[min(place + 1, len(order) - 1)]
    elif to == "down":
        value = order[max(place - 1, 0)]
    else:
        value = resolve(step, to, values)
        if value is ...:
            return
    if value != current:
        step.set(severity=value)
        step.events.append(f"level:{value}")


def _clock(step, params: dict, values: dict) -> None:
    for verb in ("stop", "pause", "resume", "start"):
        names = params.get(verb, ())
        for name in [names] if isinstance(names, str) else names:
            step.clock_ops.append((verb, name))


def _request_approval(step, params: dict, values: dict) -> None:
    """Open a new round of the chain: its first step waits for a decision, the others wait
    their turn. The chain's steps may depend on the case's level."""
    chain = step.kind.approvals[params["chain"]]
    case = step.case
    last = CaseApproval.objects.filter(case=case, chain=chain.name).order_by("-round").first()
    if last is not None and CaseApproval.objects.filter(
            case=case, chain=chain.name, round=last.round,
            state__in=[CaseApproval.PENDING, CaseApproval.WAITING]).exists():
        raise Refused(_("This approval is already under way."))
    round_ = (last.round + 1) if last else 1
    for position, spec in enumerate(chain.steps_for(step.pending.get("severity", case.severity)), start=1):
        unit = getattr(case, f"{spec.unit}_unit") if spec.unit else None
        approval = CaseApproval.objects.create(
            case=case, chain=chain.name, round=round_, position=position, role=spec.role, unit=unit,
            label=spec.label or step.policy.roles[spec.role].name, send_back=spec.send_back,
            state=CaseApproval.PENDING if position == 1 else CaseApproval.WAITING, requested_at=step.now)
        if position == 1:
            _start_step_clock(step, approval)
    step.events.append(f"approval:{chain.name}:requested")


def _step_spec(step, approval) -> ApprovalStep | None:
    chain = step.kind.approvals.get(approval.chain)
    if chain is None:
        return None
    steps = chain.steps_for(step.pending.get("severity", step.case.severity))
    return steps[approval.position - 1] if approval.position <= len(steps) else None


def _step_clock_name(approval) -> str:
    return f"approval:{approval.chain}:{approval.position}"


def _start_step_clock(step, approval) -> None:
    """A step with a time limit (`amount` in `unit_of_time`) runs a clock while it waits: its
    breach is late handling of the person whose decision it is, as any other clock's."""
    spec = _step_spec(step, approval)
    if spec is None or spec.amount <= 0:
        return
    clock = ClockSpec(name=_step_clock_name(approval), label=f"{approval.label}", start_on=frozenset(),
                      stop_on=frozenset(), amount=spec.amount, unit=spec.unit_of_time,
                      warn_minutes=min(240, spec.amount * 60) if spec.unit_of_time != "minutes" else 0)
    clocks.start(step.case, clock, step.now, step.calendar, step.tz)


def _stop_step_clock(step, approval) -> None:
    Clock.objects.filter(case=step.case, name=_step_clock_name(approval), state__in=clocks.OPEN).update(
        state=Clock.STOPPED, stopped_at=step.now)


def pending_step(case, chain: str = ""):
    qs = CaseApproval.objects.filter(case=case, state=CaseApproval.PENDING).order_by("round", "position")
    if chain:
        qs = qs.filter(chain=chain)
    return qs.select_related("unit").first()


def may_decide(user, approval, case) -> bool:
    """Whether `user` holds the pending step's role (in its unit, when the step names one)."""
    if user is None or approval is None:
        return False
    members = Membership.objects.filter(user=user, role__code=approval.role)
    if approval.unit_id:
        return members.filter(unit=approval.unit).exists()
    return members.exists()


def _decide_approval(step, params: dict, values: dict) -> None:
    approval = pending_step(step.case, params.get("chain", ""))
    if approval is None:
        raise Refused(_("No approval is waiting for a decision."))
    if not may_decide(step.staff_actor, approval, step.case):
        raise Refused(_("This step is for %(role)s.") % {"role": approval.label})
    decision = params["decision"]
    if decision == "send_back" and not approval.send_back:
        raise Refused(_("This step may not send the matter back."))
    note = values.get(params.get("note", ""), "") or ""
    approval.decided_by, approval.decided_at, approval.note = step.staff_actor, step.now, note
    approval.state = CaseApproval.GRANTED if decision == "grant" else CaseApproval.SENT_BACK
    approval.save()
    _stop_step_clock(step, approval)
    rest = CaseApproval.objects.filter(case=step.case, chain=approval.chain, round=approval.round,
                                       state=CaseApproval.WAITING).order_by("position")
    prefix = f"approval:{approval.chain}"
    if decision == "send_back":
        rest.update(state=CaseApproval.SENT_BACK)
        step.events.append(f"{prefix}:sent_back")
        return
    step.events.append(f"{prefix}:{approval.position}")
    following = rest.first()
    if following is None:
        step.events.append(f"{prefix}:granted")
    else:
        following.state = CaseApproval.PENDING
        following.save(update_fields=["state"])
        _start_step_clock(step, following)
    step.facts[approval.chain] = f"{approval.position}:{approval.state}"


def _add_party(step, params: dict, values: dict) -> None:
    """Name a party of `role` from the inputs '<from>name', '<from>address' ..."""
    role = step.kind.parties[params["role"]]
    prefix = str(params.get("from", "")).removeprefix("$input.")
    given = {key: values.get(f"{prefix}{key}") for key in CaseParty.DETAILS}
    # A unified social credit code is kept as the party's ID; a brand as its product.
    given["id_number"] = given["id_number"] or values.get(f"{prefix}credit_code")
    given["product"] = given["product"] or values.get(f"{prefix}brand")
    found = CaseParty.details(given)
    if not found["name"]:
        raise InvalidInput(_("%(field)s is required.") % {"field": localized(role.label, role.label_en)},
                           field=f"{prefix}name")
    if not role.many and CaseParty.objects.filter(case=step.case, role=role.code).exists():
        raise Refused(_("This case already names its %(role)s.") % {"role": localized(role.label, role.label_en)})
    kind = values.get(f"{prefix}kind") or role.default_kind
    agent_of = values.get(f"{prefix}agent_of")  # a party input: the party this one acts for
    party = CaseParty.objects.create(case=step.case, role=role.code, kind=kind, added_at=step.now,
                                     agent_of=agent_of if isinstance(agent_of, CaseParty) else None, **found)
    step.facts.setdefault("parties", []).append(party_fact(step.case, party))


def _serve(step, params: dict, values: dict) -> None:
    """Record service (送达): on one party (`party`), on the day given (`on`), kept as a service
    record of the document; or on every party of `role` not yet served."""
    how = values.get(params.get("method", ""), "") or ""
    method = step.kind.actions[step.action].input(params.get("method", ""))
    if method is not None and method.choices:  # a choice is kept as its words (邮寄), not its code
        how = dict(method.choices).get(how, how)
    document = params.get("document", "")
    if document:
        served = step.case.documents.filter(name=document).order_by("-pk").first()
        if served is None:
            raise Refused(_("The document to serve has not been written yet."))
        step.facts["served_document"] = served.title
    if params.get("party"):
        _serve_party(step, params, values, str(how), document)
        return
    parties = CaseParty.objects.filter(case=step.case, role=params["role"], served_at__isnull=True)
    names = [party_name(step.case, party) for party in parties]
    if not names:
        raise Refused(_("Every such party has already been served."))
    step.parties.extend(parties)
    parties.update(served_at=step.now, served_how=str(how)[:100])
    step.facts["served"] = names
    step.events.append(f"serve:{params['role']}")


def _serve_party(step, params: dict, values: dict, how: str, document: str) -> None:
    from . import service

    party = values.get(params["party"])
    if party is None:
        raise InvalidInput(_("Choose the party served."), field=params["party"])
    day = values.get(params.get("on", "")) or timezone.localtime(step.now, step.tz).date()
    data = dict(step.pending.get("data", step.case.data or {}))
    if service.served_on(step.case, party.pk, document, data) is not None:
        raise InvalidInput(_("%(party)s has already been served.") % {"party": party.name},
                           field=params["party"])
    rows = list(data.get(service.SERVICES, []))
    rows.append({"party": party.pk, "role": party.role, "document": document,
                 "on": day.isoformat(), "how": how[:100], "at": step.now.isoformat()})
    step.set_data(service.SERVICES, rows)
    step.parties.append(party)
    step.facts["served"] = [party_name(step.case, party)]
    step.facts["served_on"] = day.isoformat()
    role = party.role
    if not CaseParty.objects.filter(case=step.case, role=role).exclude(pk=party.pk).exclude(
            pk__in=[r["party"] for r in rows if r.get("document") == document]).exists():
        step.events.append(f"serve:{role}")  # the last party of the role to be served


def _document(step, params: dict, values: dict) -> None:
    """Render the kind's document for the case now (for one party, with its service day and
    periods, when `party` names one); the event names it and holds its SHA-256, so the text
    kept is the text recorded on the case's hash chain."""
    from .documents import render

    party = values.get(params["party"]) if params.get("party") else None
    document = render(step, params["name"], values, party=party)
    step.stored.append(document.file)  # deleted again if the action fails after this
    step.facts.setdefault("documents", []).append(document.title)
    step.facts.setdefault("document_sha256", []).append(document.sha256)


def _set_for_party(step, params: dict, values: dict) -> None:
    """Keep values for one party: each `data.NAME` becomes a table party id -> value."""
    party = values.get(params["party"])
    if party is None:
        raise InvalidInput(_("Choose the party."), field=params["party"])
    for field, raw in dict(params["fields"]).items():
        value = resolve(step, raw, values)
        if value is ...:
            continue
        name = field.removeprefix("data.")
        data = step.pending.get("data", step.case.data or {})
        table = dict(data.get(name) or {}) if isinstance(data.get(name), dict) else {}
        table[str(party.pk)] = plain(value)
        step.set_data(name, table)
    step.parties.append(party)
    step.facts["party"] = party_name(step.case, party)


def _announce(step, params: dict, values: dict) -> None:
    """Publish the result on the portal (公告), personal data removed: the names, phone numbers,
    ID numbers and addresses of the parties who are persons, and any phone or ID number."""
    from .announcements import scrub

    title = values.get(params["title"]) or ""
    text = values.get(params["text"]) or ""
    people = step.case.parties.filter(kind=CaseParty.PERSON)
    step.set_data("announcement", {"title": scrub(str(title), people), "text": scrub(str(text), people),
                                   "at": step.now.isoformat()})
    step.facts["announced"] = scrub(str(title), people)


def _notify(step, params: dict, values: dict) -> None:
    to = params.get("to", "owner")
    case = step.case
    if to == "owner":
        recipients = [step.pending.get("owner", case.owner).email]
    elif to == "complainant":
        recipients = [case.complainant_email]
    else:
        recipients = list(Membership.objects.filter(role__code=to).values_list("user__email", flat=True))
    body = resolve(step, params.get("body", ""), values)
    subject = f"{params.get('subject', '')} {case.number}".strip()
    for recipient in {r for r in recipients if r}:
        outbox.queue(recipient=recipient, case=case, subject=subject, body="" if body is ... else str(body))


def _accountability(step, params: dict, values: dict) -> None:
    """An entry in the accountability ledger: against the unit and person the action's inputs
    name (`unit`, `person`), else the handling unit and the owner; under the word `kind`, or
    the word a choice input holds ('$input.NAME')."""
    kind = resolve(step, params.get("kind", "accountability"), values)
    if kind is ...:
        raise InvalidInput(_("Choose what is recorded."), field=str(params["kind"]).removeprefix("$input."))
    unit = values.get(params["unit"]) if params.get("unit") else None
    person = values.get(params["person"]) if params.get("person") else None
    Lateness.objects.create(case=step.case, clock=None, unit=unit or step.case.handling_unit,
                            person=person or step.case.owner, kind=str(kind)[:32], occurred_at=step.now)
    step.facts.setdefault("accountability", []).append(
        {"kind": str(kind)[:32], "unit": (unit or step.case.handling_unit).name,
         "person": (person or step.case.owner).get_username()})


def _robot(step, params: dict, values: dict) -> None:
    """Queue a message to every group robot or SMS gateway set up (admin) for the role `to` and
    the case's unit; the worker sends it after the action is saved, with retries. Refused when
    none is set up: a fast report must not vanish unsent."""
    from tousu.notify import robots

    case = step.case
    body = resolve(step, params.get("body", ""), values)
    subject = f"{params.get('subject', '')} {case.number}".strip()
    unit, role = step.pending.get("handling_unit", case.handling_unit), str(params.get("to", ""))
    if not robots.targets_for(unit, role).exists():
        raise Refused(_("No group robot or SMS gateway is set up for this unit: ask the administrator to "
                        "add one (admin → robot and SMS targets)."))
    rows = robots.queue(unit=unit, role=role, subject=subject, body="" if body is ... else str(body), case=case)
    step.facts["robots"] = [row.recipient for row in rows]


def _anonymise(step, params: dict, values: dict) -> None:
    retention.anonymise(step)


def _personal_data_export(step, params: dict, values: dict) -> None:
    retention.personal_data_export(step)


def _merge(step, params: dict, values: dict) -> None:
    """并案: another open case of the same kind, one the actor sees, joins this one. It takes
    the preset's `action` (by the system, on its own chain, naming this case) and from then on
    follows this case's handling (`cascade`)."""
    from .engine import acting, run_action
    from .selectors import cases_visible_to

    field = params["case"]
    number = str(values.get(field) or "").strip()
    other = cases_visible_to(step.staff_actor).filter(number=number).first() if step.staff_actor else None
    if other is None or other.pk == step.case.pk:
        raise InvalidInput(_("No such case, or you may not see it."), field=field)
    if other.kind != step.case.kind or not other.is_open or (other.data or {}).get("merged_into"):
        raise InvalidInput(_("Only an open case of the same kind, not merged already, can join this one."),
                           field=field)
    if (step.case.data or {}).get("merged_into"):
        raise Refused(_("This case has itself been merged into %(number)s.") % {
            "number": step.case.data["merged_into"]})
    with acting(params["action"], actor=None, case_id=other.pk, now=step.now, system=True) as joined:
        joined.set_data("merged_into", step.case.number)
        run_action(joined, {}, note=_("Merged into %(number)s") % {"number": step.case.number})
    data = step.pending.get("data", step.case.data or {})
    step.set_data("merged", [*data.get("merged", []), other.number])
    step.facts["merged"] = other.number


def _cascade(step, params: dict, values: dict) -> None:
    """Each case merged into this one takes `action` (by the system) with this action's inputs,
    in this transaction: one handling answers every complainant, or none of it happens."""
    from .engine import acting, run_action
    from .models import Case

    numbers = (step.pending.get("data", step.case.data or {}) or {}).get("merged", [])
    for number in numbers:
        case_id = Case.objects.filter(number=number).values_list("pk", flat=True).first()
        with acting(params["action"], actor=None, case_id=case_id, now=step.now, system=True) as joined:
            names = {item.name for item in joined.kind.actions[params["action"]].inputs}
            raw = {name: value for name, value in values.items() if name in names and value not in (None, "")}
            run_action(joined, raw, note=_("As handled in %(number)s") % {"number": step.case.number})
    if numbers:
        step.facts["cascaded"] = list(numbers)


HANDLERS = {
    "set": _set,
    "increment": _increment,
    "escalate": _escalate,
    "transfer": _transfer,
    "assign": _assign,
    "level": _level,
    "clock": _clock,
    "request_approval": _request_approval,
    "decide_approval": _decide_approval,
    "add_party": _add_party,
    "serve": _serve,
    "document": _document,
    "set_for_party": _set_for_party,
    "announce": _announce,
    "notify": _notify,
    "accountability": _accountability,
    "anonymise": _anonymise,
    "personal_data_export": _personal_data_export,
    "robot": _robot,
    "merge": _merge,
    "cascade": _cascade,
}


def register(name: str, handler) -> None:
    """An app above cases adds the handler of an effect whose rows it owns (the case library:
    `publish`, from tousu.quality), so the effect stays in the one vocabulary while cases does
    not import the app."""
    HANDLERS[name] = handler


def run(step, effect: EffectSpec, values: dict) -> None:
    handler = HANDLERS.get(effect.name)
    if effect.when and not effect.applies_to(step.case.facts()):
        return  # the effect is for other cases (another stage, channel or category)
    if handler is None:
        raise Refused(_("This step is not available in this installation."))
    handler(step, dict(effect.params), values)


def apply_clock_ops(step) -> None:
    """Start, stop, pause and resume the clocks named by `clock` effects."""
    for verb, name in step.clock_ops:
        clocks.by_name(step.case, step.kind, verb, name, step.now, step.calendar, step.tz)
    step.clock_ops = []
