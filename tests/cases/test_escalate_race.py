"""Two tabs racing on escalate: the second is told someone else changed the case (the version
conflict), not that the case does not exist. On PostgreSQL the second waits on the case's row
lock while the first moves its owner; the lock's re-check of the joined owner must not drop the
row."""

import threading

import pytest
from django.db import connection, transaction

from tousu.cases import actions
from tousu.cases.errors import StaleCase
from tousu.cases.models import Case

from .test_concurrency import hotel_case, postgres_only


@postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("second", ["frontdesk", "fo_head"])
def test_the_second_tab_is_told_the_case_changed(hotel, second):
    case = hotel_case(hotel)
    seen = Case.objects.get(pk=case.pk).version  # both tabs show this version
    escalated, release, outcome = threading.Event(), threading.Event(), {}

    def first_tab():
        try:
            with transaction.atomic():
                actions.escalate_case(actor=hotel.frontdesk, case_id=case.pk, reason="需经理处理",
                                      expected_version=seen)
                escalated.set()
                release.wait(10)  # holds the row lock (and the new owner) uncommitted
        finally:
            escalated.set()
            connection.close()

    def second_tab():
        try:
            outcome["result"] = actions.escalate_case(actor=getattr(hotel, second), case_id=case.pk,
                                                      reason="再次升级", expected_version=seen)
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test looks at
            outcome["result"] = exc
        finally:
            connection.close()

    one = threading.Thread(target=first_tab)
    one.start()
    assert escalated.wait(10)
    two = threading.Thread(target=second_tab)
    two.start()
    two.join(0.5)  # the second tab now waits for the first's lock
    release.set()
    one.join(10)
    two.join(10)
    assert isinstance(outcome["result"], StaleCase), outcome
    now = Case.objects.get(pk=case.pk)
    assert (now.version, now.owner) == (seen + 1, hotel.fo_head)


def test_without_a_race_the_second_tab_is_told_the_same(hotel):
    case = hotel_case(hotel)
    seen = Case.objects.get(pk=case.pk).version
    actions.escalate_case(actor=hotel.frontdesk, case_id=case.pk, reason="需经理处理", expected_version=seen)
    with pytest.raises(StaleCase):
        actions.escalate_case(actor=hotel.frontdesk, case_id=case.pk, reason="再次升级", expected_version=seen)
