"""Every change to a case, one function per action.

Each public function checks the actor's right and the policy, changes the case, appends an
event to the hash chain, starts, stops or moves clocks and queues notifications, all in one
transaction: either all of it happens or none of it does. Views, the API, the CLI and the
worker call these; nothing else writes a case.
"""

from __future__ import annotations

import re
import secrets
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tousu.domain.policy import OWNER, SYSTEM, TERMINAL_STATES, Policy, Refusal
from tousu.notify import outbox
from tousu.org.models import Membership, Unit
from tousu.org.services import current_policy, org_timezone, work_calendar

from . import attachments as attachment_rules
from . import clocks
from .errors import InvalidInput, NotFound, Refused, StaleCase
from .events import append_event, plain
from .guards import unmet
from .labels import action_label
from .models import Attachment, Case, CaseCounter, Clock, Lateness
from .selectors import actor_roles, ladder_holder, memberships

PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-]{4,30}$")
SYSTEM_ACTIONS = frozenset({"clock"})  # the only actions taken with actor=None (the worker's)


def refusal_message(refusal: Refusal, policy: Policy) -> str:
    p = dict(refusal.params)
    if "action" in p:
        p["action"] = action_label(p["action"])
    messages = {
        "unknown_action": lambda: _("Unknown action: %(action)s.") % p,
        "wrong_state": lambda: _("This case is %(state)s: “%(action)s” is not possible now.") % {
            "state": policy.states.get(p["state"], p["state"]), "action": p["action"]},
        "no_right": lambda: _("You do not have the right to “%(action)s” on this case.") % p,
        "top_of_ladder": lambda: _("This case is already at the top of the escalation ladder."),
        "beyond_authority": lambda: _(
            "This compensation is beyond your authority: it needs %(role)s (level %(level)s). "
            "Escalate the case.") % p,
        "beyond_any_authority": lambda: _("No one in the escalation ladder may grant %(amount)s.") % p,
    }
    return messages.get(refusal.code, lambda: refusal.code)()


def required(value, field: str, label: str) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else value
    if not value:
        raise InvalidInput(_("%(field)s is required.") % {"field": label}, field=field)
    return value


class Step:
    """One action under way on a locked case: collect changes, then record them as events."""

    def __init__(self, *, case: Case, actor, roles: set[str], policy: Policy, action: str, now: datetime):
        self.case, self.actor, self.roles, self.policy = case, actor, roles, policy
        self.action, self.now = action, now
        self.pending: dict = {}
        self.recorded: list[str] = []
        self._calendar = None

    @property
    def calendar(self):
        if self._calendar is None:
            self._calendar = work_calendar()
        return self._calendar

    def set(self, **fields) -> None:
        self.pending.update(fields)

    def record(self, action: str | None = None, *, note: str = "", outcome: str = "",
               facts: dict | None = None) -> None:
        """Apply the pending changes, append their event and run the clock rules. `facts` adds
        what the event records beside the case's fields (the names of attached files)."""
        action = action or self.action
        case = self.case
        old, new = {}, {}
        for name, value in self.pending.items():
            before = getattr(case, name)
            if before != value:
                old[name], new[name] = plain(before), plain(value)
                setattr(case, name, value)
        self.pending = {}
        new.update(facts or {})
        append_event(case, actor=self.actor, action=action, at=self.now, old=old, new=new, note=note)
        events = [action] + ([f"{action}:{outcome}"] if outcome else [])
        clocks.apply(case, self.policy, events, self.now, self.calendar, org_timezone())
        if "owner" in new and case.owner.email:
            outbox.queue(recipient=case.owner.email, case=case,
                         subject=_("Complaint %(number)s is now yours") % {"number": case.number},
                         body=f"{case.subject}\n\n{note}")
        self.recorded.append(action)


def _lock(case_id: int) -> Case:
    try:
        return (Case.objects.select_for_update(of=("self",))
                .select_related("owner", "receiving_unit", "handling_unit", "target_unit").get(pk=case_id))
    except (Case.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


@contextmanager
def acting(action: str, *, actor, case_id: int, expected_version: int | None = None, now=None):
    """Lock the case, check version, right and policy; yield a Step; save it all on exit."""
    if actor is None and action not in SYSTEM_ACTIONS:
        raise NotFound()  # nobody is not the system: only the worker's own actions go without one
    policy = current_policy()
    with transaction.atomic():
        case = _lock(case_id)
        roles = {SYSTEM} if actor is None else actor_roles(actor, case, policy)
        if not roles:
            raise NotFound()  # not theirs to see: reveal nothing
        if expected_version is not None and case.version != expected_version:
            raise StaleCase()
        try:
            spec = policy.check(action, case.state, roles)
        except Refusal as refusal:
            raise Refused(refusal_message(refusal, policy)) from None
        problems = unmet(case, spec.requires)
        if problems:
            raise Refused(problems[0])
        step = Step(case=case, actor=actor, roles=roles, policy=policy, action=action,
                    now=now or timezone.now())
        if spec.to_state:
            step.set(state=spec.to_state)  # the action may still set another state
        yield step
        if step.pending or not step.recorded:
            step.record()
        case.version = F("version") + 1
        case.save()
        case.refresh_from_db(fields=["version"])


def _escalate(step: Step, note: str) -> None:
    """Climb one level and hand the case to the holder of the next role."""
    try:
        next_step = step.policy.next_step(step.case.level)
    except Refusal as refusal:
        raise Refused(refusal_message(refusal, step.policy)) from None
    holder = ladder_holder(step.policy, next_step.level, step.case.handling_unit)
    # A case not yet accepted stays so: its new owner accepts it (and agrees the reply time).
    state = "received" if step.case.state == "received" else "in_progress"
    step.set(level=next_step.level, owner=holder, state=state)
    step.record("escalate", note=note)


def _at_top(step: Step) -> bool:
    try:
        step.policy.next_step(step.case.level)
    except Refusal:
        return True
    return False


def _next_number(year: int, prefix: str = "TS") -> str:
    """The year's next number in one round trip: the upsert locks the year's row until commit,
    so concurrent intakes queue for it and never share a number (SQLite 3.35+, PostgreSQL)."""
    table = connection.ops.quote_name(CaseCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (year, last) VALUES (%s, 1) ON CONFLICT (year) "
                       f"DO UPDATE SET last = {table}.last + 1 RETURNING last", [year])
        last = cursor.fetchone()[0]
    return f"{prefix}-{year}-{last:06d}"


def _aware(value, field: str, label: str):
    if value is None or value == "":
        return None
    if not isinstance(value, datetime):
        raise InvalidInput(_("%(field)s must be a date and time.") % {"field": label}, field=field)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, org_timezone())
    return value


def _money(value) -> Decimal:
    """An amount in yuan, at most two decimals (fen), not negative."""
    try:
        amount = Decimal(str(value or 0).strip())
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite():
        raise InvalidInput(_("Compensation must be a number."), field="compensation")
    if amount < 0:
        raise InvalidInput(_("Compensation cannot be negative."), field="compensation")
    _sign, digits, exponent = amount.as_tuple()
    trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    if amount and -(exponent + trailing_zeros) > 2:
        raise InvalidInput(_("Compensation is in yuan with at most two decimals (fen)."),
                           field="compensation")
    return amount


def _choice(value: str, choices: dict, field: str, label: str, *, allow_blank: bool) -> str:
    if not value and allow_blank:
        return ""
    if value not in choices:
        raise InvalidInput(_("%(field)s must be one of: %(choices)s.") % {
            "field": label, "choices": "、".join(choices.values())}, field=field)
    return value


@contextmanager
def _files_kept_only_on_success():
    """Yield a list the caller adds stored files to; if anything fails before the block ends
    (the transaction rolls back with it), delete them again: no orphan files on disk."""
    stored: list = []
    try:
        yield stored
    except BaseException:
        for field_file in stored:
            try:
                field_file.storage.delete(field_file.name)
            except OSError:
                pass
        raise


def _checked_files(files, field: str = "attachments") -> list:
    """The files checked by the shared rules (type by magic bytes, size, count)."""
    if not files:
        return []
    return attachment_rules.check(files, field)


def _store_files(case: Case, checked: list, *, actor, source: str, now, stored: list) -> list[str]:
    """Save checked files as the case's attachments; returns their original names."""
    names = []
    for item in checked:
        attachment = Attachment(case=case, original_name=item.name, content_type=item.content_type,
                                size=item.size, source=source, uploaded_by=actor, uploaded_at=now)
        item.file.seek(0)
        attachment.file.save(item.name, item.file, save=False)
        stored.append(attachment.file)
        attachment.save()
        names.append(item.name)
    return names


def _with_names(note: str, names: list[str]) -> str:
    if not names:
        return note
    line = _("Attachments: %(names)s") % {"names": ", ".join(names)}
    return f"{note}\n{line}" if note else line


# --- the actions ------------------------------------------------------------------------------

def register_case(*, actor, unit: Unit, channel: str, subject: str, description: str,
                  complainant_name: str, complainant_phone: str = "", complainant_email: str = "",
                  complainant_address: str = "", stage: str = "", category: str = "",
                  target_unit: Unit | None = None, occurred_at=None, place: str = "",
                  people_involved: str = "", requested_resolution: str = "", requested_by=None,
                  promised_reply_at=None, severity: int = 3, note: str = "", attachments=(),
                  attachment_source: str = Attachment.STAFF, now=None, in_transaction=None) -> Case:
    """Record a complaint. Whoever registers it owns it (首问负责制) until they hand it on.

    `attachments` are uploaded files (checked here: type by their bytes, size, count), saved
    with the case in the same transaction and named in the register event; if the transaction
    fails the files are deleted again. `attachment_source` says where they came from
    (Attachment.PORTAL, LETTER_SCAN or STAFF); the portal's have no uploader.
    `in_transaction(case)` is called last inside the case's transaction: the API records its
    Idempotency-Key there, so the key and the case are written together or not at all."""
    policy = current_policy()
    now = now or timezone.now()
    subject = required(subject, "subject", _("Subject"))[:200]
    description = required(description, "description", _("Course of events"))
    complainant_name = required(complainant_name, "complainant_name", _("Complainant"))[:100]
    channel = _choice(channel, policy.channels, "channel", _("Channel"), allow_blank=False)
    stage = _choice(stage, policy.stages, "stage", _("Stage"), allow_blank="stage" not in policy.deadline_facts())
    category = _choice(category, policy.categories, "category", _("Category"), allow_blank=True)
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
    if severity not in (1, 2, 3):
        raise InvalidInput(_("Severity must be 1, 2 or 3."), field="severity")
    requested_by = _aware(requested_by, "requested_by", _("Requested time"))
    promised_reply_at = _aware(promised_reply_at, "promised_reply_at", _("Agreed reply time"))
    occurred_at = _aware(occurred_at, "occurred_at", _("Time of the event"))
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
    level = policy.level_of({m.role.code for m in mine})

    with _files_kept_only_on_success() as stored, transaction.atomic():
        case = Case.objects.create(
            number=_next_number(timezone.localtime(now, org_timezone()).year),
            tracking_code=secrets.token_urlsafe(9), channel=channel, stage=stage, category=category,
            severity=severity, subject=subject, description=description, received_at=now,
            received_by=actor, receiving_unit=unit, target_unit=target_unit, handling_unit=unit,
            occurred_at=occurred_at, place=place.strip(), people_involved=people_involved.strip(),
            complainant_name=complainant_name, complainant_phone=phone, complainant_email=email,
            complainant_address=complainant_address.strip(),
            requested_resolution=requested_resolution.strip(), requested_by=requested_by,
            promised_reply_at=promised_reply_at, state="received", level=level, owner=actor)
        step = Step(case=case, actor=actor, roles={OWNER}, policy=policy, action="register", now=now)
        facts = {f: plain(getattr(case, f)) for f in (
            "number", "channel", "stage", "category", "subject", "receiving_unit", "target_unit",
            "owner", "level", "requested_by", "promised_reply_at")}
        uploader = actor if attachment_source != Attachment.PORTAL else None
        names = _store_files(case, checked, actor=uploader, source=attachment_source, now=now, stored=stored)
        if names:
            facts["attachments"] = names
        event = append_event(case, actor=actor, action="register", at=now, old={}, new=facts,
                             note=_with_names(note, names))
        started = clocks.apply(case, policy, ["register"], now, step.calendar, org_timezone(), new_case=True)
        case.save(update_fields=["provisional_deadline", "event_count", "last_event_hash", "updated_at"])
        if in_transaction is not None:
            in_transaction(case)
    # The new case carries the clocks and the event just written: the API's answer shows them
    # without reading them back (api/present.py).
    case.written_at_intake = {"clocks": started, "events": [event]}
    return case


def attach_files(*, actor, case_id: int, files, note: str = "", source: str = Attachment.STAFF,
                 expected_version: int | None = None, now=None) -> Case:
    """Add files to a case (a scanned letter that came later, a photo, a receipt): the event
    `attach` names them. Checked as at intake; deleted again if the action fails."""
    checked = _checked_files(files, "files")
    if not checked:
        raise InvalidInput(_("Choose at least one file."), field="files")
    if source not in dict(Attachment.SOURCES) or source == Attachment.PORTAL:
        raise InvalidInput(_("Unknown attachment source."), field="files")
    with _files_kept_only_on_success() as stored:
        with acting("attach", actor=actor, case_id=case_id, expected_version=expected_version,
                    now=now) as step:
            names = _store_files(step.case, checked, actor=actor, source=source, now=step.now,
                                 stored=stored)
            step.record(note=_with_names((note or "").strip(), names), facts={"attachments": names})
    return step.case


def accept_case(*, actor, case_id: int, promised_reply_at=None, note: str = "",
                expected_version: int | None = None, now=None) -> Case:
    with acting("accept", actor=actor, case_id=case_id, expected_version=expected_version, now=now) as step:
        promised = _aware(promised_reply_at, "promised_reply_at", _("Agreed reply time"))
        if promised is not None:
            if promised <= step.now:
                raise InvalidInput(_("This time must be in the future."), field="promised_reply_at")
            step.set(promised_reply_at=promised)
        step.set(state="accepted")
        step.record(note=note)
    return step.case


def add_note(*, actor, case_id: int, text: str, expected_version: int | None = None, now=None) -> Case:
    with acting("note", actor=actor, case_id=case_id, expected_version=expected_version, now=now) as step:
        step.record(note=required(text, "text", _("Note")))
    return step.case


def assign_case(*, actor, case_id: int, assignee, note: str = "",
                expected_version: int | None = None, now=None) -> Case:
    """Hand the case to another person who may handle it; the level stays."""
    with acting("assign", actor=actor, case_id=case_id, expected_version=expected_version, now=now) as step:
        if assignee is None or not actor_roles(assignee, step.case, step.policy) - {OWNER}:
            raise InvalidInput(_("The person to assign must belong to a unit of this case."), field="assignee")
        step.set(owner=assignee)
        step.record(note=note)
    return step.case


def transfer_case(*, actor, case_id: int, unit: Unit, plan: str,
                  expected_version: int | None = None, now=None) -> Case:
    """Hand the case to the unit complained about; the head there must agree the plan."""
    with acting("transfer", actor=actor, case_id=case_id, expected_version=expected_version, now=now) as step:
        plan = required(plan, "plan", _("Plan"))
        if unit is None or unit.pk == step.case.handling_unit_id:
            raise InvalidInput(_("Choose another unit to transfer to."), field="unit")
        level = max(step.case.level, step.policy.level_of(step.roles), 1)
        holder = ladder_holder(step.policy, level, unit)
        step.set(target_unit=unit, handling_unit=unit, owner=holder, level=level,
                 transfer_plan=plan, plan_agreed_by=None, state="in_progress")
        step.record(note=plan)
    return step.case


def agree_plan(*, actor, case_id: int, note: str = "", expected_version: int | None = None, now=None) -> Case:
    """The head of the unit complained about agrees the plan (both heads have then agreed)."""
    with acting("agree_plan", actor=actor, case_id=case_id, expected_version=expected_version, now=now) as step:
        heads = step.policy.allowed_roles("agree_plan")
        if not Membership.objects.filter(user=actor, unit=step.case.handling_unit,
                                         role__code__in=heads).exists():
            raise Refused(_("Only the head of %(unit)s may agree this plan.")
                          % {"unit": step.case.handling_unit.name})
        step.set(plan_agreed_by=actor)
        step.record(note=note)
    return step.case


def escalate_case(*, actor, case_id: int, reason: str, expected_version: int | None = None, now=None) -> Case:
    """Climb the ladder one level; the holder of the next role becomes the owner."""
    with acting("escalate", actor=actor, case_id=case_id, expected_version=expected_version, now=now) as step:
        _escalate(step, required(reason, "reason", _("Reason")))
    return step.case


def propose_resolution(*, actor, case_id: int, resolution: str, compensation=0, at_fault: bool | None = None,
                       responsible_employee=None, expected_version: int | None = None, now=None) -> Case:
    with acting("propose_resolution", actor=actor, case_id=case_id, expected_version=expected_version,
                now=now) as step:
        resolution = required(resolution, "resolution", _("Resolution"))
        amount = _money(compensation)
        try:
            step.policy.check_authority(step.roles, amount)
        except Refusal as refusal:
            raise Refused(refusal_message(refusal, step.policy), field="compensation") from None
        step.set(resolution=resolution, compensation=amount, at_fault=at_fault)
        if responsible_employee is not None:
            step.set(responsible_employee=responsible_employee)
        step.record()
    return step.case


def reply_case(*, actor, case_id: int, text: str, expected_version: int | None = None, now=None) -> Case:
    """Answer the customer; a new reply waits for a new call-back and a new signature."""
    with acting("reply", actor=actor, case_id=case_id, expected_version=expected_version, now=now) as step:
        text = required(text, "text", _("Reply"))
        step.set(reply=text, replied_at=step.now, state="replied", callback_result="", callback_at=None,
                 signed_off_by=None, signed_off_at=None)
        step.record()
        if step.case.complainant_email:
            outbox.queue(recipient=step.case.complainant_email, case=step.case, body=text,
                         subject=_("Reply to your complaint %(number)s") % {"number": step.case.number})
    return step.case


def record_callback(*, actor, case_id: int, result: str, note: str = "",
                    expected_version: int | None = None, now=None) -> Case:
    """The call-back (回访): satisfied confirms; not satisfied escalates by itself."""
    with acting("record_callback", actor=actor, case_id=case_id, expected_version=expected_version,
                now=now) as step:
        outcomes = step.policy.callback_outcomes
        if result not in outcomes:
            raise InvalidInput(_("The call-back result must be one of: %(choices)s.")
                               % {"choices": ", ".join(outcomes)}, field="result")
        step.set(callback_result=result, callback_at=step.now)
        effect = outcomes[result]
        if effect == "escalate" and _at_top(step):
            effect = "handle_again"  # nobody is higher: the top of the ladder handles it again
            step.set(state="in_progress")
        if effect == "confirm":
            step.set(state="confirmed")
        step.record(note=note, outcome=result)
        if effect == "escalate":
            _escalate(step, _("The customer is not satisfied."))
    return step.case


def sign_off_case(*, actor, case_id: int, note: str = "", expected_version: int | None = None, now=None) -> Case:
    with acting("sign_off", actor=actor, case_id=case_id, expected_version=expected_version, now=now) as step:
        step.set(signed_off_by=actor, signed_off_at=step.now)
        step.record(note=note)
    return step.case


def close_case(*, actor, case_id: int, note: str = "", expected_version: int | None = None, now=None) -> Case:
    with acting("close", actor=actor, case_id=case_id, expected_version=expected_version, now=now) as step:
        step.set(state="closed", closed_at=step.now)
        step.record(note=note)
    return step.case


def reopen_case(*, actor, case_id: int, reason: str, expected_version: int | None = None, now=None) -> Case:
    with acting("reopen", actor=actor, case_id=case_id, expected_version=expected_version, now=now) as step:
        reason = required(reason, "reason", _("Reason"))
        step.set(state="in_progress", closed_at=None, reopen_count=step.case.reopen_count + 1,
                 callback_result="", signed_off_by=None, signed_off_at=None)
        step.record(note=reason)
    return step.case


def withdraw_case(*, actor, case_id: int, reason: str, expected_version: int | None = None, now=None) -> Case:
    """The complainant withdrew the complaint."""
    return _end_with_reason("withdraw", actor=actor, case_id=case_id, reason=reason,
                            expected_version=expected_version, now=now)


def reject_case(*, actor, case_id: int, reason: str, expected_version: int | None = None, now=None) -> Case:
    """Not a complaint (不予受理), with the reason."""
    return _end_with_reason("reject", actor=actor, case_id=case_id, reason=reason,
                            expected_version=expected_version, now=now)


def _end_with_reason(action: str, *, actor, case_id: int, reason: str, expected_version, now) -> Case:
    """End the case in the state the policy gives `action`, keeping the reason."""
    with acting(action, actor=actor, case_id=case_id, expected_version=expected_version, now=now) as step:
        reason = required(reason, "reason", _("Reason"))
        step.set(reason=reason)
        step.record(note=reason)
    return step.case


# --- the worker's actions -----------------------------------------------------------------------

def _claim(clock_id: int, field: str, now: datetime) -> Clock | None:
    """Mark the clock warned/breached if nobody has; None when it is not ours to act on now.

    The case is locked first, as every other action does (case, then its clocks): locking the
    clock first would deadlock against a person closing the case at the same moment. A case
    someone else holds is skipped (SKIP LOCKED on PostgreSQL); the next round retries it. The
    conditional UPDATE then decides: a count of 0 means another worker got there first."""
    case_id = Clock.objects.filter(pk=clock_id).values_list("case_id", flat=True).first()
    if case_id is None:
        return None
    held = (Case.objects.select_for_update(skip_locked=True).filter(pk=case_id)
            .values_list("pk", flat=True))
    if not list(held):
        return None
    due_field = "warn_at" if field == "warned_at" else "due_at"
    claimed = Clock.objects.filter(pk=clock_id, state=Clock.RUNNING, **{f"{field}__isnull": True,
                                                                         f"{due_field}__lte": now}
                                   ).update(**{field: now})
    if not claimed:
        return None
    return Clock.objects.get(pk=clock_id)


def warn_clock(*, clock_id: int, now=None) -> bool:
    """Warn the owner that a clock is about to fall due. True if this call did it."""
    now = now or timezone.now()
    with transaction.atomic():
        clock = _claim(clock_id, "warned_at", now)
        if clock is None:
            return False
        with acting("clock", actor=None, case_id=clock.case_id, now=now) as step:
            step.record("clock_warned", note=f"{clock.label} {_local(clock.due_at)}")
            if step.case.owner.email:
                outbox.queue(recipient=step.case.owner.email, case=step.case, body=clock.label,
                             subject=_("Complaint %(number)s is due soon") % {"number": step.case.number})
    return True


def breach_clock(*, clock_id: int, now=None) -> bool:
    """Record a clock's breach against the unit and the owner; escalate if the policy says so."""
    now = now or timezone.now()
    with transaction.atomic():
        clock = _claim(clock_id, "breached_at", now)
        if clock is None:
            return False
        with acting("clock", actor=None, case_id=clock.case_id, now=now) as step:
            case = step.case
            Lateness.objects.create(case=case, clock=clock, unit=case.handling_unit, person=case.owner,
                                    occurred_at=now)
            escalate, problem = _escalates_on_breach(step, clock)
            step.record("clock_breached", note=f"{clock.label}: {problem}" if problem else clock.label)
            if escalate:
                _escalate(step, _("Deadline missed: %(clock)s") % {"clock": clock.label})
    return True


def _escalates_on_breach(step: Step, clock: Clock) -> tuple[bool, str]:
    """(whether this breach escalates the case, why it cannot although the policy says so).

    It escalates when the clock's policy says so, the case is in a state the policy may escalate
    from (a confirmed case waiting for sign-off is not sent back to in_progress), it is below the
    top of the ladder and someone holds the next role. A missing holder is written in the breach
    event instead of failing: a failure would roll back the breach and, every round, stop the
    sweep at this clock."""
    try:
        spec = step.policy.clock(clock.name)
    except KeyError:
        return False, ""
    escalate = step.policy.actions.get("escalate")
    case = step.case
    if (spec.on_breach != "escalate" or escalate is None or case.state in TERMINAL_STATES
            or case.state not in escalate.from_states):
        return False, ""
    try:
        next_step = step.policy.next_step(case.level)
    except Refusal:
        return False, ""  # the top of the ladder: recorded, nobody above to hand it to
    try:
        ladder_holder(step.policy, next_step.level, case.handling_unit)
    except Refused as refused:
        return False, str(refused)
    return True, ""


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
            with acting("clock", actor=None, case_id=case_id, now=now) as step:
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


class _Unchanged(Exception):
    """Leaves `acting` without recording anything."""


def _local(moment: datetime) -> str:
    """A time as the organisation reads it, for an event's note."""
    return timezone.localtime(moment, org_timezone()).strftime("%Y-%m-%d %H:%M")
