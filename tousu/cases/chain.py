"""Verifying the case event chains (`tousu verify-events`).

Each case's events are checked link by link (sequence, previous hash, keyed hash), its row's
head against its last event, and the row's fields against a replay of what its events recorded
(a direct UPDATE of the case shows). An anchor file written outside the database
(`export_heads`) lets a later check see a chain cut back to an earlier, still valid head, or a
case that vanished.

Cases are read in batches, in order, with the events of a whole batch in one query, so the cost
is two queries per thousand cases. A batch is read without a lock: an action committing between
its two queries can make a whole chain look cut short, so a case found broken is read again
under its lock before it is reported.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .events import chain_key, event_hash, key_id
from .models import Case, CaseEvent

BATCH = 2000
ANCHOR_FORMAT = "tousu-chain-heads"

# Fields the events never record, or that the system keeps beside them (the head itself, the
# version, derived flags): left out of the replay.
# The course of events (`description`) is written once at intake and never by an action: it is
# not read either, which halves what a batch reads.
NOT_REPLAYED = frozenset({"id", "event_count", "last_event_hash", "version", "created_at", "updated_at",
                          "is_open", "provisional_deadline", "search_terms", "personal_salt", "anonymised_at",
                          "description"})
EVENT_FIELDS = ("case_id", "seq", "actor_id", "at", "action", "old", "new", "note", "prev_hash", "hash",
                "actor_party_id")


def _replayable() -> dict[str, models.Field]:
    """Case field name (as events record it) -> the field."""
    return {f.name: f for f in Case._meta.concrete_fields if f.name not in NOT_REPLAYED}


REPLAYED = _replayable()
# The fields a batch reads of each case: its head and whatever events may have recorded.
CASE_COLUMNS = ("id", "number", "event_count", "last_event_hash", *(f.attname for f in REPLAYED.values()))


@dataclass(frozen=True)
class BrokenLink:
    case_number: str
    seq: int
    problem: str

    def __str__(self) -> str:
        return f"{self.case_number} event {self.seq}: {self.problem}"


@dataclass(frozen=True, slots=True)
class Head:
    """A chain's head as anchored: how many events, the last one's hash."""

    number: str
    count: int
    hash: str


@dataclass
class Anchor:
    key_id: str
    heads: dict[int, Head]
    exported_at: str = ""


class AnchorError(ValueError):
    """The anchor file cannot be read (its message says why, for the operator)."""


# --- one chain ------------------------------------------------------------------------------

def _same(field: models.Field, recorded, actual) -> bool:
    """Whether the case row's value is what the events recorded (as `events.plain` wrote it)."""
    if recorded is None or actual is None:
        return recorded in (None, "") and actual in (None, "")
    if isinstance(field, models.DateTimeField):
        try:
            return datetime.fromisoformat(str(recorded)) == actual
        except ValueError:
            return False
    if isinstance(field, models.DecimalField):
        try:
            return Decimal(str(recorded)) == Decimal(str(actual))
        except InvalidOperation:
            return False
    if isinstance(field, models.DateField):
        return str(recorded) == actual.isoformat()
    return recorded == actual


def replay_problem(row: dict, events: list[tuple]) -> str:
    """The first case field whose row value differs from the last value its events recorded."""
    recorded: dict = {}
    for event in events:
        new = event[6] or {}
        for name in new.keys() & REPLAYED.keys():
            recorded[name] = new[name]
        cleared = new.get("anonymised")
        for name in cleared if isinstance(cleared, list) else ():
            recorded.pop(name, None)  # anonymising clears fields without recording their values
    for name, value in recorded.items():
        field = REPLAYED[name]
        if not _same(field, value, row[field.attname]):
            return _("the case's %(field)s is not what its events recorded (edited outside the actions?)") % {
                "field": name}
    return ""


def check_chain(row: dict, events: list[tuple], key: bytes, anchored: Head | None = None) -> BrokenLink | None:
    """The first broken link of one case: `row` holds CASE_COLUMNS, `events` EVENT_FIELDS
    tuples in sequence order."""
    number = row["number"]
    prev = ""
    for expected, event in enumerate(events, start=1):
        _case, seq, actor_id, at, action, old, new, note, prev_hash, digest, party_id = event
        if seq != expected:
            return BrokenLink(number, expected, _("missing (deleted?)"))
        if prev_hash != prev:
            return BrokenLink(number, seq, _("does not follow the event before it"))
        body_hash = event_hash(case_id=row["id"], seq=seq, actor_id=actor_id, at=at, action=action, old=old,
                               new=new, note=note, prev_hash=prev_hash, actor_party_id=party_id, key=key)
        if not hmac.compare_digest(body_hash, digest):
            return BrokenLink(number, seq, _("content changed after it was written (or the chain key is wrong)"))
        prev = digest
    count = len(events)
    if count != row["event_count"] or prev != row["last_event_hash"]:
        return BrokenLink(number, count + 1, _("missing at the end (deleted?)"))
    if anchored is not None:
        if count < anchored.count:
            return BrokenLink(number, count + 1, _("the chain is shorter than when it was anchored "
                                                   "(%(then)d events, now %(now)d)") % {
                "then": anchored.count, "now": count})
        if anchored.count and events[anchored.count - 1][9] != anchored.hash:
            return BrokenLink(number, anchored.count, _("differs from the anchored head (rewritten?)"))
    problem = replay_problem(row, events)
    if problem:
        return BrokenLink(number, count, problem)
    return None


# --- many chains ----------------------------------------------------------------------------

def _batches(ids: Iterable[int] | None, batch: int) -> Iterator[list[dict]]:
    """Case rows (CASE_COLUMNS) in pk order, `batch` at a time: every case, or those of `ids`."""
    if ids is None:
        last = 0
        while True:
            rows = list(Case.objects.filter(pk__gt=last).order_by("pk").values(*CASE_COLUMNS)[:batch])
            if not rows:
                return
            yield rows
            last = rows[-1]["id"]
    else:
        ordered = sorted(set(ids))
        for start in range(0, len(ordered), batch):
            yield list(Case.objects.filter(pk__in=ordered[start:start + batch]).order_by("pk").values(*CASE_COLUMNS))


def utc_text(text: str) -> str:
    """A time read as UTC text ('2026-03-02 02:00:00.12') as `datetime.isoformat` writes it in
    the hash ('2026-03-02T02:00:00.120000+00:00'): making a datetime of every event costs more
    than hashing it."""
    base, _dot, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    return f"{base.replace(' ', 'T', 1)}{'.' + fraction.ljust(6, '0') if fraction else ''}+00:00"


def _event_query(where: str) -> str:
    table = CaseEvent._meta.db_table
    at = "(at AT TIME ZONE 'UTC')::text" if connection.vendor == "postgresql" else "at"
    cast = "::text" if connection.vendor == "postgresql" else ""
    return (f"SELECT case_id, seq, actor_id, {at}, action, old{cast}, new{cast}, note, prev_hash, hash, "
            f"actor_party_id FROM {connection.ops.quote_name(table)} WHERE {where} ORDER BY case_id, seq")


def _events_of(rows: list[dict], contiguous: bool) -> dict[int, list[tuple]]:
    """The events of the cases of `rows`, in one query, as EVENT_FIELDS tuples (times as UTC
    text, old and new parsed)."""
    found: dict[int, list[tuple]] = {row["id"]: [] for row in rows}
    if contiguous:
        sql, params = _event_query("case_id >= %s AND case_id <= %s"), [rows[0]["id"], rows[-1]["id"]]
    else:
        ids = list(found)
        sql, params = _event_query(f"case_id IN ({', '.join(['%s'] * len(ids))})"), ids
    def loads(text):
        return {} if text == "{}" else json.loads(text) if isinstance(text, str) else text

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for case_id, seq, actor_id, at, action, old, new, note, prev, digest, party in cursor.fetchall():
            found[case_id].append((case_id, seq, actor_id, utc_text(str(at)), action,
                                   loads(old), loads(new), note, prev, digest, party))
    return found


def _recheck(case_id: int, key: bytes, anchored: Head | None) -> tuple[BrokenLink | None, dict | None]:
    """One case again, under its lock, so no action is half seen."""
    with transaction.atomic():
        row = Case.objects.select_for_update().filter(pk=case_id).values(*CASE_COLUMNS).first()
        if row is None:
            return None, None
        return check_chain(row, _events_of([row], contiguous=True)[case_id], key, anchored), row


@dataclass
class Result:
    checked: int = 0
    events: int = 0
    broken: list[BrokenLink] | None = None
    heads: dict[int, Head] | None = None  # the heads verified, for an anchor file

    def __post_init__(self):
        self.broken = self.broken if self.broken is not None else []


def verify(ids: Iterable[int] | None = None, *, anchor: Anchor | None = None, batch: int = BATCH,
           keep_heads: bool = False, progress=None) -> Result:
    """Check every case (or those of `ids`), against `anchor` when given."""
    key = chain_key()
    result = Result(heads={} if keep_heads else None)
    anchored_heads = anchor.heads if anchor is not None else {}
    seen: set[int] = set()
    for rows in _batches(ids, batch):
        events = _events_of(rows, contiguous=ids is None)
        for row in rows:
            case_id = row["id"]
            anchored = anchored_heads.get(case_id)
            broken = check_chain(row, events[case_id], key, anchored)
            if broken is not None:
                broken, row = _recheck(case_id, key, anchored)
                if row is None:
                    continue
            result.checked += 1
            result.events += row["event_count"]
            seen.add(case_id)
            if broken is not None:
                result.broken.append(broken)
            elif keep_heads:
                result.heads[case_id] = Head(row["number"], row["event_count"], row["last_event_hash"])
        if progress is not None:
            progress(result)
    wanted = anchored_heads.keys() if ids is None else anchored_heads.keys() & set(ids)
    for case_id in sorted(wanted - seen):
        head = anchored_heads[case_id]
        result.broken.append(BrokenLink(head.number, head.count, _("the case is gone (it was anchored with "
                                                                    "%(n)d events)") % {"n": head.count}))
    return result


def verify_case(case: Case) -> BrokenLink | None:
    """The first broken link of one case's chain, or None when it is whole."""
    found = verify([case.pk]).broken
    return found[0] if found else None


def verify_all(cases=None) -> Iterator[BrokenLink]:
    """Yield the first broken link of every case whose chain is broken (of `cases`, a
    queryset, when given)."""
    ids = None if cases is None else list(cases.values_list("pk", flat=True))
    yield from verify(ids).broken


# --- anchors: the heads, kept outside the database ---------------------------------------------

@dataclass
class Changes:
    """What an incremental check found by comparing the case heads with an anchor."""

    changed: list[int]
    unchanged: dict[int, Head]
    broken: list[BrokenLink]
    cases: int = 0


def compare_heads(anchor: Anchor) -> Changes:
    """Read every case's head (one query, no events) and sort the cases into unchanged and
    changed since `anchor`; a head that went back or a case that vanished is broken outright.
    Also compares the number of event rows with the heads' total: an event deleted from a case
    whose head was left alone shows there."""
    heads = anchor.heads
    changed, unchanged, broken = [], {}, []
    total = 0
    seen: set[int] = set()
    rows = Case.objects.order_by().values_list("id", "number", "event_count", "last_event_hash")
    for case_id, number, count, head in rows.iterator(chunk_size=20000):
        total += count
        before = heads.get(case_id)
        if before is not None:
            seen.add(case_id)
            if before.count == count and before.hash == head:
                unchanged[case_id] = before
                continue
            if count < before.count:
                broken.append(BrokenLink(number, count + 1, _("the chain is shorter than when it was anchored "
                                                              "(%(then)d events, now %(now)d)") % {
                    "then": before.count, "now": count}))
                continue
        changed.append(case_id)
    for case_id in sorted(heads.keys() - seen):
        before = heads[case_id]
        broken.append(BrokenLink(before.number, before.count, _(
            "the case is gone (it was anchored with %(n)d events)") % {"n": before.count}))
    rows_total = CaseEvent.objects.count()
    if rows_total != total:
        broken.append(BrokenLink("*", 0, _("%(rows)d event rows but the case heads count %(heads)d: an event "
                                           "was deleted or added outside the actions; run the full check")
                                 % {"rows": rows_total, "heads": total}))
    return Changes(changed=changed, unchanged=unchanged, broken=broken, cases=len(unchanged) + len(changed))


def since_anchor(anchor: Anchor, *, batch: int = BATCH) -> tuple[Result, Changes]:
    """Verify only what changed since `anchor` (new cases, cases with new events)."""
    changes = compare_heads(anchor)
    result = verify(changes.changed, anchor=Anchor(anchor.key_id, {c: anchor.heads[c] for c in changes.changed
                                                                   if c in anchor.heads}),
                    batch=batch, keep_heads=True)
    result.broken = changes.broken + result.broken
    result.heads.update(changes.unchanged)
    return result, changes


def write_anchor(path: Path, heads: dict[int, Head], key: bytes) -> None:
    header = {"format": ANCHOR_FORMAT, "version": 1, "key_id": key_id(key),
              "exported_at": timezone.now().isoformat(timespec="seconds"), "cases": len(heads),
              "events": sum(h.count for h in heads.values())}
    tmp = Path(f"{path}.part")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps(header) + "\n")
        fh.writelines(f"{case_id}\t{h.count}\t{h.hash}\t{h.number}\n" for case_id, h in sorted(heads.items()))
    tmp.replace(path)


def read_anchor(path: Path) -> Anchor:
    try:
        with Path(path).open(encoding="utf-8") as fh:
            header = json.loads(fh.readline() or "{}")
            if header.get("format") != ANCHOR_FORMAT:
                raise AnchorError(_("%(path)s is not an anchor file written by tousu verify-events "
                                    "--export-heads.") % {"path": path})
            heads = {}
            for line in fh:
                case_id, count, digest, number = line.rstrip("\n").split("\t", 3)
                heads[int(case_id)] = Head(number, int(count), digest)
    except OSError as error:
        raise AnchorError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": error.strerror}) from None
    except (ValueError, json.JSONDecodeError):
        raise AnchorError(_("%(path)s is damaged: it cannot be read as an anchor file.") % {"path": path}) from None
    if header.get("cases") != len(heads):
        raise AnchorError(_("%(path)s is damaged: it cannot be read as an anchor file.") % {"path": path})
    return Anchor(key_id=str(header.get("key_id", "")), heads=heads, exported_at=str(header.get("exported_at", "")))
