import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection
from django.utils.translation import gettext as _

from tousu.api.idempotency import purge_expired
from tousu.cases.sweep import sweep
from tousu.notify.delivery import deliver_due
from tousu.ops.heartbeat import beat
from tousu.quality.duties import check_missed
from tousu.reports.schedule import run_schedule

log = logging.getLogger("tousu.worker")

# Deadlines first: while rounds keep finding clocks due (a midnight, when a large organisation's
# working-day clocks fall due together) the worker sweeps round after round and delivers queued
# notices at most this often; what the burst queued goes out after it.
DELIVER_AT_LEAST_EVERY = 30.0  # seconds
# Days without a monitoring log (quality/duties.py) are looked for at most this often.
DUTIES_EVERY = 60.0  # seconds


class Command(BaseCommand):
    help = _("Warn and breach due clocks and deliver queued notifications, in a loop.")

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help=_("Run one round and exit."))
        parser.add_argument("--interval", type=float, default=None, help=_("Seconds between rounds."))

    def handle(self, *args, **options):
        interval = options["interval"] or settings.TOUSU_WORKER_INTERVAL
        delivered_at = duties_at = None
        while True:
            # A long-running process gets no request signals: drop a connection that is broken
            # (the database restarted) or past CONN_MAX_AGE before each round; never inside a
            # caller's transaction.
            if not connection.in_atomic_block:
                close_old_connections()
            done = {}
            try:
                done = sweep()
                swept = done["warned"] or done["breached"]
                if not swept or delivered_at is None or time.monotonic() - delivered_at >= DELIVER_AT_LEAST_EVERY:
                    done["sent"] = deliver_due()
                    delivered_at = time.monotonic()
                done["reports"] = run_schedule()  # tousu/reports/schedule.py: once per period
                done["expired_keys"] = purge_expired()  # Idempotency-Keys past TOUSU_IDEMPOTENCY_HOURS
                if duties_at is None or time.monotonic() - duties_at >= DUTIES_EVERY:
                    done["missed_duties"] = check_missed()  # a day without a monitoring log
                    duties_at = time.monotonic()
                if any(done.values()):
                    log.info("worker round: %s", done)
                beat()  # /healthz: a worker finished a round (a failing round does not count)
            except Exception:  # keep the loop alive; the next round retries
                log.exception("worker round failed")
                if options["once"]:
                    raise
            if options["once"]:
                return
            if not (done.get("warned") or done.get("breached")):  # else more may be due: go again
                time.sleep(interval)
