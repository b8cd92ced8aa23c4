"""The search box's terms (tousu/cases/search.py): the column, its values for the cases already
there, and on PostgreSQL the GIN index the search reads (docs/decisions.md).

The backfill reads and writes in batches by id inside the migration's transaction; at a million
cases it takes a few minutes and rewrites every row once (VACUUM afterwards gives the space
back to the table)."""

from django.db import migrations, models

from tousu.cases.search import case_terms

BATCH = 2000
SOURCES = ("number", "subject", "description", "complainant_name")
# The search's condition (cases/selectors.py, HasTerms) repeats this expression exactly, so the
# planner can answer it from this index.
INDEX = "case_search_terms"
CREATE_INDEX = (f"CREATE INDEX {INDEX} ON cases_case USING gin "
                "((string_to_array(search_terms, ' '::text)))")
# How many rows a term matches decides the plan: a common one is found sooner by walking the
# newest cases, a rare one only through the index. With the default statistics the 1,000
# commonest terms are counted and every other is guessed at 0.3 % of the cases (2,900 at a
# million, for a term that may match none), so a rare term was looked for by walking the whole
# history; with these, 10,000 terms are counted and the guess for the rest is 0.03 %.
WIDER_STATISTICS = f"ALTER INDEX {INDEX} ALTER COLUMN 1 SET STATISTICS 1000"


def backfill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    last = 0
    while True:
        rows = list(Case.objects.filter(pk__gt=last).order_by("pk").only("pk", *SOURCES)[:BATCH])
        if not rows:
            break
        for case in rows:
            case.search_terms = case_terms(**{name: getattr(case, name) or "" for name in SOURCES})
        Case.objects.bulk_update(rows, ["search_terms"])
        last = rows[-1].pk


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        schema_editor.execute(CREATE_INDEX)
        schema_editor.execute(WIDER_STATISTICS)
        schema_editor.execute("ANALYZE cases_case")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0004_open_running_and_repeat_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="search_terms",
            field=models.TextField(blank=True, db_default="", default="", editable=False),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_index, drop_index),
    ]
