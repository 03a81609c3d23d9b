"""import_github against the stand-in GitHub: pages, ETags, rate limits, once per issue."""

import json
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from issues import github as github_api
from issues import markdown
from issues.models import Issue
from issues.serialization import issue_to_dict
from tests.common_support import EXAMPLES

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_github", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def example(which, **changes):
    return {**json.loads((EXAMPLES / f"{which}.json").read_text(encoding="utf-8")), **changes}


@pytest.fixture
def repository(github):
    """Six issues and a pull request, two a page."""
    github.max_per_page = 2
    full = example("full")
    github.add_issue(markdown.title(full), markdown.render_body(full), labels=["!P1"])
    github.add_issue("Crash", "It crashed. No template here.")
    github.add_issue("PR", markdown.render_body(full), pull_request=True)
    unplanned = example("minimal", name="Unplanned")
    github.add_issue(
        "Unplanned", markdown.render_body(unplanned), state="closed", state_reason="not_planned"
    )
    # Written from the template on GitHub, priority left out of the body but labelled.
    no_priority = markdown.render_body({**example("minimal", name="Labelled"), "priority": ""})
    github.add_issue("Labelled", no_priority, labels=["bug", "!P2"])
    github.add_issue("Bad date", no_priority.replace("**Reported Date:** ", "**Reported Date:** x"))
    return github


def test_template_issues_are_imported_once_linked_and_the_others_reported(repository):
    out, err = run("--state", "all")
    rows = [line.split("\t") for line in out.splitlines()]
    assert [(number, url) for _, number, url in rows] == [
        ("#1", "https://github.com/ml-team/models/issues/1"),
        ("#4", "https://github.com/ml-team/models/issues/4"),
        ("#5", "https://github.com/ml-team/models/issues/5"),
    ]
    full, unplanned, labelled = (Issue.objects.get(pk=pk) for pk, _, _ in rows)
    assert markdown.render_body(issue_to_dict(full)) == markdown.render_body(example("full"))
    assert (full.github_number, full.status, full.reporter) == (1, "open", None)
    assert (unplanned.status, unplanned.github_number) == ("closed", 4)
    assert labelled.priority == "p2"
    assert err.splitlines() == [
        "#2 https://github.com/ml-team/models/issues/2: not imported:",
        "  #2:1: not written from the ML Engineering Issue template: no '### Issue Overview 📋' "
        "heading",
        "#6 https://github.com/ml-team/models/issues/6: not imported:",
        f"  #6:{_line(repository.issues[6]['body'], '**Priority:**')}: priority: is required",
        f"  #6:{_line(repository.issues[6]['body'], '**Reported Date:**')}: reported_date: "
        "'x2026-11-20' is not a valid date (YYYY-MM-DD)",
        "3 imported, 0 already in dskit, 2 not written from the template.",
    ]
    lists = [r for r in repository.requests if r.method == "GET"]
    assert len(lists) == 3  # six issues (one a pull request), two a page
    assert lists[0].query == {
        "state": ["all"],
        "per_page": ["100"],
        "sort": ["created"],
        "direction": ["asc"],
    }
    assert repository.problems == []

    # Twice: nothing imported twice, and every unchanged page costs nothing (304).
    before = repository.remaining
    out, err = run("--state", "all")
    assert out == ""
    assert err.splitlines()[-1] == (
        "0 imported, 0 already in dskit, 0 not written from the template, 3 page(s) unchanged "
        "since the last run."
    )
    assert all(r.headers.get("If-None-Match") for r in repository.requests[-3:])
    assert repository.remaining == before
    assert Issue.objects.count() == 3

    # A new template issue changes the last page only.
    repository.add_issue("New", markdown.render_body(example("minimal", name="New")))
    out, err = run("--state", "all")
    assert [line.split("\t")[1] for line in out.splitlines()] == ["#7"]
    assert "0 already in dskit" in err and "3 page(s) unchanged" in err


def _line(text, prefix):
    return next(n for n, line in enumerate(text.split("\n"), 1) if line.startswith(prefix))


def test_label_and_state_filters(repository):
    out, _ = run("--label", "!p2")
    assert [line.split("\t")[1] for line in out.splitlines()] == ["#5"]
    out, err = run()  # open ones: #1 now; #5 already in dskit
    assert [line.split("\t")[1] for line in out.splitlines()] == ["#1"]
    assert "1 already in dskit" in err
    out, _ = run("--state", "closed")
    assert [line.split("\t")[1] for line in out.splitlines()] == ["#4"]


def test_a_used_up_rate_limit_stops_between_pages_and_says_when(repository):
    repository.remaining = 2
    with pytest.raises(CommandError) as error:
        run("--state", "all")
    assert str(error.value) == (
        "GitHub's rate limit is used up until 00:00 UTC; run import_github again after that to "
        "read the remaining pages."
    )
    assert Issue.objects.count() == 2  # the template issues of the two pages read
    repository.remaining = 5000
    run("--state", "all")
    assert sorted(Issue.objects.values_list("github_number", flat=True)) == [1, 4, 5]


def test_a_short_secondary_rate_limit_is_waited_out_once(repository):
    repository.fail_next(
        method="GET",
        status=403,
        body={"message": "You have exceeded a secondary rate limit."},
        headers={"retry-after": "1"},
    )
    started = time.monotonic()
    run("--state", "all")
    assert time.monotonic() - started >= 1
    assert Issue.objects.count() == 3
    repository.fail_next(method="GET", status=429, headers={"retry-after": "3600"})
    with pytest.raises(CommandError) as error:
        run("--state", "all")
    assert "Wait 60 minutes and try again" in str(error.value)


def test_a_secondary_rate_limit_without_retry_after_is_waited_out_for_a_minute(
    repository, monkeypatch
):
    waits = []
    monkeypatch.setattr(github_api.time, "sleep", waits.append)  # GitHub's wait, not ours
    repository.fail_next(
        method="GET", status=403, body={"message": "You have exceeded a secondary rate limit."}
    )
    run("--state", "all")
    assert waits == [github_api.MAX_RETRY_AFTER] == [60]
    assert Issue.objects.count() == 3


def test_without_settings_it_exits_2(github, settings):
    settings.GITHUB_TOKEN = ""
    with pytest.raises(CommandError) as error:
        run()
    assert error.value.returncode == 2
    assert str(error.value) == "GitHub is not set up: set GITHUB_TOKEN first."


def test_an_issue_another_run_imports_meanwhile_is_skipped_not_imported_twice(
    repository, monkeypatch
):
    """Another run inserts #1 between this run's "already in dskit?" and its own insert."""
    from issues import github_import
    from issues.serialization import create_issue

    read = github_import.read_markdown

    def other_run_wins(text, where, defaults=None):
        data, problems = read(text, where, defaults)
        if where == "#1":
            url = "https://github.com/ml-team/models/issues/1"
            create_issue({**data, "github": {"number": 1, "url": url}})
        return data, problems

    monkeypatch.setattr(github_import, "read_markdown", other_run_wins)
    out, err = run("--state", "all")
    assert [line.split("\t")[1] for line in out.splitlines()] == ["#4", "#5"]
    assert (
        err.splitlines()[-1] == "2 imported, 1 already in dskit, 2 not written from the template."
    )
    assert sorted(Issue.objects.values_list("github_number", flat=True)) == [1, 4, 5]


def test_the_database_holds_one_issue_a_github_number(repository):
    from django.db import IntegrityError, transaction

    run("--state", "all")
    issue = Issue.objects.get(github_number=4)
    with pytest.raises(IntegrityError), transaction.atomic():
        Issue.objects.filter(github_number=5).update(github_number=4)
    issue.pk = None
    issue.github_number = None
    issue.save()  # unlinked issues are not limited
    issue.pk = None
    issue.save()
    assert Issue.objects.filter(github_number=None).count() == 2


def test_the_migration_names_the_copies_it_cannot_make_unique(repository):
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    migration = import_module("issues.migrations.0039_github_number_unique")
    run("--state", "all")
    migration.refuse_duplicates(apps, None)  # one issue a number: nothing to say
    with connection.cursor() as cursor:  # as before 0039 (the test's rollback restores it)
        cursor.execute("DROP INDEX issue_github_issue_unique")
    first = Issue.objects.get(github_number=4)
    Issue.objects.filter(github_number=5).update(github_number=4)
    second = Issue.objects.exclude(pk=first.pk).get(github_number=4)
    with pytest.raises(RuntimeError) as error:
        migration.refuse_duplicates(apps, None)
    assert str(error.value).splitlines()[1:] == [
        f"GitHub issue #4: dskit issues {min(first.pk, second.pk)}, {max(first.pk, second.pk)}"
    ]
