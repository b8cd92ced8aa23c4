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


def test_my_open_cases_are_read_from_the_open_cases_index(hotel):
    """The work queue stays fast while closed cases pile up only if the database reads the
    partial index of open cases; SQLite does so only when the query names the closed states
    exactly as the index does: the same order (a set's changed with each process's hash seed)
    and as literals (it plans before binding parameters)."""
    from django.db import connection

    qs = selectors.work_lists(hotel.frontdesk, current_policy(), hotel_case(hotel).received_at)["mine"]
    sql, params = qs.order_by("-received_at").query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # INDEXED BY fails ("no query solution") unless the index can answer the query as
            # SQLite plans it: before the parameters are bound.
            sql = sql.replace('FROM "cases_case"', 'FROM "cases_case" INDEXED BY "case_open_owner"', 1)
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        else:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "case_open_owner" in plan, plan


def test_due_soon_is_read_from_the_clocks_that_fall_due(hotel):
    """The "Due soon" badge and tab are read from the running clocks that fall due (an IN over
    their due-time index), so a reader with a long history of cases does not have each case probed
    for a clock; on SQLite that takes the statistics `tousu migrate` writes (cases/planner_stats.py;
    the plan itself is measured at 100k in docs/performance.md, session 5)."""
    from django.db import connection

    from tousu.cases import planner_stats

    case = hotel_case(hotel)
    actions.accept_case(actor=hotel.frontdesk, case_id=case.pk)
    clock = Clock.objects.get(case=case, state=Clock.RUNNING)
    assert planner_stats.refresh(connection) == (connection.vendor == "sqlite")
    qs = selectors.work_lists(hotel.frontdesk, current_policy(), clock.due_at - timedelta(hours=12))["due_soon"]
    assert list(qs.values_list("pk", flat=True)) == [case.pk]
    if connection.vendor == "sqlite":  # the statistics that let SQLite start from the clocks
        with connection.cursor() as cursor:
            cursor.execute("SELECT idx FROM sqlite_stat1 WHERE tbl = 'cases_clock'")
            assert "clock_running_due" in {row[0] for row in cursor.fetchall()}

def test_planner_statistics_are_written_only_for_a_database_with_cases(db):
    from django.db import connection

    from tousu.cases import planner_stats

    if connection.vendor != "sqlite":
        assert planner_stats.refresh(connection) is False
        return
    assert planner_stats.refresh(connection) is False  # no cases: no statistics that would mislead
