"""The shared cache's table (Django's DatabaseCache, settings.CACHES): `migrate` makes it, so a
fresh install needs no `createcachetable`."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0002_move_attachments_to_cases'),
    ]

    operations = [
        migrations.CreateModel(
            name='CacheEntry',
            fields=[
                ('cache_key', models.CharField(max_length=255, primary_key=True, serialize=False)),
                ('value', models.TextField()),
                ('expires', models.DateTimeField(db_index=True)),
            ],
            options={
                'db_table': 'tousu_cache',
            },
        ),
    ]
