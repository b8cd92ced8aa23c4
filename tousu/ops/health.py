"""GET /healthz for load balancers and monitors: the database answers, a worker finished a round
lately, and the outbox is not piling up. 200 with what was found, or 503 naming what failed.
Open to anyone: it shows counts and ages, no case content, and never an exception's text."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from tousu.notify.backlog import backlog

from .heartbeat import last_round_at

log = logging.getLogger("tousu.health")


def checks(now) -> tuple[dict, list[str]]:
    """What was found, and the reasons it is unhealthy (none when healthy)."""
    found, failures = {}, []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        found["database"] = "ok"
    except Exception:
        log.exception("health check: the database does not answer")
        found["database"] = "unavailable"
        return found, ["database unavailable"]

    last = last_round_at()
    silence = settings.TOUSU_HEALTH_WORKER_SILENCE
    if last is None:
        found["worker"] = {"last_round_seconds_ago": None}
        failures.append("no worker has finished a round yet")
    else:
        ago = max(0.0, (now - last).total_seconds())
        found["worker"] = {"last_round_seconds_ago": round(ago, 1)}
        if ago > silence:
            failures.append(f"worker silent for {ago:.0f} s (limit {silence:.0f} s)")

    waiting = backlog(now)
    limit = settings.TOUSU_HEALTH_OUTBOX_BACKLOG
    found["outbox"] = {"due": waiting["due"], "pending": waiting["pending"],
                       "failed": sum(waiting["failed"].values())}
    if waiting["due"] > limit:
        failures.append(f"outbox backlog {waiting['due']} due (limit {limit})")
    return found, failures


@require_GET
def healthz(request):
    found, failures = checks(timezone.now())
    body = {"status": "fail" if failures else "ok", "checks": found}
    if failures:
        body["reasons"] = failures
    return JsonResponse(body, status=503 if failures else 200,
                        headers={"Cache-Control": "no-store"})
