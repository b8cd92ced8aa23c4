"""Which cases are probably about the same matter, recorded at registration (`SameMatter`).

A new case is compared with the cases of its kind received within the kind's repeat window
before or after it (an imported past case is registered late, so both sides count): the same
place, the same organisation named as a party, or a similar text (the index terms of subject and
description, shared over all of either's terms, at least SIMILAR_TEXT); LINK_DAYS at least.
Each pair found is
stored once, the later case first. The repeat rule (selectors.REPEAT_MATCHES) reads these pairs,
so the reports' SQL stays an index lookup per case instead of comparing texts.

Candidates for the text come from the search index: on PostgreSQL the GIN index of
`search_terms` through the subject's first terms, on SQLite the term table (cases_search_term)
through the rarest terms of the subject and the description's beginning; the newest CANDIDATES
of them are compared in full (their stored terms)."""

from __future__ import annotations

import time
from datetime import timedelta

from django.db import connections
from django.db.models.expressions import RawSQL

from . import search
from .models import Case, CaseParty, SameMatter

SIMILAR_TEXT = 0.3
CANDIDATES = 200
# Pairs are looked for at least this far either side, whatever the kind's window: the repeat rule
# applies the window when it reads them, so a window widened later (up to a quarter) still finds
# the pairs of cases registered before.
LINK_DAYS = 92
SUBJECT_TERMS = 3
TEXT, PLACE, ORGANISATION = "text", "place", "organisation"


def text_terms(subject: str, description: str) -> set[str]:
    """The index terms of the subject and description (not of the number or the name)."""
    return set(search.case_terms(number="", subject=subject or "", description=description or "",
                                 complainant_name="").split())


def stored_terms(case) -> set[str]:
    """`text_terms` read from the case's stored `search_terms` (no folding again): its terms less
    the name's and the number's. A term of the number that also stands in the text is lost, which
    only lowers the likeness a little."""
    number = set(search.case_terms(number=case.number or "", subject="", description="", complainant_name="").split())
    return {t for t in (case.search_terms or "").split() if not t.startswith(search.NAME_MARK)} - number


def alike(mine: set[str], theirs: set[str]) -> bool:
    return bool(mine and theirs) and len(mine & theirs) / len(mine | theirs) >= SIMILAR_TEXT


def _rarest(db: str, terms: list[str], k: int) -> list[str]:
    """SQLite: the `k` terms of `terms` held by the fewest cases besides the one asking (the term
    table's counts; each count reads the index only). A common pair (现在, 投诉) would bring
    thousands of candidates."""
    marks = ", ".join(["%s"] * len(terms))
    with connections[db].cursor() as cursor:
        cursor.execute(f"SELECT term, COUNT(*) FROM {search.TERM_TABLE} WHERE term IN ({marks}) GROUP BY term",
                       list(terms))
        counts = dict(cursor.fetchall())
    # a term only this case holds (a count of 1: its own row) finds nothing else
    return sorted((t for t in terms if counts.get(t, 0) > 1), key=lambda t: counts[t])[:k]


def _with_any_term(qs, terms: list[str]):
    if connections[qs.db].vendor == "postgresql":
        # The cases holding any of the terms, from the GIN index (the same expression, with the
        # overlap operator). OFFSET 0 keeps the planner from folding it into the window's scan in
        # received order, which would test every row of the window (seconds in a busy one).
        return qs.filter(pk__in=RawSQL("SELECT id FROM cases_case WHERE string_to_array(search_terms, ' ') "
                                       "&& %s::text[] OFFSET 0", (list(terms),)))
    marks = ", ".join(["%s"] * len(terms))
    return qs.filter(pk__in=RawSQL(f"SELECT case_id FROM {search.TERM_TABLE} WHERE term IN ({marks})",
                                   tuple(terms)))


# PostgreSQL: how common each term is, from the planner's statistics of the GIN index's
# expression (pg_stats.most_common_elems of case_search_terms, refreshed by ANALYZE), read at
# most once per STATS_SECONDS per process. A term not among them is rarer than every one that is.
STATS_SECONDS = 3600
PG_TERMS = 6  # rare terms may be the case's own only: a few more of them, each an index lookup
PG_COMMON = 0.01  # a term in more than 1% of the cases is too common to look candidates up by
_pg_stats: dict = {"at": None, "freq": {}}


def _pg_frequencies(db: str) -> dict[str, float]:
    now = time.monotonic()
    if _pg_stats["at"] is None or now - _pg_stats["at"] > STATS_SECONDS:
        with connections[db].cursor() as cursor:
            cursor.execute("SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
                           "WHERE tablename = 'case_search_terms' AND attname = 'string_to_array'")
            row = cursor.fetchone()
        _pg_stats["freq"] = dict(zip(row[0], row[1], strict=False)) if row and row[0] else {}
        _pg_stats["at"] = now
    return _pg_stats["freq"]


def _looked_up_terms(case, db: str) -> list[str]:
    """The terms the candidates are found by: the rarest of the subject's and the description's
    first terms (a common pair such as 不好 would make the database read most of the window):
    on SQLite by the term table's counts, on PostgreSQL by the GIN index's statistics."""
    subject_terms = search.query_terms(case.subject)[:SUBJECT_TERMS]
    if not subject_terms:
        return []
    pool = list(dict.fromkeys(subject_terms + search.query_terms(case.subject)
                              + search.query_terms(case.description)))[:2 * search.MAX_QUERY_TERMS]
    if connections[db].vendor == "postgresql":
        frequency = _pg_frequencies(db)
        ranked = sorted(pool, key=lambda t: frequency.get(t, 0.0))
        rare = [t for t in ranked if frequency.get(t, 0.0) <= PG_COMMON][:PG_TERMS]
        return rare or ranked[:1]  # only common pairs (实在是一般啦): the least common one
    return _rarest(db, pool, SUBJECT_TERMS)


def found_for(case: Case, window_days: int, *, model=Case) -> dict[int, tuple[Case, str]]:
    """{pk: (case, reason)} of the kind's cases within the window either side of `case` that
    are probably about the same matter. Cases received at the same moment are left out (neither
    repeats the other)."""
    window = timedelta(days=max(window_days, LINK_DAYS))
    base = (model.objects.filter(kind=case.kind, received_at__gte=case.received_at - window,
                                received_at__lte=case.received_at + window)
            .exclude(pk=case.pk).exclude(received_at=case.received_at).order_by("-received_at"))
    found: dict[int, tuple[Case, str]] = {}
    mine = text_terms(case.subject, case.description)
    looked_up = _looked_up_terms(case, base.db) if mine else []
    if looked_up:
        for other in _with_any_term(base, looked_up).only("pk", "received_at", "number", "search_terms")[:CANDIDATES]:
            if alike(mine, stored_terms(other)):
                found[other.pk] = (other, TEXT)
    if case.place.strip():
        for other in base.filter(place=case.place).only("pk", "received_at")[:CANDIDATES]:
            found.setdefault(other.pk, (other, PLACE))
    parties = getattr(case, "written_parties", None)  # just written at registration: not read again
    organisations = [p.name for p in (case.parties.all() if parties is None else parties) if p.kind == CaseParty.ORGANISATION and p.name.strip()
                     and p.name != case.complainant_name]
    if organisations:
        for other in base.filter(parties__name__in=organisations).distinct().only("pk", "received_at")[:CANDIDATES]:
            found.setdefault(other.pk, (other, ORGANISATION))
    return found


def link(case: Case, window_days: int, *, model=Case, pair=SameMatter) -> list[SameMatter]:
    """Record the pairs of `case` (called by actions.register_case in its transaction; the
    migration that brought the table passes its own historical models)."""
    rows = []
    for other, reason in found_for(case, window_days, model=model).values():
        later, earlier = (case, other) if other.received_at < case.received_at else (other, case)
        rows.append(pair(later_id=later.pk, earlier_id=earlier.pk, reason=reason))
    return pair.objects.bulk_create(rows, ignore_conflicts=True)
