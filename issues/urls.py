"""Each feature module of issues.views owns its own URL patterns."""

from issues.views import (
    admin_actions,
    browse,
    export,
    github_review,
    guided,
    importing,
    insights,
    people,
    preview,
    quick,
    tokens,
    webhook,
)

urlpatterns = [
    *quick.urlpatterns,
    *preview.urlpatterns,
    *browse.urlpatterns,
    *guided.urlpatterns,
    *export.urlpatterns,
    *admin_actions.urlpatterns,
    *webhook.urlpatterns,
    *github_review.urlpatterns,
    *importing.urlpatterns,
    *people.urlpatterns,
    *insights.urlpatterns,
    *tokens.urlpatterns,
]
