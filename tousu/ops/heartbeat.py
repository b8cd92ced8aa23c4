"""The worker's heartbeat: written after every round, read by /healthz and /metrics."""

from __future__ import annotations

import socket

from django.db.models import F, Max
from django.utils import timezone

from .models import WorkerHeartbeat


def beat(now=None) -> None:
    """Record that this host's worker finished a round (one small UPDATE; an INSERT the first time)."""
    now = now or timezone.now()
    host = socket.gethostname()[:255]
    if not WorkerHeartbeat.objects.filter(host=host).update(last_round_at=now, rounds=F("rounds") + 1):
        WorkerHeartbeat.objects.get_or_create(host=host, defaults={"last_round_at": now, "rounds": 1})


def last_round_at():
    """When any worker last finished a round, or None when none ever has."""
    return WorkerHeartbeat.objects.aggregate(last=Max("last_round_at"))["last"]
