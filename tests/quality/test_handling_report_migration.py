"""Reports filed before the chain was configuration keep their steps: the migration turns each
report's step columns into the case's approval rows, and a step's running clock into the clock
the engine stops when that step is decided."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tousu.cases.models import CaseApproval, Clock
from tousu.quality import actions
from tousu.quality.models import HandlingReport

from .helpers import at, closed

BEFORE = [("quality", "0001_initial")]
AFTER = [("quality", "0003_drop_handling_report_step_columns")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def latest_schema_after():
    """Whatever happens in the test, the tests after it find the current schema (every app at
    its latest migration, not just this one's: later migrations of quality exist)."""
    yield
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_old_reports_become_approval_rows(hotel, latest_schema_after):
    h = hotel
    signed = closed(h.frontdesk, h.fo_head, h.units["front_office"], at(2026, 5, 12, 9), subject="已签认")
    done = closed(h.frontdesk, h.fo_head, h.units["front_office"], at(2026, 5, 12, 9), subject="已执行")
    old = migrate(BEFORE)
    Report, OldClock = old.get_model("quality", "HandlingReport"), old.get_model("cases", "Clock")
    common = {"cause": "原因", "investigation": "调查", "recommendation_kind": "training",
              "recommendation": "培训", "submitted_by_id": h.frontdesk.pk, "submitted_at": at(2026, 5, 13, 10)}
    Report.objects.create(case_id=signed.pk, step="signed", signed_by_id=h.fo_head.pk,
                          signed_at=at(2026, 5, 14, 9), sign_note="同意", **common)
    Report.objects.create(
        case_id=done.pk, step="executed", signed_by_id=h.fo_head.pk, signed_at=at(2026, 5, 14, 9),
        opinion_by_id=h.marketing.pk, opinion_at=at(2026, 5, 14, 10), opinion="推广",
        approved_by_id=h.gm_office.pk, approved_at=at(2026, 5, 15, 9), instructions="照办",
        executed_by_id=h.frontdesk.pk, executed_at=at(2026, 5, 20, 9), execution_note="已培训", **common)
    OldClock.objects.create(case_id=signed.pk, name="handling_report_opinion", label="处理报告表：营销部加签意见",
                            started_at=at(2026, 5, 14, 9), due_at=at(2026, 5, 16), warn_at=at(2026, 5, 15, 20))
    migrate(AFTER)

    def rows(case):
        return list(CaseApproval.objects.filter(case=case, chain="handling_report").order_by("position").values_list(
            "position", "role", "unit__code", "state", "decided_by__username", "note"))

    assert rows(signed) == [(1, "dept_head", "front_office", "granted", "fo_head", "同意"),
                            (2, "marketing", None, "pending", None, ""),
                            (3, "gm_office", None, "waiting", None, ""),
                            (4, "dept_head", "front_office", "waiting", None, "")]
    assert [r[3:] for r in rows(done)] == [("granted", "fo_head", ""), ("granted", "marketing", "推广"),
                                          ("granted", "gm_office", "照办"), ("granted", "frontdesk", "已培训")]
    assert CaseApproval.objects.get(case=done, position=4).decided_at == at(2026, 5, 20, 9)
    assert HandlingReport.objects.get(case=signed).cause == "原因"

    # The migrated report goes on through the chain: marketing's decision stops its old clock.
    actions.decide_handling_report(actor=h.marketing, case_id=signed.pk, note="推广")
    assert Clock.objects.get(case=signed, name="approval:handling_report:2").state == Clock.STOPPED
    assert [r[3] for r in rows(signed)] == ["granted", "granted", "pending", "waiting"]

    # And back: the columns are filled again from the rows.
    old = migrate(BEFORE)
    report = old.get_model("quality", "HandlingReport").objects.get(case_id=signed.pk)
    assert (report.step, report.sign_note, report.opinion_by_id, report.opinion) == (
        "opinion", "同意", h.marketing.pk, "推广")
    assert not CaseApproval.objects.filter(chain="handling_report").exists()
