"""The `tousu` command: Django's management commands under one name (`tousu verify-events` ...).

A mistake in the environment (a missing key, a DATABASE_URL that cannot be read) or a database
that cannot be reached stops any command with one line on stderr and a non-zero status, never
a traceback (`--traceback` shows it). The status tells systemd which is which: 78 (EX_CONFIG)
for a mistake that a restart cannot mend, 69 (EX_UNAVAILABLE) for a database that may come back.
"""

import os
import sys

EX_UNAVAILABLE = 69
EX_CONFIG = 78
# Long-running commands connect before they start, so a wrong database stops them at once
# instead of failing request after request or round after round.
CONNECT_FIRST = {"worker"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tousu.settings")
    argv = list(sys.argv)
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    status = run(argv)
    if status:
        sys.exit(status)


def run(argv: list[str]) -> int:
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError, connection

    traceback = "--traceback" in argv
    try:
        settings.INSTALLED_APPS  # noqa: B018  (reads tousu/settings.py: its mistakes stop here)
    except ImproperlyConfigured as e:
        if traceback:
            raise
        return fail(f"configuration error: {e}", EX_CONFIG)
    try:
        if len(argv) > 1 and argv[1] in CONNECT_FIRST:
            import django

            django.setup()
            connection.ensure_connection()
        execute_from_command_line(argv)
    except ImproperlyConfigured as e:
        if traceback:
            raise
        return fail(f"configuration error: {e}", EX_CONFIG)
    except DatabaseError as e:
        if traceback or connection.connection is not None:  # connected: a fault, not the setup
            raise
        return fail(f"cannot connect to the database ({database_name()}): {e}", EX_UNAVAILABLE)
    return 0


def database_name() -> str:
    """The database the settings name, without its password."""
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"SQLite {db['NAME']}"
    return f"PostgreSQL {db.get('USER') or ''}@{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{db['NAME']}"


def fail(message: str, status: int) -> int:
    print("tousu: " + " ".join(str(message).split()), file=sys.stderr)
    return status


if __name__ == "__main__":
    main()
