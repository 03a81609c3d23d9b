"""The issue list and the issue page."""

from django.shortcuts import get_object_or_404, render
from django.urls import path

from issues import markdown
from issues.models import Issue
from issues.serialization import issue_to_dict


def issue_list(request):
    issues = Issue.objects.exclude(status=Issue.DRAFT)[:50]
    return render(request, "issues/list.html", {"issues": issues})


def issue_detail(request, pk):
    issue = get_object_or_404(
        Issue.objects.exclude(status=Issue.DRAFT).prefetch_related(
            "milestones", "checklist_items", "updates"
        ),
        pk=pk,
    )
    ctx = {"issue": issue, "body": markdown.render_body(issue_to_dict(issue))}
    return render(request, "issues/detail.html", ctx)


urlpatterns = [
    path("", issue_list, name="issue-list"),
    path("issues/<int:pk>/", issue_detail, name="issue-detail"),
]
