"""Filing an issue on GitHub exactly once, whatever the double clicks, tabs and failures.

The state lives in the issue's row, not in memory. One conditional UPDATE claims the filing
(``github_filing_started_at``); only one request can win it. "Update on GitHub" takes the
same claim once filed, so two updates at once send one PATCH. The HTTP call runs outside any
transaction. ``github_unknown_since`` remembers an attempt whose outcome is unknown, so that
the next attempt first looks on GitHub for the issue it may have created.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from issues import github, markdown
from issues.history import record_changes
from issues.models import Issue
from issues.serialization import issue_to_dict

logger = logging.getLogger(__name__)

# Longer than any attempt can take (three requests of GITHUB_TIMEOUT each): a claim older than
# this belongs to a request that died, and its outcome is unknown.
CLAIM_EXPIRES = datetime.timedelta(minutes=5)
# How far back to look for an issue an earlier attempt may have created.
LOOK_BACK = datetime.timedelta(hours=1)
NOTHING_DROPPED: dict[str, list[str]] = {"labels": [], "assignees": []}


class FilingInProgress(Exception):
    """Another request (a second click, another tab) is filing or updating this issue now."""


def _claim(issue, now, *, filed):
    """Take the issue's GitHub claim (free, or expired); whether this request won it."""
    return Issue.objects.filter(
        Q(github_filing_started_at__isnull=True)
        | Q(github_filing_started_at__lt=now - CLAIM_EXPIRES),
        pk=issue.pk,
        github_number__isnull=not filed,
    )


@dataclass
class Filed:
    number: int
    url: str
    # "created" now, "found" (created by an earlier attempt whose answer was lost), or
    # "already" (filed before this request).
    how: str
    dropped: dict


def file_issue(issue, user):
    """File ``issue`` on GitHub unless it is filed or being filed; raises GitHubError."""
    payload = markdown.github_payload(issue_to_dict(issue))
    github.check_payload(payload)
    now = timezone.now()
    claimed = _claim(issue, now, filed=False).update(
        github_filing_started_at=now,
        # Taking over an expired claim: that attempt's outcome is unknown.
        github_unknown_since=Coalesce("github_unknown_since", "github_filing_started_at"),
    )
    state = Issue.objects.values("github_number", "github_url", "github_unknown_since").get(
        pk=issue.pk
    )
    if not claimed and state["github_number"]:
        return Filed(state["github_number"], state["github_url"], "already", NOTHING_DROPPED)
    if not claimed:
        raise FilingInProgress

    unknown_since = state["github_unknown_since"]
    try:
        answer = None
        if unknown_since:
            since = min(unknown_since, now - LOOK_BACK)
            # A GitHub issue another dskit issue of this title is linked to is not this one.
            linked = Issue.objects.filter(
                name=issue.name, github_repository=github.repository(), github_number__isnull=False
            )
            passed_over = set(linked.values_list("github_number", flat=True))
            answer = github.find_issue(payload["title"], since, passed_over)
        how = "found" if answer else "created"
        if not answer:
            answer = github.create_issue(payload)
    except Exception as error:
        released = {"github_filing_started_at": None}
        if not isinstance(error, github.GitHubError) or isinstance(error, github.OutcomeUnknown):
            released["github_unknown_since"] = Coalesce("github_unknown_since", Value(now))
        Issue.objects.filter(pk=issue.pk).update(**released)
        logger.warning("issue %s: filing on GitHub failed: %s", issue.pk, error)
        raise

    Issue.objects.filter(pk=issue.pk).update(
        github_repository=github.repository(),
        github_number=answer["number"],
        github_url=answer["html_url"],
        github_filed_at=timezone.now(),
        github_filing_started_at=None,
        github_unknown_since=None,
        # The issue page and its exports show the link: their caches key on the version.
        version=F("version") + 1,
    )
    logger.info("issue %s: filed on GitHub as #%s (%s)", issue.pk, answer["number"], how)
    record_changes(
        issue, user, {}, {"github": {"number": answer["number"], "url": answer["html_url"]}}
    )
    return Filed(answer["number"], answer["html_url"], how, github.dropped(payload, answer))


def update_issue(issue):
    """Send the issue's current title, body, labels and assignees to its GitHub issue.

    Returns what GitHub dropped; raises GitHubError, or FilingInProgress while another
    request sends it. Nothing is stored but the claim, released whatever happens. An issue
    filed in another repository than GITHUB_REPOSITORY is refused: the issue of the same
    number there is somebody else's.
    """
    if issue.github_repository != github.repository():
        raise github.GitHubError(
            f"This issue was filed as #{issue.github_number} in "
            f"{issue.github_repository or 'a repository dskit does not know'} "
            f"({issue.github_url}), and GITHUB_REPOSITORY is now {settings.GITHUB_REPOSITORY}: "
            "dskit sends an issue only to the repository it was filed in, so nothing was sent. "
            "Change it there by hand, or set GITHUB_REPOSITORY back to that repository."
        )
    payload = markdown.github_payload(issue_to_dict(issue))
    github.check_payload(payload)
    now = timezone.now()
    if not _claim(issue, now, filed=True).update(github_filing_started_at=now):
        raise FilingInProgress
    try:
        answer = github.update_issue(issue.github_number, payload)
    finally:
        Issue.objects.filter(pk=issue.pk, github_filing_started_at=now).update(
            github_filing_started_at=None
        )
    return github.dropped(payload, answer)
