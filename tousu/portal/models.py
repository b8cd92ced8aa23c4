"""The portal keeps no tables of its own for cases: a complainant's files are `cases.Attachment`
rows, saved by `actions.register_case` (source "portal"). Migration 0002 moved the rows that
lived here into that table; `upload_path` stays because migration 0001 names it.

`CacheEntry` is the table of Django's database cache, where the portal's rate limits count
(see limits.py and CACHES in settings.py)."""

import uuid
from pathlib import PurePath

from django.db import models


def upload_path(instance, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"portal/{instance.case.number}/{uuid.uuid4().hex}{suffix}"


class CacheEntry(models.Model):
    """A row of Django's DatabaseCache (LOCATION "tousu_cache"), in the shape
    `createcachetable` gives it. A model so that `migrate` makes the table on a fresh install;
    Django's cache reads and writes it, no code of ours does."""

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "tousu_cache"
