"""Widgets of our own."""

from html import escape

from django import forms
from django.utils.safestring import mark_safe


def attributes(attrs):
    """Attributes as Django's attrs.html writes them: in order, True as a bare name, False
    left out."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class QuickSelect(forms.Select):
    """A <select> of plain options, written in Python.

    Django's Select renders a template for the select and one for each option: the issue
    list's filters have 45 options in nine selects, which was a fifth of the page
    (README "Performance").
    """

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = "".join(
            f'<option value="{escape(str(option))}"'
            f"{' selected' if str(option) in chosen else ''}>{escape(str(label))}</option>"
            for option, label in self.choices
        )
        written = attributes(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{escape(name)}"{written}>{options}</select>')  # noqa: S308


class QuickInput:
    """An <input> written in Python, as QuickSelect is: the HTML of Django's input template,
    which costs as much as a select's (README "Performance")."""

    def render(self, name, value, attrs=None, renderer=None):
        value = self.format_value(value)
        shown = "" if value is None else f' value="{escape(str(value))}"'
        written = attributes(self.build_attrs(self.attrs, attrs))
        return mark_safe(  # noqa: S308
            f'<input type="{self.input_type}" name="{escape(name)}"{shown}{written}>'
        )


class QuickTextInput(QuickInput, forms.TextInput):
    pass


class QuickDateInput(QuickInput, forms.DateInput):
    pass


class QuickTextarea(forms.Textarea):
    """Django's Textarea, written in Python (see QuickInput)."""

    def render(self, name, value, attrs=None, renderer=None):
        value = self.format_value(value)
        written = attributes(self.build_attrs(self.attrs, attrs))
        return mark_safe(  # noqa: S308
            f'<textarea name="{escape(name)}"{written}>\n{escape(value or "")}</textarea>'
        )
