"""Per-issue caching under ``Issue.version``: conditional GETs and rows kept per version.

Every write that changes what an issue's page, ``export.md`` or ``body.md`` shows bumps the
issue's version in the same transaction (``issues.tracking.tracked_change``, the guided form's
"Save changes", filing on GitHub). So a view reads the version first (one primary-key query)
and then:

* answers ``If-None-Match`` with 304 when the ETag built from that version (and, for a page,
  from who is asking) still matches: nothing else is read or rendered;
* keeps what it computes in Django's cache (each process's memory) under the issue's id and
  that version. The version is read before the rows, so an entry is never older than the
  version it is kept under; after a write the next request reads the new version and so a
  new key, on every worker (read your writes). Nothing is kept under a key without an issue.

The issue list keeps each issue's row the same way (``cached_many``), in a cache of its own
(``ROWS``), so that browsing the list does not push the issue pages out.
"""

import hashlib

from django.contrib import messages
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.http import Http404
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control

from issues import github
from issues.models import Issue
from issues.prepared import planned_once


class KeptInMemory(LocMemCache):
    """Django's local-memory cache (settings.CACHES) without its check that every key would
    also suit memcached: a loop in Python over each key's characters, most of the time a list
    page spends reading its kept rows (README "Performance"). The keys here are this module's
    own, short and ASCII (``issue:<id>:<version>:<name>``), and memory takes any key."""

    def validate_key(self, key):
        pass


# One primary-key lookup, asked on every issue page and export: plain SQL, as the ORM's
# building of the query would cost more than the query (prepared on PostgreSQL).
VERSION_SQL = f"SELECT version FROM {Issue._meta.db_table} WHERE id = %s AND status <> %s"  # noqa: S608


def current_version(pk):
    """The version of published issue ``pk``; Http404 for a draft or a missing issue."""
    with planned_once(connection.alias), connection.cursor() as cursor:
        cursor.execute(VERSION_SQL, [pk, Issue.Status.DRAFT])
        row = cursor.fetchone()
    if row is None:
        raise Http404("No such issue.")
    return row[0]


def cached(pk, version, name, compute):
    """``compute()``, kept under the issue's id and version."""
    key = f"issue:{pk}:{version}:{name}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, timeout=None)
    return found


# The list's rows: settings.CACHES["rows"].
ROWS = "rows"


def cached_many(versions, name, compute):
    """{id: value} for the issues of ``versions`` ({id: version}): those kept under their id
    and version, and ``compute(ids)`` ({id: value}) for the others, kept from then on."""
    rows = caches[ROWS]
    keys = {pk: f"issue:{pk}:{version}:{name}" for pk, version in versions.items()}
    found = rows.get_many(keys.values())
    values = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [pk for pk in keys if pk not in values]
    if missing:
        computed = compute(missing)
        rows.set_many({keys[pk]: value for pk, value in computed.items()}, timeout=None)
        values.update(computed)
    return values


def document_etag(pk, version):
    """The ETag of an export: the same bytes for everyone at one version."""
    return f'"{pk}-{version}"'


def page_etag(request, pk, version):
    """The ETag of an issue page: its version, and what else the page shows differs by.

    The user (their own updates' "Correct" links, staff's Delete button), the CSRF secret the
    forms' tokens are made from, the day (overdue), whether GitHub is set up and its
    repository. None while messages wait to be shown, so that a message is never lost behind
    a 304.
    """
    if len(messages.get_messages(request)):
        return None
    get_token(request)  # the secret this page's tokens come from, made now if it is new
    parts = (
        pk,
        version,
        request.user.pk,
        request.user.is_staff,
        request.META.get("CSRF_COOKIE", ""),
        timezone.localdate().isoformat(),
        ",".join(github.missing_settings()),
        github.repository(),
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:20]
    return f'"{pk}-{version}-{digest}"'


def not_modified(request, etag):
    """The 304 answer when the client's copy is still current, else None."""
    if etag is None:
        return None
    return get_conditional_response(request, etag=etag)


def with_etag(response, etag):
    """The response, marked to be revalidated on every use (a write changes the ETag)."""
    if etag is not None:
        response["ETag"] = etag
    patch_cache_control(response, private=True, no_cache=True)
    return response
