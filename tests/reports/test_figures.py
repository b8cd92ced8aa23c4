"""The figures of October 2026 equal the ones computed by hand from the fixture (conftest.py)."""

from tousu.cases.models import Case, Clock
from tousu.cases.selectors import cases_visible_to
from tousu.org.services import current_policy
from tousu.reports import figures
from tousu.reports.periods import parse_month, parse_week
from tousu.reports.services import compute

from .conftest import SH, at

AS_OF = at(2026, 11, 15, 9)


def counts(rows):
    return {row["code"]: row["count"] for row in rows}


def test_october_counts_the_cases_received_in_october_only(october):
    f = compute(parse_month("2026-10"), now=AS_OF)
    # B, C, D, E, F. Not A (received 09-30 23:30 Beijing time, 15:30 UTC, handled and closed in
    # October), not H (September), not G (11-01 00:10).
    assert f["total"] == 5
    assert counts(f["by_category"]) == {"hygiene": 2, "food": 1, "noise": 1, "service_attitude": 1}
    assert counts(f["by_unit"]) == {"housekeeping": 2, "front_office": 2, "food_beverage": 1}
    assert counts(f["by_channel"]) == {"phone": 2, "walk_in": 1, "letter": 1, "web": 1}
    assert counts(f["by_stage"]) == {"after": 3, "during": 2}
    # B climbed on its breach; C and E, 消费后, went to their department heads when registered,
    # and C climbed once more, to the deputy GM, on the customer's "not satisfied"; D was
    # registered by a head. Only F stays with the front desk.
    assert counts(f["by_level"]) == {"2": 1, "1": 3, "0": 1}
    assert f["by_category"][0] == {"code": "hygiene", "label": "卫生", "count": 2}
    assert f["by_level"][0]["label"] == "1 · 部门负责人"


def test_october_rates(october):
    f = compute(parse_month("2026-10"), now=AS_OF)
    rates = f["rates"]
    # accepted or further: B, C (in progress), E (closed); D rejected and F received are not.
    assert rates["response"] == {"num": 3, "den": 5, "rate": 0.6}
    # closed: E only. C was closed, then reopened and is open again: not resolved, counted once.
    assert rates["resolution"] == {"num": 1, "den": 5, "rate": 0.2}
    assert f["reopened"] == 1
    # verdicts: E satisfied; C satisfied first, then (after reopening) not satisfied: the latest counts.
    assert rates["satisfaction"] == {"num": 1, "den": 2, "rate": 0.5}
    # The case page's rule (tousu.cases.selectors): C repeats H (hygiene, handled by housekeeping,
    # 23 days before, in September, about the same stained sheets), D has B's phone. B,
    # complained about housekeeping but handled by the front office, repeats nothing.
    assert rates["repeat"] == {"num": 2, "den": 5, "rate": 0.4}


def test_october_timeliness_counts_clocks_due_in_october(october):
    # B's, and H's: its three working days from registration ran out in September, before this
    # first sweep.
    assert october.swept["breached"] == 2
    breached = Clock.objects.filter(breached_at__isnull=False)
    assert {c.case_id for c in breached} == {october.B.pk, october.H.pk}
    f = compute(parse_month("2026-10"), now=AS_OF)
    clocks = {c["name"]: (c["due"], c["on_time"], c["late"], c["rate"]) for c in f["clocks"]}
    # during_stay: A's (due 10-01 08:00: A is September's case but its clock fell due in
    # October; replied in time but closed at 11:00, and the guest's time runs until the final
    # handling: late) and B's (breached).
    # after_stay: C's first (kept), C's second after reopening (due 10-23, still running: late),
    # D's (stopped by the rejection), E's (kept).
    assert clocks == {"during_stay": (2, 0, 2, 0.0), "after_stay": (4, 3, 1, 0.75)}


def test_change_against_september_and_top_causes(october):
    f = compute(parse_month("2026-10"), now=AS_OF)
    # September: H (received) and A (closed, satisfied).
    assert f["previous"]["total"] == 2
    assert f["previous"]["start"] == "2026-09-01T00:00:00+08:00"
    assert f["change"]["total"] == {"current": 5, "previous": 2, "delta": 3, "pct": 1.5}
    assert f["change"]["response"] == {"current": 0.6, "previous": 0.5, "delta": 0.1}
    assert f["change"]["resolution"] == {"current": 0.2, "previous": 0.5, "delta": -0.3}
    assert f["change"]["satisfaction"] == {"current": 0.5, "previous": 1.0, "delta": -0.5}
    assert f["change"]["repeat"] == {"current": 0.4, "previous": 0.0, "delta": 0.4}
    assert [(c["code"], c["count"], c["share"]) for c in f["top_causes"]] == [
        ("hygiene", 2, 0.4), ("food", 1, 0.2), ("noise", 1, 0.2), ("service_attitude", 1, 0.2)]


def test_september_holds_the_straddling_case(october):
    f = compute(parse_month("2026-09"), now=AS_OF)
    assert f["total"] == 2
    assert counts(f["by_category"]) == {"billing": 1, "hygiene": 1}


def test_weekly_record_of_housekeeping(october):
    h = october.h
    f = compute(parse_week("2026-W42"), h.units["housekeeping"], now=at(2026, 10, 19, 9))
    # B (complained about housekeeping, received at the front office) and C; D is food & beverage's.
    assert f["total"] == 2
    assert [row["number"] for row in f["rows"]] == [october.B.number, october.C.number]
    first = f["rows"][0]
    assert first["date"] == "2026-10-12 10:00"
    assert first["complainant"] == "张** 138****0002"  # masked
    assert "13800000002" not in str(f)
    assert first["category"] == "卫生" and first["handler"] == "前厅部经理 李强"
    # States are read when the figures are computed (here after the whole fixture ran).
    assert f["rows"][1]["state"] == "in_progress" and f["rows"][1]["callback"] == "not_satisfied"
    assert f["rows"][1]["handling"] == "致歉并处理"
    assert f["unit"] == {"code": "housekeeping", "name": "客房部"}
    assert f["period"] == {"kind": "weekly", "code": "2026-W42", "start": "2026-10-12", "end": "2026-10-19"}


def test_front_office_week_holds_only_its_own(october):
    f = compute(parse_week("2026-W43"), october.h.units["front_office"], now=AS_OF)
    assert [row["number"] for row in f["rows"]] == [october.E.number]


def test_figures_from_what_a_person_sees(october):
    """figures.compute takes any cases: a housekeeping member's view holds B, C and H only."""
    h = october.h
    start, end = parse_month("2026-10").bounds(SH)
    mine = cases_visible_to(h.hk_staff)
    f = figures.compute(mine, start=start, end=end, policy=current_policy(), tz=SH, as_of=AS_OF)
    assert f["total"] == 2 and counts(f["by_unit"]) == {"housekeeping": 2}
    assert Case.objects.filter(received_at__gte=start, received_at__lt=end).count() == 5


def test_counts_are_grouped_in_the_database(october, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        compute(parse_month("2026-10"), now=AS_OF)
