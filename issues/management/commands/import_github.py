from django.core.management.base import BaseCommand, CommandError

from issues import github, github_import
from issues.management.commands._io import BadInput


class Command(BaseCommand):
    help = (
        "Import the configured repository's issues that are written from the template, once "
        "each; prints each new id and reports the others with the reason."
    )

    def add_arguments(self, parser):
        parser.add_argument("--label", help="only issues with this label")
        parser.add_argument("--state", choices=["open", "closed", "all"], default="open")

    def handle(self, *args, **options):
        missing = github.missing_settings()
        if missing:
            raise BadInput(f"GitHub is not set up: set {' and '.join(missing)} first.")
        try:
            outcome = github_import.run(options["state"], options["label"])
        except github.GitHubError as error:
            raise CommandError(error.message) from None
        for number, issue in outcome.imported:
            self.stdout.write(f"{issue.pk}\t#{number}\t{issue.github_url}")
        for number, url, problems in outcome.refused:
            self.stderr.write(f"#{number} {url}: not imported:")
            for problem in problems:
                self.stderr.write(f"  {problem}")
        summary = (
            f"{len(outcome.imported)} imported, {outcome.already} already in dskit, "
            f"{len(outcome.refused)} not written from the template"
        )
        if outcome.unchanged_pages:
            summary += f", {outcome.unchanged_pages} page(s) unchanged since the last run"
        self.stderr.write(summary + ".")
        if outcome.stopped:
            raise CommandError(outcome.stopped)
