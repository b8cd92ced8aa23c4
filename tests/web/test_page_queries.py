"""What the two busiest staff pages ask the database (issue 10, "the filtered work list and the
case page"; docs/performance.md, session 4): the reader's unit subtree is read once per request,
not once per selector, and the repeat flag reads its earlier cases once, two columns of them,
instead of whole rows and then a count."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.quality.helpers import at, complaint
from tousu.cases.selectors import SIMILAR_CANDIDATES
from tousu.quality.templatetags import quality


def _page(client, user, path):
    client.force_login(user)
    client.get(path)  # warm: the configuration is parsed on the first request
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries.captured_queries]


def _subtree_reads(sql: list[str]) -> int:
    """The reads of the ids of the reader's units' subtrees (the unit filter's list of names is
    another read, of whole rows)."""
    return sum(1 for s in sql if re.match(r'SELECT "org_unit"\."id" AS "pk" FROM "org_unit" WHERE "org_unit"\."path"', s))


def test_the_case_page_reads_the_subtree_once_and_the_repeats_once(client, hotel, monkeypatch):
    monkeypatch.setattr(quality, "REPEATS_SHOWN", 2)
    monkeypatch.setattr(quality, "REPEATS_COUNTED", 3)
    h = hotel
    hk = h.units["housekeeping"]
    earlier = [complaint(h.hk_staff, hk, at(2026, 5, day, 10, 0), category="hygiene") for day in (1, 2, 3, 4)]
    latest = complaint(h.hk_staff, hk, at(2026, 5, 6, 10, 0), category="hygiene")
    response, sql = _page(client, h.hk_head, f"/staff/cases/{latest.pk}/")
    html = response.content.decode()
    # The flag still links the newest and says there are more than it counts.
    flag = html[html.index("repeat-flag"):]
    flag = flag[:flag.index("</div>")]  # the flag alone (the similar cases are listed elsewhere)
    assert earlier[3].number in flag and earlier[2].number in flag
    assert earlier[0].number not in flag
    assert _subtree_reads(sql) == 1, sql
    # the similar cases' own reads: their candidates' ids and terms, then the similar rows by id
    repeat_reads = [s for s in sql if ('"cases_case"."received_at" <' in s or "cases_samematter" in s)
                    and not s.endswith(f"LIMIT {SIMILAR_CANDIDATES}") and not re.search(r'"cases_case"\."id" IN \(\d', s)]
    assert len(repeat_reads) == 1, repeat_reads
    assert not repeat_reads[0].startswith("SELECT COUNT(*)")
    assert '"cases_case"."description"' not in repeat_reads[0]  # not whole rows


def test_the_filtered_work_list_reads_the_subtree_once(client, hotel):
    h = hotel
    case = complaint(h.hk_staff, h.units["housekeeping"], at(2026, 5, 1, 10, 0), category="hygiene")
    response, sql = _page(client, h.hk_head, "/staff/?tab=units&category=hygiene")
    assert case.number in response.content.decode()
    assert _subtree_reads(sql) == 1, sql


def test_a_unit_added_in_the_same_request_is_in_scope_at_once(hotel):
    """The subtree read once per request is read again when a unit is added under it (a batch
    or an admin request that adds a unit and then reads its cases sees them)."""
    from tousu.cases.selectors import cases_visible_to
    from tousu.org.models import Unit
    from tousu.org.services import configuration_held

    h = hotel
    hk = h.units["housekeeping"]
    with configuration_held():
        assert list(cases_visible_to(h.hk_head)) == []
        floor = Unit.objects.create(code="hk-floor-9", name="九楼", kind=hk.kind, parent=hk)
        case = complaint(h.hk_staff, floor, at(2026, 5, 1, 10, 0), category="hygiene")
        assert list(cases_visible_to(h.hk_head)) == [case]
