"""The profile page: the email address notifications go to, the GitHub login that Assignees
name, and which notifications to get."""

from django import forms

from issues.forms.guided import LOGIN_RE
from issues.models import Profile
from issues.notify import normalize_login


class ProfileForm(forms.ModelForm):
    email = forms.EmailField(
        label="Email", required=False, help_text="Where your notifications are sent."
    )

    class Meta:
        model = Profile
        fields = [
            "github_login",
            "notify_new_urgent",
            "notify_assigned",
            "notify_activity",
            "notify_digest",
        ]
        help_texts = {
            "github_login": "Issues whose Assignees name this login are yours (a leading @ is "
            "dropped).",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["email"].initial = user.email
        self.order_fields(["email"])

    def clean_github_login(self):
        login = normalize_login(self.cleaned_data["github_login"])
        if not login:
            return None
        if not LOGIN_RE.match(login):
            raise forms.ValidationError(
                "Not a valid GitHub login. A login has letters, digits and single hyphens "
                "(not at the start or end), at most 39 characters."
            )
        taken = Profile.objects.filter(github_login__iexact=login).exclude(user=self.user)
        if taken.exists():
            raise forms.ValidationError(f"The GitHub login “{login}” is already someone's.")
        return login

    def save(self, commit=True):
        self.user.email = self.cleaned_data["email"]
        self.user.save(update_fields=["email"])
        self.instance.user = self.user
        return super().save(commit)
