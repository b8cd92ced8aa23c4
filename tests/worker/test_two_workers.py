"""Two workers sweeping the same due clocks: each clock is warned once and breached once, and
no case climbs the ladder twice for one breach."""

import threading
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from tousu.cases import actions
from tousu.cases.actions import breach_clock, warn_clock
from tousu.cases.models import Case, CaseEvent, Clock, Lateness
from tousu.cases.sweep import sweep

from .helpers import AFTER_STAY_DUE, MONDAY_10, after_stay_case

CASES = 30
NOTHING = {"warned": 0, "breached": 0}


def due_cases(org, n=CASES):
    return [after_stay_case(org, subject=f"投诉 {i}") for i in range(n)]


def assert_acted_once_per_clock(org, cases):
    clock_ids = set(Clock.objects.filter(case__in=cases).values_list("pk", flat=True))
    assert len(clock_ids) == len(cases)
    for action in ("clock_warned", "clock_breached", "escalate"):
        per_case = Counter(CaseEvent.objects.filter(case__in=cases, action=action)
                           .values_list("case_id", flat=True))
        assert per_case == Counter({case.pk: 1 for case in cases}), action
    per_clock = Counter(Lateness.objects.filter(case__in=cases).values_list("clock_id", flat=True))
    assert per_clock == Counter({pk: 1 for pk in clock_ids})
    assert set(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("level", "owner")) == {
        (2, org.deputy.pk)}  # 消费后: the head held it, the breach climbs to the deputy GM
    assert not Clock.objects.filter(pk__in=clock_ids, warned_at=None).exists()
    assert not Clock.objects.filter(pk__in=clock_ids, breached_at=None).exists()
    call_command("verify_events")  # the chains are whole: no two events took one seq


def test_two_workers_taking_turns_over_the_same_due_clocks_act_once(hotel):
    """Both workers listed the same due clocks before either acted, then take turns."""
    cases = due_cases(hotel)
    listed = list(Clock.objects.filter(case__in=cases).order_by("due_at")
                  .values_list("pk", flat=True))
    done = {"a": Counter(), "b": Counter()}
    for act, key in ((warn_clock, "warned"), (breach_clock, "breached")):
        for i, pk in enumerate(listed):
            order = ("a", "b") if i % 2 == 0 else ("b", "a")
            results = [act(clock_id=pk, now=AFTER_STAY_DUE) for _ in order]
            assert sorted(results) == [False, True]
            for worker, result in zip(order, results, strict=True):
                done[worker][key] += result
    assert done["a"] + done["b"] == Counter({"warned": CASES, "breached": CASES})
    # Whole sweeps by both workers afterwards find nothing left to do.
    assert sweep(now=AFTER_STAY_DUE) == NOTHING
    assert sweep(now=AFTER_STAY_DUE) == NOTHING
    assert_acted_once_per_clock(hotel, cases)


def _threads(*targets):
    """Run each target in its own thread (and its own database connection), all starting at
    once; return their results and the exceptions they raised."""
    start = threading.Barrier(len(targets))
    results, errors = [None] * len(targets), []

    def run(i, target):
        try:
            start.wait(timeout=10)
            results[i] = target()
        except BaseException as exc:  # reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hangs"
    return results, errors


def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs a database with row locks and real concurrent connections (PostgreSQL)")


@pytest.mark.django_db(transaction=True)
def test_two_workers_sweeping_at_once_act_once_per_clock(hotel):
    _postgresql_only()
    cases = due_cases(hotel)

    results, errors = _threads(lambda: sweep(now=AFTER_STAY_DUE), lambda: sweep(now=AFTER_STAY_DUE))

    assert errors == []
    assert sum(r["warned"] for r in results) == CASES
    assert sum(r["breached"] for r in results) == CASES
    assert_acted_once_per_clock(hotel, cases)
    assert sweep(now=AFTER_STAY_DUE) == NOTHING


@pytest.mark.django_db(transaction=True)
def test_closing_a_case_while_the_worker_reaches_it_neither_deadlocks_nor_acts_twice(hotel):
    """A head closes a case in the very moment the worker finds its clock due. Both lock the
    case and its clock; taken in opposite orders the database would abort one of them. The
    worker leaves a case someone holds for its next round, and the close goes through."""
    _postgresql_only()
    case = after_stay_case(hotel)
    noon = MONDAY_10.replace(hour=12)
    actions.propose_resolution(actor=hotel.fo_head, case_id=case.pk, resolution="更换房间", now=noon)
    actions.reply_case(actor=hotel.fo_head, case_id=case.pk, text="已更换房间", now=noon)
    actions.record_callback(actor=hotel.fo_head, case_id=case.pk, result="satisfied", now=noon)
    actions.sign_off_case(actor=hotel.fo_head, case_id=case.pk, now=noon)
    case_locked, worker_returned = threading.Event(), threading.Event()

    def head_closes():
        with transaction.atomic():
            Case.objects.select_for_update().get(pk=case.pk)  # the close has begun
            case_locked.set()
            worker_returned.wait(timeout=3)  # meanwhile the worker reaches the same case
            return actions.close_case(actor=hotel.fo_head, case_id=case.pk, now=AFTER_STAY_DUE).state

    def worker():
        case_locked.wait(timeout=10)
        try:
            return sweep(now=AFTER_STAY_DUE)
        finally:
            worker_returned.set()

    results, errors = _threads(head_closes, worker)

    assert errors == []
    assert results == ["closed", NOTHING]
    clock = Clock.objects.get(case=case)
    assert (clock.state, clock.warned_at, clock.breached_at) == (Clock.STOPPED, None, None)
    assert sweep(now=AFTER_STAY_DUE) == NOTHING
    assert not Lateness.objects.filter(case=case).exists()
    assert not CaseEvent.objects.filter(case=case, action__startswith="clock_").exists()
