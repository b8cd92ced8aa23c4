"""GET /metrics in the Prometheus text format (prometheus_client), for an operator's scraper.

Who may read it: only a request with "Authorization: Bearer <TOUSU_METRICS_TOKEN>"; while that
setting is empty, /metrics is off (403). Not "localhost only": behind nginx on the same host
every request would come from localhost.

What a scrape costs (see docs/notes/session4-h3.md): every figure but one reads a partial index, so it
follows what is open, due or waiting, not how many cases exist; ended cases (a scan of them)
are counted at most every TOUSU_METRICS_ENDED_EVERY seconds per process.

The request latency histogram lives in each process; under gunicorn with several workers set
PROMETHEUS_MULTIPROC_DIR (an empty folder, the same for all of them) so a scrape adds them up."""

from __future__ import annotations

import hmac
import os
import time

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from prometheus_client import CollectorRegistry, Histogram
from prometheus_client.exposition import choose_encoder
from prometheus_client.core import GaugeMetricFamily

from tousu.cases.gauges import cases_by_kind_state, clocks
from tousu.notify.backlog import backlog

from .heartbeat import last_round_at

REQUEST_SECONDS = Histogram(
    "tousu_request_duration_seconds", "Time to answer a web or API request, by view.",
    ["method", "view", "status"], registry=None,
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))


class LatencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or match.route) if match else "unmatched"  # bounded: routes, not paths
        REQUEST_SECONDS.labels(request.method if request.method in KNOWN_METHODS else "other",
                               view, str(response.status_code)).observe(time.perf_counter() - started)
        return response


KNOWN_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

_ended: dict = {"at": None, "counts": {}}


def _ended_cases() -> dict:
    """Ended cases by kind and state, counted at most every TOUSU_METRICS_ENDED_EVERY seconds."""
    at = _ended["at"]
    if at is None or time.monotonic() - at >= settings.TOUSU_METRICS_ENDED_EVERY:
        _ended["counts"], _ended["at"] = cases_by_kind_state(open_=False), time.monotonic()
    return _ended["counts"]


def _age(now, then) -> float:
    return max(0.0, (now - then).total_seconds()) if then else 0.0


class DatabaseCollector:
    """The figures read from the database at each scrape."""

    def describe(self):
        return []

    def collect(self):
        now = timezone.now()
        cases = GaugeMetricFamily("tousu_cases", "Cases by kind and state (open or ended).",
                                  labels=["kind", "state", "open"])
        for (kind, state), n in sorted(cases_by_kind_state(open_=True).items()):
            cases.add_metric([kind, state, "true"], n)
        for (kind, state), n in sorted(_ended_cases().items()):
            cases.add_metric([kind, state, "false"], n)
        yield cases

        due = clocks(now)
        family = GaugeMetricFamily("tousu_clocks_due", "Running clocks the worker should act on now.",
                                   labels=["stage"])
        family.add_metric(["warn"], due["to_warn"])
        family.add_metric(["breach"], due["to_breach"])
        yield family
        yield GaugeMetricFamily("tousu_clocks_breached", "Running clocks already past their deadline.",
                                value=due["breached_running"])
        yield GaugeMetricFamily("tousu_worker_lag_seconds",
                                "How long the oldest deadline has been due and not yet breached.",
                                value=_age(now, due["oldest_unbreached_due_at"]))
        last = last_round_at()
        yield GaugeMetricFamily("tousu_worker_last_round_age_seconds",
                                "Seconds since a worker last finished a round (NaN: never).",
                                value=_age(now, last) if last else float("nan"))

        waiting = backlog(now)
        yield GaugeMetricFamily("tousu_outbox_pending", "Notifications waiting to be sent.",
                                value=waiting["pending"])
        yield GaugeMetricFamily("tousu_outbox_due", "Notifications due now and not yet sent.",
                                value=waiting["due"])
        yield GaugeMetricFamily("tousu_outbox_retrying", "Waiting notifications that failed at least once.",
                                value=waiting["retrying"])
        oldest = waiting["oldest_due_at"]
        yield GaugeMetricFamily("tousu_outbox_oldest_due_age_seconds",
                                "How long the oldest waiting notification has been due.",
                                value=_age(now, oldest) if oldest and oldest <= now else 0.0)
        failed = GaugeMetricFamily("tousu_outbox_failed", "Notifications given up after every retry.",
                                   labels=["channel"])
        for channel, n in sorted(waiting["failed"].items()):
            failed.add_metric([channel], n)
        yield failed


def _registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUEST_SECONDS)
    registry.register(DatabaseCollector())
    return registry


REGISTRY = _registry()


def _authorised(request) -> bool:
    token = settings.TOUSU_METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


@require_GET
def metrics(request):
    if not settings.TOUSU_METRICS_TOKEN:
        return HttpResponse("metrics are off: set TOUSU_METRICS_TOKEN\n", status=403,
                            content_type="text/plain; charset=utf-8")
    if not _authorised(request):
        return HttpResponse("a bearer token is required\n", status=401, content_type="text/plain; charset=utf-8",
                            headers={"WWW-Authenticate": "Bearer"})
    encode, content_type = choose_encoder(request.headers.get("Accept", ""))  # text, or OpenMetrics if asked
    return HttpResponse(encode(REGISTRY), content_type=content_type)
