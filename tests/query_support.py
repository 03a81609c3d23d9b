"""How many queries each page makes, whatever the number of issues or rows
(tests/test_query_counts.py checks them; the page's own tests rely on them)."""

# session + user, the page's ids and versions with their count (at most COUNT_BOUND issues, a
# subquery of the same statement), the rows' values and their checklist progress (one grouped
# query), the user's drafts; a page past the first DIRECT_ROWS issues counts, then reads its
# ids first, then their versions (issues/pagination.py): two more
LIST_QUERIES = 6
DEEP_LIST_QUERIES = 8
# Each row kept for its issue's version (issues/issuecache.py): no values or checklist
# progress read
LIST_QUERIES_ROWS_KEPT = 4

# The issue page's queries: session + user, the version (issues/issuecache.py), the
# issue, its milestones, checklist items, updates, metrics, links, the people they name
# (issues/prepared.py), history; only the first three for a 304 and when the rows are in the
# cache (tests/test_issuecache.py).
DETAIL_QUERIES = 11

# session + user, the version, the issue, its milestones, checklist items, updates,
# metrics, links; only the first three for a 304 and when the document is in the cache
EXPORT_QUERIES = 9
