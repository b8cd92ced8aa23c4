"""第三十条: opinion items are confidential. Each level is seen only by the roles the preset names
(and the item's owner); a report's record of cases leaves a confidential item's content out;
every view of a level 1 or 2 item (page, document, API) is recorded; a level 3 one is not."""

import time_machine

from tests.opinion.helpers import act, found
from tests.times import at
from tousu.cases.selectors import cases_visible_to
from tousu.quality.models import CaseView
from tousu.reports.periods import parse_week
from tousu.reports.services import compute


def test_each_level_is_seen_only_by_the_roles_named(opinion):
    o = opinion
    major = found(o, level=1, subject="央媒关注")
    minor = found(o, level=3, subject="路灯不亮")
    for person in (o.yq_leader, o.yq_office, o.yq_spokes, o.yq_taskforce, o.yq_admin):
        assert set(cases_visible_to(person)) == {major, minor}, person
    # The commentator's department does not handle these; the level 1 item is not theirs at all.
    assert set(cases_visible_to(o.yq_commentator)) == set()
    act("grade", o.yq_office, minor, level="3", decided_by="leading_group", reason="一般")
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        act("assign_department", o.yq_office, minor, unit="maintenance", plan="处理",
            due=at(2026, 12, 3, 17, 0).isoformat())
    assert set(cases_visible_to(o.yq_dept)) == {minor}
    assert set(cases_visible_to(o.yq_commentator)) == {minor}  # level 3 names the commentators
    act("grade", o.yq_office, minor, level="1", decided_by="city_net", reason="央媒转载")
    # Raised to level 1: out of the commentators' sight; the department head still owns it.
    assert set(cases_visible_to(o.yq_commentator)) == set()
    assert set(cases_visible_to(o.yq_road)) == set()
    assert set(cases_visible_to(o.stranger)) == set()


def test_every_view_of_a_level_1_or_2_item_is_recorded(opinion, client):
    o = opinion
    major = found(o, level=1)
    minor = found(o, level=3)
    client.force_login(o.yq_leader)
    assert client.get(f"/staff/cases/{major.pk}/").status_code == 200
    assert client.get(f"/staff/cases/{major.pk}/").status_code == 200
    assert client.get(f"/staff/cases/{minor.pk}/").status_code == 200
    views = list(CaseView.objects.filter(case=major))
    assert [(v.user, v.level, v.what) for v in views] == [(o.yq_leader, 1, "page")] * 2
    assert not CaseView.objects.filter(case=minor).exists()
    page = client.get(f"/staff/cases/{major.pk}/").content.decode()
    assert page.count("yq_leader · page") + page.count("李建国 · page") >= 2  # the record is on the page
    assert 'id="case-views"' not in client.get(f"/staff/cases/{minor.pk}/").content.decode()
    client.force_login(o.yq_commentator)
    assert client.get(f"/staff/cases/{major.pk}/").status_code == 404  # not theirs: nothing to record
    assert CaseView.objects.filter(case=major).count() == 3


def test_a_report_counts_a_confidential_item_but_leaves_its_content_out(opinion):
    o = opinion
    with time_machine.travel(at(2026, 11, 30, 10, 0), tick=False):
        major = found(o, level=2, subject="论坛热帖质疑路政执法")
    figures = compute(parse_week("2026-W49"), o.units["opinion_office"], now=at(2026, 12, 7, 9, 0))
    [row] = figures["rows"]
    assert row["number"] == major.number
    assert "热帖" not in row["content"] and major.number in row["content"]


def test_the_case_page_and_the_api_take_a_link_and_counts(opinion, client):
    """The staff form draws a link as a web address field and a count as a number; the API's
    document describes them; a wrong link is refused with the field's name, nothing written."""
    from tousu.api.action_schemas import action_schema
    from tousu.org.services import current_policy

    o = opinion
    case = found(o, level=3)
    client.force_login(o.yq_admin)
    page = client.get(f"/staff/cases/{case.pk}/").content.decode()
    assert 'type="url"' in page and 'type="number"' in page
    kind = current_policy().kind("opinion")
    schema = action_schema(kind.actions["record_item"], kind)
    assert schema["properties"]["link"]["type"] == "string" and "reads" in schema["properties"]
    response = client.post(f"/staff/cases/{case.pk}/act/record_item/", {
        "record_item-link": "www.weibo.com/abc", "record_item-reads": "12"})
    assert response.status_code == 400 and "https://" in response.content.decode()
    assert case.events.count() == 1
    client.post(f"/staff/cases/{case.pk}/act/record_item/", {
        "record_item-link": "https://weibo.com/abc", "record_item-reads": "12"})
    case.refresh_from_db()
    assert case.data["link"] == "https://weibo.com/abc" and case.data["reads"] == 12
    page = client.get(f"/staff/cases/{case.pk}/").content.decode()
    facts = page[page.index('id="case-facts"'):]
    assert '<a href="https://weibo.com/abc" rel="noopener noreferrer nofollow"' in facts
    assert "阅读量" in facts and "<dd>12</dd>" in facts


def test_the_intake_form_offers_the_kinds_own_levels(opinion, client):
    o = opinion
    client.force_login(o.yq_admin)
    page = client.get("/staff/intake/weibo/").content.decode()
    assert "一级（重大）" in page and "三级（一般）" in page
