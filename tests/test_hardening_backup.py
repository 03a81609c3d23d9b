"""The README's backup path: export_issues writes what import_issues reads back."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from issues.models import Issue
from issues.serialization import create_issue
from tests.factories import make_issue

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def issue_and_draft(owner):
    issue = make_issue(owner)
    draft = create_issue(
        {
            "name": "Half written",
            "type": "training",
            "description": "",
            "priority": "",
            "status": Issue.Status.DRAFT,
        },
        reporter=owner,
    )
    return issue, draft


def restore(tmp_path, exported, *options):
    path = tmp_path / "backup.json"
    path.write_text(exported, encoding="utf-8")
    Issue.objects.all().delete()
    return run("import_issues", str(path), *options)


def test_export_leaves_drafts_out_and_the_backup_restores(tmp_path, issue_and_draft):
    exported = run("export_issues")
    assert [d["name"] for d in json.loads(exported)] == ["Recall dropped"]
    restore(tmp_path, exported)
    assert list(Issue.objects.values_list("name", "status")) == [("Recall dropped", "open")]


def test_drafts_are_exported_on_request_and_import_as_drafts(tmp_path, issue_and_draft, owner):
    exported = run("export_issues", "--include-drafts")
    assert {d["name"] for d in json.loads(exported)} == {"Recall dropped", "Half written"}
    restore(tmp_path, exported, "--reporter", "owner")
    draft = Issue.objects.get(name="Half written")
    assert (draft.status, draft.description, draft.priority) == (Issue.Status.DRAFT, "", "")
    assert draft.reporter == owner
    assert run("export_issues", "--include-drafts") == exported


def test_a_draft_asked_for_by_id_needs_include_drafts(issue_and_draft):
    with pytest.raises(CommandError, match="is a draft: add --include-drafts") as raised:
        run("export_issues", str(issue_and_draft[1].pk))
    assert raised.value.returncode == 2


def test_an_unknown_reporter_is_a_one_line_error(tmp_path, issue_and_draft):
    with pytest.raises(CommandError, match="no user named 'nobody'") as raised:
        restore(tmp_path, run("export_issues"), "--reporter", "nobody")
    assert raised.value.returncode == 2
