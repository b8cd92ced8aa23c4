"""The benchmarks of issue 5, run by one command; results appended to docs/performance.md.

    python bench/run.py --intake URL --pages URL [URL ...] --sweep URL [URL ...] --report URL \
        --weekly URL [URL ...] --burst URL [--out FILE]

Each URL is a DATABASE_URL seeded by `tousu bench-data` (bench_10k, bench_100k, bench_1m;
sqlite:///path/tousu.sqlite3 for SQLite). The measured paths are the real ones: intake is HTTP
through gunicorn into the API, on a throwaway copy of the database; pages are the staff views
rendered by Django (the test client, no network); the sweep is `cases.sweep.sweep()`; the
monthly report is `reports.services.compute()` for last month; the weekly records are
`reports.services.compute_units()` for every department's last week (the worker's Monday run)
and `services.compute()` for the busiest department alone. Each report is timed beside
hand-written SQL (PostgreSQL) that computes the same figures, and the run stops if the two
disagree. The burst is 10,000 clocks due at one instant swept by two real `tousu worker`
processes, on a throwaway copy of the database. The parts that change data (sweep) run inside a
transaction that is rolled back, so a database can be measured again. `--out FILE` appends the
run there instead.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# A throwaway key for the benchmark's own processes (the settings refuse to start without one).
os.environ.setdefault("TOUSU_SECRET_KEY", "bench-" + uuid.uuid4().hex)
# The event chain's key: fixed, so databases seeded by `tousu bench-data` with it verify later.
os.environ.setdefault("TOUSU_CHAIN_KEY", "bench-chain-key")
sys.path.insert(0, str(ROOT))


def pct(samples: list[float], p: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))] * 1000 if s else float("nan")


def summary(samples: list[float], seconds: float) -> dict:
    return {"n": len(samples), "per_s": round(len(samples) / seconds, 1), "p50": round(pct(samples, 50), 1),
            "p95": round(pct(samples, 95), 1), "p99": round(pct(samples, 99), 1)}


def child(part: str, url: str, *extra: str) -> dict:
    """Run a part in a Django process against `url`; it prints one JSON line."""
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tousu.settings",
           "TOUSU_LOG_LEVEL": "WARNING", "TOUSU_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if url.startswith("sqlite://"):
        env["TOUSU_DATA_DIR"] = str(Path(url.removeprefix("sqlite://")).parent)
    out = subprocess.run([sys.executable, __file__, "_child", part, *extra], env=env, cwd=ROOT,
                         capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"{part} on {url} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- intake over HTTP, beside the database's ceiling -------------------------------------------

def intake(url: str, clients: list[int], seconds: float) -> dict:
    """Intake into a throwaway copy of `url`: the rows it writes must not change the size of
    the database the page benchmarks then measure."""
    import tempfile

    from tests.faults.helpers import clone_of

    with clone_of(url, Path(tempfile.mkdtemp(prefix="bench-intake-"))) as copy:
        return intake_into(copy, clients, seconds)


def intake_into(url: str, clients: list[int], seconds: float) -> dict:
    from tests.faults.helpers import free_port, gunicorn, wait_until_up

    env = {**os.environ, "DATABASE_URL": url, "TOUSU_LOG_LEVEL": "WARNING",
           "TOUSU_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    setup = child("token", url)
    port = free_port()
    log = Path("/tmp") / f"bench-gunicorn-{port}.log"
    server = gunicorn(env, port, log, workers=int(os.environ.get("BENCH_WORKERS", "4")))
    server.start()
    results = {}
    try:
        wait_until_up(f"http://127.0.0.1:{port}", timeout=60)
        warm = int(os.environ.get("BENCH_WORKERS", "4")) * 3
        http_load(port, setup["token"], setup["body"], warm, 0.1)  # every worker loads policy and calendar
        for n in clients:
            results[f"http_{n}"] = http_load(port, setup["token"], setup["body"], n, seconds)
            results[f"ceiling_{n}"] = child("ceiling", url, str(n), str(seconds))
            results[f"ratio_{n}"] = round(results[f"http_{n}"]["per_s"] / results[f"ceiling_{n}"]["per_s"], 3)
    finally:
        server.stop()
    return results


def http_load(port: int, token: str, body: dict, clients: int, seconds: float) -> dict:
    import http.client

    samples: list[float] = []
    failures: list[int] = []
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def run():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, bad = [], []
        while time.monotonic() < stop:
            key = uuid.uuid4().hex
            payload = json.dumps({**body, "subject": f"{body['subject']} {key[:6]}",
                                  "complainant_phone": f"137{int(key[:8], 16) % 10**8:08d}"}).encode()
            t = time.perf_counter()
            conn.request("POST", "/api/cases", payload, {
                "Content-Type": "application/json", "Authorization": f"Bearer {token}", "Idempotency-Key": key})
            r = conn.getresponse()
            r.read()
            (mine if r.status == 201 else bad).append(time.perf_counter() - t if r.status == 201 else r.status)
        with lock:
            samples.extend(mine)
            failures.extend(bad)

    started = time.monotonic()
    threads = [threading.Thread(target=run) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {**summary(samples, time.monotonic() - started), "errors": len(failures)}


def child_token() -> dict:
    from django.contrib.auth import get_user_model

    from tousu.api.auth import issue_token
    from tousu.cases.management.commands.bench_data import load_texts, subject_of

    text = load_texts(200)[7]
    teller = get_user_model().objects.get(username="teller")
    return {"token": issue_token(teller, name="bench")[1], "body": {
        "unit": "outlet_wenyi", "channel": "phone", "stage": "after", "category": "waiting_time",
        "subject": subject_of(text), "description": text, "complainant_name": "孙女士",
        "complainant_phone": "13700001234"}}


def child_ceiling(clients: str, seconds: str) -> dict:
    """psycopg (or sqlite3) writing what one API create writes: the counter, the case, its
    complainant party, its register event, its reply clock and the idempotency key, one
    transaction per case."""
    import secrets
    from datetime import timedelta

    from django.conf import settings
    from django.contrib.auth import get_user_model

    from tousu.cases.events import event_hash
    from tousu.cases.management.commands.bench_data import SEEDED_CASE_COLUMNS, load_texts, subject_of
    from tousu.cases.search import case_terms
    from tousu.org.models import Unit
    from tousu.org.services import policy_version

    db = settings.DATABASES["default"]
    version = policy_version()
    teller = get_user_model().objects.get(username="teller").pk
    unit = Unit.objects.get(code="outlet_wenyi").pk
    text = load_texts(200)[7]
    cols = ", ".join(SEEDED_CASE_COLUMNS[1:])  # with the search terms, which a create computes too

    if db["ENGINE"].endswith("postgresql"):
        import psycopg

        def connect():
            return psycopg.connect(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], dbname=db["NAME"])
        mark = "%s"
    else:
        import sqlite3

        def connect():
            c = sqlite3.connect(db["NAME"], timeout=20, isolation_level=None)
            c.execute("PRAGMA journal_mode=WAL")
            c.execute("PRAGMA synchronous=NORMAL")
            return c
        mark = "?"

    def q(sql: str) -> str:
        return sql.replace("%s", mark)

    def one(conn) -> None:
        now = datetime.now(UTC)
        year = now.year
        if mark == "?":
            conn.execute("BEGIN IMMEDIATE")
            cur = conn
        else:
            cur = conn.cursor()
        cur.execute(q("INSERT INTO cases_casecounter (year, last) VALUES (%s, 0) ON CONFLICT (year) DO NOTHING"), (year,))
        last = cur.execute(q("UPDATE cases_casecounter SET last = last + 1 WHERE year = %s RETURNING last"),
                           (year,)).fetchone()[0]
        number = f"TS-{year}-{last:06d}"
        ts = now if mark == "%s" else now.replace(tzinfo=None).isoformat(" ")
        row = [number, secrets.token_urlsafe(9), "complaint", "phone", "after", "waiting_time", 3,
               subject_of(text), text, ts, teller, unit, None, unit, None, "", "", "孙女士", "13700001234", "", "",
               "", None, None, "received", 0, teller, None, "", None, None, "", "0", "", None, "", None, None,
               None, None, "", 0, False, 1, 0, "", ts, ts, True, "{}", version,
               case_terms(number=number, subject=subject_of(text), description=text, complainant_name="孙女士")]
        case_id = cur.execute(q(f"INSERT INTO cases_case ({cols}) VALUES ({', '.join(['%s'] * len(row))}) "
                                "RETURNING id"), row).fetchone()[0]
        cur.execute(q("INSERT INTO cases_caseparty (case_id, role, kind, name, address, phone, email, id_number, "
                      "product, served_how, added_at) VALUES (%s, 'complainant', 'person', '孙女士', '', "
                      "'13700001234', '', '', '', '', %s)"), (case_id, ts))
        new = {"number": number, "kind": "complaint", "state": "received", "channel": "phone", "stage": "after",
               "category": "waiting_time", "subject": subject_of(text), "receiving_unit": unit,
               "target_unit": None, "owner": teller, "level": 0, "requested_by": None, "promised_reply_at": None}
        digest = event_hash(case_id=case_id, seq=1, actor_id=teller, at=now, action="register", old={}, new=new,
                            note="", prev_hash="")
        cur.execute(q("INSERT INTO cases_caseevent (case_id, seq, actor_id, at, action, old, new, note, prev_hash, "
                      "hash) VALUES (%s, 1, %s, %s, 'register', '{}', %s, '', '', %s)"),
                    (case_id, teller, ts, json.dumps(new, ensure_ascii=False), digest))
        due = now + timedelta(days=3)
        due_v = due if mark == "%s" else due.replace(tzinfo=None).isoformat(" ")
        warn_v = (due - timedelta(minutes=240)) if mark == "%s" else (due - timedelta(minutes=240)).replace(
            tzinfo=None).isoformat(" ")
        cur.execute(q("INSERT INTO cases_clock (case_id, name, label, state, started_at, due_at, warn_at, provisional) "
                      "VALUES (%s, 'reply', '约定回复时限（三日内）', 'running', %s, %s, %s, %s)"),
                    (case_id, ts, due_v, warn_v, False))
        cur.execute(q("UPDATE cases_case SET event_count = 1, last_event_hash = %s WHERE id = %s"), (digest, case_id))
        cur.execute(q("INSERT INTO api_idempotencykey (user_id, key, request_hash, case_id, created_at) "
                      "VALUES (%s, %s, %s, %s, %s)"), (teller, uuid.uuid4().hex, digest, case_id, ts))
        conn.commit() if mark == "%s" else conn.execute("COMMIT")

    samples: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + float(seconds)

    failures: list[BaseException] = []

    def run():
        conn = connect()
        mine = []
        try:
            while time.monotonic() < stop:
                t = time.perf_counter()
                one(conn)
                mine.append(time.perf_counter() - t)
        except Exception as exc:  # e.g. a column the statements above do not know yet
            failures.append(exc)
        finally:
            conn.close()
        with lock:
            samples.extend(mine)

    started = time.monotonic()
    threads = [threading.Thread(target=run) for _ in range(int(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise failures[0]
    return summary(samples, time.monotonic() - started)


# --- the staff pages -------------------------------------------------------------------------

def child_pages(rounds: str) -> dict:
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client

    from tousu.cases.models import Case
    from tousu.org.models import Membership

    User = get_user_model()
    # The busiest outlet's complaint manager: the heaviest ordinary queue.
    busiest = (Case.objects.values("handling_unit").annotate(n=Count("pk")).order_by("-n").first()["handling_unit"])
    cm = Membership.objects.filter(unit_id=busiest, role__code="complaint_manager").first().user
    hq = User.objects.get(username="hq_service")
    ids = list(Case.objects.filter(handling_unit_id=busiest).order_by("?").values_list("pk", flat=True)[:int(rounds)])
    client = Client()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    pages = {
        "queue_default": (cm, lambda i: "/staff/"),
        "queue_filtered": (cm, lambda i: "/staff/?tab=units&state=in_progress&category=service_attitude"),
        "queue_all_hq": (hq, lambda i: "/staff/?tab=all"),
        "case_page": (cm, lambda i: f"/staff/cases/{ids[i % len(ids)]}/"),
        "search": (cm, lambda i: f"/staff/?tab=all&q={['排队', '态度', '收费', '服务'][i % 4]}"),
        "search_hq": (hq, lambda i: f"/staff/?tab=all&q={['排队', '态度', '收费', '服务'][i % 4]}"),
    }
    out = {"cases": Case.objects.count()}
    for name, (user, path) in pages.items():
        client.force_login(user)
        client.get(path(0))  # warm
        samples = []
        for i in range(int(rounds)):
            t = time.perf_counter()
            r = client.get(path(i))
            samples.append(time.perf_counter() - t)
            assert r.status_code == 200, (name, r.status_code)
        out[name] = {"p50": round(pct(samples, 50), 1), "p95": round(pct(samples, 95), 1)}
    return out


# --- the search box, before and after issue 14 ----------------------------------------------

SEARCH_QUERIES = ["排队", "态度", "收费", "服务", "服务态度", "退款 态度", "ＫＴＶ"]


def _legacy_search(qs, term, *, personal):
    """The search as it was before issue 14 (cases/selectors.py at 6c9481f): one substring,
    `icontains`; on SQLite no index, on PostgreSQL the GIN index. Kept here to measure beside."""
    from django.db import connections
    from django.db.models import BooleanField, ExpressionWrapper, Q, Value
    from django.db.models.functions import Coalesce

    from tousu.cases import search
    from tousu.cases.selectors import HasTerms

    found = Q(number__icontains=term) | Q(subject__icontains=term) | Q(description__icontains=term)
    if personal:
        found |= Q(complainant_name__icontains=term)
    terms = search.query_terms(term)
    if not terms or connections[qs.db].vendor != "postgresql":
        return qs.filter(found)
    indexed = Q(HasTerms(terms))
    if personal:
        indexed |= Q(HasTerms(search.name_terms(terms)))
    return qs.filter(indexed, Coalesce(ExpressionWrapper(found, output_field=BooleanField()), Value(False)))


def child_search(rounds: str) -> dict:
    """The complaint manager's and head office's search page (`/staff/?tab=all&q=...`) with the
    search of issue 14 and with the one before it, in one process on one database; and recall:
    the cases each finds over everything the complaint manager may see (the old search given
    each word of a query in turn, as the new one reads a space)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client

    from tousu.cases import selectors
    from tousu.cases.models import Case
    from tousu.org.models import Membership
    from tousu.org.services import current_policy

    User = get_user_model()
    busiest = (Case.objects.values("handling_unit").annotate(n=Count("pk")).order_by("-n").first()["handling_unit"])
    cm = Membership.objects.filter(unit_id=busiest, role__code="complaint_manager").first().user
    hq = User.objects.get(username="hq_service")
    new_search = selectors.search_cases
    client = Client()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    out = {"cases": Case.objects.count()}
    for version, function in (("before", _legacy_search), ("after", new_search)):
        selectors.search_cases = function
        for who, user in (("cm", cm), ("hq", hq)):
            client.force_login(user)
            client.get(f"/staff/?tab=all&q={SEARCH_QUERIES[0]}")  # warm
            samples, per_query = [], {}
            for i in range(int(rounds) * len(SEARCH_QUERIES)):
                q = SEARCH_QUERIES[i % len(SEARCH_QUERIES)]
                t = time.perf_counter()
                r = client.get("/staff/", {"tab": "all", "q": q})
                took = time.perf_counter() - t
                assert r.status_code == 200, (version, q, r.status_code)
                samples.append(took)
                per_query.setdefault(q, []).append(took)
            out[f"{version} {who}"] = {"p50": round(pct(samples, 50), 1), "p95": round(pct(samples, 95), 1),
                                       "p95 by query": {q: round(pct(v, 95), 1) for q, v in per_query.items()}}
            # The search's own queries, as the list runs them: the pager's capped count and the
            # first page's ids, newest first (the rest of the page, badges and rows, is the same
            # with or without a search).
            visible, policy, samples = selectors.cases_visible_to(user), current_policy(), []
            for i in range(int(rounds) * len(SEARCH_QUERIES)):
                q = SEARCH_QUERIES[i % len(SEARCH_QUERIES)]
                t = time.perf_counter()
                qs = selectors.order_cases(selectors.filter_cases(visible, policy=policy, personal=True, q=q))
                qs.order_by()[:251].count()
                list(qs.values_list("pk", flat=True)[:25])
                samples.append(time.perf_counter() - t)
            out[f"{version} {who} query"] = {"p50": round(pct(samples, 50), 1), "p95": round(pct(samples, 95), 1)}
    selectors.search_cases = new_search
    policy, visible = current_policy(), selectors.cases_visible_to(cm)
    recall = {}
    for q in SEARCH_QUERIES:
        after = set(selectors.filter_cases(visible, policy=policy, personal=True, q=q).values_list("pk", flat=True))
        before = visible
        for word in q.split():
            before = _legacy_search(before, word, personal=True)
        before = set(before.values_list("pk", flat=True))
        recall[q] = {"found": len(after), "old search": len(before), "missed": len(before - after)}
    out["recall (cm)"] = recall
    return out


def child_similar(rounds: str) -> dict:
    """The case page's similar open complaints (issue 14) for open cases of the busiest unit, as
    its complaint manager and as head office sees them."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from tousu.cases import selectors
    from tousu.cases.models import Case
    from tousu.org.models import Membership

    busiest = (Case.objects.values("handling_unit").annotate(n=Count("pk")).order_by("-n").first()["handling_unit"])
    cm = Membership.objects.filter(unit_id=busiest, role__code="complaint_manager").first().user
    hq = get_user_model().objects.get(username="hq_service")
    cases = list(Case.objects.filter(handling_unit_id=busiest, is_open=True).order_by("?")[:int(rounds)])
    out = {"cases": Case.objects.count(), "open": Case.objects.filter(is_open=True).count()}
    for who, user in (("cm", cm), ("hq", hq)):
        selectors.similar_open_cases(cases[0], user=user)  # warm
        samples, found = [], 0
        for case in cases:
            t = time.perf_counter()
            found += len(selectors.similar_open_cases(case, user=user))
            samples.append(time.perf_counter() - t)
        out[who] = {"n": len(samples), "p50": round(pct(samples, 50), 1), "p95": round(pct(samples, 95), 1),
                    "similar per case": round(found / max(len(cases), 1), 1)}
    return out


# --- the sweep -------------------------------------------------------------------------------

def child_sweep(due: str) -> dict:
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from django.db.models import Q

    from tousu.cases.models import Case, CaseEvent, Clock
    from tousu.cases.sweep import sweep

    now = timezone.now()
    open_ids = list(Case.objects.filter(is_open=True).order_by("?").values_list("pk", flat=True)[:int(due)])
    if len(open_ids) < int(due):  # a small database: take closed ones too (their breach escalates nothing)
        open_ids += list(Case.objects.exclude(pk__in=open_ids).order_by("?")
                         .values_list("pk", flat=True)[:int(due) - len(open_ids)])
    result = {}
    with transaction.atomic():
        soon = now + timedelta(hours=1)
        Clock.objects.filter(Q(due_at__lte=soon) | Q(warn_at__lte=soon), state=Clock.RUNNING).update(
            due_at=now + timedelta(days=30), warn_at=now + timedelta(days=29))  # only ours are due
        escalations_before = CaseEvent.objects.filter(action="escalate").count()
        Clock.objects.bulk_create([Clock(case_id=pk, name="reply", label="约定回复时限（三日内）", started_at=now - timedelta(days=3),
                                         due_at=now - timedelta(minutes=1), warn_at=now - timedelta(minutes=5))
                                   for pk in open_ids])
        t = time.perf_counter()
        done = {"warned": 0, "breached": 0}
        while True:
            step = sweep(now=now)
            done = {k: done[k] + step[k] for k in done}
            if not any(step.values()):
                break
        result = {"due": len(open_ids), **done, "seconds": round(time.perf_counter() - t, 2),
                  "escalated": CaseEvent.objects.filter(action="escalate").count() - escalations_before,
                  "open_cases": Case.objects.filter(is_open=True).count(), "cases": Case.objects.count()}
        transaction.set_rollback(True)
    return result


def child_lag(count: str) -> dict:
    """Clocks falling due a few seconds from now, a real `tousu worker` running: how long after
    its due time each is breached. Left in the database (a handful of clocks)."""
    from datetime import timedelta

    from django.utils import timezone

    from tousu.cases.models import Case, Clock

    worker = subprocess.Popen([str(BIN / "tousu"), "worker"], env=os.environ, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        time.sleep(3)
        now = timezone.now()
        ids = list(Case.objects.exclude(state__in=["closed", "withdrawn", "rejected"]).values_list("pk", flat=True)[
                   :int(count)])
        clocks = [Clock.objects.create(case_id=pk, name="bench_lag", label="bench lag", started_at=now,
                                       due_at=now + timedelta(seconds=2 + 2 * i),
                                       warn_at=now + timedelta(seconds=1 + 2 * i)) for i, pk in enumerate(ids)]
        deadline = time.monotonic() + 60 + 2 * len(ids)
        while time.monotonic() < deadline and Clock.objects.filter(
                pk__in=[c.pk for c in clocks], breached_at__isnull=True).exists():
            time.sleep(0.2)
        lags = [(c.breached_at - c.due_at).total_seconds() for c in Clock.objects.filter(pk__in=[c.pk for c in clocks])
                if c.breached_at]
    finally:
        worker.terminate()
        worker.wait(10)
    interval = float(os.environ.get("TOUSU_WORKER_INTERVAL", "5"))
    return {"clocks": len(ids), "breached": len(lags), "max_s": round(max(lags), 1) if lags else None,
            "mean_s": round(statistics.mean(lags), 1) if lags else None, "worker_interval_s": interval}


# --- the midnight burst ----------------------------------------------------------------------

# Working-day deadlines end at 24:00, so a large organisation's clocks fall due together. The
# burst gives `clocks` open cases of a copy of a seeded database a running reply clock, warned
# already, all due at one instant T a few seconds ahead, and lets real `tousu worker` processes
# sweep them. Measured: the time from T until the last of them is breached. Checked afterwards,
# with the workers stopped: each clock breached once, one lateness row each, an escalation
# exactly where the clock's policy escalates, every event chain whole.
BURST_CLOCK = "reply"


def burst(url: str, clocks: int, workers: int, lead: float) -> dict:
    import tempfile

    from tests.faults.helpers import clone_of

    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("--burst needs PostgreSQL: two workers share the clocks through SKIP LOCKED")
    with clone_of(url, Path(tempfile.mkdtemp(prefix="bench-burst-"))) as copy:
        return burst_into(copy, clocks, workers, lead)


def burst_into(url: str, clocks: int, workers: int, lead: float) -> dict:
    import psycopg

    from tests.faults.helpers import Process

    setup = child("burst_setup", url, str(clocks))
    # Copying the database (CREATE DATABASE ... TEMPLATE writes every page to the WAL) leaves
    # gigabytes to write out: a checkpoint and a sync now, or the burst pays for the copy.
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CHECKPOINT")
    os.sync()
    load = round(os.getloadavg()[0], 2)  # other work on the machine (1-minute load average)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tousu.settings",
           "TOUSU_LOG_LEVEL": "WARNING", "TOUSU_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    logs = [Path("/tmp") / f"bench-burst-{os.getpid()}-worker{i}.log" for i in range(workers)]
    procs = [Process([str(BIN / "tousu"), "worker", "--interval", "0.2"], env, log) for log in logs]
    for proc in procs:
        proc.start()
    remaining_sql = ("SELECT clock_timestamp(), count(*) FROM cases_clock "
                     "WHERE due_at = %s AND state = 'running' AND breached_at IS NULL")
    marks: dict[str, float] = {}
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            time.sleep(5)  # the workers are up and sweeping; nothing of ours is due yet
            for proc, log in zip(procs, logs, strict=True):
                if proc.proc.poll() is not None:
                    raise SystemExit(f"a worker did not start:\n{log.read_text(errors='replace')[-3000:]}")
            due = conn.execute("SELECT clock_timestamp() + make_interval(secs => %s)", [lead]).fetchone()[0]
            conn.execute("UPDATE cases_clock SET due_at = %(due)s, warn_at = %(due)s - interval '240 minutes' "
                         "WHERE id IN (SELECT clock_id FROM bench_burst)", {"due": due})
            armed, left = conn.execute(remaining_sql, [due]).fetchone()
            assert armed < due and left == clocks, f"armed at {armed} for {due} with {left} of {clocks}: raise --burst-lead"
            time.sleep(max(0.0, (due - armed).total_seconds()))
            give_up = time.monotonic() + 600
            while left and time.monotonic() < give_up and all(proc.proc.poll() is None for proc in procs):
                time.sleep(0.1)
                seen, left = conn.execute(remaining_sql, [due]).fetchone()
                done = (clocks - left) / clocks
                for name, share in (("half_s", 0.5), ("p90_s", 0.9), ("last_s", 1.0)):
                    if done >= share and name not in marks:
                        marks[name] = round((seen - due).total_seconds(), 1)
            cpu = [round(cpu_seconds(proc.proc.pid), 1) for proc in procs]
    finally:
        for proc in procs:
            proc.stop()
    errors = sum(log.read_text(errors="replace").count("Traceback") for log in logs if log.exists())
    result = {**setup, "workers": workers, "remaining": left, **marks,
              "per_s": round(clocks / marks["last_s"], 1) if marks.get("last_s") else None,
              "worker_cpu_s": cpu, "load_before": load, "worker_errors": errors, **child("burst_check", url)}
    return result


def cpu_seconds(pid: int) -> float:
    """User and system CPU a process has used (Linux), to tell a slow path from a busy machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def child_burst_setup(count: str) -> dict:
    """Give `count` open cases (drawn at random) a running reply clock, warned already and due a
    month ahead until the burst arms it, and list them in a table bench_burst with what the
    checks need: the case's event count before, and whether the breach must escalate it (the
    clock's on_breach action is one the system may take in the case's state, below the top of
    the ladder). Every other clock that would fall due within a day moves a month on, and the
    reports due now are produced first, so the workers have only the burst to do."""
    import random
    from collections import Counter
    from datetime import timedelta

    from django.db import connection, transaction
    from django.db.models import F, Q
    from django.utils import timezone

    from tousu.cases.models import Case, Clock
    from tousu.domain.policy import SYSTEM, Refusal
    from tousu.org.services import current_policy
    from tousu.reports.schedule import run_schedule

    run_schedule()
    policy, now = current_policy(), timezone.now()
    month, day = timedelta(days=30), timedelta(days=1)
    candidates = list(Case.objects.filter(is_open=True).order_by("pk")
                      .values_list("pk", "kind", "state", "level", "event_count"))
    assert len(candidates) >= int(count), f"only {len(candidates)} open cases"
    chosen = random.Random(20261201).sample(candidates, int(count))

    def escalates(kind_code: str, state: str, level: int) -> bool:
        kind = policy.kind(kind_code)
        action = kind.clock(BURST_CLOCK).on_breach
        if not action or not any(e.name == "escalate" for e in kind.actions[action].effects):
            return False
        try:
            kind.check(action, state, {SYSTEM}, policy)
        except Refusal:
            return False
        return level < policy.ladder_of(kind_code)[-1].level

    with transaction.atomic():
        Clock.objects.filter(Q(breached_at__isnull=True, due_at__lte=now + day)
                             | Q(warned_at__isnull=True, warn_at__lte=now + day), state=Clock.RUNNING).update(
            due_at=F("due_at") + month, warn_at=F("warn_at") + month)
        spec = policy.kind().clock(BURST_CLOCK)
        made = Clock.objects.bulk_create([
            Clock(case_id=pk, name=spec.name, label=spec.label, started_at=now - timedelta(days=3),
                  due_at=now + month, warn_at=now + month - timedelta(minutes=240), warned_at=now)
            for pk, *_rest in chosen], batch_size=2000)
        with connection.cursor() as cur:
            cur.execute("CREATE TABLE bench_burst (clock_id bigint PRIMARY KEY, case_id bigint NOT NULL, "
                        "events_before int NOT NULL, escalates boolean NOT NULL)")
            cur.executemany("INSERT INTO bench_burst VALUES (%s, %s, %s, %s)", [
                (clock.pk, pk, events, escalates(kind, state, level))
                for clock, (pk, kind, state, level, events) in zip(made, chosen, strict=True)])
    with connection.cursor() as cur:
        cur.execute("ANALYZE cases_clock")
        cur.execute("ANALYZE bench_burst")
    return {"cases": Case.objects.count(), "open_cases": len(candidates), "clocks": len(made),
            "states": dict(Counter(state for _pk, _kind, state, *_rest in chosen).most_common()),
            "expected_escalations": sum(escalates(k, s, lv) for _pk, k, s, lv, _e in chosen)}


def child_burst_check() -> dict:
    """Exactly once, read from the events each burst case got after the setup."""
    from django.db import connection

    from tousu.cases.events import verify_all
    from tousu.cases.models import Case

    with connection.cursor() as cur:
        cur.execute("""
            SELECT b.clock_id, b.escalates, k.breached_at IS NOT NULL,
                   count(e.id) FILTER (WHERE e.action = 'clock_breached'),
                   count(e.id) FILTER (WHERE e.action = 'escalate'),
                   count(e.id) FILTER (WHERE e.action NOT IN ('clock_breached', 'escalate')),
                   (SELECT count(*) FROM cases_lateness l WHERE l.clock_id = b.clock_id)
            FROM bench_burst b JOIN cases_clock k ON k.id = b.clock_id
            LEFT JOIN cases_caseevent e ON e.case_id = b.case_id AND e.seq > b.events_before
            GROUP BY b.clock_id, b.escalates, k.breached_at""")
        rows = cur.fetchall()
        cur.execute("SELECT case_id FROM bench_burst")
        case_ids = [pk for (pk,) in cur.fetchall()]
        cur.execute("SELECT count(*), count(*) FILTER (WHERE n.state = 'pending') FROM notify_notification n "
                    "WHERE n.case_id IN (SELECT case_id FROM bench_burst)")
        notices, pending = cur.fetchone()
    broken = sum(1 for _ in verify_all(Case.objects.filter(pk__in=case_ids).order_by("pk")))
    return {
        "clocks_breached": sum(1 for r in rows if r[2]),
        "breached_events": sum(r[3] for r in rows),
        "breached_twice": sum(1 for r in rows if r[3] > 1),
        "lateness_rows": sum(r[6] for r in rows),
        "escalations": sum(r[4] for r in rows),
        "escalation_mismatches": sum(1 for r in rows if r[4] != (1 if r[1] else 0)),
        "other_events": sum(r[5] for r in rows),
        "broken_chains": broken,
        "notices_queued": notices, "notices_pending_at_stop": pending,
        "exactly_once": all(r[2] and r[3] == 1 and r[6] == 1 and r[4] == (1 if r[1] else 0) for r in rows)
        and broken == 0,
    }


# --- the reports beside a hand-written GROUP BY -------------------------------------------------

# The figures of a period in one statement, per group: each case of the period and of the period
# before placed in its group (the responsible unit's path under the group unit's: a department
# for the weekly records, the root for the monthly report), then counted. The repeat test, by the
# rule of tousu.cases.selectors (REPEAT_MATCHES, session 5): a strictly earlier case within 30 days
# with the same phone (a window count; the RANGE frame ends 1 microsecond before the case), or a
# same-matter pair (cases_samematter, written at registration) whose earlier case has the same
# category and the same handling unit or responsible employee. The verdict is the latest
# satisfied / not satisfied call-back event.
HAND_SQL = """
WITH grp AS (SELECT id AS grp, path FROM org_unit WHERE id = ANY(%(groups)s)),
w AS (
  SELECT id, CASE WHEN complainant_phone <> '' THEN count(*) OVER (
           PARTITION BY complainant_phone ORDER BY received_at
           RANGE BETWEEN interval '30 days' PRECEDING AND interval '1 microsecond' PRECEDING) END AS by_phone,
         category <> '' AND EXISTS (
           SELECT 1 FROM cases_samematter m JOIN cases_case e ON e.id = m.earlier_id
           WHERE m.later_id = x.id AND e.category = x.category
             AND (e.handling_unit_id = x.handling_unit_id OR e.responsible_employee_id = x.responsible_employee_id)
             AND e.received_at < x.received_at AND e.received_at >= x.received_at - interval '30 days') AS same_matter
  FROM cases_case x WHERE received_at >= %(pstart)s - interval '30 days' AND received_at < %(end)s),
c AS (
  SELECT c.id, g.grp, c.received_at >= %(start)s AS cur, c.state, c.category, c.channel, c.stage, c.level,
         c.reopen_count, COALESCE(c.target_unit_id, c.receiving_unit_id) AS ru
  FROM cases_case c
  JOIN org_unit u ON u.id = COALESCE(c.target_unit_id, c.receiving_unit_id)
  JOIN grp g ON u.path LIKE g.path || '%%'
  WHERE c.received_at >= %(pstart)s AND c.received_at < %(end)s),
v AS (
  SELECT DISTINCT ON (e.case_id) e.case_id, e.new ->> 'callback_result' AS verdict
  FROM cases_caseevent e JOIN c ON c.id = e.case_id
  WHERE e.action = 'record_callback' AND e.new ->> 'callback_result' IN ('satisfied', 'not_satisfied')
  ORDER BY e.case_id, e.seq DESC),
r AS (
  SELECT c.*, v.verdict, (w.by_phone > 0 OR w.same_matter) AS repeat
  FROM c JOIN w ON w.id = c.id LEFT JOIN v ON v.case_id = c.id)
SELECT 'summary', grp, cur, NULL, count(*),
       count(*) FILTER (WHERE state IN ('accepted','in_progress','replied','confirmed','closed')),
       count(*) FILTER (WHERE state = 'closed'), count(*) FILTER (WHERE reopen_count > 0),
       count(*) FILTER (WHERE verdict IS NOT NULL), count(*) FILTER (WHERE verdict = 'satisfied'),
       count(*) FILTER (WHERE repeat)
  FROM r GROUP BY grp, cur
UNION ALL SELECT 'by_category', grp, true, category, count(*), 0, 0, 0, 0, 0, 0 FROM r WHERE cur GROUP BY grp, category
UNION ALL SELECT 'by_channel', grp, true, channel, count(*), 0, 0, 0, 0, 0, 0 FROM r WHERE cur GROUP BY grp, channel
UNION ALL SELECT 'by_stage', grp, true, stage, count(*), 0, 0, 0, 0, 0, 0 FROM r WHERE cur GROUP BY grp, stage
UNION ALL SELECT 'by_level', grp, true, level::text, count(*), 0, 0, 0, 0, 0, 0 FROM r WHERE cur GROUP BY grp, level
UNION ALL SELECT 'by_unit', grp, true, ru::text, count(*), 0, 0, 0, 0, 0, 0 FROM r WHERE cur GROUP BY grp, ru
UNION ALL SELECT 'clock', g.grp, true, k.name, count(*),
       count(*) FILTER (WHERE k.breached_at IS NULL AND k.state = 'stopped' AND k.stopped_at <= k.due_at),
       0, 0, 0, 0, 0
  FROM cases_clock k JOIN cases_case c ON c.id = k.case_id
  JOIN org_unit u ON u.id = COALESCE(c.target_unit_id, c.receiving_unit_id)
  JOIN grp g ON u.path LIKE g.path || '%%'
  WHERE k.due_at >= %(start)s AND k.due_at < %(end)s AND k.state <> 'paused'
    AND (k.state = 'stopped' OR k.due_at <= %(as_of)s)
  GROUP BY g.grp, k.name
"""

# The weekly form's rows: every case of the week, per department, in received order, with its handler.
HAND_ROWS_SQL = """
SELECT g.id, c.number, c.received_at, c.complainant_name, c.complainant_phone, c.subject, c.description,
       c.category, c.resolution, c.reply, c.state, c.callback_result, o.first_name, o.last_name, o.username
FROM cases_case c
JOIN org_unit u ON u.id = COALESCE(c.target_unit_id, c.receiving_unit_id)
JOIN org_unit g ON g.id = ANY(%(groups)s) AND u.path LIKE g.path || '%%'
JOIN auth_user o ON o.id = c.owner_id
WHERE c.received_at >= %(start)s AND c.received_at < %(end)s
ORDER BY g.id, c.received_at, c.id
"""
FIGURES = ("by_category", "by_channel", "by_stage", "by_level", "by_unit", "clock")


def hand_report(groups: list, start, end, pstart, as_of, *, rows: bool) -> dict:
    """The hand-written queries' answer, {group unit id: figures}, shaped like `report_figures`."""
    from django.db import connection

    out: dict = {g: {"summary": {"current": None, "previous": None}, **{k: {} for k in FIGURES}, "rows": []}
                 for g in groups}
    params = {"groups": groups, "start": start, "end": end, "pstart": pstart, "as_of": as_of}
    with connection.cursor() as cur:
        cur.execute(HAND_SQL, params)
        for kind, group, current, key, *n in cur.fetchall():
            if kind == "summary":
                out[group]["summary"]["current" if current else "previous"] = tuple(n)
            elif kind == "clock":
                out[group]["clock"][key] = (n[0], n[1])
            else:
                out[group][kind][key] = n[0]
        if rows:
            cur.execute(HAND_ROWS_SQL, params)
            for group, number, *_rest in cur.fetchall():
                out[group]["rows"].append(number)
    return out


def report_figures(data: dict) -> dict:
    """The same figures read from what `reports.services.compute()` returned."""
    from tousu.org.models import Unit

    def summary(s: dict) -> tuple | None:
        rates = s["rates"]
        return (s["total"], rates["response"]["num"], rates["resolution"]["num"], s["reopened"],
                rates["satisfaction"]["den"], rates["satisfaction"]["num"], rates["repeat"]["num"]) \
            if s["total"] else None  # the hand query has no row for an empty period

    units = {u.code: str(u.pk) for u in Unit.objects.all()}
    out = {"summary": {"current": summary(data), "previous": summary(data["previous"])},
           "by_unit": {units[r["code"]]: r["count"] for r in data["by_unit"]},
           "clock": {c["name"]: (c["due"], c["on_time"]) for c in data["clocks"]},
           "rows": [r["number"] for r in data.get("rows", [])]}
    for key in ("by_category", "by_channel", "by_stage", "by_level"):
        out[key] = {r["code"]: r["count"] for r in data[key]}
    return out


def same_figures(name: str, mine: dict, theirs: dict) -> None:
    """Stop the benchmark when the code and the hand query disagree: a wrong hand query must
    not flatter the ratio."""
    assert mine == theirs, f"{name}: the figures differ\n code {mine}\n hand {theirs}"


def write_pairs(start, end) -> dict:
    """`bench-data` writes no same-matter pairs, and the repeat rule counts a category repeat only
    through them: the pairs of every case received in [start, end), written the way registration
    writes them (`cases.matters.link`), so that both the code and the hand query count repeats
    through real pairs. Once per span: skipped when a case of the span already has its pairs."""
    from django.db import transaction

    from tousu.cases import matters
    from tousu.cases.models import Case, SameMatter
    from tousu.org.services import current_policy

    if SameMatter.objects.filter(later__received_at__gte=start, later__received_at__lt=end).exists():
        return {"pairs_written": 0, "pairs_cases": 0, "pairs_s": 0.0}
    policy = current_policy()
    t, written, cases = time.perf_counter(), 0, 0
    for case in Case.objects.filter(received_at__gte=start, received_at__lt=end).order_by("pk").iterator():
        with transaction.atomic():
            written += len(matters.link(case, policy.kind(case.kind).repeat_window_days))
        cases += 1
    return {"pairs_written": written, "pairs_cases": cases, "pairs_s": round(time.perf_counter() - t, 1)}


def child_report(rounds: str) -> dict:
    """Last month's report (`reports.services.compute()`, as the worker does on the 15th, without
    storing it) beside the hand SQL over the root unit, which holds every case."""
    from django.utils import timezone

    from tousu.org.models import Unit
    from tousu.org.services import org_timezone
    from tousu.reports import services
    from tousu.reports.periods import month_of

    tz = org_timezone()
    now = timezone.now()
    period = month_of(now.astimezone(tz).date()).previous()
    start, end = period.bounds(tz)
    pstart, _pend = period.previous().bounds(tz)
    roots = list(Unit.objects.filter(parent__isnull=True).values_list("pk", flat=True))
    assert len(roots) == 1, "the comparison expects one root unit (the bench-data bank)"
    pairs = write_pairs(pstart, end)
    orm, hand = [], []
    for _ in range(int(rounds)):
        t = time.perf_counter()
        data = services.compute(period, None, now=now)
        orm.append(time.perf_counter() - t)
        t = time.perf_counter()
        expected = hand_report(roots, start, end, pstart, now, rows=False)
        hand.append(time.perf_counter() - t)
    same_figures(f"monthly {period.code}", report_figures(data), expected[roots[0]])
    return {"month": period.code, "cases_in_month": data["total"], "orm_p50_ms": round(pct(orm, 50), 1),
            "hand_p50_ms": round(pct(hand, 50), 1), "ratio": round(pct(orm, 50) / pct(hand, 50), 2),
            "same_counts": True, "repeats": data["rates"]["repeat"]["num"], **pairs}


def child_weekly(rounds: str) -> dict:
    """The weekly run (every department's record of last week, as the worker computes them on
    Monday with `reports.services.compute_units()`, without storing them) and the busiest
    department's alone (`services.compute()`, as `tousu report weekly --unit` does), each beside
    the hand-written SQL. The two must give the same figures and rows, or the benchmark stops."""
    from django.utils import timezone

    from tousu.org.services import org_timezone
    from tousu.reports import services
    from tousu.reports.periods import week_of

    tz = org_timezone()
    now = timezone.now()
    period = week_of(now.astimezone(tz).date()).previous()
    start, end = period.bounds(tz)
    pstart, _pend = period.previous().bounds(tz)
    units = services.weekly_units()
    out = {"week": period.code, "departments": len(units), **write_pairs(pstart, end)}
    busiest = units[0]
    for name in ("all", "busiest"):
        chosen = units if name == "all" else [busiest]
        orm, hand = [], []
        for _ in range(int(rounds)):
            t = time.perf_counter()
            got = (services.compute_units(period, chosen, now=now) if name == "all"
                   else {busiest.pk: services.compute(period, busiest, now=now)})
            orm.append(time.perf_counter() - t)
            t = time.perf_counter()
            expected = hand_report([u.pk for u in chosen], start, end, pstart, now, rows=True)
            hand.append(time.perf_counter() - t)
        for u in chosen:
            same_figures(f"weekly {period.code} {u.code}", report_figures(got[u.pk]), expected[u.pk])
        if name == "all":  # the department with the most cases this week
            busiest = max(units, key=lambda u: got[u.pk]["total"])
        out[name] = {"unit": busiest.code if name == "busiest" else None,
                     "cases": sum(got[u.pk]["total"] for u in chosen),
                     "orm_p50_ms": round(pct(orm, 50), 1), "hand_p50_ms": round(pct(hand, 50), 1),
                     "ratio": round(pct(orm, 50) / pct(hand, 50), 2), "same_figures": True}
    return out


# --- the report file -------------------------------------------------------------------------

def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1048576:.1f} GiB RAM"
    except (OSError, ValueError):
        pass
    return f"{platform.node()}: {os.cpu_count()} CPU ({cpu}){mem}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def db_version(url: str) -> str:
    if url.startswith("sqlite://"):
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version} (WAL)"
    import psycopg

    with psycopg.connect(url) as c:
        return c.execute("SELECT version()").fetchone()[0].split(" on ")[0]


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "_child":
        import django

        django.setup()
        part, extra = sys.argv[2], sys.argv[3:]
        print(json.dumps(globals()[f"child_{part}"](*extra), ensure_ascii=False))
        return
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--intake", nargs="*", default=[], help="databases for intake over HTTP")
    p.add_argument("--clients", default="1,8")
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--pages", nargs="*", default=[])
    p.add_argument("--rounds", default="30")
    p.add_argument("--sweep", nargs="*", default=[])
    p.add_argument("--lag", nargs="*", default=[])
    p.add_argument("--burst", nargs="*", default=[], help="databases (PostgreSQL) for the midnight burst")
    p.add_argument("--burst-clocks", type=int, default=10000)
    p.add_argument("--burst-workers", type=int, default=2)
    p.add_argument("--burst-lead", type=float, default=5.0, help="seconds from arming the clocks to T")
    p.add_argument("--search", nargs="*", default=[], help="databases for the search, before and after issue 14")
    p.add_argument("--similar", nargs="*", default=[], help="databases for the similar-case lookup")
    p.add_argument("--report", nargs="*", default=[], help="databases for the monthly report")
    p.add_argument("--weekly", nargs="*", default=[], help="databases for the weekly record")
    p.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    p.add_argument("--note", default="")
    a = p.parse_args()
    results: dict = {}
    parts = [("intake", a.intake, lambda url: intake(url, [int(c) for c in a.clients.split(",")], a.seconds)),
             ("pages", a.pages, lambda url: child("pages", url, a.rounds)),
             ("search", a.search, lambda url: child("search", url, a.rounds)),
             ("similar", a.similar, lambda url: child("similar", url, "50")),
             ("sweep", a.sweep, lambda url: child("sweep", url, "1000")),
             ("lag", a.lag, lambda url: child("lag", url, "5")),
             ("burst", a.burst, lambda url: burst(url, a.burst_clocks, a.burst_workers, a.burst_lead)),
             ("report", a.report, lambda url: child("report", url, "3")),
             ("weekly", a.weekly, lambda url: child("weekly", url, "3"))]
    for name, urls, run in parts:
        for url in urls:
            results[f"{name} {label(url)}"] = run(url)
            print(json.dumps(results[f"{name} {label(url)}"], ensure_ascii=False), flush=True)
    urls = sorted({url for _name, part_urls, _run in parts for url in part_urls})
    with open(a.out, "a", encoding="utf-8") as fh:
        fh.write(f"\n### Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n\n- machine: {machine()}\n")
        for u in urls:
            fh.write(f"- {label(u)}: {db_version(u)}\n")
        if a.note:
            fh.write(f"- note: {a.note}\n")
        fh.write("\n```json\n" + json.dumps(results, ensure_ascii=False, indent=1) + "\n```\n")


def label(url: str) -> str:
    """bench_10k for a PostgreSQL URL; bsq10k/tousu.sqlite3 for a SQLite file (every SQLite
    database is called tousu.sqlite3, so its folder tells them apart)."""
    if url.startswith("sqlite://"):
        return "/".join(url.removeprefix("sqlite://").rstrip("/").rsplit("/", 2)[-2:])
    return url.rsplit("/", 1)[-1]


if __name__ == "__main__":
    main()
