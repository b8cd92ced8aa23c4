"""What waits in the outbox, for /healthz and /metrics: every count reads a partial index
(outbox_due, outbox_failed), never the sent rows."""

from __future__ import annotations

from django.db.models import Count, Min, Q

from .models import Notification


def backlog(now) -> dict[str, object]:
    pending = Notification.objects.filter(state=Notification.PENDING)
    figures = pending.aggregate(
        pending=Count("pk"),
        due=Count("pk", filter=Q(next_attempt_at__lte=now)),
        retrying=Count("pk", filter=Q(attempts__gt=0)),
        oldest_due_at=Min("next_attempt_at"),
    )
    figures["failed"] = dict(Notification.objects.filter(state=Notification.FAILED)
                             .values_list("channel").annotate(n=Count("pk")).order_by())
    return figures
