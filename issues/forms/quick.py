"""The Quick issue form: the fields that matter at 2 a.m., on one screen."""

from django import forms

from issues import template
from issues.closing import CLOSE_REASONS
from issues.forms.guided import DetailsForm, OverviewForm, StepForm
from issues.models import Issue
from issues.serialization import normalize

# "!p0: Critical priority. Must be addressed immediately, …": each choice with its meaning.


class QuickIssueForm(StepForm):
    keys = ("name", "priority", "type", "environment", "related_project", "description")

    name = OverviewForm.base_fields["name"]
    priority = forms.ChoiceField(
        label="Priority",
        choices=[
            (value, f"{label}: {template.PRIORITY_MEANINGS[value]}")
            for value, label in Issue.Priority.choices
        ],
        widget=forms.RadioSelect,
    )
    type = OverviewForm.base_fields["type"]
    environment = DetailsForm.base_fields["environment"]
    related_project = OverviewForm.base_fields["related_project"]
    description = DetailsForm.base_fields["description"]

    def __init__(self, data=None, **kwargs):
        super().__init__(data, issue_data={}, **kwargs)


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label="Reason", choices=CLOSE_REASONS, widget=forms.RadioSelect)
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=500,
        help_text="e.g. the issue this one duplicates",
    )

    def clean_note(self):
        return normalize(self.cleaned_data["note"]).replace("\n", " ")
