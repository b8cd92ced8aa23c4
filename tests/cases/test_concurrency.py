"""Two people acting on the same case: the first wins, the second is told to reload and writes
nothing. On PostgreSQL, the same with real threads racing."""

import threading

import pytest
from django.db import connection

from tousu.cases import actions
from tousu.cases.errors import StaleCase
from tousu.cases.events import verify_case
from tousu.cases.models import Case, CaseEvent, Clock


def hotel_case(h) -> Case:
    """A 消费中 complaint the front desk took and accepted (a 消费后 one would go to the head)."""
    case = actions.register_case(actor=h.frontdesk, unit=h.units["front_office"], channel="phone",
                                 stage="during", subject="早餐冷", description="早餐送到房间已凉",
                                 complainant_name="何女士")
    return actions.accept_case(actor=h.frontdesk, case_id=case.pk)


def test_the_second_of_two_readers_is_told_to_reload(hotel):
    case = hotel_case(hotel)
    seen = Case.objects.get(pk=case.pk).version  # both have the case open at this version

    actions.escalate_case(actor=hotel.frontdesk, case_id=case.pk, reason="需经理处理", expected_version=seen)
    won = Case.objects.get(pk=case.pk)
    events = CaseEvent.objects.count()
    clocks = list(Clock.objects.values_list("pk", "state", "due_at"))

    with pytest.raises(StaleCase, match="Reload|刷新|重新"):
        actions.propose_resolution(actor=hotel.fo_head, case_id=case.pk, resolution="退款",
                                   compensation=300, expected_version=seen)
    lost = Case.objects.get(pk=case.pk)
    assert (lost.version, lost.owner, lost.level, lost.resolution, lost.compensation) == (
        won.version, hotel.fo_head, 1, "", 0)
    assert CaseEvent.objects.count() == events
    assert list(Clock.objects.values_list("pk", "state", "due_at")) == clocks

    # Reloaded, the same person succeeds.
    actions.propose_resolution(actor=hotel.fo_head, case_id=case.pk, resolution="退款",
                               compensation=300, expected_version=lost.version)
    assert Case.objects.get(pk=case.pk).version == lost.version + 1


def race(*calls) -> list:
    """Run the calls at the same moment, each in its own thread and connection; their outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            outcomes[i] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test looks at
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


postgres_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="a real race needs PostgreSQL's row locks")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_people_racing_on_one_version_exactly_one_wins(hotel):
    case = hotel_case(hotel)
    seen = Case.objects.get(pk=case.pk)
    for _round in range(5):
        outcomes = race(
            lambda: actions.add_note(actor=hotel.frontdesk, case_id=case.pk, text="前台跟进",
                                     expected_version=seen.version),
            lambda: actions.add_note(actor=hotel.fo_head, case_id=case.pk, text="经理跟进",
                                     expected_version=seen.version))
        assert sum(isinstance(o, Case) for o in outcomes) == 1, outcomes
        assert sum(isinstance(o, StaleCase) for o in outcomes) == 1, outcomes
        now = Case.objects.get(pk=case.pk)
        assert (now.version, now.event_count) == (seen.version + 1, seen.event_count + 1)
        assert verify_case(now) is None
        seen = now


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_racing_without_a_version_both_land_in_one_whole_chain(hotel):
    case = hotel_case(hotel)
    before = Case.objects.get(pk=case.pk)
    outcomes = race(*[lambda i=i: actions.add_note(actor=hotel.frontdesk, case_id=case.pk, text=f"跟进{i}")
                      for i in range(4)])
    assert all(isinstance(o, Case) for o in outcomes), outcomes
    after = Case.objects.get(pk=case.pk)
    assert (after.version, after.event_count) == (before.version + 4, before.event_count + 4)
    assert verify_case(after) is None


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_complaints_registered_at_once_get_different_numbers(hotel):
    outcomes = race(*[lambda i=i: actions.register_case(
        actor=hotel.frontdesk, unit=hotel.units["front_office"], channel="phone", subject=f"投诉{i}",
        description="同时登记", complainant_name="客人", stage="after") for i in range(4)])
    assert all(isinstance(o, Case) for o in outcomes), outcomes
    assert len({o.number for o in outcomes}) == 4
    assert all(verify_case(o) is None for o in Case.objects.all())
