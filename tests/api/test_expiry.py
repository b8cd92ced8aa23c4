"""API tokens and Idempotency-Keys expire: a token after TOUSU_API_TOKEN_DAYS (a 401 saying so),
a key after TOUSU_IDEMPOTENCY_HOURS (the same key then makes a new case; the worker purges old
keys)."""

import datetime as dt
import io

import time_machine
from django.core.management import call_command

from tousu.api import idempotency
from tousu.api.auth import issue_token
from tousu.api.models import ApiToken, IdempotencyKey
from tousu.cases.models import Case

from .test_create import complaint

START = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def with_key(api, key):
    client = api(None)
    client.headers["Authorization"] = f"Bearer {key}"
    return client


def test_a_token_expires_after_the_configured_days(hotel, api, settings):
    settings.TOUSU_API_TOKEN_DAYS = 30
    with time_machine.travel(START, tick=False):
        token, key = issue_token(hotel.frontdesk)
    assert token.expires_at == START + dt.timedelta(days=30)
    with time_machine.travel(START + dt.timedelta(days=29, hours=23), tick=False):
        assert with_key(api, key).get("/cases").status_code == 200
    with time_machine.travel(START + dt.timedelta(days=30, seconds=1), tick=False):
        r = with_key(api, key).get("/cases")
    assert r.status_code == 401
    assert r.json()["detail"] == ("This API token expired on 2026-12-31 17:00; "
                                  "ask an administrator for a new one.")
    assert r["WWW-Authenticate"].startswith("Bearer")


def test_the_default_is_ninety_days_and_an_administrator_may_extend_a_token(hotel, api):
    token, key = issue_token(hotel.frontdesk)
    assert abs(token.expires_at - (dt.datetime.now(dt.UTC) + dt.timedelta(days=90))) < dt.timedelta(minutes=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
    assert with_key(api, key).get("/cases").status_code == 401
    ApiToken.objects.filter(pk=token.pk).update(expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=365))
    assert with_key(api, key).get("/cases").status_code == 200


def test_the_command_says_when_the_token_expires(hotel):
    err = io.StringIO()
    call_command("api_token", "frontdesk", stdout=io.StringIO(), stderr=err)
    assert "valid until" in err.getvalue()


def test_an_idempotency_key_is_forgotten_after_the_configured_hours(hotel, api, settings):
    settings.TOUSU_IDEMPOTENCY_HOURS = 24
    client = api(hotel.frontdesk)
    with time_machine.travel(START, tick=False):
        first = client.create(complaint(), key="daily-import-1")
    with time_machine.travel(START + dt.timedelta(hours=23), tick=False):
        again = client.create(complaint(), key="daily-import-1")
    assert again.json()["number"] == first.json()["number"] and Case.objects.count() == 1
    with time_machine.travel(START + dt.timedelta(hours=25), tick=False):
        later = client.create(complaint(subject="另一件事"), key="daily-import-1")
    assert later.status_code == 201 and later.json()["number"] != first.json()["number"]
    assert Case.objects.count() == 2 and IdempotencyKey.objects.count() == 1


def test_the_worker_purges_expired_keys(hotel, api, settings):
    settings.TOUSU_IDEMPOTENCY_HOURS = 24
    client = api(hotel.frontdesk)
    with time_machine.travel(START, tick=False):
        client.create(complaint(), key="old")
    with time_machine.travel(START + dt.timedelta(hours=20), tick=False):
        client.create(complaint(subject="另一件事"), key="newer")
    with time_machine.travel(START + dt.timedelta(hours=25), tick=False):
        assert idempotency.purge_expired() == 1
        call_command("worker", "--once")
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["newer"]
    with time_machine.travel(START + dt.timedelta(hours=45), tick=False):
        call_command("worker", "--once")
    assert not IdempotencyKey.objects.exists()
