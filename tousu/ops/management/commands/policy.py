"""Check preset files before loading them: `tousu policy check FILE [FILE ...]`.

Each file is read with the preset it extends (looked for beside it, then among the shipped
presets) and checked whole; a shipped preset may also be named without a path (`tousu policy
check hotel`). Every mistake is printed on its own line as "FILE: key: what is wrong" (see
docs/presets.md), and the command exits with status 1 when any file has one. Nothing is loaded
and the database is not touched."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tousu.domain.preset import check_file


class Command(BaseCommand):
    help = _("Check preset files: print each mistake, or that the file is good.")
    requires_system_checks = []  # a file check: no models, no database

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["check"], help=_("What to do: check."))
        parser.add_argument("files", nargs="+", metavar="FILE", help=_("A preset file (TOML)."))

    def handle(self, *args, what, files, **options):
        wrong = 0
        for name in files:
            if name.endswith(".toml") and not Path(name).is_file():
                problems = [_("%(file)s: no such file") % {"file": name}]
            else:
                problems = check_file(name)
            if problems:
                wrong += 1
                for line in problems:
                    self.stdout.write(line)
            else:
                self.stdout.write(_("%(file)s: OK") % {"file": name})
        if wrong:
            raise CommandError(_("%(wrong)d of %(files)d files have mistakes.")
                               % {"wrong": wrong, "files": len(files)})
