"""`tousu api-token USERNAME [--name NAME]`: make an API token and print its key once."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tousu.api.auth import issue_token


class Command(BaseCommand):
    help = "Make an API token for a person and print it (it is shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for.")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No person has the username {username!r}.")
        if not user.is_active:
            raise CommandError(f"{username} is not active.")
        token, key = issue_token(user, name=name)
        self.stderr.write(f"Token {token.prefix}… for {username}, valid until {token.expires_at:%Y-%m-%d %H:%M} UTC; "
                          "keep it secret, it is not shown again:")
        self.stdout.write(key)
