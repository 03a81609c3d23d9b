"""Issues from Markdown: parse, validate with the line of each problem, create all or nothing.

The import_markdown command, the "Import Markdown" page and import_github share this.
"""

from django.db import transaction

from issues.parse_markdown import NotTemplate, parse
from issues.serialization import create_issue, validate


def read_markdown(text, where, defaults=None):
    """``(data, problems)`` for one Markdown text; problems read ``where:line: message``.

    ``defaults`` fill in the JSON form's keys that the text leaves out.
    """
    try:
        parsed = parse(text)
    except NotTemplate as error:
        return None, [f"{where}:{error.line}: {error.message}"]
    parsed.data = {**(defaults or {}), **parsed.data}
    problems = [f"{where}:{parsed.line_of(p)}: {p}" for p in validate(parsed.data)]
    return parsed.data, problems


def read_all(texts):
    """``(issues, problems)`` for ``[(where, text), ...]``: every problem of every text."""
    issues, problems = [], []
    for where, text in texts:
        data, found = read_markdown(text, where)
        problems += found
        if not found:
            issues.append(data)
    return issues, problems


@transaction.atomic
def create_all(issues, reporter=None):
    """Create every issue (JSON form, valid) or none; the created issues."""
    return [create_issue(data, reporter) for data in issues]
