from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tousu.cases.events import verify_all
from tousu.cases.models import Case


class Command(BaseCommand):
    help = _("Check every case's event chain and name the first broken link.")

    def handle(self, *args, **options):
        broken = list(verify_all())
        if broken:
            for link in broken:
                self.stderr.write(_("Broken: %(link)s") % {"link": link})
            raise CommandError(_("%(n)d case(s) with a broken event chain; first: %(first)s")
                               % {"n": len(broken), "first": broken[0]})
        self.stdout.write(_("All event chains are whole (%(n)d cases).") % {"n": Case.objects.count()})
