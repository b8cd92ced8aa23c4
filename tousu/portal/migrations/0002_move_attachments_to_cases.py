"""Move the portal's attachments into cases.Attachment (source "portal", uploaded by nobody),
then drop the portal's table. The files stay where they are on disk (MEDIA_ROOT/portal/...):
the new rows keep their stored names, so nothing is copied or lost."""

from django.db import migrations


def forwards(apps, schema_editor):
    Old = apps.get_model("portal", "Attachment")
    New = apps.get_model("cases", "Attachment")
    rows = [New(case_id=old.case_id, file=old.file.name, original_name=old.original_name,
                content_type=old.content_type, size=old.size, source="portal", uploaded_by=None,
                uploaded_at=old.uploaded_at)
            for old in Old.objects.order_by("pk").iterator()]
    New.objects.bulk_create(rows, batch_size=500)


def backwards(apps, schema_editor):
    Old = apps.get_model("portal", "Attachment")
    New = apps.get_model("cases", "Attachment")
    rows = [Old(case_id=new.case_id, file=new.file.name, original_name=new.original_name,
                content_type=new.content_type, size=new.size, uploaded_at=new.uploaded_at)
            for new in New.objects.filter(source="portal").order_by("pk").iterator()]
    Old.objects.bulk_create(rows, batch_size=500)
    # uploaded_at is auto_now_add on the old model: put the original times back.
    for row, new in zip(Old.objects.order_by("pk"), New.objects.filter(source="portal").order_by("pk")):
        Old.objects.filter(pk=row.pk).update(uploaded_at=new.uploaded_at)
    New.objects.filter(source="portal").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("portal", "0001_initial"),
        ("cases", "0003_attachment"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="Attachment"),
    ]
