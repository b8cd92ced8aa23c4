"""How soon after its due time the worker catches a level 1 item's 30-minute fast-report clock,
and how soon a fast report reaches the leaders' DingTalk robot (issue 12).

    python bench/opinion_lag.py [--db DATABASE_URL] [--items 10] [--out docs/performance.md]

A fresh database (a temporary SQLite file unless --db names an empty PostgreSQL database) gets
the opinion preset and its people; a local DingTalk stand-in on 127.0.0.1 (allowed through the
egress guard with TOUSU_WEBHOOK_ALLOW_HOSTS) checks each request's signature and answers as
DingTalk does. Then, with a real worker running (this tree's manage.py worker):

- lag: `--items` level 1 items are registered as found 29 minutes and some seconds ago, so the
  clocks the engine itself starts (30 minutes, from the preset) fall due 2 s apart a few
  seconds from now; nobody reports them, so the worker must breach each one. Measured:
  breached_at - due_at (target: under 15 s, as for the other clocks).
- delivery: as many items get their fast report at once; measured: from the action's commit
  to the robot's receipt of a correctly signed message.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", default="")
    p.add_argument("--items", type=int, default=10)
    p.add_argument("--out", default="")
    a = p.parse_args()
    tmp = tempfile.mkdtemp(prefix="tousu-opinion-lag-")
    os.environ["TOUSU_DATA_DIR"] = tmp
    if a.db:
        os.environ["DATABASE_URL"] = a.db
    os.environ["TOUSU_WEBHOOK_ALLOW_HOSTS"] = "127.0.0.1"
    os.environ.setdefault("TOUSU_SECRET_KEY", "bench-" + uuid.uuid4().hex)  # a throwaway key
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tousu.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from tests.notify.robot_receiver import RobotReceiver
    from tousu.cases import actions
    from tousu.cases.engine import perform
    from tousu.cases.models import Clock
    from tousu.notify.models import Notification, RobotTarget
    from tousu.org.models import Unit
    from tousu.org.services import apply_preset, create_preset_people

    call_command("migrate", interactive=False, verbosity=0)
    apply_preset("opinion")
    people = create_preset_people("bench-pw")
    admin, office = people["yq_admin"], Unit.objects.get(code="opinion_office")
    secret = "SECbench"
    robot = RobotReceiver("dingtalk", secret=secret)
    RobotTarget.objects.create(name="bench", kind="dingtalk", url=robot.url, secret=secret,
                               unit=Unit.objects.get(code="bureau"), role="leader")
    interval = float(os.environ.get("TOUSU_WORKER_INTERVAL", "5"))
    worker = subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "worker"], env=os.environ,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        time.sleep(3)
        now = timezone.now()
        lagging = []
        for i in range(a.items):
            found_at = now - timedelta(minutes=30) + timedelta(seconds=4 + 2 * i)
            case = actions.register_case(actor=admin, unit=office, channel="weibo", kind="opinion", severity=1,
                                         subject=f"bench item {i}", description="bench", complainant_name="bench",
                                         now=found_at)
            lagging.append(Clock.objects.get(case=case, name="fast_report").pk)
        reported = {}
        for i in range(a.items):
            case = actions.register_case(actor=admin, unit=office, channel="weibo", kind="opinion", severity=1,
                                         subject=f"bench report {i}", description="bench", complainant_name="bench")
            perform("fast_report", actor=admin, case_id=case.pk, inputs={"text": f"bench fast report {case.number}"})
            reported[case.number] = time.time()
        deadline = time.monotonic() + 90 + 2 * a.items
        while time.monotonic() < deadline and (
                Clock.objects.filter(pk__in=lagging, breached_at__isnull=True).exists()
                or len(robot.received) < a.items):
            time.sleep(0.2)
        lags = [(c.breached_at - c.due_at).total_seconds()
                for c in Clock.objects.filter(pk__in=lagging) if c.breached_at]
        deliveries = []
        for got in robot.received:
            text = got["body"]["text"]["content"]
            number = next((n for n in reported if n in text), None)
            if number and got["answer"].get("errcode") == 0:
                deliveries.append(got["at"] - reported[number])
        sent = Notification.objects.filter(channel="robot", state=Notification.SENT).count()
    finally:
        os.killpg(worker.pid, 15)
        worker.wait(10)
        robot.close()
    result = {
        "database": a.db.rsplit("/", 1)[-1] if a.db else "sqlite (temporary)",
        "worker_interval_s": interval,
        "lag": {"clocks": len(lagging), "breached": len(lags), "max_s": round(max(lags), 1) if lags else None,
                "mean_s": round(statistics.mean(lags), 1) if lags else None},
        "delivery": {"reports": a.items, "signed_and_accepted": len(deliveries), "sent_rows": sent,
                     "max_s": round(max(deliveries), 1) if deliveries else None,
                     "mean_s": round(statistics.mean(deliveries), 1) if deliveries else None},
    }
    print(json.dumps(result, ensure_ascii=False))
    if a.out:
        with open(a.out, "a", encoding="utf-8") as fh:
            fh.write(f"\n### Opinion fast-report lag, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n\n```json\n"
                     + json.dumps(result, ensure_ascii=False, indent=1) + "\n```\n")


if __name__ == "__main__":
    main()
