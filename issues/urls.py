"""Each feature module of issues.views owns its own URL patterns."""

from issues.views import admin_actions, browse, export, guided, tokens

urlpatterns = [
    *browse.urlpatterns,
    *guided.urlpatterns,
    *export.urlpatterns,
    *admin_actions.urlpatterns,
    *tokens.urlpatterns,
]
