"""A clock whose warning or breach fails is put back with a back-off (attempts counted, next
try recorded, the error kept) and never blocks the sweep: the other clocks are handled in the
same round and in later ones, even when the failing one is first in line and the round's limit
is one; when it goes through, its retry record is cleared."""

import datetime as dt

import pytest

from tousu.cases import clocks, sweep as sweep_module
from tousu.cases.models import Clock
from tousu.cases.sweep import sweep

from .helpers import MONDAY_10, actions_of, after_stay_case, clock_of

SECOND = dt.timedelta(seconds=1)


@pytest.fixture
def failing(monkeypatch):
    """failing(clock): the worker's warn and breach raise for that clock until cured."""
    bad = set()
    real_warn, real_breach = sweep_module.warn_clock, sweep_module.breach_clock

    def wrap(real):
        def action(*, clock_id, now=None):
            if clock_id in bad:
                raise RuntimeError("mail server refused")
            return real(clock_id=clock_id, now=now)
        action.__name__ = real.__name__
        return action

    monkeypatch.setattr(sweep_module, "warn_clock", wrap(real_warn))
    monkeypatch.setattr(sweep_module, "breach_clock", wrap(real_breach))
    return bad


def test_a_failing_clock_first_in_line_does_not_hold_up_the_next_rounds(hotel, failing, settings):
    settings.TOUSU_CLOCK_RETRY_SECONDS, settings.TOUSU_CLOCK_RETRY_MAX_SECONDS = 60, 3600
    bad = clock_of(after_stay_case(hotel, subject="坏的"))
    good_case = after_stay_case(hotel, now=MONDAY_10 + dt.timedelta(days=1), subject="好的")
    good = clock_of(good_case)
    now = good.warn_at
    assert bad.warn_at < now < good.due_at
    failing.add(bad.pk)

    assert sweep(now=now, limit=1) == {"warned": 0, "breached": 0}  # the bad one was first
    bad.refresh_from_db()
    assert (bad.attempts, bad.retry_at, bad.warned_at) == (1, now + dt.timedelta(seconds=60), None)
    assert bad.last_error == "RuntimeError: mail server refused"

    # The next round passes the bad one by and warns the good one.
    assert sweep(now=now + SECOND, limit=1) == {"warned": 1, "breached": 0}
    assert "clock_warned" in actions_of(good_case)

    # Before its next try the bad clock is left alone; then tried, and put back twice as far.
    assert sweep(now=now + dt.timedelta(seconds=59), limit=1) == {"warned": 0, "breached": 0}
    bad.refresh_from_db()
    assert bad.attempts == 1
    sweep(now=now + dt.timedelta(seconds=60), limit=1)
    bad.refresh_from_db()
    assert (bad.attempts, bad.retry_at) == (2, now + dt.timedelta(seconds=60 + 120))

    # Cured, it goes through at its next try and its record is cleared.
    failing.clear()
    assert sweep(now=now + dt.timedelta(seconds=180), limit=1)["warned"] == 1
    bad.refresh_from_db()
    assert bad.warned_at is not None and (bad.attempts, bad.retry_at, bad.last_error) == (0, None, "")


def test_a_failing_clock_does_not_stop_the_others_in_its_round(hotel, failing):
    cases = [after_stay_case(hotel, subject=f"投诉{i}") for i in range(3)]
    bad = clock_of(cases[1])
    failing.add(bad.pk)
    assert sweep(now=bad.warn_at)["warned"] == 2
    assert [("clock_warned" in actions_of(case)) for case in cases] == [True, False, True]
    assert Clock.objects.get(pk=bad.pk).attempts == 1


def test_the_back_off_doubles_up_to_its_maximum(settings):
    settings.TOUSU_CLOCK_RETRY_SECONDS, settings.TOUSU_CLOCK_RETRY_MAX_SECONDS = 60, 6 * 3600
    delays = [clocks.retry_delay(n).total_seconds() for n in (1, 2, 3, 4, 9, 10, 1000)]
    assert delays == [60, 120, 240, 480, 15360, 21600, 21600]
