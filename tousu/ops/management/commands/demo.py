import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from tousu.cases.events import write_key_file
from tousu.org.models import Organisation


class Command(BaseCommand):
    help = _("Run the demo: set up the hotel preset with demo data if needed, then start the web "
             "server and the worker together.")

    def add_arguments(self, parser):
        parser.add_argument("--preset", default="hotel")
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument("--setup-only", action="store_true", help=_("Set up and exit."))

    def handle(self, *args, preset, addr, setup_only, **options):
        from tousu.demo import ADMIN_PASSWORD, ADMIN_USERNAME, DEMO_PASSWORD

        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        if not settings.TOUSU_CHAIN_KEY:  # the event chains' key, kept beside the database file
            write_key_file(settings.TOUSU_CHAIN_KEY_PATH)
        call_command("migrate", interactive=False, verbosity=0)
        if not Organisation.objects.exists():
            call_command("init", preset=preset, demo=True)
        org = Organisation.objects.get()
        people = [(m["username"], m["name"]) for m in org.policy.get("demo", {}).get("people", [])]
        self.stdout.write("")
        self.stdout.write(_("Tousu demo for %(name)s: http://%(addr)s/") % {"name": org.name, "addr": addr})
        self.stdout.write(_("Administrator: %(u)s / %(p)s") % {"u": ADMIN_USERNAME, "p": ADMIN_PASSWORD})
        self.stdout.write(_("Demo people (password %(p)s):") % {"p": DEMO_PASSWORD})
        for username, name in people:
            self.stdout.write(f"  {username:14} {name}")
        self.stdout.write("")
        if setup_only:
            return
        worker = subprocess.Popen([sys.executable, "-m", "tousu.cli", "worker"])
        try:
            call_command("runserver", addr, use_reloader=False, insecure_serving=True)
        finally:
            worker.terminate()
            worker.wait(timeout=10)
