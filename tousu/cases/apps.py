from django.apps import AppConfig
from django.db.backends.signals import connection_created
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
