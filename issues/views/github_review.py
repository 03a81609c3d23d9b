""" "Review GitHub changes": the body edited on GitHub beside dskit's, fields chosen one by one."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path

from issues import github_review, prepared
from issues.forms.tracking import posted_version
from issues.models import GitHubBodyChange
from issues.tracking import StaleIssue
from issues.views.browse import STALE


def github_changes(request, pk):
    issue = prepared.issue_with_rows(pk)
    change = GitHubBodyChange.objects.filter(issue=issue).first()
    if change is None:
        messages.info(request, "There are no changes from GitHub to review.")
        return redirect(issue)
    found, theirs, problem = github_review.differences(issue, change.body)
    problems = []
    if request.method == "POST":
        chosen = [d.key for d in found if request.POST.get(f"take_{d.key}") == "github"]
        try:
            problems = github_review.take(
                issue, request.user, posted_version(request), chosen, theirs
            )
        except StaleIssue:
            messages.error(request, STALE)
            return redirect("issue-github-changes", pk)
        if not problems:
            taken = ", ".join(d.label for d in found if d.key in chosen)
            messages.success(
                request,
                f"Took GitHub's {taken}."
                if taken
                else "Kept dskit's values; GitHub's edit is "
                'set aside ("Update on GitHub" sends dskit\'s issue back).',
            )
            return redirect(issue)
    ctx = {
        "issue": issue,
        "change": change,
        "differences": found,
        "problem": problem,
        "problems": problems,
    }
    return render(request, "issues/github_changes.html", ctx)


urlpatterns = [
    path("issues/<int:pk>/github-changes/", github_changes, name="issue-github-changes"),
]
