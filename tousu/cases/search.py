"""The search box's index terms: overlapping pieces of a case's searchable text, kept in
`Case.search_terms` and read through a GIN index on PostgreSQL (migration cases/0005).

The search stays a case-insensitive substring match (`icontains`, i.e. UPPER(field) LIKE
UPPER('%term%')); the terms only narrow the rows that match is checked on. They are built so
that a row a term matches always holds every term of it:

- the text is folded one character at a time (`fold`): full-width forms to their half-width
  ones (ＫＴＶ is KTV, the ideographic space a space), then upper-cased as PostgreSQL's UPPER()
  does it (`upper`);
- every two neighbouring letters or digits make a term (CJK bigrams: 退款, 款很; "5G"), and
  every three neighbouring ASCII letters or digits too ("TS-2026-000123": 202, 026, 000 ...);
- a term depends only on the characters it is made of, never on what stands around them, so
  a substring of the text yields a subset of the text's terms.

A query is split at spaces (half- or full-width) into words, each of which must be found
(`words`). A word of fewer than two neighbouring letters or digits (one character, "a b") has no
terms and falls back to the plain match over every visible case. The complainant's name gets
its own terms, marked with NAME_MARK, searched only by someone who may see personal data.

No word segmentation (jieba): pairs keep substring semantics and cost microseconds at intake."""

from __future__ import annotations

import re
from itertools import chain

SEARCHED_FIELDS = ("number", "subject", "description")
NAME_FIELD = "complainant_name"
SOURCE_FIELDS = (*SEARCHED_FIELDS, NAME_FIELD)
NAME_MARK = "n:"
# SQLite's index of the terms: (term, case_id) rows kept by triggers on cases_case (migration
# cases/0010); PostgreSQL reads a GIN index on the column instead.
TERM_TABLE = "cases_search_term"
# SQLite's index of the parties' names: (term, party_id) rows, a term being two neighbouring
# characters of the name with its ASCII letters upper-cased (migration cases/0012, `name_pairs`).
PARTY_TERM_TABLE = "cases_party_term"
# Enough to narrow a pasted sentence to a handful of rows; every term is checked exactly anyway.
MAX_QUERY_TERMS = 12

_RUN = re.compile(r"[^\W_]{2,}")  # two or more neighbouring letters or digits (str.isalnum)
_ASCII_RUN = re.compile(r"[0-9A-Z]{3,}")  # after folding, ASCII letters are upper case


def _simple_upper(char: str) -> str:
    """One character upper-cased without growing (as the database's towupper does): ß stays ß,
    ᾳ becomes ᾼ (its title case)."""
    upper = char.upper()
    if len(upper) == 1:
        return upper
    title = char.title()
    return title if len(title) == 1 else char


# The characters whose Python upper case is longer than one character (ß, ﬁ, ᾳ ...): all of them
# lie in these two ranges (tests/cases/test_search.py checks the whole of Unicode).
_GROWING = "".join(c for c in map(chr, chain(range(0xDF, 0x2000), range(0xFB00, 0xFB18)))
                   if len(c.upper()) > 1)
_GROWING_RE = re.compile(f"[{re.escape(_GROWING)}]")


def upper(text: str) -> str:
    """`text` upper-cased character by character, as PostgreSQL's UPPER() does it."""
    if _GROWING_RE.search(text) is None:
        return text.upper()
    return "".join(map(_simple_upper, text))


# Full-width ASCII forms (U+FF01-U+FF5E) and the ideographic space, to their half-width forms.
FULL_WIDTH = "".join(map(chr, range(0xFF01, 0xFF5F))) + "\u3000"
HALF_WIDTH = "".join(map(chr, range(0x21, 0x7F))) + " "
_WIDTH = str.maketrans(FULL_WIDTH, HALF_WIDTH)


def fold(text: str) -> str:
    """`text` as the search compares it: full-width forms made half-width, then upper-cased
    (`upper`); the database folds a column the same way (cases/selectors.py, Folded)."""
    return upper(text.translate(_WIDTH))


def words(query: str) -> list[str]:
    """The words of a query, folded, each once: the search finds the cases holding all of them."""
    return list(dict.fromkeys(fold(query).split()))


def is_one_term(word: str) -> bool:
    """Whether a folded word is itself its only index term (two letters or digits, or three ASCII
    ones): a row holding that term then holds the word, and no exact check is needed."""
    return query_terms(word) == [word] and word in _pieces(word, implied_pairs=True)


def _pieces(folded: str, *, implied_pairs: bool) -> dict[str, None]:
    """The terms of folded text, in order of first appearance. Without `implied_pairs`, an ASCII
    pair that lies inside an ASCII triple is left out (the triple implies it)."""
    found: dict[str, None] = {}
    for run in _RUN.findall(folded):
        covered: set[int] = set()
        for ascii_run in _ASCII_RUN.finditer(run):
            start, end = ascii_run.span()
            if not implied_pairs:
                covered.update(range(start, end))
            for i in range(start, end - 2):
                found[run[i:i + 3]] = None
        for i in range(len(run) - 1):
            if i not in covered or i + 1 not in covered:
                found[run[i:i + 2]] = None
    return found


def case_terms(*, number: str, subject: str, description: str, complainant_name: str) -> str:
    """What `Case.search_terms` holds: the terms of number, subject and description, then the
    name's terms marked with NAME_MARK, separated by spaces."""
    main = _pieces(fold("\n".join((number, subject, description))), implied_pairs=True)
    name = _pieces(fold(complainant_name), implied_pairs=True)
    return " ".join(chain(main, (NAME_MARK + piece for piece in name)))


def terms_of(case) -> str:
    return case_terms(**{field: getattr(case, field) or "" for field in SOURCE_FIELDS})


def query_terms(term: str) -> list[str]:
    """The terms every row matching `term` holds (at most MAX_QUERY_TERMS of them); empty when
    the term is too short to have any."""
    return list(_pieces(fold(term), implied_pairs=False))[:MAX_QUERY_TERMS]


def fold_sql(value: str | None) -> str | None:
    """`fold` as SQLite's function tousu_fold (registered on every connection, cases/apps.py)."""
    return None if value is None else fold(value)


def name_terms(terms: list[str]) -> list[str]:
    return [NAME_MARK + piece for piece in terms]


def name_pairs(word: str) -> list[str]:
    """The terms of a party's name every name holding `word` (case-insensitively, as SQLite's
    LIKE compares: ASCII letters only) holds in the party term table: its pairs of neighbouring
    characters, ASCII letters upper-cased as SQLite's upper() does it (at most MAX_QUERY_TERMS)."""
    upper_ascii = "".join(c.upper() if c.isascii() else c for c in word)
    pairs = dict.fromkeys(upper_ascii[i:i + 2] for i in range(len(upper_ascii) - 1))
    return list(pairs)[:MAX_QUERY_TERMS]
