"""Every read of cases goes through here, scoped by what the person may see.

A person sees a case when they own it, when one of their units is the case's receiving,
handling or complained-about unit or an ancestor of one, or when a role of theirs sees every
unit (marketing, head office service management)."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from django.db import connections
from django.db.models import (BooleanField, Exists, ExpressionWrapper, F, Func, OuterRef, Q, QuerySet, Subquery,
                              TextField, Value)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Replace, StrIndex
from django.db.models.lookups import GreaterThan
from django.utils.translation import gettext as _

from tousu.domain.policy import ANY_MEMBER, OWNER, Policy
from tousu.domain.text import is_storable
from tousu.org.models import Membership, Unit
from tousu.org.selectors import memberships
from tousu.org.services import request_memo

from . import search
from .errors import InvalidInput, NotFound, Refused
from .models import Case, CaseParty, Clock

CASE_UNITS = ("receiving_unit", "handling_unit", "target_unit")


def covers(unit: Unit, case: Case) -> bool:
    """Whether `unit` is one of the case's units or an ancestor of one."""
    for name in CASE_UNITS:
        case_unit = getattr(case, name)
        if case_unit is not None and case_unit.path.startswith(unit.path):
            return True
    return False


def actor_roles(user, case: Case, policy: Policy) -> set[str]:
    """The role codes `user` may act with on `case` (empty: the case is not theirs to touch).
    OWNER is added for the owner and ANY_MEMBER for anyone whose unit covers the case."""
    roles: set[str] = set()
    if user is None:
        return roles
    if case.owner_id == user.pk:
        roles.add(OWNER)
    mine = memberships(user)
    for m in mine:
        if covers(m.unit, case):
            roles.update({m.role.code, ANY_MEMBER})
        elif policy.roles.get(m.role.code) and policy.roles[m.role.code].all_units:
            roles.add(m.role.code)
    allowed = policy.kind(case.kind).level_visibility.get(case.severity)
    if allowed is not None and OWNER not in roles and not allowed & {m.role.code for m in mine}:
        return set()  # a level only some roles may see (the policy's `visible_to`)
    return roles


def cases_visible_to(user) -> QuerySet[Case]:
    base = Case.objects.select_related("owner", "receiving_unit", "handling_unit", "target_unit")
    if user is None or not user.is_authenticated:
        return base.none()
    # One access rule for reading and acting (actor_roles): a superuser too sees cases through
    # memberships; the admin site is where an administrator reads everything.
    mine = memberships(user)
    if not any(m.role.sees_all_units for m in mine):
        base = base.filter(Q(owner=user) | in_units([m.unit for m in mine]))
    return _without_hidden_levels(base, user, mine)


def _without_hidden_levels(qs: QuerySet[Case], user, mine) -> QuerySet[Case]:
    """Leave out the cases at a level the policy shows only to roles this person lacks (their
    own cases stay). Nothing to do, and no query added, when no level is restricted."""
    from tousu.org.services import current_policy

    hidden = current_policy().hidden_levels({m.role.code for m in mine})
    if not hidden:
        return qs
    condition = Q(pk__in=[])
    for kind, level in hidden:
        condition |= Q(kind=kind, severity=level)
    return qs.exclude(condition & ~Q(owner=user))


def in_units(units) -> Q:
    """Cases one of whose units lies in one of `units`' subtrees. The subtrees are read as unit
    ids first (the tree is small), so the case query uses the unit-id indexes instead of joining
    every case to its three units (docs/performance.md)."""
    if not units:
        return Q(pk__in=[])
    ids = _subtree_ids(tuple(sorted({unit.path for unit in units})))
    return Q(receiving_unit_id__in=ids) | Q(handling_unit_id__in=ids) | Q(target_unit_id__in=ids)


def _subtree_ids(paths: tuple[str, ...]) -> list[int]:
    """The ids of the units under `paths`, read once per web request (the case page asked three
    times, the work list four: docs/performance.md, session 4)."""
    memo, key = request_memo(), ("subtree_ids", paths)
    if memo is not None and key in memo:
        return list(memo[key])
    subtree = Q()
    for i, path in enumerate(paths):
        subtree = Q(path__startswith=path) if i == 0 else subtree | Q(path__startswith=path)
    ids = list(Unit.objects.filter(subtree).values_list("pk", flat=True))
    if memo is not None:
        memo[key] = ids
    return list(ids)


def access_case(user, case_id: int, *, write: bool = False) -> Case:
    """The case if `user` may see it (NotFound otherwise: a stranger learns nothing).
    With write=True the row is locked for the caller's transaction."""
    qs = cases_visible_to(user)
    if write:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=case_id)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


# A repeat (S7). A case repeats an earlier one received at most the window before it (the
# `[repeats] window_days` of the later case's kind) when the two share every field of one of
# REPEAT_MATCHES, none of them blank: the same complainant phone, or the same category against
# the same handling unit or the same responsible employee **and** probably about the same matter
# (a `SameMatter` pair written at registration: a similar text, the same place or the same
# organisation named; tousu/cases/matters.py). Two unrelated complaints that happen to share a
# category and a unit are not repeats. The earlier case must have been received strictly before:
# two cases received at the same moment do not repeat each other. The case page (`repeats_of`),
# the list of repeats (`repeat_cases`) and the reports' repeat rate (tousu/reports/figures.py)
# all read this one rule.
REPEAT_MATCHES = (("category", "handling_unit"), ("category", "responsible_employee"), ("complainant_phone",))
SAME_MATTER_MATCHES = (("category", "handling_unit"), ("category", "responsible_employee"))
DIRECT_MATCHES = tuple(group for group in REPEAT_MATCHES if group not in SAME_MATTER_MATCHES)


def repeat_window_days(policy: Policy, kind: str = "") -> int:
    """The kind's `[repeats] window_days` (30 when the preset does not say)."""
    return policy.kind(kind).repeat_window_days


def repeat_given(group: tuple[str, ...], prefix: str = "") -> Q:
    """Cases that give every field of `group` (one of REPEAT_MATCHES): no blank text, no
    missing person or unit. A blank field matches nothing. `prefix` reads the fields of a
    related case ("earlier__")."""
    given = Q()
    for name in group:
        given &= (Q(**{f"{prefix}{name}__isnull": False}) if Case._meta.get_field(name).is_relation
                  else ~Q(**{f"{prefix}{name}": ""}))
    return given


def _repeat_match(ref, groups=DIRECT_MATCHES) -> Q:
    """Cases that match the one `ref(field)` reads from (a value, or an OuterRef) on one of
    `groups`."""
    match = Q(pk__in=[])
    for group in groups:
        values = {name: ref(name) for name in group}
        if any(value is None or value == "" for value in values.values()):
            continue
        match |= Q(**values) & repeat_given(group)
    return match


def _earlier(ref, window_days: int, prefix: str = "") -> Q:
    """Cases received strictly before the one `ref(field)` reads from, at most `window_days`
    before it."""
    at = ref("received_at")
    return Q(**{f"{prefix}received_at__lt": at, f"{prefix}received_at__gte": at - timedelta(days=window_days)})


def _same_matter_repeats(ref, window_days: int):
    """The SameMatter pairs whose later case is the one `ref(field)` reads from and whose earlier
    case matches it on one of SAME_MATTER_MATCHES within the window: read from the later case's
    pairs (an index lookup), never from every case of the window."""
    from .models import SameMatter

    match = Q(pk__in=[])
    for group in SAME_MATTER_MATCHES:
        values = {f"earlier__{name}": ref(name) for name in group}
        if any(value is None or value == "" for value in values.values()):
            continue
        match |= Q(**values) & repeat_given(group, prefix="earlier__")
    return SameMatter.objects.filter(match, _earlier(ref, window_days, prefix="earlier__"), later=ref("pk"))


def repeats_of(case: Case, *, user=None, window_days: int | None = None) -> QuerySet[Case]:
    """The earlier complaints this one repeats (S7), within `window_days` (the case's kind's
    `[repeats] window_days`) before it; only those `user` may see when one is given."""
    if window_days is None:
        from tousu.org.services import current_policy

        window_days = repeat_window_days(current_policy(), case.kind)
    values = {"pk": case.pk, "received_at": case.received_at, "category": case.category,
              "handling_unit": case.handling_unit_id, "responsible_employee": case.responsible_employee_id,
              "complainant_phone": case.complainant_phone}
    base = cases_visible_to(user) if user is not None else Case.objects.all()
    direct = _repeat_match(values.get) & _earlier(values.get, window_days)
    linked = Q(pk__in=_same_matter_repeats(values.get, window_days).values("earlier_id"))
    return base.filter(direct | linked).order_by("-received_at")


def same_matter_repeat(window_days: int, among: QuerySet[Case] | None = None) -> Exists:
    """For a query over cases: whether the case repeats an earlier one of `among` (every case
    when None) within `window_days` on one of SAME_MATTER_MATCHES."""
    pairs = _same_matter_repeats(OuterRef, window_days)
    if among is not None:
        pairs = pairs.filter(earlier__in=among.order_by().values("pk"))
    return Exists(pairs)


def repeats_earlier(window_days: int, among: QuerySet[Case] | None = None) -> Q:
    """For a query over cases: whether the case repeats an earlier one of `among` (every case
    when None) within `window_days`."""
    direct = (Case.objects.all() if among is None else among).order_by()
    return (Q(Exists(direct.filter(_repeat_match(OuterRef), _earlier(OuterRef, window_days))))
            | Q(same_matter_repeat(window_days, among)))


def repeat_cases(user, *, window_days: int) -> QuerySet[Case]:
    """The cases `user` may see that repeat an earlier complaint within the window."""
    return cases_visible_to(user).filter(repeats_earlier(window_days))


def may_see_personal_data(user, policy: Policy) -> bool:
    return bool(user and user.is_superuser) or any(
        m.role.sees_personal_data for m in memberships(user))


def mask_phone(phone: str) -> str:
    if len(phone) <= 4:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:] if len(phone) > 7 else "*" * (len(phone) - 4) + phone[-4:]


def party_masked(party, kind, personal: bool) -> bool:
    """Whether a reader without personal data reads this party masked: a person, and the
    complainant whatever it is (an organisation that reports a violation is as confidential as
    a person: 举报人保密). A company complained about is not."""
    if personal:
        return False
    role = kind.parties.get(party.role)
    return party.kind == CaseParty.PERSON or bool(role and role.complainant)


def mask_name(name: str) -> str:
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


# --- the list filters, one definition for the workspace and the API -----------------------------

CASE_ORDERINGS = ("received_at", "-received_at", "due_at", "-due_at", "level", "-level", "number", "-number",
                  "state", "-state", "updated_at", "-updated_at")


def _blank(value):
    return None if value is None or (isinstance(value, str) and not value.strip()) else value


def _one_of(value, choices: dict, field: str):
    if value is not None and value not in choices:
        raise InvalidInput(_("%(field)s must be one of: %(choices)s.") % {
            "field": field, "choices": ", ".join(choices)}, field=field)
    return value


FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9999, 12, 30)  # beyond them a day overflows in UTC


def _as_date(value, field: str) -> date | None:
    if value is None:
        return value
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidInput(_("Enter a date as YYYY-MM-DD."), field=field) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise InvalidInput(_("Enter a day from 1900-01-01 to 9999-12-30."), field=field)
    return day


def _storable(value, field: str):
    if isinstance(value, str) and not is_storable(value):
        raise InvalidInput(_("This text holds a character that cannot be stored (NUL or an unpaired "
                             "surrogate)."), field=field)
    return value


def filter_cases(qs: QuerySet[Case], *, policy: Policy, personal: bool, state=None, channel=None,
                 category=None, stage=None, unit=None, level=None, received_from=None, received_to=None,
                 q=None, kind=None) -> QuerySet[Case]:
    """Narrow `qs` (already scoped by `cases_visible_to`) by the list filters. Blank values are
    ignored; a wrong one raises InvalidInput naming its field. `unit` is a unit code: the cases
    received by, handled by or complained about in that unit or below it. The dates are days in
    the organisation's zone, both included. `q` searches number, subject, description and, only
    when `personal` (else the search would reveal masked names), the complainant's name."""
    from tousu.org.services import org_timezone

    state, channel, category, stage, unit, level, q = (
        _storable(_blank(value), field) for value, field in (
            (state, "state"), (channel, "channel"), (category, "category"), (stage, "stage"),
            (unit, "unit"), (level, "level"), (q, "q")))
    kind = _storable(_blank(kind), "kind")
    exact = {"kind": _one_of(kind, {code: k.label for code, k in policy.kinds.items()}, "kind"),
             "state": _one_of(state, policy.states, "state"),
             "channel": _one_of(channel, policy.channels, "channel"),
             "category": _one_of(category, policy.categories, "category"),
             "stage": _one_of(stage, policy.stages, "stage")}
    if level is not None:
        if isinstance(level, str) and not level.strip().isdigit():
            raise InvalidInput(_("The level must be a whole number."), field="level")
        exact["level"] = int(level)
    qs = qs.filter(**{name: value for name, value in exact.items() if value is not None})
    if unit is not None:
        found = Unit.objects.filter(code=unit).first()
        if found is None:
            raise InvalidInput(_("No unit has the code “%(code)s”.") % {"code": unit}, field="unit")
        qs = qs.filter(Q(receiving_unit__path__startswith=found.path)
                       | Q(handling_unit__path__startswith=found.path)
                       | Q(target_unit__path__startswith=found.path))
    first, last = _as_date(_blank(received_from), "received_from"), _as_date(_blank(received_to), "received_to")
    if first and last and first > last:
        raise InvalidInput(_("The first day comes after the last day."), field="received_from")
    zone = org_timezone()
    if first:
        qs = qs.filter(received_at__gte=datetime.combine(first, time.min, tzinfo=zone))
    if last:
        qs = qs.filter(received_at__lt=datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone))
    if q is not None:
        qs = search_cases(qs, q.strip(), personal=personal)
    return qs


class HasTerms(Func):
    """`string_to_array(search_terms, ' ') @> ARRAY[terms]`: the condition PostgreSQL answers
    from the GIN index case_search_terms (migration cases/0005), written as that index is."""

    template = "string_to_array(%(expressions)s, ' ') @> %(terms)s"
    output_field = BooleanField()

    def __init__(self, terms: list[str]):
        super().__init__(F("search_terms"))
        self.terms = list(terms)

    def as_sql(self, compiler, connection, **extra):
        sql, params = super().as_sql(compiler, connection, terms="%s::text[]", **extra)
        return sql, (*params, self.terms)


class SharesTerms(HasTerms):
    """`string_to_array(search_terms, ' ') && ARRAY[terms]`: holds any of the terms, the row's
    array built once (an OR of @> built it once per term), answered by the same GIN index."""

    template = "string_to_array(%(expressions)s, ' ') && %(terms)s"


class Folded(Func):
    """A column folded as `search.fold` folds the query: full-width forms made half-width, then
    upper-cased. PostgreSQL: UPPER(translate(...)); SQLite: the function tousu_fold."""

    output_field = TextField()

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"UPPER(translate({sql}, %s, %s))", (*params, search.FULL_WIDTH, search.HALF_WIDTH)

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"tousu_fold({sql})", params


class InTermTable(Func):
    """SQLite: the case's id is among those the term table (migration cases/0010) lists for every
    one of `terms`: one lookup of its primary key per term, intersected."""

    output_field = BooleanField()

    def __init__(self, terms: list[str]):
        super().__init__(F("pk"))
        self.terms = list(terms)

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        ids = " INTERSECT ".join([f"SELECT case_id FROM {search.TERM_TABLE} WHERE term = %s"] * len(self.terms))
        return f"{sql} IN ({ids})", (*params, *self.terms)


# Up to this many cases, SQLite is given the ids the term table lists, so it reads those rows by
# id; a commoner word is left as a subquery, and SQLite walks the reader's cases and tests each.
# (Given the subquery, SQLite's planner walks the reader's cases even for a word held by 30 of
# 100,000: 90 ms for the pager's count instead of a few.)
TERM_IDS_INLINE = 2000


def _term_table_ids(db: str, terms: list[str], name_terms: list[str] | None) -> Q:
    """SQLite: the cases the term table lists for every one of `terms` (or of `name_terms`)."""
    found = Q(InTermTable(terms))
    if name_terms:
        found |= Q(InTermTable(name_terms))
    def every(n: int) -> str:
        return "SELECT case_id FROM (" + " INTERSECT ".join(
            [f"SELECT case_id FROM {search.TERM_TABLE} WHERE term = %s"] * n) + ")"

    sql, params = every(len(terms)), list(terms)
    if name_terms:
        sql, params = f"{sql} UNION {every(len(name_terms))}", [*params, *name_terms]
    with connections[db].cursor() as cursor:
        cursor.execute(f"SELECT case_id FROM ({sql}) LIMIT {TERM_IDS_INLINE + 1}", params)
        ids = [row[0] for row in cursor.fetchall()]
    return found if len(ids) > TERM_IDS_INLINE else Q(pk__in=ids)


def _holds(fields: list[str], word: str) -> Q:
    """One of the fields, folded, holds the folded word. The plain case-insensitive matches come
    first: they are how the search matched before, cost the same, and when one holds the folded
    match holds too (the word is folded, so what it matches has no full-width form); the folding
    of the columns (translate, or tousu_fold) is paid only for a row they do not settle."""
    plain, folded = Q(), Q()
    for field in fields:
        plain |= Q(**{f"{field}__icontains": word})
        folded |= Q(GreaterThan(StrIndex(Folded(F(field)), Value(word)), 0))
    return plain | folded


def search_cases(qs: QuerySet[Case], query: str, *, personal: bool) -> QuerySet[Case]:
    """The cases of `qs` whose number, subject or description (or, when `personal`, the
    complainant's name) holds every word of `query` (split at spaces), folded as `search.fold`
    folds (case, full and half width); or that the query, or a word of it, names by a key (a
    phone, its last four digits, the tracking code, a party's name: `_found_by_key`). The rows
    holding every index term of a word (search.py) are found through an index first:
    PostgreSQL's GIN index on `search_terms`, SQLite's term table; the match is then checked
    exactly, unless the word is its own only term. A word with no index terms (one character) is
    matched over the whole of `qs`."""
    postgres = connections[qs.db].vendor == "postgresql"
    fields = [*search.SEARCHED_FIELDS, *([search.NAME_FIELD] if personal else [])]
    raw_words = list(dict.fromkeys(query.split()))
    whole = _found_by_key(query, personal=personal, db=qs.db) if len(raw_words) > 1 else []
    matched = qs
    for raw in raw_words:
        word = search.fold(raw)
        found = _holds(fields, word)
        also = _found_by_key(raw, personal=personal, db=qs.db)
        keyed = Q(pk__in=also) if also else None
        terms = search.query_terms(word)
        if not terms:
            matched = matched.filter(found | keyed if keyed else found)
            continue
        if postgres:
            indexed = Q(HasTerms(terms))
            if personal:
                indexed |= Q(HasTerms(search.name_terms(terms)))
        else:
            indexed = _term_table_ids(qs.db, terms, search.name_terms(terms) if personal else None)
        if not postgres and search.is_one_term(word):
            matched = matched.filter(indexed | keyed if keyed else indexed)  # holding the term is holding the word
            continue
        # A common term is found soonest by walking the newest cases and testing each row, a rare
        # one only through the index; the planner chooses from the index's estimate of the hits.
        # The exact match only re-checks what the index found: wrapped in COALESCE it is counted
        # as "half of those" instead of multiplying that estimate by LIKE's own guess (3 % x 3 %
        # for 态度, which made every term look rare and read all 32,000 hits to show the newest 25).
        exact = Coalesce(ExpressionWrapper(found, output_field=BooleanField()), Value(False))
        if keyed:  # the rows found by a key join those of the index as one more bitmap
            matched = matched.filter((Q(indexed) & Q(exact)) | keyed)
        else:
            matched = matched.filter(indexed, exact)
    if whole:  # "139 0000 4321": the whole query is a key too
        return qs.filter(Q(pk__in=matched.values("pk")) | Q(pk__in=whole))
    return matched


KEY_HITS = 500  # a phone's last four digits or a common party name: the newest this many cases
_PHONE_LIKE = re.compile(r"^\+?[\d\s-]+$")


def _bare(field: str):
    """A phone as its digits (and a leading +): spaces and dashes taken out, as typed or stored."""
    return Replace(Replace(F(field), Value(" "), Value("")), Value("-"), Value(""))


def _found_by_key(term: str, *, personal: bool, db: str) -> list[int]:
    """Ids of the cases a term names by a key rather than by their text: the tracking code, the
    complainant's (or a party's) full phone number or its last four digits, and a party's name
    (an organisation's always; a person's only for who may see personal data, as the case page
    masks it). Read as a short list of ids first, so the search still walks only its indexes.
    The caller intersects them with the cases the person may see."""
    from .models import CaseParty

    ids: list[int] = []
    code = term.strip()
    if 4 <= len(code) <= 32:
        # Equality on the stored (upper-case) form and as typed, not iexact: the unique index
        # answers it, where SQLite's LIKE read every case (130 ms at 100k, docs/performance.md).
        ids += (Case.objects.using(db).filter(tracking_code__in=sorted({code, code.upper(), code.lower()}))
                .values_list("pk", flat=True)[:1])
    digits = re.sub(r"[\s+-]", "", code)
    if personal and _PHONE_LIKE.match(code) and len(digits) >= 4:
        match = "endswith" if len(digits) == 4 else "contains"
        ids += (Case.objects.using(db).annotate(bare_phone=_bare("complainant_phone"))
                .filter(**{f"bare_phone__{match}": digits}).order_by("-received_at")
                .values_list("pk", flat=True)[:KEY_HITS])
        ids += (CaseParty.objects.using(db).annotate(bare_phone=_bare("phone"))
                .filter(**{f"bare_phone__{match}": digits}).values_list("case_id", flat=True)[:KEY_HITS])
    if len(code) >= 2 and not code.isdigit():
        named = Q(name__icontains=code)
        if not personal:
            named &= ~Q(kind=CaseParty.PERSON)
        if connections[db].vendor == "sqlite":  # through the names' pairs, not every party's name
            named &= _parties_with_pairs(db, search.name_pairs(code))
        ids += CaseParty.objects.using(db).filter(named).order_by("-case_id").values_list("case_id", flat=True)[:KEY_HITS]
    return sorted(set(ids))


def _parties_with_pairs(db: str, pairs: list[str]) -> Q:
    """SQLite: the parties whose name holds every one of `pairs` (the party term table,
    migration cases/0012): a few index lookups instead of a LIKE over every party. Given as ids
    when they are few (SQLite then reads those parties by id), else as the subquery."""
    sql = " INTERSECT ".join([f"SELECT party_id FROM {search.PARTY_TERM_TABLE} WHERE term = %s"] * len(pairs))
    with connections[db].cursor() as cursor:
        cursor.execute(f"SELECT party_id FROM ({sql}) LIMIT {TERM_IDS_INLINE + 1}", pairs)
        ids = [row[0] for row in cursor.fetchall()]
    return Q(pk__in=RawSQL(sql, pairs)) if len(ids) > TERM_IDS_INLINE else Q(pk__in=ids)


def order_cases(qs: QuerySet[Case], order_by: str = "-received_at") -> QuerySet[Case]:
    """Sort by one of CASE_ORDERINGS (newest first and then by id as the tie-break). "due_at" is
    the nearest running deadline; cases with none come last either way."""
    if order_by not in CASE_ORDERINGS:
        raise InvalidInput(_("%(field)s must be one of: %(choices)s.") % {
            "field": "order_by", "choices": ", ".join(CASE_ORDERINGS)}, field="order_by")
    if order_by.lstrip("-") == "due_at":
        next_due = (Clock.objects.filter(case=OuterRef("pk"), state=Clock.RUNNING)
                    .order_by("due_at").values("due_at")[:1])
        key = F("next_due").desc(nulls_last=True) if order_by.startswith("-") else F("next_due").asc(
            nulls_last=True)
        return qs.annotate(next_due=Subquery(next_due)).order_by(key, "-pk")
    return qs.order_by(order_by, "-pk")


def ladder_holder(policy: Policy, level: int, start_unit: Unit, kind: str = ""):
    """The person holding the ladder role of `level` (of the kind's ladder), looked for from
    `start_unit` upwards (and, for a step with a unit kind, in the units of that kind beside
    each ancestor). Refused when nobody holds it. Within a web request or a worker round the
    answer for a level and a unit is looked up once (a midnight's breaches climb to the same few
    holders)."""
    memo, key = request_memo(), ("ladder_holder", level, start_unit.pk, kind)
    if memo is not None and key in memo:
        return memo[key]
    step = policy.step(level, kind)
    for unit_id in reversed(start_unit.ancestor_ids()):
        units = Unit.objects.filter(pk=unit_id)
        if step.unit_kind:
            units = (Unit.objects.filter(kind=step.unit_kind, pk=unit_id)
                     | Unit.objects.filter(kind=step.unit_kind, parent_id=unit_id))
        member = (Membership.objects.filter(unit__in=units, role__code=step.role, user__is_active=True)
                  .select_related("user").order_by("pk").first())
        if member:
            if memo is not None:
                memo[key] = member.user
            return member.user
    raise Refused(_("No one holds the role %(role)s for this case: ask an administrator to name one.")
                  % {"role": policy.roles[step.role].name})


def announcements(limit: int = 50) -> list[dict]:
    """The results published on the portal (the `announce` effect), newest first: only what was
    published (the number, the title, the text with personal data already removed, the day),
    which is public, so nobody's scope applies."""
    rows = (Case.objects.filter(data__has_key="announcement").order_by("-closed_at", "-pk")
            .values("number", "data")[:limit])
    return [{"number": row["number"], **{k: row["data"]["announcement"].get(k, "") for k in ("title", "text", "at")}}
            for row in rows if isinstance(row["data"].get("announcement"), dict)]


# How alike two texts must be (shared index terms over all of either's terms) to be "about the
# same matter", and how many of the newest candidate cases are compared.
SIMILAR_TEXT = 0.3
SIMILAR_CANDIDATES = 200


def _main_terms(case: Case) -> set[str]:
    return {t for t in (case.search_terms or "").split() if not t.startswith(search.NAME_MARK)}


def similar_open_cases(case: Case, *, user, limit: int = 5) -> list[tuple[Case, list[str]]]:
    """Open cases of the same kind that `user` may see, received within the kind's repeat window
    before or after `case`, probably about the same matter, each with its reasons: the same
    complainant (phone), the same place, the same organisation named as a party, or a similar
    text (index terms of the subject found through the search index, then compared in full)."""
    from tousu.org.services import current_policy

    window = timedelta(days=repeat_window_days(current_policy(), case.kind))
    base = (cases_visible_to(user).filter(is_open=True, kind=case.kind, received_at__gte=case.received_at - window,
                                          received_at__lte=case.received_at + window)
            .exclude(pk=case.pk).order_by("-received_at"))
    reasons: dict[int, list[str]] = {}
    found: dict[int, Case] = {}

    def note(rows, reason):
        for row in rows:
            found.setdefault(row.pk, row)
            reasons.setdefault(row.pk, []).append(reason)

    if case.complainant_phone:
        note(base.filter(complainant_phone=case.complainant_phone)[:limit], _("the same complainant"))
    if case.place.strip():
        note(base.filter(place=case.place)[:limit], _("the same place"))
    organisations = [p.name for p in case.parties.all() if p.kind == "organisation" and p.name.strip()
                     and p.name != case.complainant_name]
    if organisations:
        note(base.filter(parties__name__in=organisations).distinct()[:limit], _("the same organisation"))
    mine = _main_terms(case)
    subject_terms = search.query_terms(case.subject)[:3]
    if mine and subject_terms:
        candidates = base
        if connections[base.db].vendor == "postgresql":
            # any of the subject's first terms, through the GIN index: candidates, not answers
            candidates = base.filter(SharesTerms(subject_terms))
        # SQLite (the embedded default, small organisations): the newest open cases of the window.
        # Only the ids and terms of the candidates are read and compared; the rows of the similar
        # ones are fetched afterwards (at 1M cases 200 whole rows with their units and people cost
        # more than the comparison: docs/performance.md, session 5).
        similar = []
        for pk, terms in candidates.values_list("pk", "search_terms")[:SIMILAR_CANDIDATES]:
            theirs = {t for t in (terms or "").split() if not t.startswith(search.NAME_MARK)}
            if theirs and len(mine & theirs) / len(mine | theirs) >= SIMILAR_TEXT:
                similar.append(pk)
        if similar:
            rows = base.filter(pk__in=similar).in_bulk()
            note([rows[pk] for pk in similar if pk in rows], _("a similar text"))
    ranked = sorted(found.values(), key=lambda c: (-len(reasons[c.pk]), -c.received_at.timestamp()))
    return [(c, reasons[c.pk]) for c in ranked[:limit]]
