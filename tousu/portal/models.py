"""The portal keeps no tables of its own: a complainant's files are `cases.Attachment` rows,
saved by `actions.register_case` (source "portal"). Migration 0002 moved the rows that lived
here into that table; `upload_path` stays because migration 0001 names it."""

import uuid
from pathlib import PurePath


def upload_path(instance, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"portal/{instance.case.number}/{uuid.uuid4().hex}{suffix}"
