"""kill -9 a `tousu worker` in the middle of a sweep, restart it, and again: afterwards each due
clock was warned exactly once and breached exactly once, with one lateness record and one
escalation, and every event chain is whole."""

from __future__ import annotations

import json
import time

from .helpers import BIN, Process, clone_of, env_for, register_past_due, run_python, scalar

CASES, KILLS = 40, 3


def test_killing_the_worker_mid_sweep_acts_on_each_clock_once(bank_template, tmp_path):
    with clone_of(bank_template[0], tmp_path) as url:
        env = env_for(url, tmp_path)
        register_past_due(env, CASES)
        assert scalar(url, "SELECT count(*) FROM cases_clock WHERE state = 'running'") == CASES
        worker = Process([str(BIN / "tousu"), "worker", "--interval", "0.1"], env, tmp_path / "worker.log")
        killed_at = []
        try:
            for k in range(KILLS):
                worker.start()
                # Let it get part of the way through this round's clocks, then kill it.
                goal = CASES * 2 * (k + 1) // (KILLS + 1)
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline and _acted(url) < goal:
                    time.sleep(0.02)
                worker.kill()
                killed_at.append(_acted(url))
            worker.start()
            deadline = time.monotonic() + 40
            while time.monotonic() < deadline and _acted(url) < 2 * CASES:
                time.sleep(0.1)
            time.sleep(0.5)  # a further round must not act again
        finally:
            worker.stop()

        assert killed_at[0] < 2 * CASES, f"the first kill came after the sweep: {killed_at}"
        found = json.loads(run_python(env, """
import json
from django.db.models import Count, Q
from tousu.cases.events import verify_all
from tousu.cases.models import Case, Clock, Lateness
per_case = Case.objects.annotate(
    warned=Count("events", filter=Q(events__action="clock_warned")),
    breached=Count("events", filter=Q(events__action="clock_breached")),
    escalated=Count("events", filter=Q(events__action="escalate")))
print(json.dumps({
    "counts": sorted({(c.warned, c.breached, c.escalated) for c in per_case}),
    "unclaimed": Clock.objects.filter(Q(warned_at__isnull=True) | Q(breached_at__isnull=True)).count(),
    "lateness": list(Lateness.objects.values("clock").annotate(n=Count("pk")).values_list("n", flat=True)),
    "levels": sorted(set(Case.objects.values_list("level", flat=True))),
    "broken": [str(b) for b in verify_all()],
}))
""").strip().splitlines()[-1])
        assert found["unclaimed"] == 0
        assert found["counts"] == [[1, 1, 1]], found["counts"]  # once each, every case
        assert found["lateness"] == [1] * CASES
        assert found["levels"] == [1]  # escalated one level, not twice
        assert found["broken"] == []


def _acted(url: str) -> int:
    return scalar(url, "SELECT count(warned_at) + count(breached_at) FROM cases_clock")


