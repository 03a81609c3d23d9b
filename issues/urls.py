"""Each feature module of issues.views owns its own URL patterns."""

from issues.views import admin_actions, browse, export, guided, preview, quick

urlpatterns = [
    *quick.urlpatterns,
    *preview.urlpatterns,
    *browse.urlpatterns,
    *guided.urlpatterns,
    *export.urlpatterns,
    *admin_actions.urlpatterns,
]
