"""What many test modules share: the golden examples' folder, the test users' password and
emptying what is kept per issue."""

from pathlib import Path

from django.core.cache import caches

EXAMPLES = Path(__file__).parent / "examples"
PASSWORD = "correct horse battery staple"


def clear_caches():
    """Nothing kept per issue (issues/issuecache.py): pages are computed."""
    for kept in caches.all():
        kept.clear()
