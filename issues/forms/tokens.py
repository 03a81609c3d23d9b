from django import forms

from issues.models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=100, help_text="What uses it, e.g. Alertmanager."
    )
    scopes = forms.MultipleChoiceField(
        label="Scopes",
        choices=ApiToken.SCOPE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        initial=[ApiToken.READ],
    )
    expires_days = forms.IntegerField(
        label="Expires after (days)",
        required=False,
        min_value=1,
        max_value=3650,
        help_text="Leave empty for a token that does not expire.",
    )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("This field is required.")
        return name
