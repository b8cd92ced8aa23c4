"""The request id a log line belongs to. The web tier binds it for each request (from the
X-Request-ID header or a new one, tousu/ops/logs.py); the outbox row a request queues keeps it,
and the worker binds it again while it delivers that row, so one id follows a case's change from
the request to the notification it caused. Lives here, below cases and the web apps, because the
outbox carries it."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_current: ContextVar[str] = ContextVar("tousu_request_id", default="")

# What a caller's X-Request-ID may look like to be kept (a uuid, a trace id, a load balancer's id).
ACCEPTED = re.compile(r"^[A-Za-z0-9._:\-]{1,64}$")


def current() -> str:
    """The bound request id, or "" outside a request."""
    return _current.get()


def from_header(value: str | None) -> str:
    """The caller's id when it is a sensible one, else a new one (a log line must never carry
    what a caller wrote into it unchecked)."""
    if value and ACCEPTED.match(value):
        return value
    return uuid.uuid4().hex


@contextmanager
def bound(request_id: str) -> Iterator[str]:
    token = _current.set(request_id or "")
    try:
        yield request_id
    finally:
        _current.reset(token)


class RequestIdFilter(logging.Filter):
    """Gives every record a `request_id` attribute: the bound id, or the id of the request the
    record names (Django logs a 4xx or 5xx line after the middleware has returned), or "-"."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            named = getattr(getattr(record, "request", None), "request_id", None)
            record.request_id = current() or named or "-"
        return True
