"""Queue a notification in the caller's transaction; the worker delivers it later."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

from . import request_id
from .models import Notification


_held_back: ContextVar[bool] = ContextVar("tousu_outbox_held_back", default=False)


@contextmanager
def held_back() -> Iterator[None]:
    """Nothing is queued inside: past complaints being imported tell nobody a second time (no
    mail to the complainant about a reply given years ago, no webhook, no robot)."""
    token = _held_back.set(True)
    try:
        yield
    finally:
        _held_back.reset(token)


def queue(*, recipient: str, subject: str, body: str = "", channel: str = "email", case=None,
          payload: dict | None = None) -> Notification | None:
    if not recipient or _held_back.get():
        return None
    return Notification.objects.create(
        channel=channel, recipient=recipient, subject=str(subject), body=str(body), case=case,
        payload=payload or {}, next_attempt_at=timezone.now(),
        request_id=request_id.current())
