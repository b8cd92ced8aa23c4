from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from tousu.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = _("Back up the database and the uploaded files into one archive (see tousu/ops/backup.py).")

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=None,
                            help=_("The archive to write (default tousu-backup-DATE-TIME.tar.gz here)."))

    def handle(self, *args, file, **options):
        target = Path(file or f"tousu-backup-{timezone.now():%Y%m%d-%H%M%S}.tar.gz")
        if target.exists():
            raise CommandError(_("%(path)s exists already; name a new file.") % {"path": target})
        try:
            manifest = backup(target)
        except (BackupError, OSError) as e:
            raise CommandError(str(e)) from None
        self.stdout.write(_("Backed up the %(engine)s database (%(rows)d rows in %(tables)d tables) and "
                            "%(files)d uploaded files to %(path)s.")
                          % {"engine": manifest["engine"], "rows": sum(manifest["tables"].values()),
                             "tables": len(manifest["tables"]), "files": manifest["media_files"],
                             "path": target})
