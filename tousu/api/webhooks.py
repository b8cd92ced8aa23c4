"""Outgoing webhooks: each case event becomes one outbox row per active subscription, written in
the action's own transaction; the worker delivers them (`tousu.notify.delivery`) with retries,
signed by the webhook transport (X-Tousu-Signature = HMAC-SHA256 hex of the body).

The payload names people by username and units by code and carries no complainant data: a
receiver is a system, not a person whose role may see it."""

from __future__ import annotations

from tousu.cases.models import Case, CaseEvent
from tousu.notify import outbox

from .models import WebhookSubscription


def event_payload(case: Case, event: CaseEvent) -> dict:
    return {
        "id": f"{case.number}:{event.seq}",  # the same on every retry: receivers drop repeats
        "type": f"case.{event.action}",
        "event": {
            "seq": event.seq,
            "action": event.action,
            "at": event.at.isoformat(),
            "actor": event.actor.get_username() if event.actor_id else None,
            "old": event.old,
            "new": event.new,
            "note": event.note,
            "hash": event.hash,
        },
        "case": {
            "id": case.pk,
            "number": case.number,
            "state": case.state,
            "level": case.level,
            "owner": case.owner.get_username(),
            "handling_unit": case.handling_unit.code,
        },
    }


def queue_case_event(case: Case, event: CaseEvent) -> int:
    """Queue this case event for every active subscription; returns how many rows."""
    subscriptions = list(WebhookSubscription.objects.filter(active=True).order_by("pk"))
    if not subscriptions:
        return 0
    data = event_payload(case, event)
    for sub in subscriptions:
        outbox.queue(channel="webhook", recipient=sub.url, case=case,
                     subject=f"{case.number} {event.action}",
                     payload={"data": data, "secret": sub.secret, "subscription": sub.pk})
    return len(subscriptions)
