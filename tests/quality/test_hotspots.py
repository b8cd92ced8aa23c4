"""S3: complaints grouped by category x place x period; clusters at or above the threshold."""

import datetime as dt

from tousu.cases.actions import reject_case
from tousu.org.services import current_policy
from tousu.quality.selectors import MONTH, WEEK, hotspots

from .helpers import SH, at, complaint

SINCE, UNTIL = at(2026, 5, 1), at(2026, 7, 1)


def rows(clusters):
    return [(c["period_start"], c["category"], c["spot"], c["count"]) for c in clusters]


def test_clusters_by_category_place_and_month(telecom):
    t = telecom
    cs = t.units["cs_center"]
    for day in (4, 12, 20):
        complaint(t.agent, cs, at(2026, 5, day, 10, 0), category="weak_coverage", place="文一路小区")
    # The month is Shanghai's: 23:30 on 31 May is May, 00:30 on 1 June (still 31 May in UTC) is June.
    complaint(t.agent, cs, at(2026, 5, 31, 23, 30), category="weak_coverage", place=" 文一路小区 ")
    complaint(t.agent, cs, at(2026, 6, 1, 0, 30), category="weak_coverage", place="文一路小区")
    complaint(t.agent, cs, at(2026, 5, 6, 10, 0), category="weak_coverage", place="古翠路")
    for day in (7, 8, 9):  # no place recorded: the handling unit stands in for it
        complaint(t.agent, cs, at(2026, 5, day, 10, 0), category="network_fault")
    complaint(t.agent, cs, at(2026, 4, 30, 10, 0), category="network_fault")  # before the range

    clusters = hotspots(t.company_head, since=SINCE, until=UNTIL, period=MONTH, threshold=3, tz=SH)
    assert rows(clusters) == [
        (dt.date(2026, 5, 1), "weak_coverage", "文一路小区", 4),
        (dt.date(2026, 5, 1), "network_fault", "客服中心", 3),
    ]
    everything = hotspots(t.company_head, since=SINCE, until=UNTIL, period=MONTH, threshold=1, tz=SH)
    assert sum(c["count"] for c in everything) == 9
    assert (dt.date(2026, 6, 1), "weak_coverage", "文一路小区", 1) in rows(everything)


def test_clusters_by_week(telecom):
    t = telecom
    cs = t.units["cs_center"]
    for when in (at(2026, 5, 11, 9), at(2026, 5, 13, 9), at(2026, 5, 17, 23), at(2026, 5, 18, 9)):
        complaint(t.agent, cs, when, category="broadband", place="西溪花园")
    clusters = hotspots(t.company_head, since=SINCE, until=UNTIL, period=WEEK, threshold=2, tz=SH)
    assert rows(clusters) == [(dt.date(2026, 5, 11), "broadband", "西溪花园", 3)]


def test_only_cases_the_reader_may_see_are_counted(hotel):
    h = hotel
    for day in (4, 5, 6):
        complaint(h.hk_staff, h.units["housekeeping"], at(2026, 5, day, 10), category="hygiene", place="8楼")
    assert rows(hotspots(h.gm, since=SINCE, until=UNTIL, period=MONTH, threshold=3, tz=SH)) == [
        (dt.date(2026, 5, 1), "hygiene", "8楼", 3)]
    assert hotspots(h.frontdesk, since=SINCE, until=UNTIL, period=MONTH, threshold=1, tz=SH) == []


def test_a_case_dismissed_as_not_a_complaint_is_left_out(hotel):
    """The kind's `[figures] dismissed` states (the complaint kind: 不予受理) are no complaint."""
    h = hotel
    hk = h.units["housekeeping"]
    cases = [complaint(h.hk_staff, hk, at(2026, 5, day, 10), category="hygiene", place="8楼") for day in (4, 5, 6)]
    reject_case(actor=h.hk_head, case_id=cases[0].pk, reason="咨询，不属于投诉", now=at(2026, 5, 4, 11))
    assert current_policy().kind().figures.dismissed  # the preset names the states
    assert rows(hotspots(h.gm, since=SINCE, until=UNTIL, period=MONTH, threshold=1, tz=SH)) == [
        (dt.date(2026, 5, 1), "hygiene", "8楼", 2)]
