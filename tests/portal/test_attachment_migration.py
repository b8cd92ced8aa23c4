"""portal 0002 moves the portal's attachment rows into cases.Attachment and drops its table."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.web_ui.helpers import hotel_case

BEFORE = [("portal", "0001_initial")]
AFTER = [("portal", "0002_move_attachments_to_cases")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_portal_rows_become_case_attachments(hotel):
    case = hotel_case(hotel)
    try:
        old_apps = _migrate(BEFORE)
        Old = old_apps.get_model("portal", "Attachment")
        row = Old.objects.create(case_id=case.pk, file=f"portal/{case.number}/abc.png",
                                 original_name="房间照片.png", content_type="image/png", size=40)
        when = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
        Old.objects.filter(pk=row.pk).update(uploaded_at=when)
        new_apps = _migrate(AFTER)
    finally:  # leave the schema as the other tests expect it: every app at its latest
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    moved = new_apps.get_model("cases", "Attachment").objects.get()
    assert (moved.case_id, moved.file.name, moved.original_name, moved.content_type, moved.size) == (
        case.pk, f"portal/{case.number}/abc.png", "房间照片.png", "image/png", 40)
    assert (moved.source, moved.uploaded_by_id, moved.uploaded_at) == ("portal", None, when)
    with pytest.raises(LookupError):
        new_apps.get_model("portal", "Attachment")
