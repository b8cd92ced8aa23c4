from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tousu.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = _("Restore a backup made by `tousu backup` into the database and the files the "
             "settings name; an existing database with data is replaced only with --force.")

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("The archive written by `tousu backup`."))
        parser.add_argument("--force", action="store_true",
                            help=_("Replace a database that already holds data."))

    def handle(self, *args, file, force, **options):
        try:
            done = restore(Path(file), force=force)
        except (BackupError, OSError) as e:
            raise CommandError(str(e)) from None
        self.stdout.write(_("Restored %(rows)d rows in %(tables)d tables and %(files)d uploaded files.")
                          % {"rows": done.rows, "tables": done.tables, "files": done.media_files})
        if done.media_moved_to:
            self.stdout.write(_("The files that were there are kept in %(path)s.") % {"path": done.media_moved_to})
        self.stdout.write(_("Next: `tousu migrate` if this Tousu is newer than the backup, then "
                            "`tousu verify-events`."))
