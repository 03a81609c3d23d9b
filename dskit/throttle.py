"""Login throttling: failed logins counted per username and per client address.

After ``DSKIT_LOGIN_FAILURE_LIMIT`` failures for one username (from any address), or from one
address (for any username), within ``DSKIT_LOGIN_COOLOFF_MINUTES``, logging in is refused. A
successful login clears only that username's failures from that address; signing up clears
nothing. (django-axes, used before, clears every record of the address on any success,
sign-up included, so one account of one's own let anyone guess another's password without
limit; none of its settings counts the two ways and resets one way.)
"""

import ipaddress
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from issues.models import LoginFailure

LOCKOUT_MESSAGE = (
    "Too many failed login attempts for this account or from this address. "
    "Logging in is blocked for a while; please try again later."
)
LOCKED_OUT = "locked_out"


def client_address(request):
    """The client's address: REMOTE_ADDR, or behind ``DSKIT_PROXY_COUNT`` proxies the one
    they saw, the N-th from the right of X-Forwarded-For (the client's own entries to its
    left are not trusted)."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.DSKIT_PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return "unknown"


def _since():
    return timezone.now() - timedelta(minutes=settings.DSKIT_LOGIN_COOLOFF_MINUTES)


def begin_attempt(username, address):
    """Count this attempt as a failure until it succeeds; None when it is refused."""
    LoginFailure.objects.filter(at__lt=_since() - timedelta(days=1)).delete()
    attempt = LoginFailure.objects.create(username=username, address=address)
    recent = LoginFailure.objects.filter(at__gte=_since())
    limit = settings.DSKIT_LOGIN_FAILURE_LIMIT
    # Rows are committed before they are counted, so of concurrent attempts at most the
    # limit see a count within it.
    if (
        recent.filter(username=username).count() > limit
        or recent.filter(address=address).count() > limit
    ):
        attempt.delete()
        return None
    return attempt


def succeeded(username, address):
    """A successful login clears that username's failures from that address, no others."""
    LoginFailure.objects.filter(Q(username=username) & Q(address=address)).delete()


class ThrottledLoginMixin:
    """For an AuthenticationForm: refuses while locked out, counts failures."""

    def clean(self):
        username = self.cleaned_data.get("username")
        if not username or not self.cleaned_data.get("password"):
            return super().clean()
        username = username[: LoginFailure._meta.get_field("username").max_length]
        address = client_address(self.request)
        if begin_attempt(username, address) is None:
            raise ValidationError(LOCKOUT_MESSAGE, code=LOCKED_OUT)
        cleaned = super().clean()
        succeeded(username, address)
        return cleaned


class ThrottledAuthenticationForm(ThrottledLoginMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass


class ThrottledLoginView(LoginView):
    """The login page; a refused login gets it again with 429 Too Many Requests."""

    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def get_redirect_url(self):
        """``next``, unless it is the login page itself (a loop for a logged-in user)."""
        url = super().get_redirect_url()
        if url and urlsplit(url).path == self.request.path:
            return ""
        return url

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error("__all__", LOCKED_OUT):
            response.status_code = 429
        return response
