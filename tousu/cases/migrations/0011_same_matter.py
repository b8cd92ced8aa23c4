"""Repeats (issue 14): pairs of cases probably about the same matter (cases/matters.py), and
the pairs of the cases already stored, so the repeat rule keeps its meaning for them. The
backfill compares each case with its kind's cases of the window (an index lookup and up to 200
texts per case): about 25 ms a case at 100k cases on SQLite (docs/performance.md)."""

import django.db.models.deletion
from django.db import migrations, models

from tousu.cases import matters


def backfill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    SameMatter = apps.get_model("cases", "SameMatter")
    Organisation = apps.get_model("org", "Organisation")
    org = Organisation.objects.first()
    kinds = ((org.policy or {}).get("kinds") or {}) if org is not None else {}

    def window(kind):
        repeats = (kinds.get(kind) or {}).get("repeats") or {}
        return int(repeats.get("window_days") or 30)

    for case in Case.objects.order_by("pk").iterator(chunk_size=500):
        matters.link(case, window(case.kind), model=Case, pair=SameMatter)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0010_search_term_table'),
        ('org', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='SameMatter',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.CharField(max_length=20)),
                ('earlier', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='later_matters', to='cases.case')),
                ('later', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='earlier_matters', to='cases.case')),
            ],
            options={
                'indexes': [models.Index(fields=['earlier'], name='same_matter_earlier')],
                'constraints': [models.UniqueConstraint(fields=('later', 'earlier'), name='same_matter_pair')],
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
