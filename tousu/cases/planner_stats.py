"""SQLite's planner statistics (`sqlite_stat1`), refreshed where the data changes in bulk.

Without them SQLite guesses every index equally selective and, for the staff list's "Due soon"
badge, walked all the reader's cases through the scope's four unit indexes, probing each for a
clock, instead of reading the few clocks that fall due (docs/performance.md, session 5). They
are written by `tousu migrate` (an install that already holds cases) and by `tousu bench-data`.
PostgreSQL keeps its own (autovacuum, and bench-data's VACUUM ANALYZE)."""

from __future__ import annotations

# Rows ANALYZE reads per index: approximate statistics, in milliseconds however large the tables.
ANALYSIS_LIMIT = 1000


def refresh(connection) -> bool:
    """ANALYZE an SQLite database that holds cases; True when it ran. An empty one is left
    alone: statistics of empty tables would mislead the planner once cases arrive."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cur:
        cur.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'cases_case'")
        if cur.fetchone() is None:
            return False
        cur.execute("SELECT EXISTS (SELECT 1 FROM cases_case)")
        if not cur.fetchone()[0]:
            return False
        cur.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
        cur.execute("ANALYZE")
    return True


def after_migrate(sender, using, **kwargs):
    from django.db import connections

    refresh(connections[using])
