"""The widgets written in Python (issues/widgets.py) write what Django's templates write."""

import datetime
import re

import pytest
from django import forms

from issues.widgets import QuickDateInput, QuickSelect, QuickTextarea, QuickTextInput

CHOICES = [("", "Any"), ("p0", "!p0 <urgent>"), (1, 'one & "two"')]
ATTRS = [
    None,
    {
        "class": "form-control is-invalid",
        "id": "id_x",
        "required": True,
        "aria-describedby": "id_x_helptext id_x_error",
        "maxlength": 10,
        "disabled": False,
        "data-note": "a<b\"c'",
    },
]
WIDGETS = [
    (forms.TextInput(), QuickTextInput(), ["", None, "a<b\"&'", 5, "  spaced  "]),
    (
        forms.DateInput(attrs={"type": "date"}),
        QuickDateInput(attrs={"type": "date"}),
        [None, "", datetime.date(2026, 1, 2), "2026-13-01"],
    ),
    (
        forms.Textarea(attrs={"rows": 3}),
        QuickTextarea(attrs={"rows": 3}),
        [None, "", "0", "x</textarea><script>", "line\nline", "\nleading newline"],
    ),
    (
        forms.Select(choices=CHOICES),
        QuickSelect(choices=CHOICES),
        [None, "", "p0", "1", 1, "not a choice", ["p0"]],
    ),
]


@pytest.mark.parametrize(
    ("django_widget", "quick_widget", "value", "attrs"),
    [
        (django_widget, quick_widget, value, attrs)
        for django_widget, quick_widget, values in WIDGETS
        for value in values
        for attrs in ATTRS
    ],
)
def test_a_quick_widget_writes_what_djangos_writes(django_widget, quick_widget, value, attrs):
    """The same HTML, but for the blank lines Django's select template leaves between options."""
    expected = django_widget.render("field<name>", value, attrs=attrs)
    written = quick_widget.render("field<name>", value, attrs=attrs)
    assert tags_together(written) == tags_together(expected)


def tags_together(html):
    return re.sub(r">\s+<", "><", html)
