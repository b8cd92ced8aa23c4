"""Every change to a case, one function per action.

Each public function checks the actor's right and the policy, changes the case, appends an
event to the hash chain, starts, stops or moves clocks and queues notifications, all in one
transaction: either all of it happens or none of it does. Views, the API, the CLI and the
worker call these; nothing else writes a case.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tousu.domain.policy import ANY_MEMBER, NEW, OWNER, EffectSpec, Refusal
from tousu.notify import outbox
from tousu.org.models import Unit
from tousu.org.services import current_policy, org_timezone, policy_version, work_calendar

from . import attachments as attachment_rules
from . import clocks
from . import inputs as input_rules
from . import effects, matters, retention, tracking_codes
from .engine import Step, acting, follow, follow_problem, perform, refusal_message, run_action
from .errors import InvalidInput, Refused
from .events import append_event, new_salt, party_fact, plain
from .models import Attachment, Case, CaseCounter, CaseParty, Clock, Lateness
from .selectors import memberships
from .wording import localized

PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-]{4,30}$")


def required(value, field: str, label: str) -> str:
    return input_rules.required_text(value, field, label)


def _next_number(year: int, prefix: str = "TS") -> str:
    """The year's next number in one round trip: the upsert locks the year's row until commit,
    so concurrent intakes queue for it and never share a number (SQLite 3.35+, PostgreSQL).
    Every kind shares the count; its prefix tells them apart."""
    table = connection.ops.quote_name(CaseCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (year, last) VALUES (%s, 1) ON CONFLICT (year) "
                       f"DO UPDATE SET last = {table}.last + 1 RETURNING last", [year])
        last = cursor.fetchone()[0]
    return f"{prefix}-{year}-{last:06d}"


def _aware(value, field: str, label: str):
    return input_rules.aware(value, field, label, org_timezone())


def _choice(value: str, choices: dict, field: str, label: str, *, allow_blank: bool) -> str:
    if not value and allow_blank:
        return ""
    if value not in choices:
        raise InvalidInput(_("%(field)s must be one of: %(choices)s.") % {
            "field": label, "choices": "、".join(choices.values())}, field=field)
    return value


def _checked_files(files, field: str = "attachments") -> list:
    """The files checked by the shared rules (type by magic bytes, size, count)."""
    if not files:
        return []
    return attachment_rules.check(files, field)


# --- the actions ------------------------------------------------------------------------------

def register_case(*, actor, unit: Unit, channel: str, subject: str, description: str,
                  complainant_name: str, complainant_phone: str = "", complainant_email: str = "",
                  complainant_address: str = "", stage: str = "", category: str = "",
                  target_unit: Unit | None = None, occurred_at=None, place: str = "",
                  people_involved: str = "", requested_resolution: str = "", requested_by=None,
                  promised_reply_at=None, severity: int | None = None, note: str = "", attachments=(),
                  attachment_source: str = Attachment.STAFF, now=None, in_transaction=None,
                  kind: str = "", parties=(), imported: dict | None = None,
                  complainant_kind: str = "") -> Case:
    """Record a complaint. Whoever registers it owns it (首问负责制) until they hand it on.

    `attachments` are uploaded files (checked here: type by their bytes, size, count), saved
    with the case in the same transaction and named in the register event; if the transaction
    fails the files are deleted again. `attachment_source` says where they came from
    (Attachment.PORTAL, LETTER_SCAN or STAFF); the portal's have no uploader.
    `in_transaction(case)` is called last inside the case's transaction: the API records its
    Idempotency-Key there, so the key and the case are written together or not at all.

    `kind` is one of the policy's kinds of case (its default when blank); the register action of
    that kind decides who may register and the state a new case starts in. The complainant
    becomes the case's complainant party; `parties` names others ({"role", "name", ...}).
    `complainant_kind` says whether the complainant is a person (the default) or an organisation.
    `imported` (file, row, key) marks a case read from a spreadsheet of past complaints: the
    register event holds it, so the chain tells an imported case from one registered here."""
    policy = current_policy()
    if kind and kind not in policy.kinds:
        raise InvalidInput(_("Unknown kind of case: %(kind)s.") % {"kind": kind}, field="kind")
    case_kind = policy.kind(kind)
    now = now or timezone.now()
    subject = required(subject, "subject", _("Subject"))[:200]
    description = input_rules.within_limit(required(description, "description", _("Course of events")),
                                           "description", _("Course of events"))
    requested_resolution = input_rules.within_limit(requested_resolution or "", "requested_resolution",
                                                    _("Requested resolution"))
    note = input_rules.within_limit(note or "", "note", _("Note"))
    complainant_name = required(complainant_name, "complainant_name", _("Complainant"))[:100]
    channel = _choice(channel, policy.channels, "channel", _("Channel"), allow_blank=False)
    stage = _choice(stage, case_kind.stages, "stage", _("Stage"),
                    allow_blank="stage" not in case_kind.deadline_facts())
    category = _choice(category, {c: x.label for c, x in case_kind.categories.items()}, "category",
                       _("Category"), allow_blank=True)
    phone = (complainant_phone or "").strip()
    if phone and not PHONE_RE.match(phone):
        raise InvalidInput(_("The phone number may hold only digits, spaces, '-' and a leading '+'."),
                           field="complainant_phone")
    email = (complainant_email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidInput(_("Enter a valid email address."), field="complainant_email") from None
    severity = case_kind.default_level if severity in (None, "") else severity
    if severity not in case_kind.level_values():
        raise InvalidInput(_("Severity must be one of: %(choices)s.") % {
            "choices": "、".join(label for _v, label in case_kind.levels)}, field="severity")
    extra = _checked_parties(case_kind, parties)
    complainant_role = case_kind.complainant_role()
    complainant_kind = (complainant_kind or "").strip() or (
        complainant_role.default_kind if complainant_role is not None else CaseParty.PERSON)
    if complainant_kind not in dict(CaseParty.KINDS):
        raise InvalidInput(_("A party is a person or an organisation."), field="complainant_kind")
    requested_by = _aware(requested_by, "requested_by", _("Requested time"))
    promised_reply_at = _aware(promised_reply_at, "promised_reply_at", _("Agreed reply time"))
    occurred_at = _aware(occurred_at, "occurred_at", _("Time of the event"))
    if input_rules.event_time_in_future(occurred_at, now):
        raise InvalidInput(_("This time is in the future."), field="occurred_at")
    for value, field in ((requested_by, "requested_by"), (promised_reply_at, "promised_reply_at")):
        if value is not None and value <= now:
            raise InvalidInput(_("This time must be in the future."), field=field)
    checked = _checked_files(attachments)
    if attachment_source not in dict(Attachment.SOURCES):
        raise InvalidInput(_("Unknown attachment source."), field="attachments")

    mine = [m for m in memberships(actor) if unit.path.startswith(m.unit.path)]
    if not mine:
        raise Refused(_("You are not a member of %(unit)s and may not register complaints for it.")
                      % {"unit": unit.name})
    roles = {m.role.code for m in mine} | {ANY_MEMBER}
    try:
        spec = case_kind.check("register", NEW, roles, policy)
    except Refusal as refusal:
        raise Refused(refusal_message(refusal, policy, case_kind)) from None
    level = policy.level_of(roles, case_kind.code)
    state = spec.target(NEW)

    with attachment_rules.kept_only_on_success() as stored, transaction.atomic():
        case = Case.objects.create(
            number=_next_number(timezone.localtime(now, org_timezone()).year, case_kind.number_prefix),
            kind=case_kind.code, is_open=case_kind.is_open(state), policy_version=policy_version(),
            tracking_code=tracking_codes.new_code(), channel=channel, stage=stage, category=category,
            severity=severity, subject=subject, description=description, received_at=now,
            received_by=actor, receiving_unit=unit, target_unit=target_unit, handling_unit=unit,
            occurred_at=occurred_at, place=place.strip(), people_involved=people_involved.strip(),
            complainant_name=complainant_name, complainant_phone=phone, complainant_email=email,
            complainant_address=complainant_address.strip(),
            requested_resolution=requested_resolution.strip(), requested_by=requested_by,
            promised_reply_at=promised_reply_at, state=state, level=level, owner=actor,
            personal_salt=new_salt())
        step = Step(case=case, actor=actor, roles=roles | {OWNER}, policy=policy, action="register", now=now)
        facts = {f: plain(getattr(case, f)) for f in (
            "number", "kind", "state", "channel", "stage", "category", "subject", "receiving_unit",
            "target_unit", "owner", "level", "requested_by", "promised_reply_at")}
        if imported:
            facts["imported"] = imported
        named = _add_parties(case, case_kind, extra, now, complainant_kind)
        if named:
            facts["parties"] = named
        matters.link(case, case_kind.repeat_window_days)  # what the repeat rule reads (S7)
        for effect in spec.effects:
            effects.run(step, effect, {})
        uploader = actor if attachment_source != Attachment.PORTAL else None
        names = attachment_rules.store(case, checked, actor=uploader, source=attachment_source, now=now, stored=stored)
        if names:
            facts["attachments"] = names
        facts.update({name: plain(value) for name, value in step.pending.items()})  # the row must replay
        event = append_event(case, actor=actor, action="register", at=now, old={}, new=facts,
                             note=attachment_rules.with_names(note, names))
        for name, value in step.pending.items():
            setattr(case, name, value)
        started = clocks.apply(case, policy, ["register", *step.events], now, step.calendar, org_timezone(),
                               new_case=not step.events)
        case.save(update_fields=["provisional_deadline", "event_count", "last_event_hash", "updated_at",
                                 *step.pending])
        if in_transaction is not None:
            in_transaction(case)
    # The new case carries the clocks and the event just written: the API's answer shows them
    # without reading them back (api/present.py).
    case.written_at_intake = {"clocks": started, "events": [event], "parties": case.written_parties,
                              "approvals": None if step.events else []}
    return case


def _checked_parties(kind, parties) -> list[dict]:
    """Parties named at intake besides the complainant, checked against the kind's roles."""
    checked = []
    for n, party in enumerate(parties or ()):
        role = kind.parties.get(str(party.get("role", "")))
        if role is None or role.complainant:
            raise InvalidInput(_("Unknown party role: %(role)s.") % {"role": party.get("role", "")},
                               field=f"parties.{n}.role")
        name = required(party.get("name"), f"parties.{n}.name", localized(role.label, role.label_en))
        kind_of = str(party.get("kind") or "").strip() or role.default_kind
        if kind_of not in dict(CaseParty.KINDS):
            raise InvalidInput(_("A party is a person or an organisation."), field=f"parties.{n}.kind")
        checked.append({**CaseParty.details({**party, "name": name}), "role": role.code, "kind": kind_of})
    return checked


def _add_parties(case: Case, kind, extra: list[dict], now, complainant_kind: str = CaseParty.PERSON) -> list[dict]:
    """The complainant as a party of the kind's complainant role, then the others."""
    rows = []
    complainant = kind.complainant_role()
    if complainant is not None:
        rows.append(CaseParty(case=case, role=complainant.code, kind=complainant_kind, name=case.complainant_name,
                              phone=case.complainant_phone, email=case.complainant_email,
                              address=case.complainant_address, added_at=now))
    rows += [CaseParty(case=case, added_at=now, **party) for party in extra]
    if rows:
        CaseParty.objects.bulk_create(rows)
    case.written_parties = rows
    # The event names the others by role, row and a commitment to the name, never the name.
    return [party_fact(case, row) for row in rows if row.role != getattr(complainant, "code", None)]


def attach_files(*, actor, case_id: int, files, note: str = "", source: str = Attachment.STAFF,
                 expected_version: int | None = None, now=None) -> Case:
    """Add files to a case (a scanned letter that came later, a photo, a receipt): the event
    `attach` names them. Checked as at intake; deleted again if the action fails."""
    checked = _checked_files(files, "files")
    if not checked:
        raise InvalidInput(_("Choose at least one file."), field="files")
    if source not in dict(Attachment.SOURCES) or source == Attachment.PORTAL:
        raise InvalidInput(_("Unknown attachment source."), field="files")
    with attachment_rules.kept_only_on_success() as stored:
        with acting("attach", actor=actor, case_id=case_id, expected_version=expected_version,
                    now=now) as step:
            names = attachment_rules.store(step.case, checked, actor=actor, source=source, now=step.now,
                                 stored=stored)
            step.record(note=attachment_rules.with_names((note or "").strip(), names), facts={"attachments": names})
    return step.case


# The actions of the customer-complaint kind, by their preset names, for callers that know
# which one they take (the demo, the quality app, tests). Each is `perform` with its inputs: the
# preset says what it checks and does. Pages, the API and the portal call `perform` directly.

def _perform(action: str, *, actor, case_id: int, expected_version=None, now=None, **inputs) -> Case:
    return perform(action, actor=actor, case_id=case_id, inputs=inputs, expected_version=expected_version,
                   now=now)


def route_case(*, actor, case_id: int, unit: Unit | str, automatic: dict | None = None, note: str = "",
               expected_version: int | None = None, now=None) -> Case:
    """Send the case to `unit` by the kind's routing action (`[kinds.X.routing] action`, the
    hotline's 派单): a clerk's pick of a suggested unit, or the suggestion itself when the kind
    routes confident ones automatically; then `automatic` ({"confidence", "model"}) is recorded
    in the event. The action's own rules decide who may take it and from which state."""
    policy = current_policy()
    case = Case.objects.filter(pk=case_id).only("kind").first()
    kind = policy.kind(case.kind if case is not None else "")
    spec = kind.actions.get(kind.routing.action)
    if spec is None:
        raise Refused(_("This kind of case is not routed to a unit at intake."))
    unit_input = next(item.name for item in spec.inputs if item.type == "unit")
    with attachment_rules.kept_only_on_success() as stored:
        with acting(spec.name, actor=actor, case_id=case_id, expected_version=expected_version, now=now) as step:
            if automatic:
                step.facts["automatic"] = plain(automatic)
            run_action(step, {unit_input: unit}, note=note, stored=stored)
    return step.case


def accept_case(*, actor, case_id: int, promised_reply_at=None, note: str = "",
                expected_version: int | None = None, now=None) -> Case:
    return _perform("accept", actor=actor, case_id=case_id, expected_version=expected_version, now=now,
                    promised_reply_at=promised_reply_at, note=note)


def add_note(*, actor, case_id: int, text: str, expected_version: int | None = None, now=None) -> Case:
    return _perform("note", actor=actor, case_id=case_id, expected_version=expected_version, now=now, text=text)


def assign_case(*, actor, case_id: int, assignee, note: str = "",
                expected_version: int | None = None, now=None) -> Case:
    """Hand the case to another person who may handle it; the level stays."""
    if assignee is None:
        raise InvalidInput(_("The person to assign must belong to a unit of this case."), field="assignee")
    return _perform("assign", actor=actor, case_id=case_id, expected_version=expected_version, now=now,
                    assignee=assignee, note=note)


def transfer_case(*, actor, case_id: int, unit: Unit, plan: str,
                  expected_version: int | None = None, now=None) -> Case:
    """Hand the case to the unit complained about; the head there must agree the plan."""
    if unit is None:
        raise InvalidInput(_("Choose another unit to transfer to."), field="unit")
    return _perform("transfer", actor=actor, case_id=case_id, expected_version=expected_version, now=now,
                    unit=unit, plan=plan)


def agree_plan(*, actor, case_id: int, note: str = "", expected_version: int | None = None, now=None) -> Case:
    """The head of the unit complained about agrees the plan (both heads have then agreed)."""
    return _perform("agree_plan", actor=actor, case_id=case_id, expected_version=expected_version, now=now,
                    note=note)


def escalate_case(*, actor, case_id: int, reason: str, expected_version: int | None = None, now=None) -> Case:
    """Climb the ladder one level; the holder of the next role becomes the owner."""
    return _perform("escalate", actor=actor, case_id=case_id, expected_version=expected_version, now=now,
                    reason=reason)


def propose_resolution(*, actor, case_id: int, resolution: str, compensation=0, at_fault: bool | None = None,
                       responsible_employee=None, expected_version: int | None = None, now=None) -> Case:
    # Only what was given: a preset may record fault and the responsible employee elsewhere (the
    # bank's findings after the investigation).
    given = {k: v for k, v in (("at_fault", at_fault), ("responsible_employee", responsible_employee)) if v is not None}
    return _perform("propose_resolution", actor=actor, case_id=case_id, expected_version=expected_version,
                    now=now, resolution=resolution, compensation=compensation, **given)


def reply_case(*, actor, case_id: int, text: str, expected_version: int | None = None, now=None) -> Case:
    """Answer the customer; a new reply waits for a new call-back and a new signature."""
    return _perform("reply", actor=actor, case_id=case_id, expected_version=expected_version, now=now, text=text)


def record_callback(*, actor, case_id: int, result: str, note: str = "",
                    expected_version: int | None = None, now=None) -> Case:
    """The call-back (回访): what each result does is the preset's (branches by outcome)."""
    return _perform("record_callback", actor=actor, case_id=case_id, expected_version=expected_version,
                    now=now, result=result, note=note)


def sign_off_case(*, actor, case_id: int, note: str = "", expected_version: int | None = None, now=None) -> Case:
    return _perform("sign_off", actor=actor, case_id=case_id, expected_version=expected_version, now=now, note=note)


def close_case(*, actor, case_id: int, note: str = "", expected_version: int | None = None, now=None) -> Case:
    return _perform("close", actor=actor, case_id=case_id, expected_version=expected_version, now=now, note=note)


def reopen_case(*, actor, case_id: int, reason: str, expected_version: int | None = None, now=None) -> Case:
    return _perform("reopen", actor=actor, case_id=case_id, expected_version=expected_version, now=now,
                    reason=reason)


def withdraw_case(*, actor, case_id: int, reason: str, expected_version: int | None = None, now=None) -> Case:
    """The complainant withdrew the complaint."""
    return _perform("withdraw", actor=actor, case_id=case_id, expected_version=expected_version, now=now,
                    reason=reason)


def reject_case(*, actor, case_id: int, reason: str, expected_version: int | None = None, now=None) -> Case:
    """Not a complaint (不予受理), with the reason."""
    return _perform("reject", actor=actor, case_id=case_id, expected_version=expected_version, now=now,
                    reason=reason)


# --- the worker's actions -----------------------------------------------------------------------

def _claim(clock_id: int, field: str, now: datetime) -> Clock | None:
    """Mark the clock warned/breached if nobody has; None when it is not ours to act on now.

    One statement. Its subquery locks the clock's case first, as every other action does (case,
    then its clocks): locking the clock first would deadlock against a person closing the case
    at the same moment. A case someone else holds is skipped (SKIP LOCKED on PostgreSQL); the
    next round retries it. The conditional UPDATE then decides: no row back means another
    worker got there first (or the clock is not due, or no longer running)."""
    due_field = "warn_at" if field == "warned_at" else "due_at"
    clocks_table, cases_table = Clock._meta.db_table, Case._meta.db_table
    skip = " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    at = connection.ops.adapt_datetimefield_value(now)
    claimed = list(Clock.objects.raw(
        f'UPDATE "{clocks_table}" SET "{field}" = %s, "attempts" = 0, "retry_at" = NULL, "last_error" = \'\' '
        f'WHERE "id" = %s AND "state" = %s AND "{field}" IS NULL AND "{due_field}" <= %s '
        f'AND "case_id" = (SELECT "id" FROM "{cases_table}" '
        f'WHERE "id" = (SELECT "case_id" FROM "{clocks_table}" WHERE "id" = %s){skip}) RETURNING *',
        [at, clock_id, Clock.RUNNING, at, clock_id]))
    return claimed[0] if claimed else None


def warn_clock(*, clock_id: int, now=None) -> bool:
    """Warn the owner that a clock is about to fall due. True if this call did it."""
    now = now or timezone.now()
    with transaction.atomic(savepoint=False):  # alone, or one of the sweep's batch (cases/sweep.py)
        clock = _claim(clock_id, "warned_at", now)
        if clock is None:
            return False
        with acting("clock", actor=None, case_id=clock.case_id, now=now, system=True,
                    savepoint=False) as step:
            step.record("clock_warned", note=f"{clock.label} {_local(clock.due_at)}")
            if step.case.owner.email:
                outbox.queue(recipient=step.case.owner.email, case=step.case, body=clock.label,
                             subject=_("Complaint %(number)s is due soon") % {"number": step.case.number})
    return True


def breach_clock(*, clock_id: int, now=None) -> bool:
    """Record a clock's breach against the unit and the owner; then, if the policy says so,
    raise the case's level and have the system take the clock's `on_breach` action."""
    now = now or timezone.now()
    with transaction.atomic(savepoint=False):  # alone, or one of the sweep's batch (cases/sweep.py)
        clock = _claim(clock_id, "breached_at", now)
        if clock is None:
            return False
        with acting("clock", actor=None, case_id=clock.case_id, now=now, system=True,
                    savepoint=False) as step:
            case = step.case
            Lateness.objects.create(case=case, clock=clock, unit=case.handling_unit, person=case.owner,
                                    occurred_at=now)
            try:
                spec = step.kind.clock(clock.name)
            except KeyError:
                spec = None
            follows, problem = (False, "")
            if spec is not None and spec.on_breach:
                follows, problem = follow_problem(step, spec.on_breach)
            if spec is not None and spec.raise_level:
                effects.run(step, _RAISE, {})
            step.events.append(f"breach:{clock.name}")
            step.record("clock_breached", note=f"{clock.label}: {problem}" if problem else clock.label)
            if follows:
                follow(step, spec.on_breach, note=_("Deadline missed: %(clock)s") % {"clock": clock.label})
    return True


def recompute_deadlines(*, now=None) -> int:
    """After a year's holidays are loaded: recompute every open provisional clock from its start.
    Each case that moves gets an event. Returns how many clocks changed."""
    now = now or timezone.now()
    policy, calendar, tz = current_policy(), work_calendar(), org_timezone()
    changed = 0
    case_ids = (Clock.objects.filter(state=Clock.RUNNING, provisional=True)
                .values_list("case_id", flat=True).distinct())
    for case_id in list(case_ids):
        try:
            with acting("clock", actor=None, case_id=case_id, now=now, system=True) as step:
                moved = []
                for clock in step.case.clocks.filter(state=Clock.RUNNING, provisional=True):
                    before = clock.due_at
                    if clocks.recomputed(clock, policy, calendar, tz):
                        moved.append(f"{clock.label}: {_local(before)} → {_local(clock.due_at)}")
                if not moved:
                    raise _Unchanged  # nothing moved: no event, nothing saved
                changed += len(moved)
                step.set(provisional_deadline=step.case.clocks.filter(
                    state__in=clocks.OPEN, provisional=True).exists())
                step.record("deadline_recomputed", note="; ".join(moved))
        except _Unchanged:
            pass
    return changed


_RAISE = EffectSpec("level", (("to", "up"),))


class _Unchanged(Exception):
    """Leaves `acting` without recording anything."""


def _local(moment: datetime) -> str:
    """A time as the organisation reads it, for an event's note."""
    return timezone.localtime(moment, org_timezone()).strftime("%Y-%m-%d %H:%M")


# --- personal data (tousu/cases/retention.py) ---------------------------------------------------

def anonymise_case(*, case_id: int, now=None) -> Case:
    """The system anonymises an ended case past its kind's retention (`tousu retention apply`):
    the kind's `anonymise` action, recorded on the chain like any other."""
    with acting(retention.ANONYMISE, actor=None, case_id=case_id, now=now, system=True) as step:
        run_action(step, {})
    return step.case


def request_personal_data(*, actor, case_id: int, note: str = "", now=None) -> tuple[Case, dict]:
    """A complainant asked to see what is held about them: the kind's `data_access` action
    records the request; its export is returned beside the case."""
    case = perform("data_access", actor=actor, case_id=case_id, inputs={"note": note}, now=now)
    return case, case.personal_export


def erase_personal_data(*, actor, case_id: int, note: str, now=None) -> Case:
    """A complainant asked to erase their data: the kind's `data_erasure` action anonymises
    the ended case."""
    return perform("data_erasure", actor=actor, case_id=case_id, inputs={"note": note}, now=now)
