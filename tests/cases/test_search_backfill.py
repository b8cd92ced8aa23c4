"""The search terms of cases that exist before they do: migration cases/0005 fills them in (and
builds the index on PostgreSQL); `tousu bench-data` writes them as Case.save() would."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.web_ui.helpers import hotel_case
from tousu.cases import search
from tousu.cases.models import Case
from tousu.cases.selectors import filter_cases
from tousu.org.services import current_policy

BEFORE = [("cases", "0004_open_running_and_repeat_indexes")]
AFTER = [("cases", "0005_case_search_terms")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _indexes() -> set[str]:
    with connection.cursor() as cursor:
        return {name for name, info in connection.introspection.get_constraints(cursor, "cases_case").items()
                if info["index"]}


def _statistics_target() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT attstattarget FROM pg_attribute WHERE attrelid = 'case_search_terms'::regclass")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_in_the_terms_of_existing_cases(hotel):
    cases = [hotel_case(hotel, subject=f"第{i}次投诉退款", complainant_name="欧阳娜娜") for i in range(3)]
    try:
        _migrate(BEFORE)
        with connection.cursor() as cursor:
            columns = {c.name for c in connection.introspection.get_table_description(cursor, "cases_case")}
        assert "search_terms" not in columns
        apps = _migrate(AFTER)
    finally:
        _migrate(_latest())  # leave the schema as the other tests expect it
    rows = apps.get_model("cases", "Case").objects.order_by("pk")
    assert [row.search_terms for row in rows] == [search.terms_of(case) for case in cases]
    assert ("case_search_terms" in _indexes()) == (connection.vendor == "postgresql")
    if connection.vendor == "postgresql":  # rare terms are counted, not guessed (migration 0005)
        assert _statistics_target() == 1000


def test_bench_data_writes_the_terms_save_would(db):
    call_command("bench_data", cases=40, branches=1, outlets=2, stdout=StringIO())
    rows = list(Case.objects.order_by("pk"))
    assert len(rows) == 40 and all(row.search_terms for row in rows)
    assert [row.search_terms for row in rows] == [search.terms_of(row) for row in rows]
    if connection.vendor == "postgresql":  # the index was dropped and built again around the load
        assert _statistics_target() == 1000
    some = rows[7]
    term = some.subject[:2] if len(some.subject) >= 2 else some.number
    found = filter_cases(Case.objects.all(), policy=current_policy(), personal=False, q=term)
    assert some in found
