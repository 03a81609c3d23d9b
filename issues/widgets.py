"""Widgets of our own."""

from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe


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
            f'{" selected" if str(option) in chosen else ""}>{escape(str(label))}</option>'
            for option, label in self.choices
        )
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{escape(name)}"{attributes}>{options}</select>')  # noqa: S308


class QuickTextInput(forms.TextInput):
    """Django's TextInput, written in Python as QuickSelect is (its template costs as much as
    a select's): the same HTML."""

    def render(self, name, value, attrs=None, renderer=None):
        value = self.format_value(value)
        shown = "" if value is None else f' value="{escape(str(value))}"'
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(  # noqa: S308
            f'<input type="{self.input_type}" name="{escape(name)}"{shown}{attributes}>'
        )
