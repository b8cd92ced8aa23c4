"""The Simplified Chinese catalogue is complete, its placeholders match, and the committed .mo
files say what the .po files say (CI has no gettext, so nothing recompiles them there).

Refresh and recompile after adding strings (from the tousu/ directory):
    ../.venv/bin/python ../manage.py makemessages -l zh_Hans -l en --no-location
    ../.venv/bin/python ../manage.py compilemessages

The .mo is compared with the .po by content, not by file time: git does not keep modification
times, so a fresh checkout may leave the .mo "older" than the .po although both are current.
"""

import gettext
import re
from pathlib import Path

import pytest
from django.utils import translation

import tousu

LOCALE = Path(tousu.__file__).resolve().parent / "locale"
ZH_PO = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
ZH_MO = ZH_PO.with_suffix(".mo")
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
EN_MO = EN_PO.with_suffix(".mo")

# --- a small .po reader ---------------------------------------------------------------------------

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f",
            "v": "\v"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def _unquote(token: str, where: str) -> str:
    if len(token) < 2 or token[0] != '"' or token[-1] != '"':
        raise ValueError(f"{where}: not a quoted string: {token!r}")
    body, out, i = token[1:-1], [], 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            nxt = body[i + 1: i + 2]
            if nxt not in _ESCAPES:
                raise ValueError(f"{where}: unknown escape \\{nxt}")
            out.append(_ESCAPES[nxt])
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


class Entry:
    def __init__(self, line: int):
        self.line = line
        self.flags: set[str] = set()
        self.msgctxt: str | None = None
        self.msgid = ""
        self.has_msgid = False
        self.msgid_plural: str | None = None
        self.msgstr: dict[int, str] = {}

    @property
    def key(self) -> str:
        """The key the entry has in a compiled catalogue."""
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"

    def __repr__(self) -> str:
        return f"line {self.line}: {self.msgid!r}"


def parse_po(path: Path) -> list[Entry]:
    """Every live entry of a .po file, the header (msgid "") included; obsolete `#~` skipped."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None  # what a continuation line ("...") appends to

    def start(number: int) -> Entry:
        entries.append(Entry(number))
        return entries[-1]

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        where = f"{path.name}:{number}"
        if not line or line.startswith("#~"):
            target = None
            continue
        if line.startswith("#"):
            if entry is None or entry.msgstr:
                entry = start(number)
            if line.startswith("#,"):
                entry.flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            target = None
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, token = match.groups()
            text = _unquote(token, where)
            if keyword in ("msgctxt", "msgid") and (
                    entry is None or entry.msgstr or entry.has_msgid
                    or keyword == "msgctxt" and entry.msgctxt is not None):
                entry = start(number)
            if entry is None:
                raise ValueError(f"{where}: {keyword} before msgid")
            if keyword == "msgctxt":
                entry.msgctxt = text
            elif keyword == "msgid":
                entry.msgid, entry.has_msgid = text, True
            elif keyword == "msgid_plural":
                entry.msgid_plural = text
            else:
                entry.msgstr[int(index or 0)] = text
            target = (keyword.split("[")[0], int(index or 0))
            continue
        if line.startswith('"') and entry is not None and target is not None:
            text = _unquote(line, where)
            kind, i = target
            if kind == "msgstr":
                entry.msgstr[i] += text
            else:
                setattr(entry, kind, getattr(entry, kind) + text)
            continue
        raise ValueError(f"{where}: cannot read {raw!r}")
    for e in entries:
        if not e.has_msgid:
            raise ValueError(f"{path.name}:{e.line}: entry without msgid")
    return entries


def messages(path: Path) -> list[Entry]:
    return [e for e in parse_po(path) if e.msgid != ""]


# --- placeholders -------------------------------------------------------------------------------

_PERCENT = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa%]")
_NAMED = re.compile(r"%\([^)]*\)[#0\- +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
_BRACES = re.compile(r"(?<!\{)\{[^{}]*\}(?!\})")


def placeholders(text: str, flags: set[str]) -> list[str]:
    if "python-format" in flags:
        found = _PERCENT.findall(text)
    else:  # not a %-format string: only named placeholders are surely meant as such
        found = _NAMED.findall(text)
    if "python-brace-format" in flags:
        found += _BRACES.findall(text)
    return sorted(found)


# --- the tests ----------------------------------------------------------------------------------

def test_catalogues_exist():
    for path in (ZH_PO, ZH_MO, EN_PO, EN_MO):
        assert path.is_file(), f"missing {path.relative_to(LOCALE.parent)}"


def test_parser_reads_the_catalogue():
    entries = messages(ZH_PO)
    assert len(entries) > 100
    assert len({e.key for e in entries}) == len(entries), "duplicate msgids"
    assert "Someone else has just changed this case. Reload it and try again." in {e.msgid for e in entries}


def test_zh_hans_has_no_fuzzy_entry():
    fuzzy = [e for e in parse_po(ZH_PO) if "fuzzy" in e.flags]
    assert not fuzzy, f"{len(fuzzy)} fuzzy entries (translate them, then drop '#, fuzzy'): {fuzzy}"


def test_zh_hans_is_fully_translated():
    untranslated = [e for e in messages(ZH_PO)
                    if not e.msgstr or any(not s.strip() for s in e.msgstr.values())]
    assert not untranslated, f"{len(untranslated)} untranslated entries: {untranslated}"


def test_zh_hans_keeps_every_placeholder():
    wrong = []
    for e in messages(ZH_PO):
        for i, text in e.msgstr.items():
            source = e.msgid if i == 0 or e.msgid_plural is None else e.msgid_plural
            if e.msgid_plural is not None and i == 0 and len(e.msgstr) == 1:
                source = e.msgid_plural  # one plural form (Chinese) stands for every count
            if placeholders(text, e.flags) != placeholders(source, e.flags):
                wrong.append(f"{e!r} -> {text!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_zh_hans_header_declares_utf8_and_plural_forms():
    header = next(e for e in parse_po(ZH_PO) if e.msgid == "").msgstr[0]
    assert "charset=UTF-8" in header
    assert "Plural-Forms: nplurals=1; plural=0;" in header


@pytest.mark.parametrize("po", [ZH_PO, EN_PO], ids=["zh_Hans", "en"])
def test_mo_is_compiled_from_the_current_po(po):
    """Every translated .po entry reads the same from the .mo, and the .mo holds nothing else."""
    with po.with_suffix(".mo").open("rb") as fp:
        catalog = gettext.GNUTranslations(fp)._catalog
    expected: dict = {}
    for e in messages(po):
        if "fuzzy" in e.flags:  # msgfmt leaves fuzzy entries out (a test above forbids them)
            continue
        if e.msgid_plural is None:
            if e.msgstr.get(0):
                expected[e.key] = e.msgstr[0]
        elif all(e.msgstr.values()):
            expected.update({(e.key, i): s for i, s in e.msgstr.items()})
    compiled = {k: v for k, v in catalog.items() if k != ""}
    stale = sorted(repr(k) for k in expected if compiled.get(k) != expected[k])
    extra = sorted(repr(k) for k in compiled if k not in expected)
    hint = " Run `manage.py compilemessages` in tousu/ and commit the .mo."
    assert not stale, f"{po.parent.parent.name}: .mo differs from .po for {stale}." + hint
    assert not extra, f"{po.parent.parent.name}: .mo has entries the .po lacks: {extra}." + hint


def test_en_catalogue_has_the_same_messages():
    assert {e.key for e in messages(EN_PO)} == {e.key for e in messages(ZH_PO)}, (
        "refresh both catalogues together: makemessages -l zh_Hans -l en")


def _zh(msgid: str) -> str:
    return next(e.msgstr[0] for e in messages(ZH_PO) if e.msgid == msgid)


_CJK = re.compile(r"[\u4e00-\u9fff]")


def test_user_facing_message_comes_out_in_chinese():
    from tousu.cases.errors import StaleCase

    msgid = "Someone else has just changed this case. Reload it and try again."
    with translation.override("zh-hans"):
        chinese = str(StaleCase().message)
    assert chinese == _zh(msgid) and _CJK.search(chinese)
    with translation.override("en"):
        assert str(StaleCase().message) == msgid


def test_formatted_message_comes_out_in_chinese():
    from tousu.cases.actions import required
    from tousu.cases.errors import InvalidInput

    with translation.override("zh-hans"):
        with pytest.raises(InvalidInput) as refused:
            required("  ", "subject", translation.gettext("Subject"))
    expected = _zh("%(field)s is required.") % {"field": _zh("Subject")}
    assert str(refused.value) == expected and _CJK.search(expected)
    assert refused.value.field == "subject"
