import datetime as dt
import getpass

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tousu.domain.policy import PolicyError
from tousu.org.services import apply_preset


class Command(BaseCommand):
    help = _("Create the database tables and load an organisation preset (hotel, bank, telecom).")

    def add_arguments(self, parser):
        parser.add_argument("--preset", required=True, help=_("hotel, bank or telecom"))
        parser.add_argument("--demo", action="store_true", help=_("Also load demo people and complaints."))
        parser.add_argument("--by", default="", help=_("Who puts this policy in force (default: the system user)."))
        parser.add_argument("--approved-by", default="", help=_(
            "The user name of who approved this change, where the policy in force asks for an approval "
            "(the hotel: the general manager)."))
        parser.add_argument("--approved-on", default="", help=_("The day the change was approved (YYYY-MM-DD)."))

    def handle(self, *args, preset, demo, by, approved_by, approved_on, **options):
        call_command("migrate", interactive=False, verbosity=0)
        try:
            day = dt.date.fromisoformat(approved_on) if approved_on else None
        except ValueError:
            raise CommandError(_("--approved-on: give a day as YYYY-MM-DD.")) from None
        try:
            org = apply_preset(preset, changed_by=by or getpass.getuser(), note="tousu init",
                               approved_by=approved_by, approved_on=day)
        except PolicyError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(_("Loaded preset %(preset)s for %(name)s.") % {"preset": preset, "name": org.name})
        if demo:
            from tousu.demo import load_demo

            load_demo()
            self.stdout.write(_("Loaded demo people and complaints."))
