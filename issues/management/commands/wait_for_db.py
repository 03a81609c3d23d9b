"""Wait until the database accepts connections (the web container starts beside PostgreSQL)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection


class Command(BaseCommand):
    help = "Wait until the database accepts connections, or fail after --timeout seconds."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=60.0)

    def handle(self, *args, timeout, **options):
        deadline = time.monotonic() + timeout
        while True:
            try:
                connection.ensure_connection()
            except DatabaseError as error:
                if time.monotonic() >= deadline:
                    raise CommandError(
                        f"database unavailable after {timeout:g} s: {error}"
                    ) from None
                self.stderr.write(f"waiting for the database: {str(error).strip()}")
                connection.close()
                time.sleep(1)
            else:
                connection.close()
                return
