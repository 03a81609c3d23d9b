from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from issues.management.commands._io import BadInput
from issues.tokens import SCOPES, create_token


class Command(BaseCommand):
    help = "Create an API token for a user; prints the token alone on the last line (shown once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True)
        parser.add_argument(
            "--scope", action="append", choices=SCOPES, dest="scopes", help="repeat for several"
        )
        parser.add_argument("--expires-days", type=int, metavar="N")

    def handle(self, *args, username, name, scopes, expires_days, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise BadInput(f"no active user {username!r}")
        if not name.strip() or len(name) > 100:
            raise BadInput("--name must be 1 to 100 characters")
        if expires_days is not None and expires_days < 1:
            raise BadInput("--expires-days must be at least 1")
        token, secret = create_token(user, name.strip(), scopes or ["read"], expires_days)
        expiry = f", expires {token.expires_at:%Y-%m-%d %H:%M} UTC" if token.expires_at else ""
        self.stdout.write(
            f"Token {token.name!r} for {user.get_username()} with scopes "
            f"{', '.join(token.scopes)}{expiry}. It is shown only now:"
        )
        self.stdout.write(secret)
