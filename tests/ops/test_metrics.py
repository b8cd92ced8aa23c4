"""GET /metrics: the Prometheus text format, for a scraper holding TOUSU_METRICS_TOKEN only."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from prometheus_client.parser import text_string_to_metric_families

from tests.worker.helpers import AFTER_STAY_DUE, after_stay_case, close_after_reply
from tousu.cases.sweep import sweep
from tousu.notify import outbox
from tousu.notify.models import Notification
from tousu.ops import metrics as metrics_module
from tousu.ops.heartbeat import beat

TOKEN = "m" * 32


@pytest.fixture
def scrape(client, settings):
    settings.TOUSU_METRICS_TOKEN = TOKEN
    metrics_module._ended["at"] = None  # each test counts ended cases afresh

    def get() -> dict:
        response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain; version=")
        samples = {}
        for family in text_string_to_metric_families(response.content.decode()):
            for s in family.samples:
                samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
        return samples

    return get


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))))


def test_metrics_are_off_without_a_token_setting(client, db, settings):
    settings.TOUSU_METRICS_TOKEN = ""
    response = client.get("/metrics")
    assert response.status_code == 403 and b"TOUSU_METRICS_TOKEN" in response.content


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x"])
def test_metrics_need_the_token(client, db, settings, header):
    settings.TOUSU_METRICS_TOKEN = TOKEN
    headers = {"Authorization": header} if header else {}
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 401 and b"tousu_" not in response.content


def test_cases_by_kind_and_state(hotel, scrape):
    after_stay_case(hotel)
    after_stay_case(hotel)
    close_after_reply(hotel, after_stay_case(hotel), now=AFTER_STAY_DUE - dt.timedelta(days=1))
    samples = scrape()
    assert value(samples, "tousu_cases", kind="complaint", state="accepted", open="true") == 2
    assert value(samples, "tousu_cases", kind="complaint", state="closed", open="false") == 1


def test_clocks_due_breached_and_worker_lag(hotel, scrape):
    after_stay_case(hotel)
    with time_machine.travel(AFTER_STAY_DUE + dt.timedelta(hours=1), tick=False):
        samples = scrape()
        assert value(samples, "tousu_clocks_due", stage="breach") == 1
        assert value(samples, "tousu_clocks_due", stage="warn") == 1
        assert value(samples, "tousu_worker_lag_seconds") == 3600
        sweep()
        samples = scrape()
        assert value(samples, "tousu_clocks_due", stage="breach") == 0
        assert value(samples, "tousu_clocks_breached") == 1
        assert value(samples, "tousu_worker_lag_seconds") == 0


def test_worker_heartbeat_age(db, scrape):
    import math

    assert math.isnan(value(scrape(), "tousu_worker_last_round_age_seconds"))
    with time_machine.travel(dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC), tick=False):
        beat()
    with time_machine.travel(dt.datetime(2026, 12, 1, 8, 0, 42, tzinfo=dt.UTC), tick=False):
        assert value(scrape(), "tousu_worker_last_round_age_seconds") == 42


def test_outbox_backlog_and_failures(db, scrape):
    for n in range(3):
        outbox.queue(recipient=f"guest{n}@example.com", subject="回复")
    Notification.objects.filter(recipient="guest0@example.com").update(state=Notification.FAILED)
    Notification.objects.filter(recipient="guest1@example.com").update(attempts=2)
    samples = scrape()
    assert value(samples, "tousu_outbox_pending") == 2
    assert value(samples, "tousu_outbox_due") == 2
    assert value(samples, "tousu_outbox_retrying") == 1
    assert value(samples, "tousu_outbox_failed", channel="email") == 1


def test_request_latency_histogram_by_view(client, db, scrape):
    before = value(scrape(), "tousu_request_duration_seconds_count",
                   method="GET", view="login", status="200") or 0
    assert client.get("/accounts/login/").status_code == 200
    samples = scrape()
    assert value(samples, "tousu_request_duration_seconds_count", method="GET", view="login",
                 status="200") == before + 1
    assert value(samples, "tousu_request_duration_seconds_bucket", method="GET", view="login",
                 status="200", le="+Inf") == before + 1
    # paths are not labels: an unknown URL counts as unmatched, however many there are
    client.get("/no/such/page/1")
    client.get("/no/such/page/2")
    assert value(scrape(), "tousu_request_duration_seconds_count", method="GET", view="unmatched",
                 status="404") >= 2


def test_a_scrape_costs_the_same_queries_however_many_cases(hotel, scrape):
    after_stay_case(hotel)
    scrape()  # counts the ended cases, then keeps them for a while
    with CaptureQueriesContext(connection) as one_case:
        scrape()
    for _ in range(5):
        after_stay_case(hotel)
    with CaptureQueriesContext(connection) as six_cases:
        samples = scrape()
    assert len(six_cases) == len(one_case) <= 8
    assert value(samples, "tousu_cases", kind="complaint", state="accepted", open="true") == 6
