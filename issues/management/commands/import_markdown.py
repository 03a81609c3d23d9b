from django.core.management.base import BaseCommand

from issues.importing import create_all, read_all
from issues.management.commands._io import BadInput


def read_text(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as e:
        raise BadInput(f"{path}: cannot read: {e.strerror}") from None
    except UnicodeDecodeError:
        raise BadInput(f"{path}: not UTF-8 text") from None


class Command(BaseCommand):
    help = (
        "Import issues from Markdown files (documents as export.md writes them, or bodies as "
        "filed on GitHub or written from the template), all or nothing; prints the new ids."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE.md")

    def handle(self, *args, **options):
        issues, problems = read_all((path, read_text(path)) for path in options["files"])
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise BadInput(f"nothing imported: {len(problems)} problem(s) above")
        for issue in create_all(issues):
            self.stdout.write(str(issue.pk))
