"""Staff-only actions on issues: deleting one (Django's admin can do more)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path

from issues.models import Issue


def issue_delete(request, pk):
    """GET asks for confirmation, POST deletes the issue with its checklists, updates and history."""
    if not request.user.is_staff:
        raise PermissionDenied("Only staff can delete issues.")
    issue = get_object_or_404(Issue, pk=pk)
    if request.method == "POST":
        label = str(issue)
        issue.delete()
        messages.success(request, f"Issue {label} deleted.")
        return redirect("issue-list")
    return render(request, "issues/delete_confirm.html", {"issue": issue})


urlpatterns = [
    path("issues/<int:pk>/delete/", issue_delete, name="issue-delete"),
]
