"""Quick issue (one screen, one POST) and closing an issue with a reason."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from issues import prepared
from issues.closing import close_issue
from issues.forms.focus import autofocus
from issues.forms.quick import CloseForm, QuickIssueForm
from issues.forms.tracking import posted_version
from issues.models import Issue
from issues.quick import create_quick_issue
from issues.tracking import StaleIssue
from issues.views.browse import STALE


def quick_issue(request):
    """One screen, one POST ("Create issue"); "Preview" shows the description rendered."""
    form = QuickIssueForm(request.POST or None)
    preview_field = request.POST.get("preview")
    if request.method == "POST" and not preview_field and form.is_valid():
        issue = create_quick_issue(form.to_dict(), reporter=request.user)
        messages.success(request, "Issue created. Fill in the other sections with Edit.")
        return redirect(issue)
    if not preview_field:
        autofocus(form)
    return render(request, "issues/quick.html", {"form": form, "preview_field": preview_field})


@require_POST
def issue_close(request, pk):
    issue = prepared.issue_with_rows(pk)
    form = CloseForm(request.POST)
    if issue.status == Issue.Status.CLOSED:
        messages.error(request, "This issue is already closed.")
        return redirect(issue)
    if not form.is_valid():
        messages.error(request, "Choose why the issue is closed: " + form.errors.as_text())
        return redirect(issue)
    try:
        close_issue(issue, request.user, posted_version(request), **form.cleaned_data)
    except StaleIssue:
        messages.error(request, STALE)
        return redirect(issue)
    messages.success(request, "Issue closed.")
    return redirect(issue)


urlpatterns = [
    path("issues/new/quick/", quick_issue, name="issue-quick"),
    path("issues/<int:pk>/close/", issue_close, name="issue-close"),
]
