"""Bringing the repository's existing issues into dskit (the import_github command).

Pages come from ``github.list_issues``; each page's ETag is kept (GitHubListPage), so a run
that finds nothing new costs no rate limit. An issue already linked to a dskit issue is
never imported again, even by another run at the same moment (the database holds one issue a
GitHub number); one whose body does not parse as the template is reported with why.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction

from issues import github
from issues.importing import read_markdown
from issues.models import GitHubListPage, Issue
from issues.parse_markdown import priority_of_label
from issues.serialization import create_issue


@dataclass
class Outcome:
    imported: list = field(default_factory=list)  # (GitHub number, dskit issue)
    already: int = 0
    refused: list = field(default_factory=list)  # (GitHub number, url, problems)
    unchanged_pages: int = 0
    stopped: str = ""  # why the run stopped before the last page


def run(state="open", label=None):
    outcome = Outcome()
    url = None
    first = f"{settings.GITHUB_API_URL}/repos/{settings.GITHUB_REPOSITORY}/issues?" + (
        f"state={state}&labels={label or ''}"
    )
    while True:
        key = url or first
        stored = GitHubListPage.objects.filter(url=key).first()
        page = github.list_issues(url, etag=stored.etag if stored else "", state=state, label=label)
        if page.issues is None:
            outcome.unchanged_pages += 1
            next_url = page.next_url or stored.next_url
        else:
            for issue in page.issues:
                _one(issue, outcome)
            GitHubListPage.objects.update_or_create(
                url=key, defaults={"etag": page.etag, "next_url": page.next_url}
            )
            next_url = page.next_url
        if not next_url:
            return outcome
        if page.exhausted_until:
            outcome.stopped = (
                f"GitHub's rate limit is used up until {page.exhausted_until:%H:%M} UTC; run "
                "import_github again after that to read the remaining pages."
            )
            return outcome
        url = next_url


def _status(issue):
    if issue.get("state") != "closed":
        return Issue.Status.OPEN
    return (
        Issue.Status.CLOSED if issue.get("state_reason") == "not_planned" else Issue.Status.RESOLVED
    )


def _imported(number):
    """Whether GitHub issue ``number`` of GITHUB_REPOSITORY is a dskit issue already."""
    return Issue.objects.filter(
        github_repository=github.repository(), github_number=number
    ).exists()


def _one(issue, outcome):
    number = issue.get("number")
    if not isinstance(number, int):
        return
    if _imported(number):
        outcome.already += 1
        return
    url = issue.get("html_url") or github.html_url(number)
    # A body left without a priority takes the issue's !p0..!p3 label.
    labels = [label.get("name", "") for label in issue.get("labels") or []]
    priorities = [p for p in map(priority_of_label, labels) if p]
    defaults = {"priority": priorities[0]} if priorities else {}
    data, problems = read_markdown(issue.get("body") or "", f"#{number}", defaults)
    if problems:
        outcome.refused.append((number, url, problems))
        return
    logins = [user.get("login") for user in issue.get("assignees") or [] if user.get("login")]
    data.update(status=_status(issue), github={"number": number, "url": url}, assignees=logins)
    try:
        with transaction.atomic():
            created = create_issue(data)
    except IntegrityError:
        if not _imported(number):
            raise
        outcome.already += 1  # another run imported it since the check above
        return
    outcome.imported.append((number, created))
