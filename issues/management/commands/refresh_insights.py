from django.core.management.base import BaseCommand

from issues import rollup


class Command(BaseCommand):
    help = "Bring Insights' counts per day up to date with the issues (the worker runs it)."

    def handle(self, *args, **options):
        counted = rollup.refresh()
        if counted or options["verbosity"] > 1:
            self.stdout.write(f"counted {counted} changed issues")
