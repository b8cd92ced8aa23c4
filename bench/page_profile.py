"""Where the time of the filtered work list and the case page goes (docs/performance.md, session 4).

    DATABASE_URL=... TOUSU_SECRET_KEY=x TOUSU_CHAIN_KEY=bench-chain-key DJANGO_SETTINGS_MODULE=tousu.settings \\
        python bench/page_profile.py [TREE] [ROUNDS]

TREE is the checkout whose `tousu` is measured (this one by default: give another checkout's
root to measure its code against the same database). Prints, per page, the median of ROUNDS
requests: total, queries, SQL wall time (every query timed by an execute wrapper), template
rendering less the SQL run from inside it, and the rest (Python: middleware, view, ORM). The
pages and the reader are those of `bench/run.py --pages`.
"""

import json
import os
import sys
import time
from pathlib import Path


def main() -> None:
    root = sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).resolve().parents[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    sys.path.insert(0, root)
    os.chdir(root)
    import django

    django.setup()
    import django.template.backends.django as backend
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    import tousu
    from tousu.cases.models import Case
    from tousu.org.models import Membership

    assert tousu.__file__.startswith(root), tousu.__file__
    busiest = Case.objects.values("handling_unit").annotate(n=Count("pk")).order_by("-n").first()["handling_unit"]
    reader = Membership.objects.filter(unit_id=busiest, role__code="complaint_manager").first().user
    ids = list(Case.objects.filter(handling_unit_id=busiest).order_by("pk").values_list("pk", flat=True)[::331][:60])
    client = Client()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    client.force_login(reader)
    st = {"sql": 0.0, "n": 0, "tpl": 0.0, "sql_tpl": 0.0, "in_tpl": False}

    def timed_query(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - started
            st["sql"] += spent
            st["n"] += 1
            if st["in_tpl"]:
                st["sql_tpl"] += spent

    original = backend.Template.render

    def timed_render(self, *args, **kwargs):
        if st["in_tpl"]:
            return original(self, *args, **kwargs)
        st["in_tpl"], started = True, time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            st["tpl"] += time.perf_counter() - started
            st["in_tpl"] = False

    backend.Template.render = timed_render
    pages = {"queue_filtered": lambda i: "/staff/?tab=units&state=in_progress&category=service_attitude",
             "case_page": lambda i: f"/staff/cases/{ids[i % len(ids)]}/"}
    out = {}
    with connection.execute_wrapper(timed_query):
        for name, path in pages.items():
            client.get(path(0))  # warm
            rows = []
            for i in range(rounds):
                st.update(sql=0.0, tpl=0.0, sql_tpl=0.0, n=0)
                started = time.perf_counter()
                response = client.get(path(i))
                total = time.perf_counter() - started
                assert response.status_code == 200, (name, response.status_code)
                rows.append((total, st["n"], st["sql"], st["tpl"] - st["sql_tpl"]))

            def median(column, rows=rows):
                return sorted(row[column] for row in rows)[len(rows) // 2]

            total, queries, sql, template = (median(j) for j in range(4))
            out[name] = {"p50": round(total * 1000, 1),
                         "p95": round(sorted(r[0] for r in rows)[int(0.95 * (len(rows) - 1))] * 1000, 1),
                         "queries": queries, "sql_ms": round(sql * 1000, 1), "template_ms": round(template * 1000, 1),
                         "python_ms": round((total - sql - template) * 1000, 1)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
