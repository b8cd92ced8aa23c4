"""`tousu serve`: the production web tier, gunicorn in this process (see deploy/ for systemd and
nginx). Before it forks workers it checks what would otherwise fail on every request: the
database answers and has every migration, and the static files are collected (whitenoise
serves them from STATIC_ROOT)."""

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _
from gunicorn.app.base import BaseApplication

MAX_WORKERS = 12


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def default_workers(core_count: int) -> int:
    """Gunicorn's rule of thumb, 2 x cores + 1 sync workers, capped: past a dozen the database,
    not the web tier, is the limit."""
    return min(2 * core_count + 1, MAX_WORKERS)


class Command(BaseCommand):
    help = _("Run the production web server (gunicorn) for the pages, the portal and the API.")
    requires_system_checks = []  # checked in handle, once, before the workers start

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=None,
                            help=_("Address to listen on (default TOUSU_BIND, 127.0.0.1:8000)."))
        parser.add_argument("--workers", type=int, default=None,
                            help=_("Worker processes (default TOUSU_WEB_WORKERS, or 2 x cores + 1)."))
        parser.add_argument("--check", action="store_true",
                            help=_("Check the settings, the database and the static files, then exit."))
        parser.add_argument("--no-collectstatic", action="store_true",
                            help=_("Do not collect the static files first (they are collected already)."))

    def handle(self, *args, bind, workers, check, no_collectstatic, **options):
        bind = bind or settings.TOUSU_BIND
        workers = workers or settings.TOUSU_WEB_WORKERS or default_workers(cores())
        if workers < 1:
            raise CommandError(_("The number of workers must be at least 1."))
        self.check(display_num_errors=False)
        connection.ensure_connection()  # a wrong DATABASE_URL stops here (tousu/cli.py says so)
        executor = MigrationExecutor(connection)
        missing = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if missing:
            raise CommandError(_("The database lacks %(n)d migration(s): run `tousu migrate` first.")
                               % {"n": len(missing)})
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(_("Serving on %(bind)s with %(n)d workers (%(cores)d cores); static files "
                            "from %(static)s") % {"bind": bind, "n": workers, "cores": cores(),
                                                  "static": settings.STATIC_ROOT})
        if check:
            return
        connections.close_all()  # each worker opens its own after the fork
        WebTier({
            "bind": [b.strip() for b in bind.split(",") if b.strip()],
            "workers": workers,
            "timeout": settings.TOUSU_WEB_TIMEOUT,
            "graceful_timeout": settings.TOUSU_WEB_TIMEOUT,
            "max_requests": 2000,  # a leak in one worker cannot grow forever
            "max_requests_jitter": 200,
            "accesslog": "-" if settings.TOUSU_ACCESS_LOG else None,
            "errorlog": "-",
            "proc_name": "tousu-web",
            "control_socket_disable": True,
        }).run()


class WebTier(BaseApplication):
    """Gunicorn configured from a dict instead of its command line, serving Django's WSGI app."""

    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from django.core.wsgi import get_wsgi_application

        return get_wsgi_application()
