"""Listeners told of every case event, inside the action's transaction.

A listener only queues outbox rows; delivery happens after commit, in the worker. Apps register
their listeners in `AppConfig.ready()` so the case core does not import them."""

from collections.abc import Callable

_listeners: list[Callable] = []


def listen(listener: Callable) -> Callable:
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def case_event_recorded(case, event) -> None:
    for listener in _listeners:
        listener(case, event)
