"""`tousu retention apply [--dry-run]`, `tousu retention access CASE --by USER`,
`tousu retention erase CASE --by USER --note TEXT` (tousu/cases/retention.py)."""

import json
from datetime import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from tousu.cases import actions, retention
from tousu.cases.errors import InvalidInput, NotFound, Refused, StaleCase
from tousu.cases.models import Case
from tousu.org.services import current_policy


class Command(BaseCommand):
    help = _("Personal data: anonymise ended cases past their retention, or answer a complainant's "
             "request to see or erase their data.")

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="what", required=True)
        apply = commands.add_parser("apply", help=_("Anonymise every ended case past its kind's retention."))
        apply.add_argument("--dry-run", action="store_true", help=_("List the cases without changing them."))
        apply.add_argument("--now", help=_("Count the retention from this time (ISO 8601) instead of now."))
        for name, text in (("access", _("Record a request to see personal data and write the export.")),
                           ("erase", _("Record a request to erase personal data and anonymise the case."))):
            sub = commands.add_parser(name, help=text)
            sub.add_argument("case", help=_("The case number."))
            sub.add_argument("--by", required=True, help=_("The user name of the member of staff recording it."))
            sub.add_argument("--note", default="", help=_("The request, as the complainant made it."))
            if name == "access":
                sub.add_argument("--out", help=_("Write the export to this file (JSON) instead of the output."))

    def handle(self, *args, what, **options):
        try:
            if what == "apply":
                self.apply(options["dry_run"], options.get("now"))
            elif what == "access":
                case, export = actions.request_personal_data(actor=self.user(options["by"]),
                                                             case_id=self.case_id(options["case"]),
                                                             note=options["note"])
                text = json.dumps(export, ensure_ascii=False, indent=1)
                if options.get("out"):
                    Path(options["out"]).write_text(text + "\n", encoding="utf-8")
                    self.stdout.write(_("Export of %(number)s written to %(path)s.") % {
                        "number": case.number, "path": options["out"]})
                else:
                    self.stdout.write(text)
            else:
                case = actions.erase_personal_data(actor=self.user(options["by"]),
                                                   case_id=self.case_id(options["case"]), note=options["note"])
                self.stdout.write(_("The personal data of %(number)s is erased.") % {"number": case.number})
        except (Refused, InvalidInput, StaleCase) as error:
            raise CommandError(str(error)) from None
        except NotFound:
            raise CommandError(_("No such case, or not one this person may act on.")) from None

    def apply(self, dry_run: bool, at: str | None) -> None:
        now = self.moment(at)
        found = retention.due(current_policy(), now)
        if dry_run:
            for item in found:
                self.stdout.write(f"{item.number} ({item.kind}) {item.last_event_at:%Y-%m-%d}")
            self.stdout.write(_("%(n)d case(s) would be anonymised.") % {"n": len(found)})
            return
        failed = 0
        for item in found:
            try:
                actions.anonymise_case(case_id=item.case_id, now=now)
            except (Refused, NotFound, StaleCase) as error:
                failed += 1
                self.stderr.write(_("%(number)s not anonymised: %(why)s") % {"number": item.number, "why": error})
        self.stdout.write(_("%(n)d case(s) anonymised.") % {"n": len(found) - failed})
        if failed:
            raise CommandError(_("%(n)d case(s) could not be anonymised.") % {"n": failed})

    @staticmethod
    def moment(text: str | None) -> datetime:
        if not text:
            return timezone.now()
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise CommandError(_("--now must be a time such as 2026-12-01T08:00+08:00.")) from None
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)

    @staticmethod
    def user(username: str):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("No active user %(name)s.") % {"name": username})
        return user

    @staticmethod
    def case_id(number: str) -> int:
        pk = Case.objects.filter(number=number).values_list("pk", flat=True).first()
        if pk is None:
            raise CommandError(_("No case %(number)s.") % {"number": number})
        return pk
