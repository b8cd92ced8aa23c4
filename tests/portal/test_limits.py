"""The portal's rate limits: shared by every web process, kept over a restart, per client (the
client's address read through trusted proxies only) and per tracking code and case."""

import socket
import threading
import uuid
from ipaddress import ip_network

import pytest
from asgiref.local import Local
from django.core.cache import caches
from django.core.cache.backends import locmem
from django.test import Client

from tousu.cases.models import Case
from tousu.portal import limits

from .helpers import complaint, to_replied

EN = {"headers": {"accept-language": "en"}}
PROXY = "10.0.0.1"


def look_up(client, code, last4, **meta):
    return client.post("/portal/track/", {"tracking_code": code, "phone_last4": last4}, **EN, **meta)


def a_new_process():
    """What a freshly started web process has: no cache connection and nothing in memory."""
    for store in (locmem._caches, locmem._expire_info, locmem._locks):
        store.clear()
    caches._connections = Local(caches.thread_critical)


def limit(settings, name, attempts, seconds=600):
    settings.TOUSU_LIMITS = {**settings.TOUSU_LIMITS, name: (attempts, seconds)}


@pytest.fixture
def submitted(client, bank):
    assert client.post("/portal/submit/", complaint()).status_code == 302
    client.cookies.clear()
    return Case.objects.get()


# --- shared and kept --------------------------------------------------------------------------

def test_two_processes_share_the_count_and_a_restart_keeps_it(submitted, settings):
    limit(settings, "lookup_client", 3)
    first, second = Client(), Client()  # two web processes behind one address
    assert look_up(first, "nope", "0000").status_code == 200
    a_new_process()
    assert look_up(second, "nope", "0000").status_code == 200
    assert look_up(second, "nope", "0000").status_code == 200
    a_new_process()  # a restart
    response = look_up(first, submitted.tracking_code, "8000")
    assert response.status_code == 429 and "try again later" in response.content.decode()


DATABASE_CACHE = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                               "LOCATION": "tousu_cache"}}


def test_the_cache_is_the_database_unless_redis_is_set(monkeypatch):
    import importlib

    import tousu.settings as module

    try:
        monkeypatch.delenv("REDIS_URL", raising=False)
        assert importlib.reload(module).CACHES["default"]["BACKEND"].endswith("db.DatabaseCache")
        monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
        redis = importlib.reload(module).CACHES["default"]
        assert redis["BACKEND"].endswith("redis.RedisCache") and redis["LOCATION"] == "redis://127.0.0.1:6379/0"
    finally:
        monkeypatch.undo()
        importlib.reload(module)


def test_the_database_cache_table_is_made_by_migrate(db, settings):
    from django.core.cache import cache
    from django.db import connection

    settings.CACHES = DATABASE_CACHE
    assert "tousu_cache" in connection.introspection.table_names()
    cache.set("tousu:probe", 1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM tousu_cache")
        assert cursor.fetchone()[0] == 1


def test_a_stale_read_gives_no_extra_attempt(db, settings, monkeypatch):
    """Another process may take a slot between our read and our write: the write (an add)
    then fails, and the attempt moves on to the next slot instead of counting as one."""
    limit(settings, "lookup_code", 3)
    assert all(limits.allow("lookup_code", "CODE") for _ in range(3))
    monkeypatch.setattr(limits.cache, "get_many", lambda keys: {})  # every read stale
    assert limits.allow("lookup_code", "CODE") is False


def test_the_window_ends(db, settings, time_machine):
    limit(settings, "lookup_code", 1, seconds=60)
    time_machine.move_to("2026-12-01 08:00:10Z", tick=False)
    assert limits.allow("lookup_code", "CODE") is True
    assert limits.allow("lookup_code", "CODE") is False
    time_machine.move_to("2026-12-01 08:01:10Z", tick=False)
    assert limits.allow("lookup_code", "CODE") is True


def test_the_cache_holds_no_tracking_code(submitted, settings):
    from django.db import connection

    settings.CACHES = DATABASE_CACHE

    look_up(Client(), submitted.tracking_code, "0000")
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM tousu_cache")
        keys = [row[0] for row in cursor.fetchall()]
    assert keys and not any(submitted.tracking_code in key for key in keys)


# --- per client, through trusted proxies -------------------------------------------------------

def test_one_proxy_with_many_clients_does_not_lock_out_everyone(client, submitted, settings):
    settings.TOUSU_TRUSTED_PROXIES = [ip_network(PROXY)]
    limit(settings, "lookup_client", 3)
    attacker = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.5"}
    for _ in range(3):
        assert look_up(Client(), "nope", "0000", **attacker).status_code == 200
    assert look_up(Client(), "nope", "0000", **attacker).status_code == 429
    # Writing another address in front of the proxy's changes nothing: the proxy appends.
    spoofed = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.7, 203.0.113.5"}
    assert look_up(Client(), "nope", "0000", **spoofed).status_code == 429
    neighbour = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    assert look_up(client, submitted.tracking_code, "8000", **neighbour).status_code == 302


def test_forwarded_for_is_not_believed_from_an_untrusted_peer(submitted, settings):
    settings.TOUSU_TRUSTED_PROXIES = [ip_network(PROXY)]
    limit(settings, "lookup_client", 2)
    for n in range(2):
        meta = {"REMOTE_ADDR": "203.0.113.5", "HTTP_X_FORWARDED_FOR": f"198.51.100.{n}"}
        assert look_up(Client(), "nope", "0000", **meta).status_code == 200
    meta = {"REMOTE_ADDR": "203.0.113.5", "HTTP_X_FORWARDED_FOR": "198.51.100.99"}
    assert look_up(Client(), submitted.tracking_code, "8000", **meta).status_code == 429


# --- per tracking code ----------------------------------------------------------------------------

def test_guessing_one_code_from_many_addresses_is_stopped(submitted, settings):
    limit(settings, "lookup_code", 5, seconds=86400)
    for n in range(5):
        meta = {"REMOTE_ADDR": f"203.0.113.{n}"}
        assert look_up(Client(), submitted.tracking_code, f"{n:04d}", **meta).status_code == 200
    # Even the right digits, from an address never seen, are refused now, and nothing is shown.
    fresh = Client()
    response = look_up(fresh, submitted.tracking_code, "8000", REMOTE_ADDR="198.51.100.1")
    page = response.content.decode()
    assert response.status_code == 429 and "this tracking code" in page
    assert submitted.number not in page and "portal_case" not in fresh.session
    # Another code is not affected.
    assert look_up(Client(), "other-code", "8000", REMOTE_ADDR="198.51.100.1").status_code == 200


# --- submissions and requests ----------------------------------------------------------------------

def test_submissions_are_limited_per_client_and_keep_what_was_typed(client, bank, settings):
    limit(settings, "submit_client", 2, seconds=3600)
    for _ in range(2):
        assert client.post("/portal/submit/", complaint(), **EN).status_code == 302
    response = client.post("/portal/submit/", complaint(subject="A third complaint"), **EN)
    page = response.content.decode()
    assert response.status_code == 429 and "Too many complaints" in page
    assert 'value="A third complaint"' in page
    assert Case.objects.count() == 2
    assert Client().post("/portal/submit/", complaint(), REMOTE_ADDR="198.51.100.1").status_code == 302


def test_rereview_requests_are_limited_per_case(client, submitted, settings):
    limit(settings, "request_case", 1, seconds=86400)
    case = to_replied(submitted)
    assert look_up(client, case.tracking_code, "8000").status_code == 302
    assert client.post("/portal/track/re-review/", {"reason": "Still charged."}).status_code == 302
    notes = case.events.count()
    # From another address too: the case's count is shared.
    other = Client(REMOTE_ADDR="198.51.100.1")
    assert look_up(other, case.tracking_code, "8000").status_code == 302
    response = other.post("/portal/track/re-review/", {"reason": "Please call me back."}, **EN)
    page = response.content.decode()
    assert response.status_code == 429 and "Too many requests" in page
    assert "Please call me back." in page  # what was typed is kept
    assert case.events.count() == notes


def test_rereview_requests_are_limited_per_client(client, submitted, settings):
    limit(settings, "request_client", 1, seconds=3600)
    case = to_replied(submitted)
    look_up(client, case.tracking_code, "8000")
    assert client.post("/portal/track/re-review/", {"reason": "Still charged."}).status_code == 302
    assert client.post("/portal/track/re-review/", {"reason": "Again."}).status_code == 429


# --- Redis, where REDIS_URL is set ----------------------------------------------------------------

def _redis_running() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_running(), reason="no Redis on 127.0.0.1:6379")
def test_redis_is_shared_too_and_counts_racing_requests_once(db, settings):
    prefix = f"tousu-test-{uuid.uuid4().hex}"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:6379/0", "KEY_PREFIX": prefix}}
    limit(settings, "lookup_code", 5)
    try:
        assert limits.allow("lookup_code", "CODE")
        a_new_process()
        results = []
        threads = [threading.Thread(target=lambda: results.append(limits.allow("lookup_code", "CODE")))
                   for _ in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert results.count(True) == 4  # five in all, however the twelve raced
    finally:
        import redis

        client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
