from django.core.management.base import BaseCommand

from issues import markdown
from issues.management.commands._io import BadInput, read_issue_file
from issues.serialization import validate, with_defaults


class Command(BaseCommand):
    help = "Print the canonical Markdown document (or body) of the issue in a JSON file."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="a JSON file holding one issue")
        parser.add_argument("--body", action="store_true", help="print the GitHub body only")

    def handle(self, *args, **options):
        path = options["file"]
        issues = read_issue_file(path)
        if len(issues) != 1:
            raise BadInput(f"{path}: expected one issue, found {len(issues)}")
        problems = validate(issues[0])
        if problems:
            raise BadInput(
                f"{path}: {problems[0]}"
                + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else "")
            )
        data = with_defaults(issues[0])
        render = markdown.render_body if options["body"] else markdown.render_document
        self.stdout.write(render(data), ending="")
