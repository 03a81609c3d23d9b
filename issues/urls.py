"""Each feature module of issues.views owns its own URL patterns."""

from issues.views import browse

urlpatterns = [*browse.urlpatterns]
