"""Login throttling with django-axes: the backend and the page a refused login gets."""

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.shortcuts import render

LOCKOUT_MESSAGE = (
    "Too many failed login attempts for this account or from this address. "
    "Logging in is blocked for a while; please try again later."
)


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuses logins while an account or an address is locked out.

    Axes counts failures per username and client address, so it needs the request. A call
    without one (the test client's login(), a shell) has no address and comes from code,
    not from the web: it is left to the next backend instead of raising.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class LockedOutForm(AuthenticationForm):
    """The login form showing the refusal; it never authenticates (that would count again)."""

    def clean(self):
        raise ValidationError(LOCKOUT_MESSAGE, code="locked_out")


def lockout_response(request, original_response=None, credentials=None):
    """The login page again, with the refusal as the form's error (429 Too Many Requests)."""
    form = LockedOutForm(request, data=request.POST)
    form.is_valid()
    return render(request, "registration/login.html", {"form": form}, status=429)
