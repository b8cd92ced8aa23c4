"""`tousu bench-data --cases N`: seed a benchmark database with N realistic complaints.

The bank preset, grown to a city's size (branches, outlets, their tellers, complaint managers
and heads), and N cases whose states, channels, categories, units, levels and ages follow a
plausible mix. Texts are negative reviews read from ../shared/data (never copied into the
repository). Every case carries its complainant as a party (as register_case adds it), and the
events and the reply clock that the real actions would have left: register, accept, propose_resolution, reply, record_callback, sign_off, close, withdraw,
reject, and the worker's clock_warned / clock_breached / escalate, hash-chained exactly as
`events.append_event` does, so `tousu verify-events` passes.

Rows go in by COPY on PostgreSQL (secondary indexes dropped and rebuilt around the load, then
VACUUM ANALYZE) and by executemany on SQLite; each case carries its search terms, computed as
Case.save() computes them. Seeding only: what the benchmarks measure goes through the real paths.
"""

from __future__ import annotations

import csv
import json
import os
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction

from tousu.cases.events import chain_key, event_hash
from tousu.cases.models import Case, CaseCounter, CaseEvent, CaseParty, Clock, Lateness
from tousu.cases.search import case_terms
from tousu.org.models import Membership, Organisation, PolicyVersion, Role, Unit
from tousu.org.services import (
    apply_preset,
    create_preset_people,
    current_policy,
    org_timezone,
    policy_version,
)

DATA_DIR = Path(os.environ.get("TOUSU_BENCH_TEXTS", Path(__file__).resolve().parents[5] / "shared" / "data"))
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉斌"
CHANNELS = {"walk_in": 30, "phone": 25, "hotline_transfer": 20, "web": 12, "opinion_book": 8, "letter": 5}
CATEGORIES = {"service_attitude": 26, "waiting_time": 22, "fees": 14, "account": 12, "card": 11,
              "wealth": 6, "facilities": 5, "other": 4}
CHANNEL_CODES, CHANNEL_WEIGHTS = list(CHANNELS), list(CHANNELS.values())
CATEGORY_CODES, CATEGORY_WEIGHTS = list(CATEGORIES), list(CATEGORIES.values())
REPLY_CLOCK = ("reply", "约定回复时限（三日内）", timedelta(days=3), 240)
TERMINAL = {"closed", "withdrawn", "rejected"}


def _states_for(age: timedelta) -> dict[str, int]:
    """Where a case of this age usually is (weights)."""
    days = age.total_seconds() / 86400
    if days < 1:
        return {"received": 45, "accepted": 30, "in_progress": 18, "replied": 3, "withdrawn": 2, "rejected": 2}
    if days < 3:
        return {"received": 6, "accepted": 16, "in_progress": 34, "replied": 28, "confirmed": 8,
                "closed": 4, "withdrawn": 2, "rejected": 2}
    if days < 14:
        return {"received": 1, "accepted": 3, "in_progress": 12, "replied": 14, "confirmed": 15,
                "closed": 50, "withdrawn": 3, "rejected": 2}
    return {"in_progress": 1, "replied": 1, "confirmed": 1, "closed": 92, "withdrawn": 3, "rejected": 2}


PATHS = {  # the actions that lead to each state, after register
    "received": [], "accepted": ["accept"], "in_progress": ["accept", "propose_resolution"],
    "replied": ["accept", "propose_resolution", "reply"],
    "confirmed": ["accept", "propose_resolution", "reply", "record_callback"],
    "closed": ["accept", "propose_resolution", "reply", "record_callback", "sign_off", "close"],
    "withdrawn": ["accept", "withdraw"], "rejected": ["reject"],
}


def load_texts(limit_per_file: int = 20000) -> list[str]:
    """Negative reviews (label 0) from the three review sets, read where they lie."""
    texts: list[str] = []
    for name in ("ChnSentiCorp_htl_all.csv", "online_shopping_10_cats.csv", "waimai_10k.csv"):
        path = DATA_DIR / name
        if not path.exists():
            continue
        with path.open(encoding="utf-8-sig", newline="") as fh:
            n = 0
            for row in csv.DictReader(fh):
                review = (row.get("review") or "").strip().replace("\ufeff", "")
                if row.get("label") == "0" and 6 <= len(review) <= 600:
                    texts.append(review)
                    n += 1
                    if n >= limit_per_file:
                        break
    if not texts:
        raise CommandError(f"No review texts found under {DATA_DIR}")
    return texts


def subject_of(text: str) -> str:
    for sep in "。！!？?，,；;\n ":
        head = text.split(sep, 1)[0]
        if 4 <= len(head) <= 40:
            return head
    return text[:30]


class Writer:
    """Bulk rows into one table: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, model, columns: list[str]):
        self.table, self.columns = model._meta.db_table, columns
        self.rows: list[tuple] = []

    def add(self, row: tuple) -> None:
        self.rows.append(row)

    def flush(self) -> None:
        if not self.rows:
            return
        cols = ", ".join(f'"{c}"' for c in self.columns)
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                with cur.cursor.copy(f'COPY "{self.table}" ({cols}) FROM STDIN') as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cur.executemany(f'INSERT INTO "{self.table}" ({cols}) VALUES ({marks})',
                                [tuple(_sqlite(v) for v in row) for row in self.rows])
        self.rows = []


def _sqlite(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    return value


CASE_COLUMNS = [
    "id", "number", "tracking_code", "kind", "channel", "stage", "category", "severity", "subject",
    "description", "received_at", "received_by_id", "receiving_unit_id", "target_unit_id",
    "handling_unit_id", "occurred_at", "place", "people_involved", "complainant_name",
    "complainant_phone", "complainant_email", "complainant_address", "requested_resolution",
    "requested_by", "promised_reply_at", "state", "level", "owner_id", "responsible_employee_id",
    "transfer_plan", "plan_agreed_by_id", "at_fault", "resolution", "compensation", "reply",
    "replied_at", "callback_result", "callback_at", "signed_off_by_id", "signed_off_at", "closed_at",
    "reason", "reopen_count", "provisional_deadline", "version", "event_count", "last_event_hash",
    "created_at", "updated_at", "is_open", "data", "policy_version"]
# The seeder also writes the search terms, as Case.save() would (so does bench/run.py's ceiling).
SEEDED_CASE_COLUMNS = [*CASE_COLUMNS, "search_terms"]
EVENT_COLUMNS = ["id", "case_id", "seq", "actor_id", "at", "action", "old", "new", "note", "prev_hash", "hash"]
CLOCK_COLUMNS = ["id", "case_id", "name", "label", "state", "started_at", "due_at", "warn_at", "warned_at",
                 "breached_at", "stopped_at", "paused_at", "remaining_seconds", "provisional"]
LATENESS_COLUMNS = ["id", "case_id", "clock_id", "unit_id", "person_id", "kind", "occurred_at"]
PARTY_COLUMNS = ["id", "case_id", "role", "kind", "name", "address", "phone", "email", "id_number", "product",
                 "agent_of_id", "served_at", "served_how", "added_at"]
SEEDED_TABLES = (Case, CaseEvent, Clock, Lateness, CaseParty)


def iso(moment: datetime | None):
    return moment.isoformat() if moment is not None else None


class Command(BaseCommand):
    help = "Seed N realistic complaints (bank preset grown to a city) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, required=True)
        parser.add_argument("--branches", type=int, default=12)
        parser.add_argument("--outlets", type=int, default=8, help="Outlets per branch.")
        parser.add_argument("--days", type=int, default=730, help="Spread of received times.")
        parser.add_argument("--seed", type=int, default=20261126)
        parser.add_argument("--chunk", type=int, default=20000)

    def handle(self, *args, cases, branches, outlets, days, seed, chunk, **options):
        rng = random.Random(seed)
        self.key = chain_key()  # the chains are keyed as events.append_event keys them
        started = time.monotonic()
        if Case.objects.exists():
            raise CommandError("This database already holds cases: seed an empty one.")
        people = self.organisation(branches, outlets)
        texts = load_texts()
        policy = current_policy()
        complainant = policy.kind("complaint").complainant_role()
        if complainant is None:
            raise CommandError("The complaint kind names no complainant party role.")
        version = policy_version()
        tz = org_timezone()
        now = datetime.now(UTC).replace(microsecond=0)
        self.stdout.write(f"{len(people)} outlets, {len(texts)} texts; generating {cases} cases")
        ids = {"case": 1, "event": 1, "clock": 1, "late": 1}
        counters: dict[int, int] = {}
        writers = {"case": Writer(Case, SEEDED_CASE_COLUMNS), "event": Writer(CaseEvent, EVENT_COLUMNS),
                   "clock": Writer(Clock, CLOCK_COLUMNS), "late": Writer(Lateness, LATENESS_COLUMNS),
                   "party": Writer(CaseParty, PARTY_COLUMNS)}
        # Written after the cases, chunk by chunk, so the foreign key always finds its case.
        order = ("case", "party", "event", "clock", "late")
        receive_times = sorted(now - timedelta(seconds=rng.random() * days * 86400) for _ in range(cases))
        receive_times = [t.replace(microsecond=0) for t in receive_times]
        policy_level_cm = policy.level_of({"complaint_manager"})
        with transaction.atomic():  # a failed load leaves nothing behind, indexes included
            dropped = []
            if connection.vendor == "postgresql":
                dropped = self.drop_indexes()
                with connection.cursor() as cur:
                    cur.execute("SET LOCAL synchronous_commit = off")
            for i, received_at in enumerate(receive_times):
                self.one_case(rng, ids, counters, writers, people, texts, received_at, now, tz,
                              policy_level_cm, complainant.code, version)
                if (i + 1) % chunk == 0:
                    for name in order:
                        writers[name].flush()
                    self.stdout.write(f"  {i + 1} cases, {time.monotonic() - started:.0f} s")
            for name in order:
                writers[name].flush()
            for year, last in counters.items():
                CaseCounter.objects.update_or_create(year=year, defaults={"last": last})
            with connection.cursor() as cur:
                for sql in connection.ops.sequence_reset_sql(no_style(), list(SEEDED_TABLES)):
                    cur.execute(sql)
            if dropped:
                self.stdout.write(f"  rebuilding {len(dropped)} indexes, {time.monotonic() - started:.0f} s")
                with connection.cursor() as cur:
                    cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # check the foreign keys now
                    cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
                    for sql in dropped:
                        cur.execute(sql)
        if connection.vendor == "postgresql":
            # VACUUM too: it sets the visibility map that index-only scans (the queue's badges
            # over running clocks) need, as autovacuum would after a load; without it they read
            # the heap for every entry. VACUUM cannot run inside a transaction (the tests' one).
            with connection.cursor() as cur:
                cur.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        else:
            from tousu.cases.planner_stats import refresh

            refresh(connection)  # SQLite's planner statistics (cases/planner_stats.py)
        self.stdout.write(self.style.SUCCESS(
            f"{cases} cases, {ids['event'] - 1} events, {ids['clock'] - 1} clocks in "
            f"{time.monotonic() - started:.0f} s"))

    # --- the organisation ------------------------------------------------------------------

    def organisation(self, branches: int, outlets: int) -> list[dict]:
        """The bank preset plus generated branches and outlets, each outlet with three tellers,
        a complaint manager and a head. Returns, per outlet, its unit id and people's ids."""
        if not Organisation.objects.exists():
            apply_preset("bank")
            create_preset_people(password="pw")
        elif Organisation.objects.first().preset != "bank":
            raise CommandError("bench-data grows the bank preset: use a fresh database.")
        elif not PolicyVersion.objects.exists():
            apply_preset("bank")  # an organisation from before versions were kept: version 1
        User = get_user_model()
        roles = {r.code: r for r in Role.objects.all()}
        head = Unit.objects.get(code="head_office")
        password = make_password("pw")
        for b in range(1, branches + 1):
            branch, _ = Unit.objects.get_or_create(code=f"bench_b{b:02d}", defaults={
                "name": f"第{b}支行", "kind": "branch", "parent": head})
            for o in range(1, outlets + 1):
                code = f"bench_b{b:02d}_o{o:02d}"
                if Unit.objects.filter(code=code).exists():
                    continue
                outlet = Unit.objects.create(code=code, kind="outlet", parent=branch,
                                             name=f"第{b}支行{o}号营业网点")
                staff = [("t1", "staff"), ("t2", "staff"), ("t3", "staff"), ("cm", "complaint_manager"),
                         ("head", "outlet_head")]
                users = User.objects.bulk_create([
                    User(username=f"{code}_{s}", first_name=f"{code} {s}", password=password,
                         email=f"{code}_{s}@example.com") for s, _r in staff])
                Membership.objects.bulk_create([
                    Membership(user=u, unit=outlet, role=roles[r]) for u, (_s, r) in zip(users, staff)])
        result = []
        for outlet in Unit.objects.filter(kind="outlet").order_by("pk"):
            members = Membership.objects.filter(unit=outlet).select_related("role").order_by("pk")
            by_role: dict[str, list[int]] = {}
            for m in members:
                by_role.setdefault(m.role.code, []).append(m.user_id)
            if {"staff", "complaint_manager", "outlet_head"} <= by_role.keys():
                result.append({"unit": outlet.pk, "staff": by_role["staff"], "cm": by_role["complaint_manager"][0],
                               "head": by_role["outlet_head"][0]})
        if not result:
            raise CommandError("No outlet has staff, a complaint manager and a head.")
        return result

    # --- one case --------------------------------------------------------------------------

    def one_case(self, rng, ids, counters, writers, outlets, texts, received_at, now, tz, level_cm,
                 complainant_role, version):
        outlet = outlets[int(rng.paretovariate(1.2)) % len(outlets)]  # some outlets get far more
        target = outlets[rng.randrange(len(outlets))] if rng.random() < 0.08 else None
        state = rng.choices(*zip(*_states_for(now - received_at).items()))[0]
        receiver = rng.choice(outlet["staff"]) if rng.random() < 0.8 else outlet["cm"]
        level = level_cm if receiver == outlet["cm"] else 0
        year = received_at.astimezone(tz).year
        counters[year] = counters.get(year, 0) + 1
        case_id = ids["case"]
        ids["case"] += 1
        text = rng.choice(texts)
        surname = rng.choice(SURNAMES)
        c = {
            "id": case_id, "number": f"TS-{year}-{counters[year]:06d}",
            "tracking_code": f"{rng.getrandbits(72):018x}", "channel": rng.choices(CHANNEL_CODES, CHANNEL_WEIGHTS)[0],
            "stage": rng.choice(["during", "after", "after"]), "category": rng.choices(CATEGORY_CODES, CATEGORY_WEIGHTS)[0],
            "severity": rng.choices([1, 2, 3], [5, 25, 70])[0], "subject": subject_of(text)[:200],
            "description": text, "received_at": received_at, "received_by": receiver,
            "unit": outlet["unit"], "target_unit": target["unit"] if target else None,
            "complainant_name": surname + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2]))),
            "complainant_phone": f"1{rng.choice('3578')}{rng.randrange(10**9):09d}" if rng.random() < 0.9 else "",
            "state": "received", "level": level, "owner": receiver, "resolution": "", "reply": "",
            "replied_at": None, "callback_result": "", "callback_at": None, "signed_off_by": None,
            "signed_off_at": None, "closed_at": None, "reason": "", "at_fault": None, "version": 1,
            "event_count": 0, "last_hash": "", "updated_at": received_at,
        }
        events: list[tuple] = []
        key = self.key

        def event(actor, at, action, old, new, note=""):
            seq = c["event_count"] + 1
            digest = event_hash(case_id=case_id, seq=seq, actor_id=actor, at=at, action=action, old=old,
                                new=new, note=note, prev_hash=c["last_hash"], key=key)
            events.append((ids["event"], case_id, seq, actor, at, action, json.dumps(old, ensure_ascii=False),
                           json.dumps(new, ensure_ascii=False), note, c["last_hash"], digest))
            ids["event"] += 1
            c["event_count"], c["last_hash"], c["updated_at"] = seq, digest, at
            if action != "register":
                c["version"] += 1

        def change(actor, at, action, note="", **fields):
            old = {k: iso(c[k]) if isinstance(c[k], datetime) else c[k] for k in fields if c[k] != fields[k]}
            new = {k: iso(v) if isinstance(v, datetime) else v for k, v in fields.items() if c[k] != v}
            c.update(fields)
            event(actor, at, action, old, new, note)

        event(receiver, received_at, "register", {}, {
            "number": c["number"], "channel": c["channel"], "stage": c["stage"], "category": c["category"],
            "subject": c["subject"], "receiving_unit": c["unit"], "target_unit": c["target_unit"],
            "owner": receiver, "level": level, "requested_by": None, "promised_reply_at": None})

        name, label, span, warn_minutes = REPLY_CLOCK
        due = received_at + span
        clock = {"warn_at": due - timedelta(minutes=warn_minutes), "due_at": due, "warned_at": None,
                 "breached_at": None, "stopped_at": None, "state": "running"}
        # When each step happens: most replies within the three days, some late.
        late = rng.random() < 0.06
        reply_at = received_at + timedelta(seconds=rng.uniform(3 * 86400 + 600, 6 * 86400) if late
                                           else rng.uniform(1800, 3 * 86400 - 300))
        t = received_at
        plan = {"accept": t + timedelta(seconds=rng.uniform(300, 4 * 3600))}
        plan["propose_resolution"] = plan["accept"] + (reply_at - plan["accept"]) * rng.uniform(0.3, 0.8)
        plan["reply"] = max(reply_at, plan["propose_resolution"] + timedelta(minutes=5))
        plan["record_callback"] = plan["reply"] + timedelta(seconds=rng.uniform(3600, 2 * 86400))
        plan["sign_off"] = plan["record_callback"] + timedelta(seconds=rng.uniform(600, 86400))
        plan["close"] = plan["sign_off"] + timedelta(seconds=rng.uniform(60, 3600))
        plan["withdraw"] = plan["accept"] + timedelta(seconds=rng.uniform(600, 86400))
        plan["reject"] = t + timedelta(seconds=rng.uniform(600, 86400))
        steps = [s for s in PATHS[state] if plan[s] <= now]  # the future has not happened yet

        def clock_events_before(moment):
            """The worker's warn, breach and escalation for the reply clock, if due before `moment`."""
            if clock["warned_at"] is None and clock["warn_at"] < moment:
                clock["warned_at"] = clock["warn_at"] + timedelta(seconds=rng.randint(1, 5))
                event(None, clock["warned_at"], "clock_warned", {}, {},
                      f"{label} {due.astimezone(tz):%Y-%m-%d %H:%M}")
            if clock["breached_at"] is None and due < moment:
                clock["breached_at"] = due + timedelta(seconds=rng.randint(1, 5))
                writers["late"].add((ids["late"], case_id, ids["clock"], outlet["unit"], c["owner"],
                                     "clock_breach", clock["breached_at"]))
                ids["late"] += 1
                event(None, clock["breached_at"], "clock_breached", {}, {}, label)
                if c["level"] < level_cm + 1:
                    holder = outlet["cm"] if c["level"] < level_cm else outlet["head"]
                    change(None, clock["breached_at"], "escalate", f"Deadline missed: {label}",
                           level=c["level"] + 1, owner=holder,
                           state="received" if c["state"] == "received" else "in_progress")

        for action in steps:
            at = plan[action]
            if clock["state"] == "running":
                clock_events_before(at)
            actor = c["owner"]
            if action == "accept":
                change(actor, at, action, state="accepted")
            elif action == "propose_resolution":
                change(actor, at, action, state="in_progress", at_fault=rng.random() < 0.6,
                       resolution="向客户致歉并说明情况，" + rng.choice(["已整改", "已退还费用", "已加强培训", "已调整流程"]))
            elif action == "reply":
                change(actor, at, action, state="replied", reply="您好，关于您反映的问题，我行已核实并处理。",
                       replied_at=at)
            elif action == "record_callback":
                result = rng.choices(["satisfied", "not_satisfied", "unreachable"], [88, 4, 8])[0]
                fields = {"callback_result": result, "callback_at": at}
                if result != "unreachable":
                    fields["state"] = "confirmed"  # a not-satisfied verdict at the top is handled again
                change(actor, at, action, note="", **fields)
            elif action == "sign_off":
                change(outlet["head"], at, action, signed_off_by=outlet["head"], signed_off_at=at)
            elif action == "close":
                change(outlet["head"], at, action, state="closed", closed_at=at)
            elif action == "withdraw":
                change(actor, at, action, "客户撤回投诉", state="withdrawn", reason="客户撤回投诉")
            elif action == "reject":
                change(outlet["cm"], at, action, "不属于投诉受理范围", state="rejected", reason="不属于投诉受理范围")
            if action in ("reply", "withdraw", "reject") and clock["state"] == "running":
                clock["state"], clock["stopped_at"] = "stopped", at
        if clock["state"] == "running":
            clock_events_before(now)

        writers["clock"].add((ids["clock"], case_id, name, label, clock["state"], received_at, clock["due_at"],
                              clock["warn_at"], clock["warned_at"], clock["breached_at"], clock["stopped_at"],
                              None, None, False))
        ids["clock"] += 1
        for row in events:
            writers["event"].add(row)
        writers["case"].add((
            case_id, c["number"], c["tracking_code"], "complaint", c["channel"], c["stage"], c["category"],
            c["severity"], c["subject"], c["description"], received_at, receiver, c["unit"], c["target_unit"],
            c["unit"], received_at - timedelta(hours=rng.randint(0, 48)), "", "", c["complainant_name"],
            c["complainant_phone"], "", "", "", None, None, c["state"], c["level"], c["owner"], None, "", None,
            c["at_fault"], c["resolution"], "0", c["reply"], c["replied_at"], c["callback_result"],
            c["callback_at"], c["signed_off_by"], c["signed_off_at"], c["closed_at"], c["reason"], 0, False,
            c["version"], c["event_count"], c["last_hash"], received_at, c["updated_at"],
            c["state"] not in TERMINAL, "{}", version,
            case_terms(number=c["number"], subject=c["subject"], description=c["description"],
                       complainant_name=c["complainant_name"])))
        # The complainant as a party, as register_case adds it (actions._add_parties).
        writers["party"].add((case_id, case_id, complainant_role, "person", c["complainant_name"], "",
                              c["complainant_phone"], "", "", "", None, None, "", received_at))

    # --- PostgreSQL: build secondary indexes once, after the load ----------------------------

    def drop_indexes(self) -> list[str]:
        """Drop the secondary indexes; return the statements that build them again, with the
        statistics targets set on them (the search index's, migration cases/0005)."""
        tables = [m._meta.db_table for m in SEEDED_TABLES]
        with connection.cursor() as cur:
            cur.execute("""
                SELECT i.indexname, i.indexdef FROM pg_indexes i
                WHERE i.tablename = ANY(%s) AND i.schemaname = current_schema()
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""", [tables])
            found = cur.fetchall()
            cur.execute("""
                SELECT c.relname, a.attnum, a.attstattarget FROM pg_attribute a
                JOIN pg_class c ON c.oid = a.attrelid
                WHERE c.relname = ANY(%s) AND a.attnum > 0 AND a.attstattarget >= 0""",
                        [[name for name, _definition in found]])
            targets = [f'ALTER INDEX "{name}" ALTER COLUMN {number} SET STATISTICS {target}'
                       for name, number, target in cur.fetchall()]
            for name, _definition in found:
                cur.execute(f'DROP INDEX "{name}"')
        return [definition for _name, definition in found] + targets
