"""The issue page's forms: checklist ticks and items, updates, status.

Each form on the page also posts ``version`` (the issue's version it was rendered with);
the views read it with ``posted_version`` and ``issues.tracking`` refuses stale ones.
"""

from django import forms
from django.utils import timezone

from issues.markdown import normalize
from issues.tracking import STATUS_LABELS, TRANSITIONS


def posted_version(request):
    """The version a form was rendered with, or None when it is missing or malformed."""
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


class TicksForm(forms.Form):
    """The ticked items of one checklist (the form posts every checkbox of the list)."""

    done = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["done"].choices = [(item.pk, item.text) for item in items]


# The issue page writes its fields out (templates/issues/_field.html): Bootstrap's classes here.
CONTROL = {"class": "form-control"}


class ItemForm(forms.Form):
    text = forms.CharField(max_length=300, widget=forms.TextInput(attrs=CONTROL))

    def __init__(self, *args, checklist_label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = f"New item for the {checklist_label}"

    def clean_text(self):
        text = normalize(self.cleaned_data["text"])
        if "\n" in text:
            raise forms.ValidationError("An item is a single line.")
        return text


class UpdateForm(forms.Form):
    date = forms.DateField(
        label="Date",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date", **CONTROL}),
    )
    text = forms.CharField(
        label="Update",
        # data-markdown: Write/Preview tabs (static/js/shortcuts.js).
        widget=forms.Textarea(attrs={"rows": 3, "data-markdown": "", **CONTROL}),
        help_text="Progress, decisions and key findings. Markdown works (as on GitHub).",
    )

    def clean_text(self):
        text = normalize(self.cleaned_data["text"])
        if not text:
            raise forms.ValidationError("This field is required.")
        return text


class StatusForm(forms.Form):
    status = forms.ChoiceField()
    confirm = forms.BooleanField(required=False)

    def __init__(self, *args, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (status, STATUS_LABELS[status]) for status in TRANSITIONS.get(current, [])
        ]
