"""`tousu worker --once`: one round warns and breaches what is due and delivers what it queued."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from tousu.cases.models import Case, Lateness
from tousu.notify.models import Notification

from .helpers import AFTER_STAY_DUE, AFTER_STAY_WARN, actions_of, after_stay_case


def run_worker_at(moment):
    with time_machine.travel(moment, tick=False):
        call_command("worker", "--once")


def test_one_round_warns_breaches_escalates_and_delivers(hotel):
    case = after_stay_case(hotel)

    run_worker_at(AFTER_STAY_DUE + dt.timedelta(minutes=5))

    assert actions_of(case)[-3:] == ["clock_warned", "clock_breached", "escalate"]
    # A 消费后 case is the front office head's from registration: the breach counts against the
    # head and climbs to the deputy GM in charge.
    assert Lateness.objects.filter(case=case, person=hotel.fo_head).count() == 1
    case.refresh_from_db()
    assert (case.owner, case.level) == (hotel.deputy, 2)
    # Both messages of the round left in the same round: the warning to the department head,
    # and "now yours" to the deputy GM.
    assert sorted(m.to[0] for m in mail.outbox) == ["deputy@example.com", "fo_head@example.com"]
    assert all(case.number in m.subject for m in mail.outbox)
    assert not Notification.objects.exclude(state=Notification.SENT).exists()

    run_worker_at(AFTER_STAY_DUE + dt.timedelta(hours=1))
    assert actions_of(case).count("clock_breached") == 1
    assert len(mail.outbox) == 2


def test_round_before_anything_is_due_does_nothing(hotel):
    case = after_stay_case(hotel)
    events = actions_of(case)
    run_worker_at(AFTER_STAY_WARN - dt.timedelta(minutes=1))
    assert actions_of(case) == events
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_round_outside_any_transaction_as_in_production(hotel):
    """The command as it runs for real: its own transactions, its connection renewed each round."""
    cases = [after_stay_case(hotel, subject=f"投诉 {n}") for n in range(3)]

    run_worker_at(AFTER_STAY_WARN)

    for case in cases:
        assert actions_of(case)[-1] == "clock_warned"
    assert [m.to for m in mail.outbox] == [["fo_head@example.com"]] * 3  # the owner of 消费后 cases
    assert set(Case.objects.values_list("level", flat=True)) == {1}
