"""POST /github/webhook with GitHub's documented deliveries: signed, once, and only what it says."""

import json

import pytest
from django.test import Client

from issues import markdown
from issues.limits import GITHUB_BODY_LIMIT, UPDATE_MAX_LENGTH
from issues.models import GitHubBodyChange, Issue, IssueChange, Update
from issues.serialization import issue_to_dict
from tests.github_support import snapshot
from tests.webhook_support import delivery, post, sign

pytestmark = pytest.mark.django_db


def test_the_signature_of_githubs_documented_example():
    # docs.github.com, "Validating webhook deliveries": this secret and body give this digest.
    body = b"Hello, World!"
    assert sign(body) == ("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")


def test_ping_is_answered(secret):
    response = post(*delivery("ping"))
    assert (response.status_code, response.json()) == (200, {"result": "pong"})


@pytest.mark.parametrize(
    "signature",
    [
        "",
        "sha256=" + "0" * 64,
        "sha1=abc",
        sign(b"another body"),
        "signed-with-another-secret",
        "no header",
    ],
)
def test_a_bad_or_missing_signature_gets_401_and_changes_nothing(filed, signature):
    before = snapshot(filed)
    headers, payload = delivery("issues.closed", filed)
    if signature == "signed-with-another-secret":
        signature = sign(json.dumps(payload).encode(), "guess")
    response = post(headers, payload, signature=signature, signed=signature != "no header")
    assert response.status_code == 401
    assert snapshot(filed) == before
    assert not Issue.objects.filter(status="resolved").exists()


def test_without_a_secret_configured_every_delivery_is_refused(filed, settings):
    settings.GITHUB_WEBHOOK_SECRET = ""
    headers, payload = delivery("issues.closed", filed)
    assert (
        post(headers, payload, signature=sign(json.dumps(payload).encode(), "")).status_code == 401
    )
    assert Issue.objects.get(pk=filed.pk).status == "open"


def test_closed_reopened_commented_on_github_shows_the_same_on_dskit(filed, owner_client):
    version = filed.version
    response = post(*delivery("issues.closed", filed))
    assert (response.status_code, response.json()) == (200, {"result": "applied"})
    issue = Issue.objects.get(pk=filed.pk)
    assert issue.status == "resolved"
    assert issue.version == version + 1
    last = Update.objects.filter(issue=issue).last()
    # The Definition of Done is incomplete in the example: GitHub's word overrides the gate.
    assert last.text == (
        "Status changed from Open to Resolved by @Codertocat on GitHub. The Definition of Done "
        "was incomplete (0 of 6 ticked): override confirmed."
    )
    assert last.author is None
    change = IssueChange.objects.filter(issue=issue, field="status").get()
    assert (change.old, change.new, change.user) == ("open", "resolved", None)

    assert post(*delivery("issues.reopened", filed)).json() == {"result": "applied"}
    issue = Issue.objects.get(pk=filed.pk)
    assert issue.status == "open"
    assert Update.objects.filter(issue=issue).last().text == (
        "Status changed from Resolved to Open by @Codertocat on GitHub."
    )

    assert post(*delivery("issue_comment.created", filed)).json() == {"result": "applied"}
    comment = Update.objects.filter(issue=issue).order_by("id").last()
    assert comment.text == (
        "@Codertocat on GitHub: You are totally right! I'll get this fixed right away."
    )
    assert comment.date.isoformat() == "2019-05-15"
    assert post(*delivery("issue_comment.edited", filed)).json() == {"result": "applied"}
    comment.refresh_from_db()
    assert comment.text == "@Codertocat on GitHub: You are totally right! Fixed in #2."
    assert Update.objects.filter(text__startswith="@Codertocat").count() == 1

    page = owner_client.get(f"/issues/{issue.pk}/").content.decode()
    assert "@Codertocat on GitHub: You are totally right! Fixed in #2." in page
    body = owner_client.get(f"/issues/{issue.pk}/body.md").content.decode()
    assert "- 2019-05-15: @Codertocat on GitHub: You are totally right! Fixed in #2." in body


def test_closed_as_not_planned_is_closed(filed):
    post(*delivery("issues.closed.not_planned", filed))
    issue = Issue.objects.get(pk=filed.pk)
    assert issue.status == "closed"
    assert (
        Update.objects.filter(issue=issue)
        .last()
        .text.startswith("Status changed from Open to Closed by @Codertocat on GitHub.")
    )


def test_a_replayed_delivery_changes_nothing(filed):
    headers, payload = delivery("issue_comment.created", filed)
    assert post(headers, payload).json() == {"result": "applied"}
    before = snapshot(filed)
    response = post(headers, payload)
    assert (response.status_code, response.json()) == (200, {"result": "duplicate"})
    assert snapshot(filed) == before
    # The same comment in another delivery (GitHub's "Redeliver" keeps the id; a second
    # hook would not) is still one update.
    assert post(headers, payload, delivery_id="another-delivery").json() == {"result": "applied"}
    assert snapshot(filed) == before


def test_priority_labels_set_the_priority_in_any_case(filed):
    post(*delivery("issues.labeled", filed))
    assert Issue.objects.get(pk=filed.pk).priority == "p0"
    headers, payload = delivery("issues.labeled", filed, label__name="bug")
    before = snapshot(filed)
    assert post(headers, payload, delivery_id="x2").json() == {"result": "applied"}
    assert snapshot(filed) == before


def test_other_events_and_other_issues_are_acknowledged_and_ignored(filed):
    before = snapshot(filed)
    assert post(*delivery("issues.assigned", filed)).json() == {"result": "ignored"}
    headers, payload = delivery("issues.closed")  # Codertocat/Hello-World: not ours
    assert post(headers, payload).json() == {"result": "not a dskit issue"}
    headers, payload = delivery("issues.closed", filed, issue__number=99)
    assert post(headers, payload, delivery_id="n99").json() == {"result": "not a dskit issue"}
    assert snapshot(filed) == before


def test_malformed_deliveries_are_400_not_500(filed):
    headers, payload = delivery("issues.closed", filed)
    del headers["X-GitHub-Delivery"]
    assert post(headers, payload).status_code == 400
    headers, _ = delivery("issues.closed", filed)
    body = b"payload=%7B%7D"
    response = Client().post(
        "/github/webhook",
        body,
        content_type="application/x-www-form-urlencoded",
        HTTP_X_GITHUB_EVENT="issues",
        HTTP_X_GITHUB_DELIVERY="form-encoded",
        HTTP_X_HUB_SIGNATURE_256=sign(body),
    )
    assert response.status_code == 400
    assert "application/json" in response.json()["result"]
    assert Client().get("/github/webhook").status_code == 405


def test_a_body_edited_on_github_is_offered_for_review_never_taken(filed, owner_client):
    before = issue_to_dict(Issue.objects.get(pk=filed.pk))
    edited = markdown.render_body({**before, "expected_behavior": "Recall >= 0.92."})
    post(*delivery("issues.edited", filed, issue__body=edited))
    assert issue_to_dict(Issue.objects.get(pk=filed.pk)) == before
    change = GitHubBodyChange.objects.get(issue=filed)
    assert (change.body, change.login) == (edited, "Codertocat")
    page = owner_client.get(f"/issues/{filed.pk}/").content.decode()
    assert "changed on GitHub" in page and "Review GitHub changes" in page

    # dskit's own "Update on GitHub" comes back as an edit with dskit's body: nothing to review.
    same = markdown.render_body(before)
    post(*delivery("issues.edited", filed, issue__body=same), delivery_id="own-edit")
    assert not GitHubBodyChange.objects.exists()


def test_review_github_changes_takes_only_the_chosen_fields(filed, owner_client, owner):
    before = issue_to_dict(Issue.objects.get(pk=filed.pk))
    edited = markdown.render_body(
        {**before, "expected_behavior": "Recall >= 0.92.", "priority": "p0", "name": "Renamed"}
    )
    post(*delivery("issues.edited", filed, issue__body=edited))

    page = owner_client.get(f"/issues/{filed.pk}/github-changes/").content.decode()
    assert page.count('value="github"') == 3
    for label in ("Issue Name", "Expected Behavior", "Priority"):
        assert f'<th scope="row">{label}</th>' in page
    assert "Recall &gt;= 0.92." in page  # escaped

    version = Issue.objects.get(pk=filed.pk).version
    response = owner_client.post(
        f"/issues/{filed.pk}/github-changes/",
        {"version": version, "take_expected_behavior": "github", "take_priority": "dskit"},
    )
    assert response.status_code == 302
    after = issue_to_dict(Issue.objects.get(pk=filed.pk))
    assert after == {**before, "expected_behavior": "Recall >= 0.92."}
    assert Issue.objects.get(pk=filed.pk).version == version + 1
    change = IssueChange.objects.get(issue=filed, field="expected_behavior")
    assert change.user == owner
    assert not GitHubBodyChange.objects.exists()
    assert "Review GitHub changes" not in owner_client.get(f"/issues/{filed.pk}/").content.decode()


def test_review_refuses_a_stale_page_and_an_invalid_choice(filed, owner_client):
    before = issue_to_dict(Issue.objects.get(pk=filed.pk))
    edited = markdown.render_body({**before, "target_date": "2026-01-01"})
    post(*delivery("issues.edited", filed, issue__body=edited))
    version = Issue.objects.get(pk=filed.pk).version
    url = f"/issues/{filed.pk}/github-changes/"
    response = owner_client.post(url, {"version": version - 1, "take_target_date": "github"})
    assert response.status_code == 302 and response["Location"] == url
    response = owner_client.post(url, {"version": version, "take_target_date": "github"})
    assert response.status_code == 200
    assert "target_date: must not be before reported_date" in response.content.decode()
    assert issue_to_dict(Issue.objects.get(pk=filed.pk)) == before
    assert GitHubBodyChange.objects.exists()
    # Keeping dskit's values sets the edit aside.
    assert owner_client.post(url, {"version": version}).status_code == 302
    assert not GitHubBodyChange.objects.exists()
    assert issue_to_dict(Issue.objects.get(pk=filed.pk)) == before


def test_an_issue_that_keeps_changing_answers_503_and_keeps_nothing(filed, monkeypatch):
    from issues import tracking

    def always_stale(*args, **kwargs):
        raise tracking.StaleIssue

    monkeypatch.setattr(tracking, "change_status", always_stale)
    before = snapshot(filed)
    headers, payload = delivery("issues.closed", filed)
    response = post(headers, payload)
    assert (response.status_code, response.json()) == (503, {"result": "busy"})
    assert snapshot(filed) == before
    monkeypatch.undo()
    assert post(headers, payload).json() == {"result": "applied"}  # the redelivery


def test_a_status_change_too_long_for_githubs_body_answers_422_and_keeps_nothing(filed):
    data = issue_to_dict(Issue.objects.listed().with_rows().get(pk=filed.pk))
    padding = GITHUB_BODY_LIMIT - len(markdown.render_body(data))
    Issue.objects.filter(pk=filed.pk).update(description=filed.description + "d" * padding)
    before = snapshot(filed)
    headers, payload = delivery("issues.closed", filed)
    response = post(headers, payload)
    assert (response.status_code, response.json()) == (422, {"result": "too long for GitHub"})
    assert snapshot(filed) == before
    # Shortened on dskit, the redelivery applies.
    Issue.objects.filter(pk=filed.pk).update(description="Shorter.")
    assert post(headers, payload).json() == {"result": "applied"}
    assert Issue.objects.get(pk=filed.pk).status == "resolved"


@pytest.mark.parametrize("action", ["created", "edited"])
def test_a_comment_longer_than_an_update_is_cut_with_a_link_to_it(filed, owner_client, action):
    if action == "edited":
        post(*delivery("issue_comment.created", filed))
    long_body = "Drift found. " + "x" * 20_000 + " THE END"
    headers, payload = delivery(f"issue_comment.{action}", filed, comment__body=long_body)
    assert post(headers, payload).json() == {"result": "applied"}
    update = Update.objects.filter(issue=filed, text__startswith="@Codertocat").get()
    assert len(update.text) <= UPDATE_MAX_LENGTH
    assert update.text.startswith("@Codertocat on GitHub: Drift found. xxx")
    assert update.text.endswith(
        f" … (cut at 10,000 characters: the whole comment is {payload['comment']['html_url']})"
    )
    assert "THE END" not in update.text
    page = owner_client.get(f"/issues/{filed.pk}/")
    assert page.status_code == 200 and "the whole comment is" in page.text
    edit = owner_client.get(f"/issues/{filed.pk}/body.md")
    assert edit.status_code == 200 and "cut at 10,000 characters" in edit.text
