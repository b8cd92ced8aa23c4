"""Load a year's official holidays (and make-up working days) and recompute provisional deadlines.

File format, one day a line:  2027-01-01 off 元旦   /   2027-02-06 work 春节调休"""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from tousu.cases.actions import recompute_deadlines
from tousu.org.models import Holiday, HolidayYear


def parse_days(text: str) -> list[tuple[dt.date, bool, str]]:
    days = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split(maxsplit=2)
        try:
            day = dt.date.fromisoformat(parts[0])
            kind = parts[1]
        except (ValueError, IndexError):
            raise CommandError(_("Line %(n)d: expected 'YYYY-MM-DD off|work [name]'.") % {"n": number}) from None
        if kind not in ("off", "work"):
            raise CommandError(_("Line %(n)d: the second word must be 'off' or 'work'.") % {"n": number})
        days.append((day, kind == "work", parts[2] if len(parts) > 2 else ""))
    return days


class Command(BaseCommand):
    help = _("Load a year's holidays from a file and recompute provisional deadlines.")

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("file", type=Path)

    def handle(self, *args, year, file, **options):
        try:
            days = parse_days(file.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(str(exc)) from None
        wrong = [d for d, _w, _n in days if d.year != year]
        if wrong:
            raise CommandError(_("%(day)s is not in %(year)d.") % {"day": wrong[0], "year": year})
        with transaction.atomic():
            for day, is_workday, name in days:
                Holiday.objects.update_or_create(date=day, defaults={"is_workday": is_workday, "name": name})
            HolidayYear.objects.get_or_create(year=year, defaults={"source": file.name})
        changed = recompute_deadlines()
        self.stdout.write(_("Loaded %(n)d days for %(year)d; %(c)d deadlines recomputed.")
                          % {"n": len(days), "year": year, "c": changed})
