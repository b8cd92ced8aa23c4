from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tousu.cases import document_check


class Command(BaseCommand):
    help = _("Check that every kept document (decisions, notices, reports) is the text its event "
             "recorded on the case's hash chain.")

    def handle(self, *args, **options):
        result = document_check.check()
        for problem in result.problems:
            self.stderr.write(problem)
        if result.problems:
            raise CommandError(_("%(n)d document(s) differ from what their events recorded")
                               % {"n": len(result.problems)})
        self.stdout.write(_("All %(n)d kept documents match their events (%(erased)d removed by "
                            "anonymising).") % {"n": result.checked, "erased": result.erased})
