from django.core.management.base import BaseCommand

from issues.notify import send_digests


class Command(BaseCommand):
    help = (
        "Queue today's digest of due-soon and overdue issues for each person who wants one "
        "(once a day: running it again the same day queues nothing)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"queued {send_digests()} digests")
