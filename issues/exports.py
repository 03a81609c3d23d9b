"""Streaming many issues in their JSON form, a chunk at a time, for exports."""

import json

from django.utils.text import slugify

from issues.serialization import issue_to_dict

CHUNK_SIZE = 500


def iter_issue_dicts(queryset, chunk_size=CHUNK_SIZE):
    """(issue, JSON form) pairs with the related rows prefetched a chunk at a time."""
    queryset = queryset.with_rows()
    for issue in queryset.iterator(chunk_size=chunk_size):
        yield issue, issue_to_dict(issue)


def iter_json(pairs):
    """A JSON array of the issues' JSON forms, one issue at a time: what import_issues reads."""
    yield "["
    for index, (_, data) in enumerate(pairs):
        yield (",\n" if index else "\n") + json.dumps(data, ensure_ascii=False, indent=2)
    yield "\n]\n"


def document_filename(issue):
    """``<id>-<slug>.md``, the name of an issue's downloaded Markdown document."""
    return f"{issue.pk}-{slugify(issue.name)[:60] or 'issue'}.md"
