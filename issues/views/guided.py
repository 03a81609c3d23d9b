"""The guided form: write or edit an issue one template section at a time."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path

from issues.models import Issue

STEPS = ["overview", "details", "impact", "timeline", "review"]


def issue_new(request):
    return HttpResponse("Issue Overview")


def issue_step(request, pk, step):
    if step not in STEPS:
        raise Http404("No such step.")
    get_object_or_404(Issue, pk=pk)
    return HttpResponse(step)


def issue_edit(request, pk):
    issue = get_object_or_404(Issue.objects.exclude(status=Issue.DRAFT), pk=pk)
    return redirect("issue-step", issue.pk, STEPS[0])


def draft_list(request):
    return HttpResponse("Drafts")


urlpatterns = [
    path("issues/new/", issue_new, name="issue-new"),
    path("issues/drafts/", draft_list, name="draft-list"),
    path("issues/<int:pk>/edit/", issue_edit, name="issue-edit"),
    path("issues/<int:pk>/steps/<slug:step>/", issue_step, name="issue-step"),
]
