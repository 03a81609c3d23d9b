"""The management commands: render_markdown, import_issues, export_issues, seed_demo."""

import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from issues.models import ChecklistItem, Issue, Milestone, Update
from tests.common_support import EXAMPLES


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def full():
    return json.loads((EXAMPLES / "full.json").read_text(encoding="utf-8"))


# render_markdown -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["full", "minimal"])
def test_render_markdown_prints_the_document(name):
    out, _ = run("render_markdown", str(EXAMPLES / f"{name}.json"))
    assert out == (EXAMPLES / f"{name}.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["full", "minimal"])
def test_render_markdown_body(name):
    out, _ = run("render_markdown", str(EXAMPLES / f"{name}.json"), "--body")
    assert out == (EXAMPLES / f"{name}.body.md").read_text(encoding="utf-8")


def test_render_markdown_as_a_process_is_byte_exact_and_needs_no_database(tmp_path):
    # A database URL that cannot work proves the command never touches it.
    env = {"DATABASE_URL": "postgres://nobody@127.0.0.1:1/none", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "manage.py", "render_markdown", str(EXAMPLES / "full.json")],
        capture_output=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == (EXAMPLES / "full.md").read_bytes()


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "cannot read: No such file or directory"),
        ("{not json", "invalid JSON: Expecting property name enclosed in double quotes (line 1"),
        (
            {"name": "x", "type": "bogus", "description": "d", "priority": "p1"},
            "type: 'bogus' is not one of",
        ),
        ([], "expected one issue, found 0"),
    ],
)
def test_render_markdown_bad_input_is_one_line_and_exit_2(tmp_path, content, message):
    path = (
        str(tmp_path / "missing.json") if content is None else write(tmp_path, "bad.json", content)
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "render_markdown", path],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr


# import_issues -------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_prints_ids_and_creates_every_row(tmp_path):
    out, _ = run("import_issues", str(EXAMPLES / "full.json"), str(EXAMPLES / "minimal.json"))
    ids = [int(line) for line in out.split()]
    assert list(Issue.objects.order_by("id").values_list("id", flat=True)) == ids
    issue = Issue.objects.get(pk=ids[0])
    assert issue.status == Issue.Status.OPEN
    assert Milestone.objects.filter(issue=issue).count() == 3
    assert Update.objects.filter(issue=issue).count() == 2
    assert ChecklistItem.objects.filter(issue=issue, checklist="todo").count() == 7
    added = ChecklistItem.objects.get(issue=issue, text="Add a recall alert to the evaluation job")
    assert not added.from_template
    # An issue without checklists gets the template's 17 items, as rows.
    assert ChecklistItem.objects.filter(issue_id=ids[1], from_template=True).count() == 17


@pytest.mark.django_db
def test_import_list_file(tmp_path):
    path = write(tmp_path, "two.json", [full(), {**full(), "name": "Second"}])
    out, _ = run("import_issues", path)
    assert len(out.split()) == 2
    assert Issue.objects.filter(name="Second").exists()


@pytest.mark.django_db
def test_import_refuses_a_github_issue_linked_already_or_twice_in_the_files(tmp_path):
    def linked(number, name="Linked"):
        url = f"https://github.com/o/r/issues/{number}"
        return {**full(), "name": name, "github": {"number": number, "url": url}}

    run("import_issues", write(tmp_path, "first.json", linked(7)))
    again = write(tmp_path, "again.json", [linked(7), linked(8), linked(8, "Copy"), linked(9)])
    err = StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_issues", again, stdout=StringIO(), stderr=err)
    assert excinfo.value.returncode == 2
    assert err.getvalue().splitlines() == [
        f"{again}[0]: github.number: GitHub issue #7 is linked to another dskit issue already",
        f"{again}[2]: github.number: GitHub issue #8 is linked to another dskit issue already",
    ]
    assert Issue.objects.count() == 1


@pytest.mark.django_db
def test_import_is_all_or_nothing_and_reports_every_problem(tmp_path):
    good = write(tmp_path, "good.json", full())
    bad = write(tmp_path, "full.json", {**full(), "target_date": "2026-11-01"})
    worse = write(tmp_path, "worse.json", [full(), {"name": "a\nb", "type": "x", "priority": "p9"}])
    with pytest.raises(CommandError) as excinfo:
        run("import_issues", good, bad, worse)
    assert excinfo.value.returncode == 2
    assert Issue.objects.count() == 0
    assert ChecklistItem.objects.count() == 0


def test_import_bad_input_as_a_process(tmp_path):
    bad = write(tmp_path, "full.json", {**full(), "target_date": "2026-11-01"})
    worse = write(tmp_path, "worse.json", [full(), {"name": "a\nb", "type": "x", "priority": "p9"}])
    env_db = tmp_path / "db.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{env_db}", "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=env, check=True)
    result = subprocess.run(
        [sys.executable, "manage.py", "import_issues", bad, worse],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[-1] == "BadInput: nothing imported: 5 problem(s) above"
    assert f"{bad}: target_date: must not be before reported_date" in lines
    assert f"{worse}[1]: description: is required" in lines
    assert f"{worse}[1]: name: must not contain a line break" in lines
    assert f"{worse}[1]: priority: 'p9' is not one of 'p0', 'p1', 'p2', 'p3'" in lines
    assert any(line.startswith(f"{worse}[1]: type: 'x' is not one of") for line in lines)
    count = subprocess.run(
        [sys.executable, "manage.py", "export_issues"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert json.loads(count.stdout) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, message",
    [
        (
            {"reported_date": "2026-02-30"},
            "reported_date: '2026-02-30' is not a valid date (YYYY-MM-DD)",
        ),
        ({"assignees": ["-bad-"]}, "assignees[0]: '-bad-' is not a valid GitHub login"),
        ({"frameworks": ["a,b"]}, "frameworks[0]: must not contain a comma or a line break"),
        ({"milestones": [{"title": "x"}]}, "milestones[0].date: is required"),
        ({"todo": [{"text": "", "done": True}]}, "todo[0].text: must not be empty"),
        ({"extra": 1}, "(issue): unknown field 'extra'"),
        ({"name": "x" * 201}, "name: must be at most 200 characters"),
        ({"description": "   "}, "description: must not be blank"),
    ],
)
def test_import_field_messages(tmp_path, change, message):
    path = write(tmp_path, "f.json", {**full(), **change})
    err = StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_issues", path, stderr=err)
    assert f"{path}: {message}" in err.getvalue().splitlines()
    assert str(excinfo.value) == "nothing imported: 1 problem(s) above"
    assert Issue.objects.count() == 0


# export_issues -------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_import_export_round_trip_is_identical(tmp_path):
    full_with_github = {
        **full(),
        "status": "resolved",
        "github": {"number": 7, "url": "https://github.com/o/r/issues/7"},
    }
    run(
        "import_issues",
        write(
            tmp_path,
            "a.json",
            [full_with_github, json.loads((EXAMPLES / "minimal.json").read_text())],
        ),
    )
    first, _ = run("export_issues")
    Issue.objects.all().delete()
    run("import_issues", write(tmp_path, "export.json", first))
    second, _ = run("export_issues")
    assert first == second
    exported = json.loads(first)
    assert exported[0]["github"] == {"number": 7, "url": "https://github.com/o/r/issues/7"}
    assert exported[0]["status"] == "resolved"
    for field, value in full().items():
        assert exported[0][field] == value, field


@pytest.mark.django_db
def test_export_md_writes_one_document_per_issue(tmp_path):
    out, _ = run("import_issues", str(EXAMPLES / "full.json"))
    pk = int(out)
    run("export_issues", "--format", "md", "--output", str(tmp_path / "out"))
    path = tmp_path / "out" / f"{pk}-recall-of-fraud-model-v3-dropped-after-weekly-retraining.md"
    assert path.read_bytes() == (EXAMPLES / "full.md").read_bytes()


@pytest.mark.django_db
def test_export_selected_ids_and_unknown_id(tmp_path):
    ids = run("import_issues", str(EXAMPLES / "full.json"), str(EXAMPLES / "minimal.json"))[
        0
    ].split()
    out, _ = run("export_issues", ids[1])
    assert [d["name"] for d in json.loads(out)] == ["Feature store lag"]
    with pytest.raises(CommandError, match="no issue with id 999") as excinfo:
        run("export_issues", "999")
    assert excinfo.value.returncode == 2


@pytest.mark.django_db
def test_export_md_needs_output():
    with pytest.raises(CommandError, match="--format md needs --output DIR"):
        run("export_issues", "--format", "md")


# seed_demo -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_seed_demo_creates_varied_issues():
    run("seed_demo", "--count", "300")
    assert Issue.objects.count() == 300
    assert set(Issue.objects.values_list("type", flat=True)) == {t for t, _ in Issue.Type.choices}
    assert set(Issue.objects.values_list("priority", flat=True)) == {"p0", "p1", "p2", "p3"}
    assert set(Issue.objects.values_list("status", flat=True)) == {
        "open",
        "in_progress",
        "resolved",
        "closed",
    }
    assert Milestone.objects.exists() and Update.objects.exists()
    assert ChecklistItem.objects.count() == 300 * 17
    # Every seeded issue is valid in the JSON form.
    from issues.serialization import issue_to_dict, validate

    for issue in Issue.objects.prefetch_related("milestones", "checklist_items", "updates")[:50]:
        assert validate(issue_to_dict(issue)) == []
