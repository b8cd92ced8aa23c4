from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sqlite_functions(sender, connection, **kwargs):
    """SQLite has no translate(): the search's folding (cases/search.py) as a function."""
    if connection.vendor == "sqlite":
        from .search import fold_sql

        connection.connection.create_function("tousu_fold", 1, fold_sql, deterministic=True)


class CasesConfig(AppConfig):
    name = "tousu.cases"
    label = "cases"
    verbose_name = _("Complaints")

    def ready(self):
        connection_created.connect(_sqlite_functions, dispatch_uid="tousu_sqlite_functions")
        from .planner_stats import after_migrate

        post_migrate.connect(after_migrate, sender=self, dispatch_uid="tousu_planner_stats")
