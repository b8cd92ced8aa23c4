"""`tousu ranking --month 2026-10 --out ranking.xlsx`: the monthly ranking of the handling units."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tousu.reports.periods import parse_month
from tousu.reports.rankings import ranked_units, ranking, to_xlsx


class Command(BaseCommand):
    help = _("The monthly ranking of the handling units by satisfaction, resolution and response rate, "
             "as an .xlsx file.")

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help=_("Month, such as 2026-10 (monthly)."))
        parser.add_argument("--out", required=True, help=_("The .xlsx file to write."))
        parser.add_argument("--unit-kind", action="append", default=[],
                            help=_("Rank units of this kind (repeatable; default: all but the top unit's kind)."))

    def handle(self, *args, month, out, unit_kind, **options):
        try:
            period = parse_month(month)
        except ValueError as exc:
            raise CommandError(_("Not a period: %(text)s") % {"text": exc}) from None
        rows = ranking(period, ranked_units(unit_kind))
        title = _("Ranking of the handling units, %(month)s") % {"month": period.code}
        Path(out).write_bytes(to_xlsx(period, rows, title))
        for row in rows:
            self.stdout.write(f"{row['rank']:>3}  {row['unit']}  {row['total']}")
        self.stdout.write(_("Written to %(path)s.") % {"path": out})
