"""Pages deep into a long list without reading every issue before them."""

from django.core.paginator import Paginator


class IdPaginator(Paginator):
    """Django's Paginator, fetching a page in two queries: its ids, then its issues.

    The ids of page 1,000 skip 49,950 entries of an index that holds the filter and the order
    (Issue.Meta.indexes: id and status for the default list) instead of 49,950 whole issues;
    the issues are then read by primary key. Every page costs the same two queries.
    """

    def page(self, number):
        page = super().page(number)
        ids = list(page.object_list.values_list("pk", flat=True))
        # The same queryset, narrowed to the page's ids: same columns, same order.
        page.object_list = self.object_list.filter(pk__in=ids)
        return page
