import os
import subprocess
import sys

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from tousu.org.models import Organisation


class Command(BaseCommand):
    help = _("Run the demo: set up the hotel preset with demo data if needed, then start the web "
             "server and the worker together.")

    def add_arguments(self, parser):
        parser.add_argument("--preset", default="hotel")
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument("--setup-only", action="store_true", help=_("Set up and exit."))

    def _own_secret_key(self):
        """Without TOUSU_SECRET_KEY (settings.py lets only the demo start so), the demo's own
        key from its data folder, for this process and the worker it starts."""
        from tousu.demo import secret_key_file

        try:
            settings.SECRET_KEY
        except ImproperlyConfigured:
            path = secret_key_file(settings.DATA_DIR)
            settings.SECRET_KEY = path.read_text().strip()
            os.environ["TOUSU_SECRET_KEY_FILE"] = str(path)

    def handle(self, *args, preset, addr, setup_only, **options):
        from tousu.demo import ADMIN_PASSWORD, ADMIN_USERNAME, DEMO_PASSWORD

        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        self._own_secret_key()
        record_data_dir()
        call_command("migrate", interactive=False, verbosity=0)
        if not Organisation.objects.exists():
            call_command("init", preset=preset, demo=True)
        org = Organisation.objects.get()
        people = [(m["username"], m["name"]) for m in org.policy.get("demo", {}).get("people", [])]
        self.stdout.write("")
        self.stdout.write(_("Tousu demo for %(name)s: http://%(addr)s/") % {"name": org.name, "addr": addr})
        self.stdout.write(_("Data: %(dir)s (every tousu command started in this folder uses it; "
                            "TOUSU_DATA_DIR chooses another)") % {"dir": settings.DATA_DIR})
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


def record_data_dir() -> None:
    """A demo in a folder of ./var (`make demo PRESET=bank` runs in var/bank) writes the
    folder's name to var/current-demo; tousu/settings.py reads it when TOUSU_DATA_DIR is not
    set, so `tousu verify-events` or `tousu createsuperuser` find the demo's database."""
    if settings.DATA_DIR.resolve().parent == settings.DEFAULT_DATA_DIR.resolve():
        settings.DATA_DIR_POINTER.write_text(settings.DATA_DIR.name + "\n", encoding="utf-8")
