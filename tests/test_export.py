"""Markdown and JSON exports: byte-exact documents, streamed list exports, fixed query counts."""

import io
import json
import zipfile
from io import StringIO

import pytest
from django.core.management import call_command
from django.http import StreamingHttpResponse

from issues import markdown
from issues.models import Issue
from issues.serialization import create_issue, issue_to_dict
from tests.common_support import EXAMPLES
from tests.query_support import EXPORT_QUERIES

pytestmark = pytest.mark.django_db


def example(name):
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def many(count, **changes):
    return [
        create_issue({**example("full"), "name": f"Issue {n}", **changes}) for n in range(count)
    ]


def content(response):
    if isinstance(response, StreamingHttpResponse):
        return b"".join(response.streaming_content)
    return response.content


# One issue ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["full", "minimal"])
def test_export_md_is_the_document_byte_for_byte(owner_client, name):
    issue = create_issue(example(name))
    response = owner_client.get(f"/issues/{issue.pk}/export.md")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response.content == (EXAMPLES / f"{name}.md").read_bytes()


def test_export_md_is_an_attachment_named_id_and_slug(owner_client):
    issue = create_issue(example("full"))
    response = owner_client.get(f"/issues/{issue.pk}/export.md")
    assert response["Content-Disposition"] == (
        f'attachment; filename="{issue.pk}-recall-of-fraud-model-v3-dropped-after-weekly-retraining.md"'
    )


@pytest.mark.parametrize("name", ["full", "minimal"])
def test_body_md_is_the_body_as_plain_text(owner_client, name):
    issue = create_issue(example(name))
    response = owner_client.get(f"/issues/{issue.pk}/body.md")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Content-Disposition" not in response
    assert response.content == (EXAMPLES / f"{name}.body.md").read_bytes()


def test_exports_follow_local_edits(owner_client):
    issue = create_issue(example("full"))
    Issue.objects.filter(pk=issue.pk).update(name="Renamed")
    response = owner_client.get(f"/issues/{issue.pk}/body.md")
    assert "**Issue Name:** Renamed\n" in response.content.decode()


@pytest.mark.parametrize("url", ["/issues/{pk}/export.md", "/issues/{pk}/body.md"])
def test_missing_issue_and_drafts_are_404(owner_client, url):
    draft = create_issue({**example("minimal"), "status": "draft"})
    assert owner_client.get(url.format(pk=draft.pk)).status_code == 404
    assert owner_client.get(url.format(pk=draft.pk + 1000)).status_code == 404


@pytest.mark.parametrize(
    "url",
    ["/issues/{pk}/export.md", "/issues/{pk}/body.md", "/issues/export.zip", "/issues/export.json"],
)
def test_exports_need_login(client, url):
    issue = create_issue(example("minimal"))
    response = client.get(url.format(pk=issue.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", ["/issues/{pk}/export.md", "/issues/{pk}/body.md"])
def test_one_issue_export_query_count_does_not_grow_with_rows(
    owner_client, django_assert_num_queries, url
):
    small = create_issue(example("minimal"))
    big = create_issue(
        {
            **example("full"),
            "milestones": [{"title": f"M{n}", "date": "2026-12-01"} for n in range(30)],
            "updates": [{"date": "2026-11-20", "text": f"Update {n}"} for n in range(30)],
        }
    )
    with django_assert_num_queries(EXPORT_QUERIES) as small_queries:
        owner_client.get(url.format(pk=small.pk))
    with django_assert_num_queries(len(small_queries)):
        owner_client.get(url.format(pk=big.pk))


# The list's exports --------------------------------------------------------------------


def test_zip_holds_one_document_per_issue_of_the_filter(owner_client):
    open_issues = many(3)
    closed = create_issue({**example("minimal"), "status": "closed"})
    response = owner_client.get("/issues/export.zip")
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="dskit-issues-')
    archive = zipfile.ZipFile(io.BytesIO(content(response)))
    assert archive.testzip() is None
    names = archive.namelist()
    assert sorted(names) == sorted(f"{i.pk}-issue-{n}.md" for n, i in enumerate(open_issues))
    for issue in open_issues:
        document = archive.read(f"{issue.pk}-{issue.name.lower().replace(' ', '-')}.md")
        assert document == markdown.render_document(issue_to_dict(issue)).encode()

    # The list's query string carries through: status=closed is only the closed one.
    response = owner_client.get("/issues/export.zip?status=closed")
    archive = zipfile.ZipFile(io.BytesIO(content(response)))
    assert archive.namelist() == [f"{closed.pk}-feature-store-lag.md"]
    assert archive.read(archive.namelist()[0]) == (EXAMPLES / "minimal.md").read_bytes()


def test_zip_document_equals_the_golden_file(owner_client):
    issue = create_issue(example("full"))
    archive = zipfile.ZipFile(io.BytesIO(content(owner_client.get("/issues/export.zip"))))
    assert (
        archive.read(f"{issue.pk}-recall-of-fraud-model-v3-dropped-after-weekly-retraining.md")
        == (EXAMPLES / "full.md").read_bytes()
    )


def test_empty_filter_gives_an_empty_but_valid_zip_and_json(owner_client):
    assert (
        zipfile.ZipFile(io.BytesIO(content(owner_client.get("/issues/export.zip")))).namelist()
        == []
    )
    assert json.loads(content(owner_client.get("/issues/export.json"))) == []


def test_json_export_is_what_import_issues_takes_back(owner_client, tmp_path):
    originals = [create_issue(example("full")), create_issue(example("minimal"))]
    create_issue({**example("minimal"), "name": "Closed one", "status": "closed"})
    response = owner_client.get("/issues/export.json")
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    exported = content(response)
    data = json.loads(exported)
    assert [d["name"] for d in data] == [i.name for i in sorted(originals, key=lambda i: -i.pk)]

    # The same issues as the export_issues command writes (it orders by id, the list newest first).
    out = StringIO()
    call_command("export_issues", *[str(i.pk) for i in originals], stdout=out)
    assert json.loads(out.getvalue()) == data[::-1]

    path = tmp_path / "export.json"
    path.write_bytes(exported)
    out = StringIO()
    call_command("import_issues", str(path), stdout=out)
    new_ids = [int(line) for line in out.getvalue().split()]
    assert len(new_ids) == 2
    for new_id, old in zip(new_ids, sorted(originals, key=lambda i: -i.pk), strict=True):
        assert issue_to_dict(Issue.objects.get(pk=new_id)) == issue_to_dict(old)


def test_json_export_filters_with_the_list_query_string(owner_client):
    create_issue(example("full"))
    closed = create_issue({**example("minimal"), "status": "closed"})
    data = json.loads(content(owner_client.get("/issues/export.json?status=closed")))
    assert [d["name"] for d in data] == [closed.name]
    data = json.loads(content(owner_client.get("/issues/export.json?status=all")))
    assert len(data) == 2


def test_exports_take_every_list_filter_and_its_sort(owner_client):
    for name, priority in [("charlie", "p1"), ("alpha", "p1"), ("bravo", "p2"), ("delta", "p1")]:
        create_issue({**example("minimal"), "name": name, "priority": priority})
    query = "?status=all&priority=p1&sort=-name&page=3&q="
    data = json.loads(content(owner_client.get(f"/issues/export.json{query}")))
    assert [d["name"] for d in data] == ["delta", "charlie", "alpha"]
    archive = zipfile.ZipFile(io.BytesIO(content(owner_client.get(f"/issues/export.zip{query}"))))
    assert [name.split("-", 1)[1] for name in archive.namelist()] == [
        "delta.md",
        "charlie.md",
        "alpha.md",
    ]


@pytest.mark.parametrize("url", ["/issues/export.zip", "/issues/export.json"])
def test_list_export_query_count_does_not_grow_with_issues(
    owner_client, django_assert_num_queries, url
):
    many(2)
    # The session, the user, the issues, and their milestones, checklist items, updates, metrics
    # and links.
    with django_assert_num_queries(8) as few:
        content(owner_client.get(url))
    many(25)
    with django_assert_num_queries(len(few)):
        assert content(owner_client.get(url))


def test_list_page_links_to_exports_with_its_query_string(owner_client):
    create_issue(example("full"))
    response = owner_client.get("/?status=all&priority=p1")
    html = response.content.decode()
    assert 'href="/issues/export.zip?status=all&amp;priority=p1"' in html
    assert 'href="/issues/export.json?status=all&amp;priority=p1"' in html
