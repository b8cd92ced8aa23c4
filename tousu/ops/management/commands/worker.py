import logging
import threading
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
from tousu.org.services import NotInitialised, current_policy
from tousu.reports.schedule import run_schedule
from tousu.routing.schedule import retrain_due

log = logging.getLogger("tousu.worker")

# Deadlines first: while rounds keep finding clocks due (a midnight, when a large organisation's
# working-day clocks fall due together) the worker sweeps round after round and delivers queued
# notices at most this often; what the burst queued goes out after it.
DELIVER_AT_LEAST_EVERY = 30.0  # seconds
# Days without a monitoring log (quality/duties.py) are looked for at most this often.
DUTIES_EVERY = 60.0  # seconds
# Whether a routing model is due to be trained again ([kinds.X.routing] retrain_days,
# retrain_after_cases) is looked at most this often; the training itself runs in a thread of its
# own, so the deadlines are swept meanwhile (`--once` trains in the round).
RETRAIN_EVERY = 3600.0  # seconds


def _retrain(policy) -> list:
    try:
        return retrain_due(policy)
    finally:
        if threading.current_thread() is not threading.main_thread():
            connection.close()  # the thread's own connection


def retrain_round(policy, *, wait: bool, running: threading.Thread | None):
    """Start the due retraining (in a thread unless `wait`); returns (models trained when waited,
    the thread running)."""
    if not any(kind.routing.retrains for kind in policy.kinds.values()):
        return [], running
    if wait:
        return _retrain(policy), None
    if running is not None and running.is_alive():
        return [], running
    thread = threading.Thread(target=_retrain, args=(policy,), name="tousu-retrain", daemon=True)
    thread.start()
    return [], thread


class Command(BaseCommand):
    help = _("Warn and breach due clocks and deliver queued notifications, in a loop.")

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help=_("Run one round and exit."))
        parser.add_argument("--interval", type=float, default=None, help=_("Seconds between rounds."))

    def handle(self, *args, **options):
        interval = options["interval"] or settings.TOUSU_WORKER_INTERVAL
        delivered_at = duties_at = retrain_at = None
        training = None
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
                if retrain_at is None or time.monotonic() - retrain_at >= RETRAIN_EVERY:
                    retrain_at = time.monotonic()
                    try:
                        policy = current_policy()
                    except NotInitialised:
                        policy = None
                    if policy is not None:
                        trained, training = retrain_round(policy, wait=options["once"], running=training)
                        done["retrained"] = [str(model) for model in trained]
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
