"""Each feature module of issues.views owns its own URL patterns."""

from issues.views import browse, export, guided

urlpatterns = [*browse.urlpatterns, *guided.urlpatterns, *export.urlpatterns]
