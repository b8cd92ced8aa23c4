"""Queue a notification in the caller's transaction; the worker delivers it later."""

from django.utils import timezone

from . import request_id
from .models import Notification


def queue(*, recipient: str, subject: str, body: str = "", channel: str = "email", case=None,
          payload: dict | None = None) -> Notification | None:
    if not recipient:
        return None
    return Notification.objects.create(
        channel=channel, recipient=recipient, subject=str(subject), body=str(body), case=case,
        payload=payload or {}, next_attempt_at=timezone.now(),
        request_id=request_id.current())
