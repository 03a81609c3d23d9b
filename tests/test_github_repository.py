"""An issue stays linked to the repository it was filed in: after GITHUB_REPOSITORY changes,
nothing is sent to, or applied from, the issue of the same number in the new repository."""

import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from issues import markdown
from issues.models import Issue
from issues.serialization import github_repository, issue_to_dict
from tests.common_support import EXAMPLES
from tests.github_support import full_issue, press, snapshot
from tests.webhook_support import delivery, post

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "repository"),
    [
        ("https://github.com/ml-team/models/issues/1", "ml-team/models"),
        ("https://github.com/ML-Team/Models/issues/12", "ml-team/models"),
        ("https://ghe.example.com/ml-team/models/issues/3", "ml-team/models"),
        ("https://github.com/ml-team/models/pull/3", ""),
        ("https://github.com/issues/3", ""),
        ("https://example.com/", ""),
        ("", ""),
    ],
)
def test_the_repository_is_read_from_the_issues_address(url, repository):
    assert github_repository(url) == repository


def test_filing_remembers_the_repository(owner_client, github):
    issue = full_issue()
    press(owner_client, issue)
    issue.refresh_from_db()
    assert (issue.github_repository, issue.github_number) == ("ml-team/models", 1)


def test_update_after_the_repository_changed_sends_nothing_and_says_why(
    owner_client, github, settings
):
    issue = full_issue()
    press(owner_client, issue)
    issue = Issue.objects.get(pk=issue.pk)
    before = snapshot(issue)
    settings.GITHUB_REPOSITORY = "ml-team/platform"

    [(level, message)] = press(owner_client, issue, "update")

    assert level == "error"
    assert message.startswith(
        "This issue was filed as #1 in ml-team/models "
        "(https://github.com/ml-team/models/issues/1), and GITHUB_REPOSITORY is now "
        "ml-team/platform: dskit sends an issue only to the repository it was filed in"
    )
    assert len(github.requests) == 1  # the filing; no PATCH
    assert snapshot(Issue.objects.get(pk=issue.pk)) == before
    page = owner_client.get(f"/issues/{issue.pk}/").content.decode()
    assert "Update on GitHub" not in page
    assert (
        "Filed in ml-team/models, not in ml-team/platform (<code>GITHUB_REPOSITORY</code>): "
        "dskit sends it only to the repository it was filed in."
    ) in page
    settings.GITHUB_REPOSITORY = "ML-Team/Models"  # the same repository, as GitHub compares names
    assert "Update on GitHub" in owner_client.get(f"/issues/{issue.pk}/").content.decode()


def test_the_same_number_in_another_repository_is_filed_and_linked(owner_client, github):
    earlier = full_issue()
    Issue.objects.filter(pk=earlier.pk).update(
        github_repository="ml-team/old",
        github_number=1,
        github_url="https://github.com/ml-team/old/issues/1",
    )
    issue = Issue.objects.create(**{**_fields(earlier), "name": "Another issue"})

    assert press(owner_client, issue) == [("success", "Filed on GitHub as #1.")]

    linked = Issue.objects.exclude(github_number=None).order_by("pk")
    assert [(i.github_repository, i.github_number) for i in linked] == [
        ("ml-team/old", 1),
        ("ml-team/models", 1),
    ]


def test_a_webhook_for_the_same_number_in_the_new_repository_changes_nothing(filed, settings):
    Issue.objects.filter(pk=filed.pk).update(
        github_repository="ml-team/old", github_url="https://github.com/ml-team/old/issues/1"
    )
    filed = Issue.objects.get(pk=filed.pk)
    before = snapshot(filed)

    response = post(*delivery("issues.closed", filed))

    assert response.json() == {"result": "not a dskit issue"}
    assert snapshot(Issue.objects.get(pk=filed.pk)) == before


def test_import_takes_the_same_number_of_another_repository(github, owner):
    full = {**issue_to_dict(full_issue())}
    Issue.objects.update(
        github_repository="ml-team/old",
        github_number=1,
        github_url="https://github.com/ml-team/old/issues/1",
    )
    github.add_issue(markdown.title(full), markdown.render_body(full))

    call_command("import_github", stdout=StringIO(), stderr=StringIO())

    imported = Issue.objects.get(github_repository="ml-team/models")
    assert (imported.github_number, imported.name) == (1, full["name"])


def test_import_issues_refuses_a_link_taken_in_the_same_repository_only(tmp_path, owner):
    document = (EXAMPLES / "full.json").read_text(encoding="utf-8")
    first, same, other = (tmp_path / name for name in ("first.json", "same.json", "other.json"))
    link = '"github": {"number": 7, "url": "https://github.com/ml-team/%s/issues/7"}, '
    for path, repository in ((first, "models"), (same, "models"), (other, "platform")):
        path.write_text(document.replace("{", "{" + link % repository, 1), encoding="utf-8")
    call_command("import_issues", str(first), stdout=StringIO(), stderr=StringIO())

    with pytest.raises(CommandError, match="nothing imported") as refused:
        call_command("import_issues", str(same), stdout=StringIO(), stderr=StringIO())
    assert refused.value.returncode == 2
    call_command("import_issues", str(other), stdout=StringIO(), stderr=StringIO())

    linked = Issue.objects.order_by("pk").values_list("github_repository", "github_number")
    assert list(linked) == [("ml-team/models", 7), ("ml-team/platform", 7)]


def test_the_migration_reads_each_filed_issues_repository_from_its_link(owner, settings):
    migration = importlib.import_module("issues.migrations.0041_github_repository")
    settings.GITHUB_REPOSITORY = "ML-Team/Models"
    linked = full_issue()
    Issue.objects.filter(pk=linked.pk).update(
        github_number=4, github_url="https://github.com/ml-team/old/issues/4"
    )
    odd = Issue.objects.create(**{**_fields(linked), "name": "Odd link"})
    Issue.objects.filter(pk=odd.pk).update(github_number=5, github_url="https://example.com/5")
    unfiled = Issue.objects.create(**{**_fields(linked), "name": "Not filed"})

    migration.fill_repository(apps, None)

    repositories = dict(Issue.objects.values_list("pk", "github_repository"))
    assert repositories == {linked.pk: "ml-team/old", odd.pk: "ml-team/models", unfiled.pk: ""}


def _fields(issue):
    """A new issue's fields, copied from ``issue`` without its identity or GitHub link."""
    skip = {"id", "github_repository", "github_number", "github_url", "search_document"}
    return {
        field.attname: getattr(issue, field.attname)
        for field in Issue._meta.concrete_fields
        if field.attname not in skip
    }
