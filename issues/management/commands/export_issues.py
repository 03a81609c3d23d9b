from pathlib import Path

from django.core.management.base import BaseCommand

from issues import markdown
from issues.exports import document_filename, iter_issue_dicts, iter_json
from issues.management.commands._io import BadInput
from issues.models import Issue


class Command(BaseCommand):
    help = "Export issues as JSON (to stdout) or as one Markdown document per issue (to a folder)."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, metavar="ID")
        parser.add_argument("--format", choices=["json", "md"], default="json")
        parser.add_argument("--output", metavar="DIR", help="folder for the .md documents")
        parser.add_argument(
            "--include-drafts",
            action="store_true",
            help="export drafts too (import_issues reads them back as drafts)",
        )

    def handle(self, *args, **options):
        issues = Issue.objects.order_by("id")
        if options["ids"]:
            issues = issues.filter(pk__in=options["ids"])
            missing = set(options["ids"]) - set(issues.values_list("pk", flat=True))
            if missing:
                raise BadInput(f"no issue with id {', '.join(map(str, sorted(missing)))}")
        if not options["include_drafts"]:
            drafts = issues.filter(status=Issue.Status.DRAFT).values_list("pk", flat=True)
            if options["ids"] and drafts:
                raise BadInput(
                    f"issue {', '.join(map(str, drafts))} is a draft: add --include-drafts"
                )
            issues = issues.exclude(status=Issue.Status.DRAFT)

        if options["format"] == "json":
            if options["output"]:
                raise BadInput("--output is for --format md; JSON goes to stdout")
            for chunk in iter_json(iter_issue_dicts(issues)):
                self.stdout.write(chunk, ending="")
            return

        if not options["output"]:
            raise BadInput("--format md needs --output DIR")
        folder = Path(options["output"])
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise BadInput(f"{folder}: cannot create: {e.strerror}") from None
        for issue, data in iter_issue_dicts(issues):
            path = folder / document_filename(issue)
            path.write_text(markdown.render_document(data), encoding="utf-8")
            self.stdout.write(str(path))
