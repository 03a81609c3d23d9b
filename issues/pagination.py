"""Pages deep into a long list without reading every issue before them."""

from django.core.paginator import Page, Paginator
from django.db.models.expressions import RawSQL

from issues.prepared import count_rows, counting

ELLIPSIS = None  # where page numbers are left out in a page range


# Pages that start within this many issues are read in one query, with their rows: skipping
# so few whole rows costs less than a second query.
DIRECT_ROWS = 500
# A page whose start is this many pages or fewer before the counting bound is counted from its
# own ids (IdPaginator.counted_page).
NEAR_BOUND_PAGES = 4
# The key of the count that comes with each of a first page's rows.
COUNTED = "counted_up_to"


class IdPaginator(Paginator):
    """Django's Paginator, fetching a deep page in two queries: its ids, then its rows (dicts).

    The ids of page 1,000 skip 49,950 entries of an index that holds the filter and the order
    (Issue.Meta.indexes: id and status for the default list) instead of 49,950 whole issues;
    the rows are then read by primary key. The first pages (DIRECT_ROWS) are one query.

    ``count_up_to`` counts at most a bound: a list of 60,000 issues then says "more than
    10,000" and its page links stop after the pages around the current one, all of which exist.
    ``counted_page`` does both: for one of the first pages, in the statement that reads its rows
    (the count a subquery of it, run once); for a page that starts close to the bound, in one
    read of the index (its ids and those after it up to the bound); otherwise a count and then
    the page.
    """

    more = False  # more issues than were counted

    def __init__(self, object_list, per_page, *, values, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        # The fields each row (a dict) holds, "id" among them.
        self.values = values

    def _up_to(self, bound):
        """The SQL and parameters of the ids of at most ``bound`` + 1 issues of the list."""
        # Unordered: the planner may then start from the filter (a search's matches).
        ids = self.object_list.values("pk").order_by()[: bound + 1]
        # elide_empty=False: a filter that matches nothing (none()) is compiled, as "0 = 1".
        return ids.query.get_compiler(ids.db, elide_empty=False).as_sql()

    def _counted(self, counted, bound):
        self.more = counted > bound
        self.count = counted  # the cached_property, set
        return counted

    def count_up_to(self, bound):
        sql, params = self._up_to(bound)
        return self._counted(count_rows(sql, params, self.object_list.db), bound)

    def counted_page(self, number, bound):
        """Page ``number`` (the last page when there are fewer), the list counted up to
        ``bound`` issues."""
        start = (number - 1) * self.per_page
        if start + self.per_page <= DIRECT_ROWS:
            sql, params = self._up_to(bound)
            # Uncorrelated, the subquery is run once (PostgreSQL's InitPlan, SQLite's once).
            counted = RawSQL(counting(sql), params)  # noqa: S611 (compiled by the ORM)
            rows = list(
                self.object_list.values(*self.values).annotate(**{COUNTED: counted})[
                    start : start + self.per_page
                ]
            )
            if rows or number == 1:
                self._counted(rows[0][COUNTED] if rows else 0, bound)
                for row in rows:
                    del row[COUNTED]
                return Page(rows, number, self)
        elif DIRECT_ROWS < start < bound <= start + NEAR_BOUND_PAGES * self.per_page:
            ids = list(self.object_list.values_list("pk", flat=True)[start : bound + 1])
            if ids:
                self.count = start + len(ids)
                self.more = self.count > bound
                return Page(self._rows(ids[: self.per_page]), number, self)
        self.count_up_to(bound)
        return self.page(min(number, self.num_pages))

    def page(self, number):
        page = super().page(number)
        if page.start_index() <= DIRECT_ROWS:
            page.object_list = list(page.object_list.values(*self.values))
        else:
            page.object_list = self._rows(list(page.object_list.values_list("pk", flat=True)))
        return page

    def _rows(self, ids):
        """The rows of ``ids``, in that order: read by primary key, without the filters (a
        search would be run again) or the order."""
        rows = self.object_list.model.objects.values(*self.values).filter(pk__in=ids)
        by_id = {row["id"]: row for row in rows.order_by()}
        return [by_id[pk] for pk in ids if pk in by_id]

    def page_links(self, number, on_each_side=2):
        """Page numbers to link, ELLIPSIS where some are left out; when not every issue was
        counted, the last ones are unknown and an ELLIPSIS ends the range."""
        numbers = [
            n if isinstance(n, int) else ELLIPSIS
            for n in self.get_elided_page_range(number, on_each_side=on_each_side)
        ]
        if self.more:
            # The last pages are unknown: keep the numbers up to the current page's
            # neighbours, then say that more follow.
            numbers = [n for n in numbers if n is ELLIPSIS or n <= number + on_each_side]
            if numbers[-1] is ELLIPSIS:
                numbers.pop()
            numbers.append(ELLIPSIS)
        return numbers
