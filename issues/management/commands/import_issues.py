from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from issues import rollup
from issues.dbstats import analyze
from issues.management.commands._io import BadInput, read_issue_file
from issues.serialization import create_issue, github_issue, github_taken, validate


class Command(BaseCommand):
    help = "Import issues from JSON files, all or nothing; prints the id of each issue created."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE.json")
        parser.add_argument(
            "--reporter",
            metavar="USERNAME",
            help="the reporter of the issues created (a draft is seen only by its reporter)",
        )

    def handle(self, *args, **options):
        reporter = None
        if options["reporter"] is not None:
            users = get_user_model().objects
            reporter = users.filter(**{users.model.USERNAME_FIELD: options["reporter"]}).first()
            if reporter is None:
                raise BadInput(f"no user named {options['reporter']!r}")
        batches, problems, linked = [], [], set()
        for path in options["files"]:
            issues = read_issue_file(path)
            for index, data in enumerate(issues):
                where = f"{path}[{index}]" if len(issues) > 1 else path
                found = validate(data) or github_taken(data, linked)
                problems += [f"{where}: {problem}" for problem in found]
                if not found and "github" in data:
                    linked.add(github_issue(data))
            batches.append(issues)
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise BadInput(f"nothing imported: {len(problems)} problem(s) above")

        with transaction.atomic():
            created = [create_issue(data, reporter) for issues in batches for data in issues]
        analyze()
        rollup.refresh()
        for issue in created:
            self.stdout.write(str(issue.pk))
