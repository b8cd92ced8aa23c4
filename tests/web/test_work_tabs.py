"""My work's deadline tabs: "Due soon" holds an open case whose running clock falls due within a
day or has reached its warning time; "Overdue" one whose clock is past due."""

from datetime import timedelta

from tests.web_ui.helpers import hotel_case
from tousu.cases import actions
from tousu.cases.models import Clock
from tousu.org.services import current_policy
from tousu.web import selectors


def test_a_case_moves_from_nothing_to_due_soon_to_overdue(hotel):
    case = hotel_case(hotel)
    actions.accept_case(actor=hotel.frontdesk, case_id=case.pk)
    clock = Clock.objects.get(case=case, state=Clock.RUNNING)

    def tabs(now) -> set[str]:
        lists = selectors.work_lists(hotel.frontdesk, current_policy(), now)
        return {tab for tab in ("due_soon", "overdue") if lists[tab].filter(pk=case.pk).exists()}

    assert tabs(clock.due_at - timedelta(days=2)) == set()
    assert tabs(clock.due_at - timedelta(hours=12)) == {"due_soon"}
    assert tabs(clock.due_at + timedelta(minutes=1)) == {"overdue"}
    Clock.objects.filter(pk=clock.pk).update(warn_at=clock.due_at - timedelta(days=3))
    assert tabs(clock.due_at - timedelta(days=2)) == {"due_soon"}  # past its warning time
    actions.withdraw_case(actor=hotel.frontdesk, case_id=case.pk, reason="客人撤回")
    assert tabs(clock.due_at - timedelta(hours=12)) == set()  # no longer open
