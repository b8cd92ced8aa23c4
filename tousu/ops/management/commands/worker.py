import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection
from django.utils.translation import gettext as _

from tousu.cases.sweep import sweep
from tousu.notify.delivery import deliver_due
from tousu.reports.schedule import run_schedule

log = logging.getLogger("tousu.worker")


class Command(BaseCommand):
    help = _("Warn and breach due clocks and deliver queued notifications, in a loop.")

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help=_("Run one round and exit."))
        parser.add_argument("--interval", type=float, default=None, help=_("Seconds between rounds."))

    def handle(self, *args, **options):
        interval = options["interval"] or settings.TOUSU_WORKER_INTERVAL
        while True:
            # A long-running process gets no request signals: drop a connection that is broken
            # (the database restarted) or past CONN_MAX_AGE before each round; never inside a
            # caller's transaction.
            if not connection.in_atomic_block:
                close_old_connections()
            try:
                done = sweep()
                done["sent"] = deliver_due()
                done["reports"] = run_schedule()  # tousu/reports/schedule.py: once per period
                if any(done.values()):
                    log.info("worker round: %s", done)
            except Exception:  # keep the loop alive; the next round retries
                log.exception("worker round failed")
                if options["once"]:
                    raise
            if options["once"]:
                return
            time.sleep(interval)
