"""import_issues and render_markdown: one line per problem and exit 2, never a traceback."""

import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from issues.models import Issue
from issues.serialization import validate
from tests.factories import BASE

pytestmark = pytest.mark.django_db


def write(tmp_path, text):
    path = tmp_path / "issue.json"
    path.write_text(text, encoding="utf-8")
    return str(path)


def refused(command, path):
    """The CommandError the command ends with (exit status 2) and what it wrote to stderr."""
    err = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command(command, path, stdout=StringIO(), stderr=err)
    assert raised.value.returncode == 2
    return str(raised.value), err.getvalue()


def issue_json(**fields):
    return json.dumps({**BASE, **fields})


BAD_FILES = {
    "lone surrogate": (issue_json(name="\ud800 broken"), "name: must not contain a lone surrogate"),
    "nul": (issue_json(description="a\x00b"), "description: must not contain a NUL character"),
    "nul in a key": ('{"na\\u0000me": "x"}', "must not contain a NUL character"),
    "deep nesting": ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    "huge number": ('{"name": ' + "9" * 5_000 + "}", "number with too many digits"),
    "github number": (
        issue_json(github={"number": 2**40, "url": "https://github.com/o/r/issues/1"}),
        "github.number: must be at most 2147483647",
    ),
    "javascript url": (
        issue_json(github={"number": 1, "url": "javascript:alert(1)"}),
        "github.url: 'javascript:alert(1)' is not an http or https URL",
    ),
    "relative url": (
        issue_json(github={"number": 1, "url": "/issues/1"}),
        "github.url: '/issues/1' is not an http or https URL",
    ),
}


@pytest.mark.parametrize("name", BAD_FILES)
@pytest.mark.parametrize("command", ["import_issues", "render_markdown"])
def test_bad_files_are_refused_in_one_line(tmp_path, command, name):
    text, expected = BAD_FILES[name]
    message, err = refused(command, write(tmp_path, text))
    assert expected in message + err
    assert all("Traceback" not in line for line in (message + err).splitlines())
    assert not Issue.objects.exists()


def test_every_json_string_is_checked_for_nul_and_surrogates():
    data = {
        **BASE,
        "frameworks": ["ok", "x\x00"],
        "todo": [{"text": "\udfff", "done": False}],
        "updates": [{"date": "2026-01-01", "text": "u\x00"}],
    }
    assert validate(data) == [
        "frameworks[1]: must not contain a NUL character",
        "todo[0].text: must not contain a lone surrogate (text that is not valid Unicode)",
        "updates[0].text: must not contain a NUL character",
    ]


def test_a_body_over_githubs_limit_is_refused():
    problems = validate({**BASE, "description": "d" * 70_000})
    assert (
        len(problems) == 1
        and problems[0].startswith("(issue): ")
        and "over GitHub's limit of 65,536" in problems[0]
    )


def test_as_a_process_the_surrogate_gives_exit_2_and_one_line(tmp_path):
    path = write(tmp_path, issue_json(name="\ud800"))
    for command in ("import_issues", "render_markdown"):
        result = subprocess.run(
            [sys.executable, "manage.py", command, path],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr
        assert "name: must not contain a lone surrogate" in result.stderr


def test_links_stored_before_the_check_are_cleared_by_the_migration():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("issues.migrations.0016_github_url_web_only")
    bad = Issue.objects.create(
        name="a",
        type="training",
        description="d",
        priority="p1",
        github_number=1,
        github_url="javascript:alert(1)",
    )
    good = Issue.objects.create(
        name="b",
        type="training",
        description="d",
        priority="p1",
        github_number=2,
        github_url="https://github.com/o/r/issues/2",
    )
    migration.clear_non_web_urls(apps, None)
    assert Issue.objects.get(pk=bad.pk).github_url == ""
    assert Issue.objects.get(pk=good.pk).github_url == "https://github.com/o/r/issues/2"
