"""The whole staff list page (`/staff/`), with and without a search, as the busiest outlet's
complaint manager: the figure of issue 14's "search page on SQLite under 100 ms at p95".

    DATABASE_URL=... (or TOUSU_DATA_DIR=... for SQLite) TOUSU_SECRET_KEY=x TOUSU_CHAIN_KEY=bench-chain-key \\
        DJANGO_SETTINGS_MODULE=tousu.settings python bench/staff_page.py [TREE] [ROUNDS]

TREE is the checkout whose `tousu` is measured (this one by default: give another checkout's root
to measure its code on the same database, e.g. before and after a change). Prints one JSON line:
per page p50/p95 over ROUNDS requests of each search (bench/run.py's SEARCH_QUERIES), the
queries and their SQL time, and the machine's load average at the start and the end.
"""

import json
import os
import sys
import time
from pathlib import Path


def pct(samples, p):
    s = sorted(samples)
    return round(s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))] * 1000, 1)


def main() -> None:
    here = Path(__file__).resolve().parents[1]
    root = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] else str(here)
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    sys.path.insert(0, root)
    os.chdir(root)
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    import tousu
    from tousu.cases.models import Case
    from tousu.org.models import Membership

    assert tousu.__file__.startswith(root), tousu.__file__
    sys.path.insert(0, str(here / "bench"))
    from run import SEARCH_QUERIES

    load_before = os.getloadavg()
    busiest = Case.objects.values("handling_unit").annotate(n=Count("pk")).order_by("-n").first()["handling_unit"]
    reader = Membership.objects.filter(unit_id=busiest, role__code="complaint_manager").first().user
    client = Client()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    client.force_login(reader)
    st = {"sql": 0.0, "n": 0}

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            st["sql"] += time.perf_counter() - started
            st["n"] += 1

    pages = {"no search": [{}], "search": [{"tab": "all", "q": q} for q in SEARCH_QUERIES]}
    out = {"cases": Case.objects.count(), "vendor": connection.vendor}
    with connection.execute_wrapper(timed):
        for name, params in pages.items():
            for p in params:
                client.get("/staff/", p)  # warm
            samples, sql, queries = [], [], []
            for _ in range(rounds):
                for p in params:
                    st.update(sql=0.0, n=0)
                    started = time.perf_counter()
                    response = client.get("/staff/", p)
                    samples.append(time.perf_counter() - started)
                    assert response.status_code == 200, (p, response.status_code)
                    sql.append(st["sql"])
                    queries.append(st["n"])
            out[name] = {"n": len(samples), "p50": pct(samples, 50), "p95": pct(samples, 95),
                         "sql_p50": pct(sql, 50), "queries": sorted(queries)[len(queries) // 2]}
    out["load"] = [round(x, 1) for x in (*load_before, *os.getloadavg())]
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
