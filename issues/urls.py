"""Each feature module of issues.views owns its own URL patterns."""

from issues.views import admin_actions, browse, export, guided, insights, people

urlpatterns = [
    *browse.urlpatterns,
    *guided.urlpatterns,
    *export.urlpatterns,
    *admin_actions.urlpatterns,
    *people.urlpatterns,
    *insights.urlpatterns,
]
