"""The issues of the JSON API: every operation and every status code it answers."""

import datetime
import json
import logging

import pytest
from django.utils import timezone
from openapi_spec_validator import validate as validate_openapi

from issues.models import Issue, IssueChange, Update
from issues.serialization import create_issue, validate
from tests.api_support import assert_problem, full_json
from tests.common_support import EXAMPLES

pytestmark = pytest.mark.django_db


def minimal():
    return json.loads((EXAMPLES / "minimal.json").read_text(encoding="utf-8"))


def created(api, data=None):
    response = api.post("/api/v1/issues", data or full_json())
    assert response.status_code == 201, response.content
    return response


def test_post_full_json_then_export_md_is_full_md_byte_for_byte(api):
    response = created(api)
    body = response.json()
    issue = Issue.objects.get()
    assert response["Location"] == f"http://testserver/api/v1/issues/{issue.pk}"
    assert response["ETag"] == '"1"'
    assert body["id"] == issue.pk and body["version"] == 1 and body["status"] == "open"
    assert body["url"] == f"http://testserver/issues/{issue.pk}/"
    assert issue.reporter.username == "owner"
    markdown = api.get(f"/api/v1/issues/{issue.pk}/export.md")
    assert markdown["Content-Type"] == "text/markdown; charset=utf-8"
    assert markdown.content == (EXAMPLES / "full.md").read_bytes()
    assert (
        api.get(f"/api/v1/issues/{issue.pk}/body.md").content
        == (EXAMPLES / "full.body.md").read_bytes()
    )
    got = api.get(f"/api/v1/issues/{issue.pk}").json()
    assert {k: got[k] for k in full_json()} == full_json()


def test_an_idempotency_key_replays_the_first_answer_and_creates_nothing(api):
    headers = {"Idempotency-Key": "deploy-42"}
    first = api.post("/api/v1/issues", full_json(), headers=headers)
    again = api.post("/api/v1/issues", full_json(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Location"] == first["Location"] and again["ETag"] == first["ETag"]
    assert again["Idempotent-Replayed"] == "true"
    assert Issue.objects.count() == 1
    other = api.post("/api/v1/issues", minimal(), headers=headers)
    assert_problem(other, 422)
    assert Issue.objects.count() == 1
    # Without a key, or with another, a second issue.
    created(api)
    assert (
        api.post("/api/v1/issues", full_json(), headers={"Idempotency-Key": "x"}).status_code == 201
    )
    assert Issue.objects.count() == 3


def test_idempotency_keys_are_kept_24_hours(api):
    import datetime

    from issues.models import IdempotentRequest

    api.post("/api/v1/issues", minimal(), headers={"Idempotency-Key": "k"})
    IdempotentRequest.objects.update(
        created_at=IdempotentRequest.objects.get().created_at - datetime.timedelta(hours=25)
    )
    assert (
        api.post("/api/v1/issues", minimal(), headers={"Idempotency-Key": "k"}).status_code == 201
    )
    assert Issue.objects.count() == 2
    assert IdempotentRequest.objects.count() == 1


def test_an_invalid_issue_gets_import_issues_messages_and_writes_nothing(api):
    data = {**full_json(), "priority": "urgent", "target_date": "2020-01-01"}
    del data["name"]
    data["links"] = [{"kind": "model", "target": "ftp://x"}]
    problem = assert_problem(api.post("/api/v1/issues", data), 422)
    expected = [
        dict(zip(("field", "message"), p.split(": ", 1), strict=True)) for p in validate(data)
    ]
    assert problem["errors"] == expected
    assert {"field": "name", "message": "is required"} in problem["errors"]
    data = {**minimal(), "links": [{"kind": "model", "target": "ftp://x"}]}
    problem = assert_problem(api.post("/api/v1/issues", data), 422)
    assert problem["errors"][0]["field"] == "links[0].target"
    assert not Issue.objects.exists()


def test_a_target_date_before_today_without_a_reported_date_gets_422(api):
    """Without a Reported Date the issue is reported today (the day the API is asked), so a
    Target Resolution Date before today is refused next to its field, not by the database's
    check (a 500 that writes nothing)."""
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    data = {**full_json(), "target_date": yesterday}
    del data["reported_date"]
    problem = assert_problem(api.post("/api/v1/issues", data), 422)
    assert problem["errors"] == [
        {"field": "target_date", "message": "must not be before reported_date"}
    ]
    assert not Issue.objects.exists()
    data["target_date"] = timezone.localdate().isoformat()
    assert created(api, data).json()["reported_date"] == data["target_date"]


def test_400_for_a_body_that_is_not_json_and_413_past_1_mb(api):
    problem = assert_problem(api.post("/api/v1/issues", raw="{nope"), 400)
    assert "not valid JSON" in problem["detail"]
    big = {**minimal(), "description": "x" * (1024 * 1024)}
    assert_problem(api.post("/api/v1/issues", big), 413)
    assert not Issue.objects.exists()


def test_get_has_an_etag_and_if_none_match_gets_304(api):
    pk = created(api).json()["id"]
    response = api.get(f"/api/v1/issues/{pk}")
    assert response["ETag"] == '"1"'
    not_modified = api.get(f"/api/v1/issues/{pk}", headers={"If-None-Match": '"1"'})
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert api.get(f"/api/v1/issues/{pk}", headers={"If-None-Match": '"0"'}).status_code == 200
    assert (
        api.get(f"/api/v1/issues/{pk}/export.md", headers={"If-None-Match": '"1"'}).status_code
        == 304
    )


def test_404_for_an_unknown_id_and_another_users_draft(api, owner, teammate):
    assert_problem(api.get("/api/v1/issues/999"), 404)
    theirs = create_issue({**minimal(), "status": "draft"}, reporter=teammate)
    mine = create_issue({**minimal(), "status": "draft"}, reporter=owner)
    for path in ("", "/export.md", "/body.md"):
        assert_problem(api.get(f"/api/v1/issues/{theirs.pk}{path}"), 404)
    assert_problem(api.patch(f"/api/v1/issues/{theirs.pk}", {}, headers={"If-Match": '"1"'}), 404)
    assert_problem(api.post(f"/api/v1/issues/{theirs.pk}/updates", {"text": "x"}), 404)
    assert api.get(f"/api/v1/issues/{mine.pk}").json()["status"] == "draft"
    assert_problem(api.post(f"/api/v1/issues/{mine.pk}/updates", {"text": "x"}), 409)
    assert api.get("/api/v1/issues?status=all").json()["results"] == []


def test_patch_needs_if_match_refuses_a_stale_one_and_bumps_the_version(api):
    pk = created(api).json()["id"]
    change = {"target_date": "2027-01-31", "metrics": [{"name": "recall", "value": 0.7}]}
    problem = assert_problem(api.patch(f"/api/v1/issues/{pk}", change), 428)
    assert "If-Match" in problem["detail"]
    response = api.patch(f"/api/v1/issues/{pk}", change, headers={"If-Match": '"1"'})
    assert response.status_code == 200, response.content
    assert response["ETag"] == '"2"' and response.json()["target_date"] == "2027-01-31"
    assert response.json()["metrics"][0]["value"] == 0.7
    assert IssueChange.objects.filter(issue_id=pk, field="target_date").exists()
    stale = api.patch(f"/api/v1/issues/{pk}", {"name": "Other"}, headers={"If-Match": '"1"'})
    assert_problem(stale, 412)
    assert stale["ETag"] == '"2"'
    assert Issue.objects.get().name == full_json()["name"]


def test_patch_refuses_invalid_values_and_fields_with_their_own_operation(api):
    pk = created(api).json()["id"]
    response = api.patch(
        f"/api/v1/issues/{pk}",
        {"status": "closed", "todo": [], "environment": "moon"},
        headers={"If-Match": '"1"'},
    )
    fields = [e["field"] for e in assert_problem(response, 422)["errors"]]
    assert fields == ["status", "todo", "environment"]
    assert_problem(api.patch(f"/api/v1/issues/{pk}", [], headers={"If-Match": '"1"'}), 400)
    assert Issue.objects.get().version == 1


def test_list_filters_sorts_and_pages_with_next(api, owner, django_assert_max_num_queries):
    for n in range(3):
        create_issue({**minimal(), "name": f"Issue {n}", "priority": "p1" if n else "p0"})
    create_issue({**minimal(), "name": "Closed", "status": "closed"})
    body = api.get("/api/v1/issues").json()
    assert [r["name"] for r in body["results"]] == ["Issue 2", "Issue 1", "Issue 0"]
    assert body["next"] is None
    assert [r["name"] for r in api.get("/api/v1/issues?priority=p0").json()["results"]] == [
        "Issue 0"
    ]
    assert len(api.get("/api/v1/issues?status=all").json()["results"]) == 4
    sorted_ = api.get("/api/v1/issues?sort=priority&q=issue").json()["results"]
    assert sorted_[0]["name"] == "Issue 0"
    Issue.objects.bulk_create(
        Issue(name=f"Bulk {n}", type="other", description="d", priority="p2") for n in range(150)
    )
    with django_assert_max_num_queries(12):
        first = api.get("/api/v1/issues?type=other").json()
    assert len(first["results"]) == 100
    assert first["next"] == "http://testserver/api/v1/issues?type=other&page=2"
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 50 and second["next"] is None
    ids = [r["id"] for r in first["results"] + second["results"]]
    assert len(set(ids)) == 150


def test_list_queries_do_not_grow_with_rows(api, django_assert_num_queries):
    create_issue(full_json())
    # The token, its rate, the issues, their milestones, checklist items, updates, metrics, links.
    with django_assert_num_queries(8) as one:
        api.get("/api/v1/issues")
    for _ in range(20):
        create_issue(full_json())
    with django_assert_num_queries(len(one)):
        assert len(api.get("/api/v1/issues").json()["results"]) == 21


def test_updates_are_added_with_todays_date_and_validated(api):
    pk = created(api).json()["id"]
    response = api.post(f"/api/v1/issues/{pk}/updates", {"text": "Rolled back to v11."})
    assert response.status_code == 201
    assert response.json()["updates"][-1]["text"] == "Rolled back to v11."
    assert response["ETag"] == '"2"'
    problem = assert_problem(api.post(f"/api/v1/issues/{pk}/updates", {"text": ""}), 422)
    assert problem["errors"] == [{"field": "text", "message": "must not be empty"}]
    problem = assert_problem(
        api.post(f"/api/v1/issues/{pk}/updates", {"date": "x", "text": "a"}), 422
    )
    assert problem["errors"][0]["field"] == "date"
    stale = api.post(f"/api/v1/issues/{pk}/updates", {"text": "late"}, headers={"If-Match": '"1"'})
    assert_problem(stale, 412)
    assert Update.objects.filter(issue_id=pk).count() == len(full_json()["updates"]) + 1


def test_checklists_tick_untick_and_add(api):
    pk = created(api, minimal()).json()["id"]
    response = api.post(
        f"/api/v1/issues/{pk}/checklists/definition_of_ready",
        {"tick": [0, 1], "add": ["GPU quota confirmed"]},
    )
    assert response.status_code == 200, response.content
    ready = response.json()["definition_of_ready"]
    assert [i["done"] for i in ready[:3]] == [True, True, False]
    assert ready[-1] == {"text": "GPU quota confirmed", "done": False}
    response = api.post(f"/api/v1/issues/{pk}/checklists/definition_of_ready", {"untick": [0]})
    assert response.json()["definition_of_ready"][0]["done"] is False
    bad = api.post(f"/api/v1/issues/{pk}/checklists/todo", {"tick": [99], "add": ["a\nb"]})
    fields = [e["field"] for e in assert_problem(bad, 422)["errors"]]
    assert fields == ["tick", "add[0].text"]
    assert_problem(api.post(f"/api/v1/issues/{pk}/checklists/nope", {}), 404)


def test_status_gates_answer_409_with_unmet_items_unless_overridden(api, caplog):
    pk = created(api, minimal()).json()["id"]
    response = api.post(f"/api/v1/issues/{pk}/status", {"status": "in_progress"})
    problem = assert_problem(response, 409)
    assert "Definition of Ready" in problem["detail"]
    assert len(problem["unmet"]) == len(
        Issue.objects.get().checklist_items.filter(checklist="ready")
    )
    assert Issue.objects.get().status == "open"
    caplog.set_level(logging.INFO)
    response = api.post(
        f"/api/v1/issues/{pk}/status",
        {"status": "in_progress", "override_reason": "Sev-1: start now"},
    )
    assert response.status_code == 200 and response.json()["status"] == "in_progress"
    assert "override confirmed. Reason: Sev-1: start now" in response.json()["updates"][-1]["text"]
    assert "past an incomplete Definition of Ready" in caplog.text
    assert_problem(api.post(f"/api/v1/issues/{pk}/status", {"status": "closed"}), 409)
    assert_problem(api.post(f"/api/v1/issues/{pk}/status", {"status": "gone"}), 422)
    # A complete gate needs no reason.
    api.post(f"/api/v1/issues/{pk}/checklists/definition_of_done", {"tick": list(range(6))})
    assert api.post(f"/api/v1/issues/{pk}/status", {"status": "resolved"}).status_code == 200


@pytest.mark.parametrize("status", [[], {}, ["open"], None, 1])
def test_a_status_that_is_not_a_string_gets_422(api, status):
    pk = created(api, minimal()).json()["id"]
    response = api.post(f"/api/v1/issues/{pk}/status", {"status": status})
    assert_problem(response, 422)
    assert Issue.objects.get().status == "open" and Issue.objects.get().version == 1


def test_creating_an_issue_linked_to_a_github_issue_linked_already_is_422(api):
    github = {"number": 7, "url": "https://github.com/o/r/issues/7"}
    created(api, {**minimal(), "github": github})
    problem = assert_problem(api.post("/api/v1/issues", {**minimal(), "github": github}), 422)
    assert problem["errors"] == [
        {
            "field": "github.number",
            "message": "GitHub issue #7 is linked to another dskit issue already",
        }
    ]
    assert Issue.objects.count() == 1


def test_github_filing_once_and_its_errors(api, github, settings):
    pk = created(api).json()["id"]
    response = api.post(f"/api/v1/issues/{pk}/github")
    assert response.status_code == 201, response.content
    number = response.json()["number"]
    again = api.post(f"/api/v1/issues/{pk}/github")
    assert again.status_code == 200 and again.json() == {**response.json(), "how": "already"}
    assert len(github.issues) == 1
    assert api.get(f"/api/v1/issues/{pk}").json()["github"]["number"] == number
    other = created(api, minimal()).json()["id"]
    github.fail_next(status=403, body={"message": "Resource not accessible by integration"})
    assert_problem(api.post(f"/api/v1/issues/{other}/github"), 502)
    settings.GITHUB_TOKEN = ""
    assert (
        "GITHUB_TOKEN" in assert_problem(api.post(f"/api/v1/issues/{other}/github"), 503)["detail"]
    )


def test_the_openapi_document_validates_and_describes_the_issue(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200

    def no_duplicate_keys(pairs):
        keys = [key for key, _ in pairs]
        assert len(keys) == len(set(keys)), f"duplicate keys in {keys}"
        return dict(pairs)

    # Swagger UI refuses a document with a key twice; Python's json would keep the last.
    document = json.loads(response.content, object_pairs_hook=no_duplicate_keys)
    validate_openapi(document)
    assert document["components"]["schemas"]["Issue"]["properties"]["metrics"]
    assert "/api/v1/issues/{pk}" in document["paths"]
    assert "/api/v1/intake/alertmanager" in document["paths"]
    assert document["components"]["securitySchemes"]


def test_the_docs_page_uses_only_our_own_scripts(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    page = response.text
    assert "cdn" not in page.lower()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    import re

    for script in re.findall(r"<script[^>]*>", page):
        assert "src=" in script or 'type="application/json"' in script


@pytest.mark.parametrize("path", ["/api/v1/nothing", "/api/v1/issues/1/nothing", "/api/v1/"])
def test_an_unknown_api_path_is_a_problem_not_an_html_page(client, path):
    problem = assert_problem(client.get(path), 404)
    assert path in problem["detail"]
