"""Search (issue 14): SQLite's own index of the search terms, and the terms of cases whose text
holds full-width forms, which the search now folds (ＫＴＶ is KTV).

On SQLite the table cases_search_term holds one (term, case_id) row per term of a case's
`search_terms`, its primary key led by the term, so a search looks each term up instead of
reading every case (docs/decisions.md). Triggers on cases_case keep it in step with the column,
whoever writes it (the engine, `tousu bench-data`'s bulk rows, a retention erasure). The terms
contain letters, digits and the name mark only, so the column's spaces become a JSON array by
plain replacement. PostgreSQL keeps its GIN index (migration 0005) and gets no table."""

from django.db import migrations

from tousu.cases.search import FULL_WIDTH, case_terms

TABLE = "cases_search_term"
TERMS = "json_each('[\"' || replace({row}.search_terms, ' ', '\",\"') || '\"]')"
INSERT = (f"INSERT OR IGNORE INTO {TABLE} (term, case_id) SELECT value, NEW.id FROM "
          f"{TERMS.format(row='NEW')} WHERE value <> '';")
DELETE = (f"DELETE FROM {TABLE} WHERE case_id = OLD.id AND term IN "
          f"(SELECT value FROM {TERMS.format(row='OLD')});")
CREATE = [
    f"CREATE TABLE {TABLE} (term TEXT NOT NULL, case_id INTEGER NOT NULL, "
    "PRIMARY KEY (term, case_id)) WITHOUT ROWID",
    f"CREATE TRIGGER cases_search_term_insert AFTER INSERT ON cases_case BEGIN {INSERT} END",
    "CREATE TRIGGER cases_search_term_update AFTER UPDATE OF search_terms ON cases_case "
    f"WHEN OLD.search_terms IS NOT NEW.search_terms BEGIN {DELETE} {INSERT} END",
    f"CREATE TRIGGER cases_search_term_delete AFTER DELETE ON cases_case BEGIN {DELETE} END",
    f"INSERT OR IGNORE INTO {TABLE} (term, case_id) SELECT value, cases_case.id FROM cases_case, "
    f"{TERMS.format(row='cases_case')} WHERE value <> ''",
]
DROP = ["DROP TRIGGER IF EXISTS cases_search_term_insert", "DROP TRIGGER IF EXISTS cases_search_term_update",
        "DROP TRIGGER IF EXISTS cases_search_term_delete", f"DROP TABLE IF EXISTS {TABLE}"]
SOURCES = ("number", "subject", "description", "complainant_name")
WIDE = f"[{FULL_WIDTH}]"


def refold(apps, schema_editor):
    """The terms of the cases whose text holds a full-width form (few): folded anew."""
    Case = apps.get_model("cases", "Case")
    from django.db.models import Q

    wide = Q()
    for name in SOURCES:
        wide |= Q(**{f"{name}__regex": WIDE})
    rows = list(Case.objects.filter(wide).only("pk", *SOURCES))
    for case in rows:
        case.search_terms = case_terms(**{name: getattr(case, name) or "" for name in SOURCES})
    Case.objects.bulk_update(rows, ["search_terms"], batch_size=1000)


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
        ("cases", "0009_case_personal_salt"),
    ]

    operations = [
        migrations.RunPython(create, drop),
        migrations.RunPython(refold, migrations.RunPython.noop, elidable=True),
    ]
