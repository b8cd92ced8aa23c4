"""The portal's rate limits, counted in the shared cache (settings.CACHES: the database, or
Redis), so every web process sees the same counts and a restart forgets none.

A limit allows ATTEMPTS in a fixed window of SECONDS for one subject: a client (see
`tousu.org.client_address.client_key`), a tracking code, a case. Each attempt takes the lowest
free numbered slot of its window with `cache.add`, which exactly one caller wins in every
backend (an INSERT against the cache table's primary key; SET NX in Redis): requests racing in
several processes never count as one, as they would with a read-then-write counter. Subjects
are keyed by an HMAC of the secret key, so the cache holds no tracking code."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

from tousu.org.client_address import client_key

SALT = "tousu.portal.limits"


def allow(name: str, subject: str) -> bool:
    """Count one attempt against limit `name` (a key of settings.TOUSU_LIMITS) for `subject`.
    False when the window's attempts are used up; nothing is counted then."""
    attempts, seconds = settings.TOUSU_LIMITS[name]
    now = time.time()
    window = int(now // seconds)
    digest = salted_hmac(SALT, f"{name}\x00{subject}").hexdigest()[:32]
    keys = [f"tousu:limit:{name}:{digest}:{window}:{slot}" for slot in range(attempts)]
    timeout = int((window + 1) * seconds - now) + 1  # the window's end
    taken = cache.get_many(keys)
    return any(key not in taken and cache.add(key, 1, timeout=timeout) for key in keys)


def allow_client(request, name: str) -> bool:
    """`allow` for the client making `request`."""
    return allow(name, client_key(request))
