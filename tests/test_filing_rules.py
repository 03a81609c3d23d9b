"""``issues.filing`` against the stand-in GitHub: what each outcome leaves in the issue's row,
and its time bounds on both sides (a claim's expiry, the look-back window)."""

import datetime
import json

import pytest
from django.utils import timezone

from issues import filing, markdown
from issues import github as github_api
from issues.filing import CLAIM_EXPIRES, LOOK_BACK, FilingInProgress, file_issue
from issues.models import Issue, IssueChange
from issues.serialization import issue_to_dict
from tests.github_support import full_issue

pytestmark = pytest.mark.django_db

SECOND = datetime.timedelta(seconds=1)


def row(issue):
    return Issue.objects.values(
        "github_number",
        "github_url",
        "github_filed_at",
        "github_filing_started_at",
        "github_unknown_since",
    ).get(pk=issue.pk)


def test_the_bounds_are_five_minutes_and_an_hour():
    assert datetime.timedelta(minutes=5) == CLAIM_EXPIRES
    assert datetime.timedelta(hours=1) == LOOK_BACK


def test_a_filing_leaves_the_number_the_link_and_nothing_in_flight(owner, github):
    issue = full_issue()
    filed = file_issue(issue, owner)
    assert (filed.number, filed.how) == (1, "created")
    assert filed.url == "https://github.com/ml-team/models/issues/1"
    assert filed.dropped == {"labels": [], "assignees": []}
    state = row(issue)
    assert state["github_number"] == 1
    assert state["github_url"] == filed.url
    assert timezone.now() - state["github_filed_at"] < datetime.timedelta(minutes=1)
    assert state["github_filing_started_at"] is None
    assert state["github_unknown_since"] is None
    change = IssueChange.objects.get(issue=issue)
    assert (change.field, change.user, change.old) == ("github", owner, "")
    assert json.loads(change.new) == {"number": 1, "url": filed.url}
    again = file_issue(Issue.objects.get(pk=issue.pk), owner)
    assert (again.number, again.url, again.how) == (1, filed.url, "already")
    assert again.dropped == filing.NOTHING_DROPPED
    assert len(github.writes("POST")) == 1


@pytest.mark.parametrize(
    ("age", "taken_over"), [(CLAIM_EXPIRES - SECOND, False), (CLAIM_EXPIRES + SECOND, True)]
)
def test_a_claim_expires_after_five_minutes_exactly(owner, github, age, taken_over):
    issue = full_issue()
    started = timezone.now() - age
    Issue.objects.filter(pk=issue.pk).update(github_filing_started_at=started)
    if not taken_over:
        with pytest.raises(FilingInProgress):
            file_issue(issue, owner)
        assert github.requests == []
        assert row(issue)["github_filing_started_at"] == started
        return
    filed = file_issue(issue, owner)
    assert filed.how == "created"
    # The dead request's outcome is unknown: GitHub was searched from an hour back first.
    assert [r.path for r in github.requests][:2] == ["/user", "/repos/ml-team/models/issues"]


@pytest.mark.parametrize("zone", ["UTC", "Asia/Tokyo"])
def test_the_look_back_starts_an_hour_before_now_or_at_the_unknown_attempt(
    owner, github, settings, zone
):
    settings.TIME_ZONE = zone
    issue = full_issue()
    recent = timezone.now() - datetime.timedelta(minutes=2)
    Issue.objects.filter(pk=issue.pk).update(github_unknown_since=recent)
    before = timezone.now()
    file_issue(issue, owner)
    after = timezone.now()
    [since] = github.requests[1].query["since"]
    since = datetime.datetime.fromisoformat(since)
    assert (before - LOOK_BACK).replace(microsecond=0) <= since <= after - LOOK_BACK

    long_ago = timezone.now() - datetime.timedelta(hours=3)
    other = full_issue()
    Issue.objects.filter(pk=other.pk).update(github_unknown_since=long_ago)
    file_issue(other, owner)
    search = [r for r in github.requests if "since" in r.query][-1]
    assert search.query == {
        "creator": [github.LOGIN],
        "since": [long_ago.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")],
        "state": ["all"],
        "sort": ["created"],
        "direction": ["desc"],
        "per_page": ["100"],
    }


def test_an_issue_found_on_github_is_linked_not_filed_again(owner, github):
    issue = full_issue()
    github.fail_next(drop=True, act=True)
    with pytest.raises(github_api.OutcomeUnknown):
        file_issue(issue, owner)
    state = row(issue)
    assert state["github_filing_started_at"] is None
    assert state["github_unknown_since"] is not None
    assert state["github_number"] is None
    unknown_since = state["github_unknown_since"]
    found = file_issue(Issue.objects.get(pk=issue.pk), owner)
    assert (found.number, found.how) == (1, "found")
    assert len(github.writes("POST")) == 1
    state = row(issue)
    assert state["github_unknown_since"] is None
    assert state["github_number"] == 1
    assert unknown_since <= timezone.now()


def test_the_github_issue_of_another_issue_of_the_same_title_is_never_found_as_its_own(
    owner, github
):
    first = full_issue()
    assert file_issue(first, owner).number == 1
    second = full_issue()  # the same title; its attempt died before GitHub created anything
    Issue.objects.filter(pk=second.pk).update(github_unknown_since=timezone.now())
    filed = file_issue(Issue.objects.get(pk=second.pk), owner)
    assert (filed.number, filed.how) == (2, "created")
    assert (row(first)["github_number"], row(second)["github_number"]) == (1, 2)
    assert len(github.writes("POST")) == 2


def test_a_refusal_releases_the_claim_and_leaves_no_unknown_outcome(owner, github, settings):
    issue = full_issue()
    settings.GITHUB_TOKEN = "wrong"
    with pytest.raises(github_api.GitHubError) as error:
        file_issue(issue, owner)
    assert not isinstance(error.value, github_api.OutcomeUnknown)
    state = row(issue)
    assert state["github_filing_started_at"] is None
    assert state["github_unknown_since"] is None
    assert not IssueChange.objects.filter(issue=issue).exists()


def test_a_refusal_keeps_an_earlier_unknown_outcome(owner, github, settings):
    issue = full_issue()
    earlier = timezone.now() - datetime.timedelta(minutes=3)
    Issue.objects.filter(pk=issue.pk).update(github_unknown_since=earlier)
    settings.GITHUB_TOKEN = "wrong"
    with pytest.raises(github_api.GitHubError):
        file_issue(issue, owner)
    assert row(issue)["github_unknown_since"] == earlier


def test_an_unexpected_error_counts_as_an_unknown_outcome(owner, github, monkeypatch):
    issue = full_issue()

    def broken(payload):
        raise RuntimeError("boom")

    monkeypatch.setattr(github_api, "create_issue", broken)
    before = timezone.now()
    with pytest.raises(RuntimeError):
        file_issue(issue, owner)
    state = row(issue)
    assert state["github_filing_started_at"] is None
    assert before <= state["github_unknown_since"] <= timezone.now()


def test_a_body_too_long_claims_nothing(owner, github):
    issue = full_issue()
    Issue.objects.filter(pk=issue.pk).update(description="d" * 70_000)
    with pytest.raises(github_api.GitHubError):
        file_issue(Issue.objects.get(pk=issue.pk), owner)
    assert row(issue)["github_filing_started_at"] is None
    assert github.requests == []


def test_update_sends_the_current_issue_and_names_what_was_dropped(owner, github):
    issue = full_issue()
    file_issue(issue, owner)
    github.fail_next(method="PATCH", drop_labels=True)
    dropped = filing.update_issue(Issue.objects.get(pk=issue.pk))
    assert dropped == {"labels": ["feature", "@dskit", "!p1"], "assignees": []}
    assert github.requests[-1].method == "PATCH"


def test_the_claim_is_held_in_the_row_while_github_is_asked(owner, github, monkeypatch):
    issue = full_issue()
    create = github_api.create_issue
    seen = []

    def watched(payload):
        seen.append(row(issue))
        with pytest.raises(FilingInProgress):
            file_issue(Issue.objects.get(pk=issue.pk), owner)
        return create(payload)

    monkeypatch.setattr(github_api, "create_issue", watched)
    before = timezone.now()
    file_issue(issue, owner)
    [during] = seen
    assert before <= during["github_filing_started_at"] <= timezone.now()
    assert during["github_unknown_since"] is None
    assert row(issue)["github_filing_started_at"] is None
    assert len(github.writes("POST")) == 1


def test_an_update_holds_the_claim_while_github_is_asked(owner, github, monkeypatch):
    issue = full_issue()
    file_issue(issue, owner)
    update = github_api.update_issue
    seen = []

    def watched(number, payload):
        seen.append(row(issue)["github_filing_started_at"])
        with pytest.raises(FilingInProgress):
            filing.update_issue(Issue.objects.get(pk=issue.pk))
        return update(number, payload)

    monkeypatch.setattr(github_api, "update_issue", watched)
    before = timezone.now()
    filing.update_issue(Issue.objects.get(pk=issue.pk))
    [during] = seen
    assert before <= during <= timezone.now()
    assert row(issue)["github_filing_started_at"] is None
    assert len(github.writes("PATCH")) == 1


def test_an_update_releases_its_own_claim_only(owner, github, monkeypatch):
    """A claim taken at the same moment on another issue, or taken over on this one after
    this request's claim expired, stays in place."""
    issue, other = full_issue(), full_issue()
    file_issue(issue, owner)
    update = github_api.update_issue
    later = []

    def slow(number, payload):
        mine = row(issue)["github_filing_started_at"]
        Issue.objects.filter(pk=other.pk).update(github_filing_started_at=mine)
        later.append(mine + CLAIM_EXPIRES + SECOND)
        Issue.objects.filter(pk=issue.pk).update(github_filing_started_at=later[0])
        return update(number, payload)

    monkeypatch.setattr(github_api, "update_issue", slow)
    filing.update_issue(Issue.objects.get(pk=issue.pk))
    assert row(issue)["github_filing_started_at"] == later[0]
    assert row(other)["github_filing_started_at"] == later[0] - CLAIM_EXPIRES - SECOND


def test_a_pull_request_of_the_same_title_is_not_taken_for_the_lost_filing(owner, github):
    issue = full_issue()
    github.fail_next(drop=True)  # the connection lost before GitHub acted
    with pytest.raises(github_api.OutcomeUnknown):
        file_issue(issue, owner)
    assert not github.issues
    title = markdown.github_payload(issue_to_dict(issue))["title"]
    pull = github.add_issue(title, "", user=github.LOGIN, pull_request=True)
    filed = file_issue(Issue.objects.get(pk=issue.pk), owner)
    assert (filed.how, filed.number) == ("created", pull + 1)


def test_filing_one_issue_claims_no_other(owner, github, monkeypatch):
    issue, other = full_issue(), full_issue()
    create = github_api.create_issue
    claimed = []

    def watched(payload):
        claimed.append(row(other)["github_filing_started_at"])
        return create(payload)

    monkeypatch.setattr(github_api, "create_issue", watched)
    file_issue(issue, owner)
    assert claimed == [None]
    assert row(other)["github_number"] is None


def test_an_unknown_outcome_keeps_the_first_unknown_moment(owner, github):
    issue = full_issue()
    earlier = timezone.now() - datetime.timedelta(minutes=3)
    Issue.objects.filter(pk=issue.pk).update(github_unknown_since=earlier)
    github.fail_next(method="GET", status=502)
    with pytest.raises(github_api.OutcomeUnknown):
        file_issue(issue, owner)
    assert row(issue)["github_unknown_since"] == earlier


def test_each_outcome_is_logged_with_the_issue(owner, github, settings, caplog):
    issue = full_issue()
    caplog.set_level("INFO", logger="issues.filing")
    file_issue(issue, owner)
    other = full_issue()
    Issue.objects.filter(pk=other.pk).update(name="Another")
    settings.GITHUB_TOKEN = "wrong"
    with pytest.raises(github_api.GitHubError) as error:
        file_issue(Issue.objects.get(pk=other.pk), owner)
    messages = [r.getMessage() for r in caplog.records if r.name == "issues.filing"]
    assert messages == [
        f"issue {issue.pk}: filed on GitHub as #1 (created)",
        f"issue {other.pk}: filing on GitHub failed: {error.value}",
    ]


def test_a_token_without_a_user_cannot_look_for_an_earlier_filing(owner, github):
    issue = full_issue()
    Issue.objects.filter(pk=issue.pk).update(github_unknown_since=timezone.now())
    github.fail_next(method="GET", status=200, body={"id": 1})
    with pytest.raises(github_api.GitHubError) as error:
        file_issue(issue, owner)
    assert error.value.message == (
        "GitHub did not say which user the token belongs to (GET /user has no login), so dskit "
        "cannot look for an issue it may already have created. Use a personal access token as "
        "GITHUB_TOKEN and try again."
    )
    assert github.writes("POST") == []
