"""`tousu report weekly --week 2026-W47 [--unit CODE]` and `tousu report monthly --month 2026-10`."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tousu.org.models import Unit
from tousu.reports.periods import parse_month, parse_week
from tousu.reports.services import produce, produce_units, weekly_units


class Command(BaseCommand):
    help = _("Produce and store a weekly complaint record or a monthly statistical analysis.")

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["weekly", "monthly"])
        parser.add_argument("--week", help=_("ISO week, such as 2026-W47 (weekly)."))
        parser.add_argument("--month", help=_("Month, such as 2026-10 (monthly)."))
        parser.add_argument("--unit", help=_("Unit code; weekly: every department when left out."))

    def handle(self, *args, **options):
        kind = options["kind"]
        try:
            if kind == "weekly":
                if not options["week"]:
                    raise CommandError(_("Give the week: --week 2026-W47."))
                period = parse_week(options["week"])
            else:
                if not options["month"]:
                    raise CommandError(_("Give the month: --month 2026-10."))
                period = parse_month(options["month"])
        except ValueError as exc:
            raise CommandError(_("Not a period: %(text)s") % {"text": exc}) from None
        if options["unit"]:
            try:
                units = [Unit.objects.get(code=options["unit"])]
            except Unit.DoesNotExist:
                raise CommandError(_("No unit with the code %(code)s.") % {"code": options["unit"]}) from None
        else:
            units = weekly_units() if kind == "weekly" else [None]
        reports = produce_units(period, units) if kind == "weekly" else [produce(period, u) for u in units]
        for unit, report in zip(units, reports):
            self.stdout.write(_("%(kind)s %(period)s %(unit)s: %(total)s complaints (report %(id)s)") % {
                "kind": report.get_kind_display(), "period": period.code,
                "unit": unit.name if unit else _("all units"), "total": report.figures["total"],
                "id": report.pk})
