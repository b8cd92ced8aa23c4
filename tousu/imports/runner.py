"""Import a spreadsheet of past complaints: each row a case of one kind, through the actions.

Each row is registered at its own time (留言时间) by the importer; a row with a reply then takes
the kind's `[imports] reply` actions at the reply's time (答复时间). Every event so written holds
`imported` (file, row, key) on the case's hash chain. A row is written whole or not at all (a
savepoint each); a failed row is reported by its row and column and the rest goes on. A row
whose key was imported before is skipped. Rows are committed in batches, which is what makes
ten thousand rows a minute possible on SQLite (one commit, one fsync, per batch)."""

from __future__ import annotations

import time
from collections import Counter
from contextlib import contextmanager
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tousu.cases import actions
from tousu.cases.engine import acting, run_action, state_label
from tousu.notify import outbox
from tousu.cases.errors import ActionError
from tousu.org.services import configuration_held, current_policy, org_timezone

from .mapping import Mapping
from .models import ImportedRow
from .rows import Prepared, RowError, RowReader

BATCH = 250


class ImportRefused(ValueError):
    """The whole file cannot be imported (a missing column, an unknown kind): nothing written."""


@dataclass
class Outcome:
    rows: int = 0
    created: int = 0
    with_reply: int = 0
    skipped: int = 0
    failed: int = 0
    dry_run: bool = False
    columns: dict[str, str] = field(default_factory=dict)  # field -> header
    states: Counter = field(default_factory=Counter)  # state label -> cases that end in it
    errors: list[RowError] = field(default_factory=list)
    seconds: float = 0.0


class _DryRun(Exception):
    """Leaves the import's transaction so that nothing of a dry run stays."""


def run_import(*, headers: list[str], rows: list[list], source: str, kind: str, unit, actor,
               mapping: Mapping, dry_run: bool = False, now=None,
               progress: Callable[[int, int], None] | None = None, batch: int = BATCH) -> Outcome:
    """Import `rows` (under `headers`) as cases of `kind` registered in `unit` by `actor`."""
    policy = current_policy()
    if kind and kind not in policy.kinds:
        raise ImportRefused(_("Unknown kind of case: %(kind)s.") % {"kind": kind})
    case_kind = policy.kind(kind)
    reader = RowReader(headers=headers, mapping=mapping, policy=policy, kind=case_kind, tz=org_timezone(),
                       now=now)
    missing = reader.missing()
    if missing:
        raise ImportRefused(_("No column holds %(fields)s: name it in a mapping (--map FIELD=HEADER).") % {
            "fields": ", ".join(missing)})
    outcome = Outcome(rows=len(rows), dry_run=dry_run,
                      columns={name: headers[i] for name, i in reader.columns.items()})
    started = time.monotonic()
    seen: set[str] = set()
    with _whole_file(dry_run):
        for first in range(0, len(rows), batch):
            chunk = [(first + offset + 2, values) for offset, values in enumerate(rows[first:first + batch])
                     if any(v not in (None, "") for v in values)]
            with configuration_held(), transaction.atomic():  # a batch commits at once
                _import_batch(chunk, reader, case_kind, source, unit, actor, outcome, seen)
            if progress is not None:
                progress(min(first + batch, len(rows)), len(rows))
    outcome.seconds = time.monotonic() - started
    return outcome


@contextmanager
def _whole_file(dry_run: bool):
    """A dry run does everything inside one transaction and rolls it back: what it reports is
    what the import would do, refusals of the action layer included, and nothing stays."""
    if not dry_run:
        yield
        return
    try:
        with transaction.atomic():
            yield
            raise _DryRun
    except _DryRun:
        pass


def _import_batch(chunk, reader: RowReader, kind, source, unit, actor, outcome: Outcome, seen: set) -> None:
    prepared = [reader.read(number, values) for number, values in chunk]
    done = set(ImportedRow.objects.filter(kind=kind.code, key__in=[p.key for p in prepared])
               .values_list("key", flat=True))
    for row in prepared:
        if row.key in done or row.key in seen:
            outcome.skipped += 1
            continue
        if row.errors:
            outcome.failed += 1
            outcome.errors.extend(row.errors)
            continue
        try:
            case = _write(row, kind, source, unit, actor)
        except ActionError as exc:
            outcome.failed += 1
            outcome.errors.append(RowError(row.row, reader.column(_field_of(exc)), str(exc)))
            continue
        except DatabaseError as exc:
            outcome.failed += 1
            outcome.errors.append(RowError(row.row, "", _("The database refused the row: %(error)s") % {
                "error": str(exc).splitlines()[0][:200]}))
            continue
        seen.add(row.key)
        outcome.created += 1
        outcome.with_reply += bool(row.reply and kind.import_reply)
        outcome.states[state_label(kind, case.state)] += 1


def _field_of(exc: ActionError) -> str:
    field_name = getattr(exc, "field", "") or ""
    return {"promised_reply_at": "replied_at", "text": "reply", "resolution": "reply"}.get(field_name, field_name)


def _write(row: Prepared, kind, source: str, unit, actor):
    """Register the row's case at its own time, then take the reply's actions at the reply's.
    Whole or not at all: the row's key is recorded inside the intake's own transaction, and a
    row with a reply holds intake and steps in one savepoint (a row without one needs none
    beyond the intake's: two statements fewer a row)."""
    with outbox.held_back():  # what happened then is recorded, not announced again
        return _write_row(row, kind, source, unit, actor)


def _write_row(row: Prepared, kind, source: str, unit, actor):
    marker = {"source": source[:200], "row": row.row, "key": row.key}
    fields = dict(row.fields)
    received_at = fields.pop("received_at")

    def remember(case):
        ImportedRow.objects.create(kind=kind.code, key=row.key, case=case, source=source[:200], row=row.row,
                                   imported_at=timezone.now(), imported_by=actor)

    def register():
        return actions.register_case(actor=actor, unit=unit, kind=kind.code, now=received_at, imported=marker,
                                     in_transaction=remember, **fields)

    if not (row.reply and kind.import_reply):
        return register()
    with transaction.atomic():
        case = register()
        for step in kind.import_reply:
            inputs = {name: _value(value, row) for name, value in step.inputs}
            # this savepoint rolls the step back with the row
            with acting(step.action, actor=actor, case_id=case.pk, now=row.replied_at,
                        savepoint=False) as taking:
                taking.facts["imported"] = marker
                run_action(taking, inputs)
            case = taking.case
    return case


def _value(value, row: Prepared):
    if value == "$reply":
        return row.reply
    if value == "$reply_at":
        return row.replied_at
    return value
