"""The search box: a case-insensitive substring match over number, subject and description (and
the complainant's name for those who may see personal data), answered on PostgreSQL from the
index terms of tousu/cases/search.py (issue 5)."""

import re
import sys

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from tests.web_ui.helpers import hotel_case, login
from tousu.cases import actions, search
from tousu.cases.models import Case
from tousu.cases.selectors import filter_cases
from tousu.org.services import current_policy

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="the index is PostgreSQL's")


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def cases(hotel):
    refund = hotel_case(hotel, subject="退款迟迟不到账", description="申请退款两周了还没有到账")
    attitude = hotel_case(hotel, subject="前台服务态度差", description="前台服务态度很差，WiFi密码也不肯告诉我")
    smell = hotel_case(hotel, subject="房间有异味", description="空调一开就有烟味", complainant_name="欧阳娜娜")
    return refund, attitude, smell


def listed(client, user, q) -> set[str]:
    """The case numbers "All I may see" lists for a search, as the reader sees them."""
    response = login(client, user).get(reverse("web:my_work"), {"tab": "all", "q": q})
    assert response.status_code == 200
    return set(re.findall(r'<a href="/staff/cases/\d+/">(TS-[\d-]+)</a>', response.content.decode()))


def numbers(*cases) -> set[str]:
    return {case.number for case in cases}


def found(q: str, *, personal: bool = True) -> set[str]:
    """What the list filter (the page's and the API's) finds over every case."""
    qs = filter_cases(Case.objects.all(), policy=current_policy(), personal=personal, q=q)
    return set(qs.values_list("number", flat=True))


@pytest.mark.parametrize("q, expected", [
    ("退款", "refund"),
    ("服务态度", "attitude"),
    ("态度差", "attitude"),        # across what a word splitter would call two words
    ("款迟迟", "refund"),
    ("两周了还没有到账", "refund"),  # the description is searched
    ("退货", ""),
    ("态度好", ""),
])
def test_a_chinese_fragment_finds_the_cases_that_hold_it_and_no_others(client, hotel, cases, q, expected):
    by_name = dict(zip(("refund", "attitude", "smell"), cases))
    assert listed(client, hotel.gm, q) == numbers(*(by_name[n] for n in expected.split() if n))


@pytest.mark.parametrize("q", ["wifi", "WIFI", "WiFi", "Fi密码", "ifi"])
def test_a_latin_word_is_found_in_any_case(client, hotel, cases, q):
    assert listed(client, hotel.gm, q) == numbers(cases[1])


def test_a_case_number_finds_its_case_whole_or_in_part(client, hotel, cases):
    refund, attitude, smell = cases
    assert listed(client, hotel.gm, refund.number) == numbers(refund)
    assert listed(client, hotel.gm, smell.number.lower()) == numbers(smell)
    assert listed(client, hotel.gm, attitude.number[-6:]) == numbers(attitude)
    assert listed(client, hotel.gm, refund.number[:7]) == numbers(*cases)  # TS-2026: every one


def test_a_one_character_term_still_finds_what_holds_it(client, hotel, cases):
    assert listed(client, hotel.gm, "烟") == numbers(cases[2])
    assert listed(client, hotel.gm, "差") == numbers(cases[1])
    assert listed(client, hotel.gm, "w") == numbers(cases[1])


@pytest.mark.parametrize("q, expected", [
    ("前台 WiFi", "attitude"),           # both words in one case
    ("态度　密码", "attitude"),          # a full-width space separates words too
    ("前台 退款", ""),                    # each word is in a case, never both in one
    ("退款  到账 两周", "refund"),
    ("欧阳 异味", "smell"),              # a word may be in the name, another in the text
])
def test_a_space_means_every_word(client, hotel, cases, q, expected):
    by_name = dict(zip(("refund", "attitude", "smell"), cases))
    assert listed(client, hotel.gm, q) == numbers(*(by_name[n] for n in expected.split() if n))


def test_full_and_half_width_forms_find_each_other(client, hotel, cases):
    half = hotel_case(hotel, subject="隔壁KTV太吵", description="凌晨2点还在唱")
    full = hotel_case(hotel, subject="楼下ＫＴＶ噪音", description="工单编号ＡＢ９８７")
    assert listed(client, hotel.gm, "KTV") == numbers(half, full)
    assert listed(client, hotel.gm, "ＫＴＶ") == numbers(half, full)
    assert listed(client, hotel.gm, "ｋｔｖ噪音") == numbers(full)
    assert listed(client, hotel.gm, "ab987") == numbers(full)
    assert listed(client, hotel.gm, "２点") == numbers(half)


def test_the_name_is_found_only_by_someone_who_may_see_personal_data(client, hotel, cases):
    smell = cases[2]
    assert listed(client, hotel.gm, "欧阳娜娜") == numbers(smell)
    assert listed(client, hotel.gm, "阳娜") == numbers(smell)
    assert listed(client, hotel.gm, "欧") == numbers(smell)
    for q in ("欧阳娜娜", "阳娜", "欧"):
        assert listed(client, hotel.marketing, q) == set()  # the name is masked for marketing
    assert listed(client, hotel.marketing, "异味") == numbers(smell)  # the case itself is visible


def test_a_case_stays_findable_through_its_actions(client, hotel, cases):
    refund = cases[0]
    actions.accept_case(actor=hotel.frontdesk, case_id=refund.pk)
    actions.escalate_case(actor=hotel.frontdesk, case_id=refund.pk, reason="客人要求经理处理")
    actions.add_note(actor=hotel.fo_head, case_id=refund.pk, text="已联系财务")
    assert listed(client, hotel.gm, "退款") == numbers(refund)
    assert listed(client, hotel.fo_head, "到账") == numbers(refund)


def test_the_terms_follow_the_text_they_come_from(hotel, cases):
    """No action changes a subject or a description today; a save that writes one (all fields,
    or update_fields naming it) refreshes the terms, a save of other fields leaves them."""
    refund = Case.objects.get(pk=cases[0].pk)
    assert refund.search_terms == search.terms_of(refund)
    refund.subject = "押金没有退还"
    refund.save(update_fields=["subject"])
    assert "押金" in Case.objects.get(pk=refund.pk).search_terms.split()
    assert found(refund.subject[:2]) == numbers(refund)
    refund.description = "发票开错了"
    refund.save(update_fields=["reply"])  # not a source: the stored terms stay as they were
    assert "发票" not in Case.objects.get(pk=refund.pk).search_terms.split()
    refund.save()
    assert found("发票") == numbers(refund)


# --- the terms themselves -----------------------------------------------------------------------

def test_terms_of_a_text():
    assert search.query_terms("服务态度") == ["服务", "务态", "态度"]
    assert search.query_terms("TS-2026-000123") == ["TS", "202", "026", "000", "001", "012", "123"]
    assert search.query_terms("VIP会员") == ["VIP", "P会", "会员"]
    assert search.query_terms("5G") == ["5G"]
    for too_short in ("", "退", "a", "a b", "退 款", "!!"):
        assert search.query_terms(too_short) == []
    stored = search.case_terms(number="TS-2026-000123", subject="退款", description="WiFi", complainant_name="王芳")
    assert stored.split() == ["TS", "202", "026", "20", "02", "26", "000", "001", "012", "123", "00", "01",
                              "12", "23", "退款", "WIF", "IFI", "WI", "IF", "FI", "n:王芳"]


TEXT = st.text(st.sampled_from(list("退款服务态度很差房间欧阳aAbBzZ09 -_.,，。！ßΣσςᾳİıſKΐ")), max_size=40)


@given(text=TEXT, data=st.data())
def test_every_substring_has_its_terms_in_the_row(text, data):
    """The promise the index rests on: whatever the row matches, in any case, the row holds
    every term of it, so the index never hides a match."""
    start = data.draw(st.integers(0, len(text)))
    term = text[start:data.draw(st.integers(start, len(text)))]
    variant = "".join(data.draw(st.sampled_from((c, c.lower(), c.upper()))) for c in term)
    row = set(search.case_terms(number="", subject="", description=text, complainant_name=text).split())
    assert search.fold(term) in search.fold(text)
    for t in (term, variant):
        if search.fold(t) in search.fold(text):  # what UPPER(...) LIKE UPPER('%t%') matches
            assert set(search.query_terms(t)) <= row
            assert set(search.name_terms(search.query_terms(t))) <= row


def test_the_characters_that_grow_in_upper_case_are_all_known():
    growing = {c for c in map(chr, range(sys.maxunicode + 1)) if len(c.upper()) > 1}
    assert growing == set(search._GROWING)
    assert search.fold("straße ᾳ") == "STRAßE ᾼ"


@on_postgres
def test_folding_is_what_the_database_upper_does(db):
    chars = [chr(i) for i in range(0x20, 0x30000) if not 0xD800 <= i < 0xE000]
    with connection.cursor() as cursor:
        cursor.execute("SELECT upper(x) FROM unnest(%s::text[]) AS x", [chars])
        upper = [row[0] for row in cursor.fetchall()]
    assert [(c, u) for c, u in zip(chars, upper) if u != search.upper(c)] == []


def test_the_database_folds_a_column_as_the_query_is_folded(hotel):
    """The exact check folds the column in SQL (translate + UPPER, or SQLite's tousu_fold): the
    same characters as `search.fold`, full-width ones included."""
    from django.db.models import F

    from tousu.cases.selectors import Folded

    text = "".join(chr(i) for i in range(0x21, 0x7F)) + search.FULL_WIDTH + "退款ß"
    case = hotel_case(hotel, subject=text)
    folded = Case.objects.filter(pk=case.pk).annotate(f=Folded(F("subject"))).values_list("f", flat=True)[0]
    assert folded == search.fold(text)
    assert not set(folded) & set(search.FULL_WIDTH)


on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="the term table is SQLite's")


@on_sqlite
@pytest.mark.parametrize("inline", [2000, 0])
@pytest.mark.parametrize("q", ["退款", "服务态度", "退款 到账"])
@pytest.mark.parametrize("personal", [False, True])
def test_sqlite_reads_the_term_table(hotel, cases, personal, q, inline, monkeypatch):
    """SQLite finds the cases through cases_search_term's primary key, never by reading every
    case (issue 14: 552-769 ms at 100k before): a rare word's few ids are handed over (read by
    id), a common one's are a subquery on the table."""
    from tousu.cases import selectors

    monkeypatch.setattr(selectors, "TERM_IDS_INLINE", inline)
    qs = filter_cases(Case.objects.all(), policy=current_policy(), personal=personal, q=q).order_by("-received_at")
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
    assert "SCAN cases_case" not in plan, plan
    if inline == 0:
        assert "SEARCH cases_search_term USING PRIMARY KEY (term=?)" in plan, plan
    else:
        assert "SEARCH cases_case USING INTEGER PRIMARY KEY (rowid=?)" in plan, plan
    expected = numbers(cases[0]) if "退款" in q else numbers(cases[1])
    assert set(qs.values_list("number", flat=True)) == expected


@on_sqlite
def test_the_term_table_follows_the_column(hotel, cases):
    """The triggers keep the table in step with `search_terms`: written, rewritten, deleted."""
    def table_terms(pk):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT term FROM {search.TERM_TABLE} WHERE case_id = %s", [pk])
            return {row[0] for row in cursor.fetchall()}

    refund = Case.objects.get(pk=cases[0].pk)
    assert table_terms(refund.pk) == set(refund.search_terms.split())
    refund.subject = "押金没有退还"
    refund.description = ""
    refund.save()
    assert table_terms(refund.pk) == set(Case.objects.get(pk=refund.pk).search_terms.split())
    assert "押金" in table_terms(refund.pk) and "退款" not in table_terms(refund.pk)
    Case.objects.filter(pk=refund.pk).update(search_terms="")
    assert table_terms(refund.pk) == set()


@on_postgres
@pytest.mark.parametrize("personal", [False, True])
def test_the_search_reads_the_index(hotel, cases, personal):
    """With plain scans priced out, the search can only be answered from the GIN index: this
    fails if the query's condition stops matching the index expression (migration 0005)."""
    qs = filter_cases(Case.objects.all(), policy=current_policy(), personal=personal, q="退款").order_by()
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert plan.count("Bitmap Index Scan on case_search_terms") == (2 if personal else 1), plan
    assert set(qs.values_list("number", flat=True)) == numbers(cases[0])
