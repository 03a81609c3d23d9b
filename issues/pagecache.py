"""The issue list's pages and the issue page's data, cached until anything they show changes.

At 100,000 issues a list page costs 15–20 ms to compute (counting 60,000 open issues alone
takes 5 ms; a search, or the ids of page 1,000, more), and loading an issue page's rows costs
7 queries; both cost far less from memory. What they show can only change when a row of one
of ``WATCHED`` tables (or a user's name) is inserted, updated or deleted. Database triggers
write a new value into the single ``PageStamp`` row whenever that happens, in the same
transaction, so the new value is visible exactly when the change is, and each result is
cached (Django's cache, each process its own) under its key and that value. Triggers rather
than signals, so that ``bulk_create``, ``QuerySet.update`` and raw SQL count too.

A stamp is never handed out twice, even after a rollback: PostgreSQL writes the next value
of a sequence (migration 0010), SQLite a random 64-bit number. The stamp is read before the
result is computed, so a cached result is never older than the stamp it is kept under.
SQLite writes a new stamp with every row; PostgreSQL once a transaction, so a transaction that
has written it reads no cache and fills none (``stamp`` returns None) until it ends.

On PostgreSQL the stamp's row stays locked from a change until its transaction ends, so
writing transactions take turns at that point; each of this app's touches one issue and ends
within milliseconds.
"""

import hashlib

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connections

STAMP_ID = 1
# What the list and the issue page show, besides the user table (the names of reporters,
# authors and editors).
WATCHED = [
    "issues_issue",
    "issues_checklistitem",
    "issues_milestone",
    "issues_update",
    "issues_issuechange",
]
# SQLite's triggers, made after every migrate for the reason issues/search.py gives.
SQLITE_NEW_STAMP = "UPDATE issues_pagestamp SET value = random() WHERE id = 1;"  # STAMP_ID


def sqlite_triggers():
    return [
        f"""CREATE TRIGGER IF NOT EXISTS issues_page_stamp_{table}_{event.lower()}
            AFTER {event} ON {table} BEGIN {SQLITE_NEW_STAMP} END"""
        for table in [*WATCHED, get_user_model()._meta.db_table]
        for event in ("INSERT", "UPDATE", "DELETE")
    ]


def stamp(using="default"):
    """The current stamp, or None (nothing cached) when its row is missing or this
    transaction wrote it (PostgreSQL: see the module docstring)."""
    connection = connections[using]
    written_here = (
        "xmin = pg_current_xact_id_if_assigned()::xid" if connection.vendor == "postgresql" else "0"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT value, {written_here} FROM issues_pagestamp WHERE id = %s",  # noqa: S608
            [STAMP_ID],
        )
        row = cursor.fetchone()
    return row[0] if row and not row[1] else None


def cached(key, compute, using="default"):
    """``compute()``, or what it returned for the same ``key`` under the current stamp."""
    current = stamp(using)
    if current is None:
        return compute()
    digest = hashlib.sha256(repr((using, key)).encode()).hexdigest()
    cache_key = f"page:{digest}:{current}"
    found = cache.get(cache_key)
    if found is None:
        found = compute()
        cache.set(cache_key, found, timeout=None)
    return found


def ensure_stamp(using="default", **kwargs):
    """After migrate or flush: the stamp's row, and on SQLite its triggers."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if "issues_pagestamp" not in connection.introspection.table_names(cursor):
            return
        cursor.execute("SELECT 1 FROM issues_pagestamp WHERE id = %s", [STAMP_ID])
        if cursor.fetchone() is None:
            cursor.execute("INSERT INTO issues_pagestamp (id, value) VALUES (%s, 0)", [STAMP_ID])
        if connection.vendor == "sqlite":
            for sql in sqlite_triggers():
                cursor.execute(sql)
