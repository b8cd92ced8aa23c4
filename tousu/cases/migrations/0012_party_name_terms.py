"""Search (issue 14): SQLite's index of the parties' names, so that finding a case by a party's
name (cases/selectors.py, `_found_by_key`) looks the name's pieces up instead of reading every
party (20-65 ms a word at 100k cases, docs/performance.md).

The table cases_party_term holds one (term, party_id) row per two neighbouring characters of a
party's name, upper-cased as SQLite's upper() does it (ASCII letters), its primary key led by
the term. Triggers on cases_caseparty keep it in step with the name, whoever writes it (the
engine, `tousu bench-data`'s bulk rows, a retention erasure); they are plain SQL (the character
positions are a JSON array), so the database stays writable by other tools. A name that holds a
word holds every pair of the word, so the pairs only narrow the parties the name match
(`icontains`, unchanged) is checked on. PostgreSQL gets no table (docs/decisions.md)."""

from django.db import migrations

from tousu.cases.search import PARTY_TERM_TABLE as TABLE

NAME_LENGTH = 200  # CaseParty.name's max_length
POSITIONS = "json_each('[" + ",".join(map(str, range(1, NAME_LENGTH))) + "]')"
PAIRS = "SELECT DISTINCT upper(substr({row}.name, value, 2)), {row}.id FROM {positions} WHERE value < length({row}.name)"
INSERT = f"INSERT OR IGNORE INTO {TABLE} (term, party_id) {PAIRS.format(row='NEW', positions=POSITIONS)};"
DELETE = f"DELETE FROM {TABLE} WHERE party_id = OLD.id AND term IN (SELECT upper(substr(OLD.name, value, 2)) FROM {POSITIONS});"
CREATE = [
    f"CREATE TABLE {TABLE} (term TEXT NOT NULL, party_id INTEGER NOT NULL, "
    "PRIMARY KEY (term, party_id)) WITHOUT ROWID",
    f"CREATE TRIGGER cases_party_term_insert AFTER INSERT ON cases_caseparty BEGIN {INSERT} END",
    "CREATE TRIGGER cases_party_term_update AFTER UPDATE OF name ON cases_caseparty "
    f"WHEN OLD.name IS NOT NEW.name BEGIN {DELETE} {INSERT} END",
    f"CREATE TRIGGER cases_party_term_delete AFTER DELETE ON cases_caseparty BEGIN {DELETE} END",
    f"INSERT OR IGNORE INTO {TABLE} (term, party_id) "
    + PAIRS.format(row="cases_caseparty", positions=f"cases_caseparty, {POSITIONS}"),
]
DROP = ["DROP TRIGGER IF EXISTS cases_party_term_insert", "DROP TRIGGER IF EXISTS cases_party_term_update",
        "DROP TRIGGER IF EXISTS cases_party_term_delete", f"DROP TABLE IF EXISTS {TABLE}"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0011_same_matter"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
