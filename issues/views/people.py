"""The pages of one person: their profile and what is theirs to do (My work)."""

import datetime

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path

from issues import deadlines
from issues.choices import OPEN_STATUSES
from issues.filters import assigned_to, github_login
from issues.forms.profile import ProfileForm
from issues.models import Issue, Profile
from issues.notify import profile_of

MY_WORK_LIMIT = 200


def profile(request):
    instance = profile_of(request.user)
    form = ProfileForm(request.POST or None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Profile saved.")
        return redirect("profile")
    return render(request, "issues/profile.html", {"form": form})


def _by_priority_and_due(issues):
    """!p0 first, then the earliest due date (none last), then the oldest."""
    far = datetime.date.max

    def key(issue):
        due = deadlines.due_date(issue.priority, issue.reported_date, issue.target_date)
        return (issue.priority, due or far, issue.pk)

    return sorted(issues, key=key)


def my_work(request):
    login = github_login(request)
    open_issues = Issue.objects.filter(status__in=OPEN_STATUSES)
    assigned = list(assigned_to(open_issues, login)[:MY_WORK_LIMIT]) if login else []
    reported = list(open_issues.filter(reporter=request.user).order_by("-id")[:MY_WORK_LIMIT])
    mine = {issue.pk: issue for issue in [*assigned, *reported]}
    overdue = [issue for issue in mine.values() if issue.is_overdue]
    ctx = {
        "login": login,
        "assigned": _by_priority_and_due(assigned),
        "reported": reported,
        "overdue": _by_priority_and_due(overdue),
        "drafts": Issue.objects.filter(status=Issue.Status.DRAFT, reporter=request.user).order_by(
            "-updated_at"
        )[:MY_WORK_LIMIT],
        "limit": MY_WORK_LIMIT,
        "has_profile": Profile.objects.filter(user=request.user).exists(),
    }
    return render(request, "issues/my_work.html", ctx)


urlpatterns = [
    path("accounts/profile/", profile, name="profile"),
    path("me/", my_work, name="my-work"),
]
