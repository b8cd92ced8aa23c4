"""Outgoing webhooks: each case event becomes one outbox row per active subscription, written in
the action's own transaction; the worker delivers them (`tousu.notify.delivery`) with retries,
signed by the webhook transport (X-Tousu-Signature = HMAC-SHA256 hex of X-Tousu-Timestamp, a
dot and the body) and sent through the egress guard (tousu/notify/egress.py).

The payload names people by username and units by code and carries no complainant data: a
receiver is a system, not a person whose role may see it."""

from __future__ import annotations

from tousu.cases.models import Case, CaseEvent
from tousu.notify import outbox
from tousu.org.services import organisation

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


_active: dict[str, list[tuple[int, str]]] = {}


def active_subscriptions() -> list[tuple[int, str]]:
    """(pk, url) of the active subscriptions, read again only when the organisation's
    configuration token changes (saving or deleting a subscription changes it, see apps.py):
    a case event costs no query for them."""
    token = organisation().config_token
    found = _active.get(token)
    if found is None:
        found = list(WebhookSubscription.objects.filter(active=True).order_by("pk").values_list("pk", "url"))
        _active.clear()
        _active[token] = found
    return found


def subscription_secret(pk: int) -> str | None:
    """The subscription's secret at delivery time (None when it was deleted)."""
    return WebhookSubscription.objects.filter(pk=pk).values_list("secret", flat=True).first()


def queue_case_event(case: Case, event: CaseEvent) -> int:
    """Queue this case event for every active subscription; returns how many rows. The row
    names the subscription; the transport reads its secret when it signs."""
    subscriptions = active_subscriptions()
    if not subscriptions:
        return 0
    data = event_payload(case, event)
    for pk, url in subscriptions:
        outbox.queue(channel="webhook", recipient=url, case=case,
                     subject=f"{case.number} {event.action}",
                     payload={"data": data, "subscription": pk})
    return len(subscriptions)
