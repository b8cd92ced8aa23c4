"""The rules of the house, checked on the source: cases are read through scoped selectors and
written through cases/actions.py only."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "tousu"
CASE_TABLES = re.compile(r"\b(Case|CaseEvent|Clock)\.objects\b")
WRITES = re.compile(r"\b(Case|CaseEvent)\.objects\.(create|bulk_create|update|filter\([^)]*\)\.update)\b"
                    r"|\bcase\.save\(")
# Modules outside cases/ that may query case tables, and why.
READ_ALLOWED = {
    "reports/figures.py": "aggregates over a queryset that reports/selectors.py scoped",
    "portal/tracking.py": "the complainant's own lookup: tracking code plus the phone's last digits",
}
WRITE_ALLOWED = {"cases/actions.py", "cases/clocks.py", "cases/events.py",
                 "cases/management/commands/bench_data.py"}


def sources():
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if "/migrations/" not in rel:
            yield rel, path.read_text(encoding="utf-8")


def test_case_tables_are_read_through_selectors():
    offenders = [rel for rel, text in sources()
                 if CASE_TABLES.search(text) and not rel.startswith("cases/")
                 and not rel.endswith("selectors.py") and rel not in READ_ALLOWED]
    assert offenders == [], f"query cases through a selectors.py: {offenders}"


def test_cases_are_written_only_by_actions():
    offenders = [rel for rel, text in sources() if WRITES.search(text) and rel not in WRITE_ALLOWED]
    assert offenders == [], f"change cases through tousu/cases/actions.py: {offenders}"
