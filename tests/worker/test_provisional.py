"""Deadlines that reach a year whose holidays are not yet published are provisional until an
administrator loads that year's holiday list; then they are recomputed, with an event."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from tousu.cases.models import Case, CaseEvent
from tousu.cases.sweep import sweep

from .helpers import SH, actions_of, after_stay_case, clock_of, close_after_reply

ACCEPTED = dt.datetime(2026, 12, 30, 10, 0, tzinfo=SH)  # a Wednesday
# Counting 2027 by the weekend rule: Thu 31 Dec, Fri 1 Jan, Mon 4 Jan -> the end of 4 January.
PROVISIONAL_DUE = dt.datetime(2027, 1, 5, 0, 0, tzinfo=SH)
# With New Year's Day off: Thu 31 Dec, Mon 4 Jan, Tue 5 Jan -> the end of 5 January.
FINAL_DUE = dt.datetime(2027, 1, 6, 0, 0, tzinfo=SH)
LOADED_AT = dt.datetime(2026, 12, 31, 9, 0, tzinfo=SH)


@pytest.fixture
def holidays_2027(tmp_path):
    path = tmp_path / "2027.txt"
    path.write_text("# 2027 official holidays\n"
                    "2027-01-01 off 元旦\n2027-01-02 off 元旦\n2027-01-03 off 元旦\n", encoding="utf-8")
    return path


def load(year, path) -> str:
    out = StringIO()
    with time_machine.travel(LOADED_AT, tick=False):
        call_command("holidays", year, str(path), stdout=out)
    return out.getvalue()


def test_deadline_reaching_an_unpublished_year_is_provisional_until_the_year_is_loaded(
        hotel, holidays_2027):
    case = after_stay_case(hotel, now=ACCEPTED)
    clock = clock_of(case)
    assert (clock.due_at, clock.provisional) == (PROVISIONAL_DUE, True)
    assert Case.objects.get(pk=case.pk).provisional_deadline is True
    events = actions_of(case)

    load(2027, holidays_2027)

    clock.refresh_from_db()
    assert (clock.due_at, clock.provisional) == (FINAL_DUE, False)
    assert clock.warn_at == FINAL_DUE - dt.timedelta(minutes=240)
    case.refresh_from_db()
    assert case.provisional_deadline is False
    assert actions_of(case) == events + ["deadline_recomputed"]
    event = CaseEvent.objects.get(case=case, action="deadline_recomputed")
    assert event.actor is None and event.at == LOADED_AT
    assert (event.old, event.new) == ({"provisional_deadline": True}, {"provisional_deadline": False})
    assert event.note == f"{clock.label}: 2027-01-05 00:00 → 2027-01-06 00:00"
    call_command("verify_events", stdout=StringIO())

    # The worker keeps the new time: nothing at the old deadline, a breach at the new one.
    assert sweep(now=PROVISIONAL_DUE) == {"warned": 0, "breached": 0}
    assert sweep(now=FINAL_DUE) == {"warned": 1, "breached": 1}


def test_loading_another_year_leaves_provisional_deadlines_alone_and_writes_nothing(
        hotel, tmp_path):
    case = after_stay_case(hotel, now=ACCEPTED)
    events = actions_of(case)
    path = tmp_path / "2028.txt"
    path.write_text("2028-01-01 off 元旦\n", encoding="utf-8")

    load(2028, path)

    clock = clock_of(case)
    assert (clock.due_at, clock.provisional) == (PROVISIONAL_DUE, True)
    assert Case.objects.get(pk=case.pk).provisional_deadline is True
    assert actions_of(case) == events


def test_closed_case_is_not_recomputed(hotel, holidays_2027):
    case = after_stay_case(hotel, now=ACCEPTED)
    case = close_after_reply(hotel, case, now=ACCEPTED + dt.timedelta(hours=2))
    events = actions_of(case)

    load(2027, holidays_2027)

    clock = clock_of(case)
    assert (clock.state, clock.due_at) == ("stopped", PROVISIONAL_DUE)
    assert actions_of(case) == events


def test_case_accepted_after_the_year_is_loaded_is_final_at_once(hotel, holidays_2027):
    load(2027, holidays_2027)
    case = after_stay_case(hotel, now=ACCEPTED)
    clock = clock_of(case)
    assert (clock.due_at, clock.provisional) == (FINAL_DUE, False)
    assert case.provisional_deadline is False
