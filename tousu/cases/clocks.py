"""Starting, stopping, pausing and resuming a case's clocks as the policy says.

Due and warning times are computed once, here, and stored; nothing recomputes them on read."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction

from tousu.domain.calendar import (
    WorkCalendar,
    compute_due,
    compute_warn,
    remaining_for,
    resumed_due,
    working_seconds_between,
)
from tousu.domain.policy import ClockSpec, Kind, Policy

from .models import Case, Clock

OPEN = (Clock.RUNNING, Clock.PAUSED)


def deadline_for(spec: ClockSpec, case: Case, start: datetime, calendar: WorkCalendar, tz):
    """(due_at, provisional) for a clock starting at `start`, or None when the clock has no
    due time (a customer's requested time that was not given, and the clock has no `amount` to
    fall back on: with one, the preset's default deadline runs from `start`)."""
    if spec.due_from:
        due = getattr(case, spec.due_from)
        if due:
            return due, False
        if spec.amount <= 0:
            return None
    deadline = compute_due(start, spec.amount, spec.unit, tz, calendar)
    return deadline.due_at, deadline.provisional


def apply(case: Case, policy: Policy, events: list[str], now: datetime, calendar: WorkCalendar, tz,
          *, new_case: bool = False, provisional: bool = True, parties=(), facts=None) -> list[Clock]:
    """Do to the case's clocks what `events` (an action, and 'action:outcome') mean.

    `new_case`: the case was inserted in this transaction and has no clocks yet, so there is
    nothing to stop and its provisional flag follows from the clocks started here (two round
    trips fewer at intake). `provisional=False`: the caller refreshes the case's provisional
    flag itself, once, when its step ends (engine.acting). `parties`: the parties the step was
    about; a per-party clock starts one clock for each, and stops, pauses or resumes only
    theirs (every party's when the step names none). `facts`: what the step recorded; a clock
    with `start_from` counts from the day named there (the day a party was served). Returns the
    clocks started."""
    started = []
    kind = policy.kind(case.kind)
    for event in events:
        found = kind.clocks_for(event, case.facts())
        for spec in found["stop"]:
            for one in instances(spec, parties):
                stop(case, one, now)
        for spec in found["pause"]:
            for one in instances(spec, parties):
                pause(case, one, now, calendar, tz)
        for spec in found["resume"]:
            for one in instances(spec, parties):
                resume(case, one, now, calendar, tz)
        for spec in found["start"]:
            if spec.per_party and not parties:
                continue  # a per-party clock runs for a party an event names
            begin = _start_day(spec, facts or {}, now, tz)
            for one in instances(spec, parties):
                started.append(start(case, one, now, calendar, tz, new_case=new_case, begin=begin))
    started = [clock for clock in started if clock is not None]
    if new_case:
        case.provisional_deadline = any(clock.provisional for clock in started)
    elif provisional:
        refresh_provisional(case)
    return started


def _start_day(spec: ClockSpec, facts: dict, now: datetime, tz) -> datetime:
    """When a clock starting now counts from: the beginning of the day its `start_from` names
    (a service entered today for a copy received on Monday counts from Monday), never later
    than now; otherwise now."""
    day = facts.get(spec.start_from) if spec.start_from else None
    if not day:
        return now
    begin = datetime.combine(date.fromisoformat(str(day)), time.min, tzinfo=tz)
    return min(begin, now)


def instances(spec: ClockSpec, parties) -> list[ClockSpec]:
    """The clock itself, or for a per-party clock one named 'NAME#PARTY_ID' for each party
    (labelled with the party's name); with no party, a prefix 'NAME#' that matches them all."""
    if not spec.per_party:
        return [spec]
    if not parties:
        return [replace(spec, name=f"{spec.name}#")]
    return [replace(spec, name=f"{spec.name}#{party.pk}", label=f"{spec.label}（{party.name}）")
            for party in parties]


def _named(case: Case, spec: ClockSpec):
    """The case's clocks of `spec` (a bare per-party prefix 'NAME#' matches every party's)."""
    if spec.name.endswith("#"):
        return Clock.objects.filter(case=case, name__startswith=spec.name)
    return Clock.objects.filter(case=case, name=spec.name)


def stop(case: Case, spec: ClockSpec, now: datetime) -> None:
    _named(case, spec).filter(state__in=OPEN).update(state=Clock.STOPPED, stopped_at=now)


def pause(case: Case, spec: ClockSpec, now: datetime, calendar: WorkCalendar, tz) -> None:
    """Stop the clock's time: it keeps the time it had left, in its own unit's terms (working
    time for a working-day clock, so a pause over a weekend costs nothing)."""
    for clock in _named(case, spec).filter(state=Clock.RUNNING):
        clock.state, clock.paused_at = Clock.PAUSED, now
        clock.remaining_seconds = remaining_for(spec.unit, now, clock.due_at, tz, calendar)
        clock.save(update_fields=["state", "paused_at", "remaining_seconds"])


def resume(case: Case, spec: ClockSpec, now: datetime, calendar: WorkCalendar, tz) -> None:
    """Run a paused clock again with the time it had left, from now."""
    for clock in _named(case, spec).filter(state=Clock.PAUSED):
        deadline = resumed_due(spec.unit, now, clock.remaining_seconds or 0, tz, calendar)
        clock.state, clock.paused_at = Clock.RUNNING, None
        clock.due_at, clock.provisional = deadline.due_at, deadline.provisional
        clock.warn_at = compute_warn(clock.due_at, spec.warn_minutes)
        clock.warned_at = None if clock.warn_at > now else clock.warned_at
        clock.save(update_fields=["state", "paused_at", "due_at", "warn_at", "warned_at", "provisional"])
        if clock.provisional:
            case.provisional_deadline = True


def by_name(case: Case, kind: Kind, verb: str, name: str, now: datetime, calendar: WorkCalendar, tz) -> None:
    """What a `clock` effect asks of one named clock of the case's kind."""
    spec = kind.clock(name)
    if verb == "start":
        start(case, spec, now, calendar, tz)
    elif verb == "stop":
        stop(case, spec, now)
    elif verb == "pause":
        pause(case, spec, now, calendar, tz)
    else:
        resume(case, spec, now, calendar, tz)


def start(case: Case, spec: ClockSpec, now: datetime, calendar: WorkCalendar, tz,
          *, new_case: bool = False, begin: datetime | None = None) -> Clock | None:
    begin = begin or now
    deadline = deadline_for(spec, case, begin, calendar, tz)
    if deadline is not None and spec.due_from and deadline[0] <= now and \
            Clock.objects.filter(case=case, name=spec.name, due_at=deadline[0]).exists():
        # Restarting a clock on a fixed time that has passed (a promise, restarted when the case
        # is escalated): that time was already kept (its clock stopped in time) or missed (its
        # clock breached). A new clock would be born breached and escalate the case again, round
        # after round, up the whole ladder. Leave things as they are, unless the clock has a
        # default (`amount`): then that runs from now (a reopened 消费中 complaint).
        if spec.amount <= 0:
            return None
        deadline = compute_due(now, spec.amount, spec.unit, tz, calendar)
        deadline = (deadline.due_at, deadline.provisional)
    if not new_case:
        Clock.objects.filter(case=case, name=spec.name, state__in=OPEN).update(
            state=Clock.STOPPED, stopped_at=now)
    if deadline is None:
        return None
    due_at, provisional = deadline
    if provisional:
        case.provisional_deadline = True  # an open provisional clock: see refresh_provisional
    return Clock.objects.create(
        case=case, name=spec.name, label=spec.label, started_at=begin, due_at=due_at,
        warn_at=compute_warn(due_at, spec.warn_minutes), provisional=provisional)


def refresh_provisional(case: Case) -> None:
    """The case shows a provisional deadline while any open clock is provisional.

    Starting or resuming a provisional clock sets the flag at once (start, resume); only a case
    that had the flag can lose it (its provisional clock stopped or recomputed), so a step reads
    the clocks again only then (engine.acting)."""
    case.provisional_deadline = Clock.objects.filter(case=case, state__in=OPEN, provisional=True).exists()


def recomputed(clock: Clock, policy: Policy, calendar: WorkCalendar, tz) -> bool:
    """Recompute an open clock's due time from its start (after a year's holidays are loaded).
    Returns whether it changed; the caller saves."""
    try:
        spec = policy.kind(clock.case.kind).clock(clock.name)
    except KeyError:
        return False
    deadline = deadline_for(spec, clock.case, clock.started_at, calendar, tz)
    if deadline is None or deadline == (clock.due_at, clock.provisional):
        return False
    clock.due_at, clock.provisional = deadline
    clock.warn_at = compute_warn(clock.due_at, spec.warn_minutes)
    clock.save(update_fields=["due_at", "warn_at", "provisional"])
    return True


def retry_delay(attempts: int) -> timedelta:
    """How long the worker waits before trying a clock again after its `attempts`-th failure in
    a row: TOUSU_CLOCK_RETRY_SECONDS, doubling each time, at most TOUSU_CLOCK_RETRY_MAX_SECONDS."""
    first, most = settings.TOUSU_CLOCK_RETRY_SECONDS, settings.TOUSU_CLOCK_RETRY_MAX_SECONDS
    return timedelta(seconds=min(most, first * 2 ** min(max(attempts - 1, 0), 30)))


def postpone(clock_id: int, now: datetime, error: str) -> Clock | None:
    """Record that handling the clock failed and when to try again (its own small transaction:
    the failed one was rolled back). None when the clock is gone."""
    with transaction.atomic():
        clock = Clock.objects.select_for_update().filter(pk=clock_id).first()
        if clock is None:
            return None
        clock.attempts = min(clock.attempts + 1, 32767)
        clock.retry_at = now + retry_delay(clock.attempts)
        clock.last_error = error[:300]
        clock.save(update_fields=["attempts", "retry_at", "last_error"])
        return clock


@dataclass(frozen=True)
class PausedSpan:
    """A time a clock did not count (第二十七条: expert review, corrections ...)."""

    start: datetime
    end: datetime | None  # None: still paused
    working_days: float  # the working time it spans, in working days (to now while open)
    why: str  # the note of the event that paused it


def paused_spans(case: Case, kind: Kind, events, now: datetime, calendar: WorkCalendar, tz
                 ) -> dict[str, list[PausedSpan]]:
    """For each clock of the case's kind that pauses, the spans it was paused, read from the
    case's events (the actions in its `pause_on` and `resume_on`), oldest first."""
    spans: dict[str, list[PausedSpan]] = {}
    for spec in kind.clocks:
        if not spec.pause_on:
            continue
        found, opened = [], None
        for event in events:
            outcome = f"{event.action}:{(event.new or {}).get('outcome', '')}"
            if opened is None and (event.action in spec.pause_on or outcome in spec.pause_on):
                opened = event
            elif opened is not None and (event.action in spec.resume_on or outcome in spec.resume_on
                                         or event.action in spec.stop_on):
                days = working_seconds_between(opened.at, event.at, tz, calendar) / 86400
                found.append(PausedSpan(opened.at, event.at, round(days, 1), opened.note))
                opened = None
        if opened is not None:
            days = working_seconds_between(opened.at, now, tz, calendar) / 86400
            found.append(PausedSpan(opened.at, None, round(days, 1), opened.note))
        if found:
            spans[spec.name] = found
    return spans
