"""The issue list's filters (django-filter); every query parameter is documented in the README.

Keys and values come from an allow-list: a value that is not allowed is ignored and
reported in ``IssueFilter.notes`` (shown on the page), never an error.
"""

import copy

import django_filters
from django import forms
from django.db import connections
from django.db.models import BooleanField, F
from django.db.models.expressions import RawSQL
from django.utils import timezone

from issues import deadlines, search
from issues.choices import LISTED_STATUSES, OPEN_STATUSES
from issues.models import Issue
from issues.widgets import QuickSelect, QuickTextInput

LIST_STATUS_CHOICES = [(status, status.label) for status in LISTED_STATUSES]

# The assignees JSON list holds the login: PostgreSQL's jsonb @>, SQLite's json_each.
SQLITE_ASSIGNEE = (
    'EXISTS (SELECT 1 FROM json_each("issues_issue"."assignees") WHERE json_each.value = %s)'
)

# Each sort key with the words for its two directions (``-key`` is the second).
SORT_FIELDS = {
    "priority": ("Priority, !p0 first", "Priority, !p3 first"),
    "reported_date": ("Reported Date, oldest first", "Reported Date, newest first"),
    "target_date": (
        "Target Resolution Date, earliest first",
        "Target Resolution Date, latest first",
    ),
    "updated_at": ("Last updated, longest ago first", "Last updated, most recent first"),
    "name": ("Issue Name, A to Z", "Issue Name, Z to A"),
}


def assigned_to(queryset, login):
    """The issues whose Assignees hold ``login`` (none for no login)."""
    if not login:
        return queryset.none()
    if connections[queryset.db].vendor == "postgresql":
        return queryset.filter(assignees__contains=[login])
    matches = RawSQL(  # noqa: S611 (constant SQL; the login is a parameter)
        SQLITE_ASSIGNEE, (login,), output_field=BooleanField()
    )
    return queryset.filter(matches)


def github_login(request):
    """The requesting user's GitHub login (their profile page), or None."""
    profile = getattr(getattr(request, "user", None), "profile", None) if request else None
    return profile.github_login if profile else None


def _nulls_last(key):
    """Issues without a Target Resolution Date come after those with one, either way."""
    if key.lstrip("-") != "target_date":
        return key
    target = F("target_date")
    return target.desc(nulls_last=True) if key.startswith("-") else target.asc(nulls_last=True)


class SharedDefinitions(dict):
    """IssueFilter's filters, or its form's fields, copied for each request one by one, not deep.

    django-filter deep-copies the filters for each filter set, and Django the fields for each
    form, choices included: most of the cost of setting up the list's filtering (README
    "Performance"). Nothing here changes a filter or a field once defined, so the copies share
    what they never change (choices, labels, validators); a field's widget is copied with its
    attributes, which a view may set (autofocus), and a filter's ``method`` is bound to the copy."""

    def __deepcopy__(self, memo):
        copies = {}
        for name, definition in self.items():
            copied = copy.copy(definition)
            if isinstance(copied, django_filters.Filter) and copied.method is not None:
                copied.method = copied.method  # django-filter's setter binds it to this filter
            if isinstance(copied, forms.Field):
                copied.widget = copy.copy(copied.widget)
                copied.widget.attrs = {**copied.widget.attrs}
            copies[name] = copied
        return copies


class IssueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        widget=QuickTextInput,
        label="Search",
        method="filter_search",
        max_length=200,
        help_text="Issue Name, Issue Description, Related Model/Project, ML Framework/Libraries "
        "and Data Involved.",
    )
    priority = django_filters.ChoiceFilter(
        widget=QuickSelect,
        label="Priority",
        choices=Issue.Priority.choices,
        empty_label="Any priority",
    )
    type = django_filters.ChoiceFilter(
        widget=QuickSelect,
        label="Type of Issue",
        choices=Issue.Type.choices,
        empty_label="Any type",
    )
    environment = django_filters.ChoiceFilter(
        widget=QuickSelect,
        label="Environment",
        choices=Issue.Environment.choices,
        empty_label="Any environment",
    )
    status = django_filters.ChoiceFilter(
        widget=QuickSelect,
        label="Status",
        choices=[*LIST_STATUS_CHOICES, ("all", "All")],
        empty_label="Open and in progress",
        method="filter_status",
    )
    reporter = django_filters.ChoiceFilter(
        widget=QuickSelect,
        label="Reporter",
        choices=[("mine", "Me")],
        empty_label="Anyone",
        method="filter_reporter",
    )
    assignee = django_filters.CharFilter(
        label="Assignee", method="filter_assignee", max_length=100, widget=QuickTextInput
    )
    overdue = django_filters.ChoiceFilter(
        widget=QuickSelect,
        label="Overdue",
        choices=[("1", "Overdue only")],
        empty_label="Any target date",
        method="filter_overdue",
    )
    due = django_filters.ChoiceFilter(
        widget=QuickSelect,
        label="Deadline",
        choices=[("soon", "Due soon"), ("overdue", "Overdue")],
        empty_label="Any deadline",
        method="filter_due",
    )
    filed = django_filters.ChoiceFilter(
        widget=QuickSelect,
        label="Filed on GitHub",
        choices=[("1", "Filed"), ("0", "Not filed")],
        empty_label="Filed or not",
        method="filter_filed",
    )
    sort = django_filters.OrderingFilter(
        widget=QuickSelect,
        label="Sort by",
        choices=[
            choice
            for key, (ascending, descending) in SORT_FIELDS.items()
            for choice in ((key, ascending), (f"-{key}", descending))
        ],
        empty_label="Newest first",
    )

    class Meta:
        model = Issue
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        # No data is an empty query string: the default list, by ``filter_queryset``.
        data = {} if data is None else data
        super().__init__(data, queryset, request=request, **kwargs)

    def get_form_class(self):
        """The form class, made once: django-filter makes it anew for each request, though its
        fields come from the filters' definitions alone (a fifth of the list's filtering)."""
        cls = type(self)
        if "form_class" not in cls.__dict__:
            cls.form_class = super().get_form_class()
            cls.form_class.base_fields = SharedDefinitions(cls.form_class.base_fields)
        return cls.form_class

    def filter_search(self, queryset, name, value):
        return search.matching(queryset, value)

    def filter_status(self, queryset, name, value):
        if value == "all":
            return queryset.listed()
        return queryset.filter(status=value)

    def filter_reporter(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            return queryset.none()
        return queryset.filter(reporter=user)

    def filter_assignee(self, queryset, name, value):
        if value.strip() == "me":
            return assigned_to(queryset, github_login(self.request))
        return assigned_to(queryset, value.strip().removeprefix("@"))

    def filter_overdue(self, queryset, name, value):
        return queryset.past_target(timezone.localdate())

    def filter_due(self, queryset, name, value):
        if value == "soon":
            return queryset.filter(deadlines.due_soon_q())
        return queryset.overdue(timezone.localdate())

    def filter_filed(self, queryset, name, value):
        return queryset.filter(github_number__isnull=value == "0")

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(status__in=OPEN_STATUSES)
        queryset = super().filter_queryset(queryset)
        if self.form.cleaned_data.get("sort"):
            # A stable order, so that no issue shows on two pages.
            return queryset.order_by(*map(_nulls_last, queryset.query.order_by), "-id")
        return queryset.order_by("-id")

    @property
    def notes(self):
        """What was ignored in the query string, in words a user can act on."""
        known = {*self.filters, "page"}
        notes = [f"Ignored unknown parameter “{key}”." for key in self.data if key not in known]
        for name, errors in self.form.errors.items():
            field = self.form.fields[name]
            value = self.data.get(name, "")
            shown = value if len(value) <= 40 else value[:40] + "…"
            why = "not one of the allowed values" if hasattr(field, "choices") else errors[0]
            notes.append(f"Ignored {field.label} “{shown}”: {why.rstrip('.')}.")
        return notes


IssueFilter.base_filters = SharedDefinitions(IssueFilter.base_filters)
