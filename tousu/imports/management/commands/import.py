"""`tousu import FILE`: past complaints from an .xlsx or .csv, each row a case."""

import csv
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tousu.imports import mapping as mappings
from tousu.imports.progress import ProgressLine
from tousu.imports.reading import UnreadableFile, read_table
from tousu.imports.runner import ImportRefused, run_import
from tousu.imports.selectors import importer_unit


class Command(BaseCommand):
    help = _("Import past complaints from an .xlsx or .csv file: each row becomes a case of the "
             "chosen kind with its original dates; a row with a reply becomes a replied case.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--by", required=True, help=_("The user name of the person importing."))
        parser.add_argument("--kind", default="", help=_("The kind of case (default: the policy's)."))
        parser.add_argument("--unit", default="", help=_("The unit the cases are registered in (its code; "
                                                         "default: the importer's unit)."))
        parser.add_argument("--mapping", default=None, help=_("A mapping file (TOML: [columns], [defaults])."))
        parser.add_argument("--map", action="append", default=[], metavar="FIELD=HEADER",
                            help=_("The column holding a field, e.g. --map subject=标题 (repeatable)."))
        parser.add_argument("--errors", default=None,
                            help=_("Where to write the failed rows (default: FILE.errors.csv)."))
        parser.add_argument("--dry-run", action="store_true", help=_("Report what would be done; write nothing."))
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, file, by, kind, unit, mapping, map, errors, dry_run, no_progress, **options):
        try:
            table_mapping = mappings.load(mapping, flags=map)
            headers, rows = read_table(file)
        except (mappings.MappingError, UnreadableFile) as exc:
            raise CommandError(str(exc)) from None
        actor = get_user_model().objects.filter(username=by, is_active=True).first()
        if actor is None:
            raise CommandError(_("Unknown person: %(name)s.") % {"name": by})
        place = importer_unit(actor, unit)
        if place is None:
            raise CommandError(_("%(name)s is not a member of a unit %(unit)s.") % {"name": by, "unit": unit})
        progress = None if no_progress else ProgressLine(self.stderr._out)
        try:
            outcome = run_import(headers=headers, rows=rows, source=Path(file).name, kind=kind, unit=place,
                                 actor=actor, mapping=table_mapping, dry_run=dry_run, progress=progress)
        except ImportRefused as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(_("Columns: %(columns)s") % {"columns": ", ".join(
            f"{name} ← {header}" for name, header in outcome.columns.items())})
        summary = _("would create") if dry_run else _("created")
        self.stdout.write(_("%(rows)d rows: %(verb)s %(created)d cases (%(with_reply)d with a reply), "
                            "%(skipped)d already imported, %(failed)d failed (%(seconds).1f s).") % {
            "rows": outcome.rows, "verb": summary, "created": outcome.created, "with_reply": outcome.with_reply,
            "skipped": outcome.skipped, "failed": outcome.failed, "seconds": outcome.seconds})
        for state, count in outcome.states.most_common():
            self.stdout.write(f"  {state}: {count}")
        if outcome.errors:
            target = Path(errors or f"{file}.errors.csv")
            write_errors(target, outcome.errors)
            self.stdout.write(_("The failed rows are listed in %(path)s.") % {"path": target})


def write_errors(path: Path, errors) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow([_("Row"), _("Column"), _("Error")])
        for error in errors:
            out.writerow([error.row, error.column, error.message])
