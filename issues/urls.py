"""Each feature module of issues.views owns its own URL patterns."""

from issues.views import browse, guided

urlpatterns = [*browse.urlpatterns, *guided.urlpatterns]
