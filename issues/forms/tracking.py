"""The issue page's forms: checklist ticks and items, updates, status.

Each form on the page also posts ``version`` (the issue's version it was rendered with);
the views read it with ``posted_version`` and ``issues.tracking`` refuses stale ones.
"""

from django import forms
from django.utils import timezone

from issues.forms import ascii_int
from issues.limits import CHECKLIST_ITEM_MAX_LENGTH, UPDATE_MAX_LENGTH
from issues.serialization import normalize
from issues.tracking import STATUS_LABELS, TRANSITIONS, github_overflow
from issues.widgets import QuickDateInput, QuickTextarea, QuickTextInput


def posted_version(request):
    """The version a form was rendered with, or None when it is missing or malformed."""
    return ascii_int(request.POST.get("version"))


class TicksForm(forms.Form):
    """The ticked items of one checklist (the form posts every checkbox of the list)."""

    done = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["done"].choices = [(item.pk, item.text) for item in items]


def too_long_for_github(form, field, issue_data):
    """Refuse at ``field`` a change that would make the issue's body (``issue_data`` with
    the change made) longer than GitHub takes."""
    overflow = github_overflow(issue_data)
    if overflow:
        form.add_error(field, overflow)


class ItemForm(forms.Form):
    """A new item of one checklist (``checklist_key``: its JSON form key)."""

    text = forms.CharField(max_length=CHECKLIST_ITEM_MAX_LENGTH, widget=QuickTextInput)

    def __init__(self, *args, checklist_label, checklist_key=None, issue_data=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = f"New item for the {checklist_label}"
        self.checklist_key, self.issue_data = checklist_key, issue_data

    def clean(self):
        cleaned = super().clean()
        if not self.errors and self.issue_data is not None:
            items = [*self.issue_data[self.checklist_key], {"text": cleaned["text"], "done": False}]
            too_long_for_github(self, "text", {**self.issue_data, self.checklist_key: items})
        return cleaned

    def as_typed(self, data):
        """The same form, unbound, showing what was typed: "Preview" checks and saves nothing."""
        self.initial = {name: data.get(self.add_prefix(name), "") for name in self.fields}
        return self

    def clean_text(self):
        text = normalize(self.cleaned_data["text"])
        if "\n" in text:
            raise forms.ValidationError("An item is a single line.")
        return text


class UpdateForm(forms.Form):
    date = forms.DateField(
        label="Date",
        initial=timezone.localdate,
        widget=QuickDateInput(attrs={"type": "date"}),
    )
    text = forms.CharField(
        label="Update",
        max_length=UPDATE_MAX_LENGTH,
        widget=QuickTextarea(attrs={"rows": 3}),
        help_text="Progress, decisions and key findings.",
        error_messages={
            "max_length": f"An update is at most {UPDATE_MAX_LENGTH:,} characters "
            "(this one has %(show_value)d)."
        },
    )

    def __init__(self, *args, issue_data=None, replacing=None, **kwargs):
        """``issue_data``: the issue's JSON form, to check the body's length with this update
        added (or put in place of update number ``replacing``)."""
        super().__init__(*args, **kwargs)
        self.issue_data, self.replacing = issue_data, replacing

    def as_typed(self, data):
        """The same form, unbound, showing what was typed: "Preview" checks and saves nothing."""
        self.initial = {name: data.get(self.add_prefix(name), "") for name in self.fields}
        return self

    def clean_text(self):
        text = normalize(self.cleaned_data["text"])
        if not text:
            raise forms.ValidationError("This field is required.")
        return text

    def clean(self):
        cleaned = super().clean()
        if not self.errors and self.issue_data is not None:
            updates = list(self.issue_data["updates"])
            update = {"date": cleaned["date"].isoformat(), "text": cleaned["text"]}
            if self.replacing is None:
                updates.append(update)
            else:
                updates[self.replacing] = update
            too_long_for_github(self, "text", {**self.issue_data, "updates": updates})
        return cleaned


class StatusForm(forms.Form):
    status = forms.ChoiceField()
    confirm = forms.BooleanField(required=False)

    def __init__(self, *args, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (status, STATUS_LABELS[status]) for status in TRANSITIONS.get(current, [])
        ]
