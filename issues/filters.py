"""The issue list's filters (django-filter); every query parameter is documented in the README."""

import django_filters

from issues.models import Issue

OPEN_STATUSES = [Issue.OPEN, Issue.IN_PROGRESS]


class IssueFilter(django_filters.FilterSet):
    status = django_filters.CharFilter(method="filter_status")

    class Meta:
        model = Issue
        fields = ["status"]

    def filter_status(self, queryset, name, value):
        if value == "all":
            return queryset
        return queryset.filter(status=value)

    @property
    def qs(self):
        queryset = super().qs.exclude(status=Issue.DRAFT)
        if not self.data.get("status"):
            queryset = queryset.filter(status__in=OPEN_STATUSES)
        return queryset
