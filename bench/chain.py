"""Benchmark of `tousu verify-events` (issue 15, point 6); results appended to docs/performance.md.

    TOUSU_CHAIN_KEY=... python bench/chain.py URL [URL ...] [--changes 1000] [--out FILE]

Each URL is a DATABASE_URL seeded by `tousu bench-data` with the same TOUSU_CHAIN_KEY. For each
database, in one process: the full check of every chain (links, keyed hashes, heads, the replay
of each case row), writing its heads to an anchor file (`--export-heads`), then `--changes`
notes added to random cases through the real action (`actions.add_note`, by each case's
owner) and a second new case for every hundred, and the incremental check against the anchor
(`--since-anchor`). The changes are rolled back at the end, so a database can be measured
again. The times are wall-clock seconds on a machine shared with other work.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


class _Rollback(Exception):
    pass


def measure(changes: int) -> dict:
    from django.db import transaction

    from tousu.cases import actions, chain
    from tousu.cases.errors import Refused
    from tousu.cases.events import chain_key
    from tousu.cases.models import Case, CaseEvent

    out: dict = {"cases": Case.objects.count(), "events": CaseEvent.objects.count()}
    started = time.monotonic()
    result = chain.verify(keep_heads=True)
    seconds = time.monotonic() - started
    assert not result.broken, result.broken[:3]
    out["full"] = {"seconds": round(seconds, 1), "cases_per_s": round(result.checked / seconds),
                   "events_per_s": round(result.events / seconds)}
    with tempfile.TemporaryDirectory() as folder:
        anchor_path = Path(folder) / "heads.tsv"
        started = time.monotonic()
        chain.write_anchor(anchor_path, result.heads, chain_key())
        out["export_heads"] = {"seconds": round(time.monotonic() - started, 1),
                               "anchor_mb": round(anchor_path.stat().st_size / 1e6, 1)}
        rng = random.Random(15)
        top = Case.objects.order_by("-pk").values_list("pk", flat=True).first()
        try:
            with transaction.atomic():
                started = time.monotonic()
                done = 0
                while done < changes:
                    case = Case.objects.filter(pk=rng.randint(1, top)).select_related("owner").first()
                    if case is None:
                        continue
                    try:
                        actions.add_note(actor=case.owner, case_id=case.pk, text="基准测试备注")
                    except Refused:  # a withdrawn or rejected case takes no note: draw another
                        continue
                    done += 1
                    if done % 100 == 0:
                        actions.register_case(actor=case.owner, unit=case.receiving_unit, channel="phone",
                                              subject="基准测试", description="基准测试", complainant_name="测试")
                out["changes"] = {"notes": changes, "new_cases": changes // 100,
                                  "seconds": round(time.monotonic() - started, 1)}
                started = time.monotonic()
                anchor = chain.read_anchor(anchor_path)
                loaded = time.monotonic() - started
                result, found = chain.since_anchor(anchor)
                assert not result.broken, result.broken[:3]
                out["since_anchor"] = {"seconds": round(time.monotonic() - started, 1),
                                       "of_which_reading_anchor": round(loaded, 1),
                                       "changed_cases": len(found.changed), "events_checked": result.events}
                raise _Rollback
        except _Rollback:
            pass
    return out


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "_child":
        import django

        django.setup()
        print(json.dumps(measure(int(sys.argv[2])), ensure_ascii=False))
        return
    import subprocess

    from run import db_version, label, machine

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("urls", nargs="+")
    p.add_argument("--changes", type=int, default=1000)
    p.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    p.add_argument("--note", default="")
    a = p.parse_args()
    if not os.environ.get("TOUSU_CHAIN_KEY"):
        raise SystemExit("Set TOUSU_CHAIN_KEY to the key the databases were seeded with.")
    results = {}
    for url in a.urls:
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tousu.settings",
               "TOUSU_LOG_LEVEL": "WARNING", "TOUSU_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
        done = subprocess.run([sys.executable, __file__, "_child", str(a.changes)], env=env, cwd=ROOT,
                              capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"{url} failed:\n{done.stderr[-3000:]}")
        results[f"verify-events {label(url)}"] = json.loads(done.stdout.strip().splitlines()[-1])
        print(json.dumps(results[f"verify-events {label(url)}"], ensure_ascii=False), flush=True)
    with open(a.out, "a", encoding="utf-8") as fh:
        fh.write(f"\n### Event chain run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n\n- machine: {machine()}\n")
        for url in a.urls:
            fh.write(f"- {label(url)}: {db_version(url)}\n")
        if a.note:
            fh.write(f"- note: {a.note}\n")
        fh.write("\n```json\n" + json.dumps(results, ensure_ascii=False, indent=1) + "\n```\n")


if __name__ == "__main__":
    main()
