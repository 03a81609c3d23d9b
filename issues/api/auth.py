"""Who calls the API: a Bearer token with its scopes, or the browser's session.

Token requests skip CSRF (a token is not sent by the browser on its own); session requests
are checked by django-ninja's SessionAuth. Each token request counts towards the token's
rate; past it the answer is 429 with Retry-After.
"""

from django.conf import settings
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from issues.api.problems import Problem
from issues.models import ApiToken
from issues.tokens import find_token

# A browser session may read and write; intake is for machines (tokens) only.
SESSION_SCOPES = {ApiToken.READ, ApiToken.WRITE}


class TokenAuth(HttpBearer):
    def __init__(self, scope):
        self.scope = scope
        super().__init__()

    def __call__(self, request):
        # HttpBearer would log a header of another scheme in DEBUG: a secret must never be logged.
        scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not secret:
            return None
        return self.authenticate(request, secret.strip())

    def authenticate(self, request, token):
        found = find_token(token)
        if found is None:
            raise Problem(
                401,
                "The token is unknown, revoked or expired.",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        if self.scope not in found.scopes:
            raise Problem(403, f"The token lacks the scope “{self.scope}”.")
        count_request(found)
        request.user = found.user
        return found


class SessionScopeAuth(SessionAuth):
    def __init__(self, scope):
        self.scope = scope
        super().__init__()

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None and self.scope not in SESSION_SCOPES:
            raise Problem(403, f"The scope “{self.scope}” needs a token, not a browser session.")
        return user


def count_request(token):
    """Count one request in the token's current minute; 429 past its rate.

    One conditional UPDATE of the token's own row: no other token's requests wait for it.
    """
    now = timezone.now()
    minute = now.replace(second=0, microsecond=0)
    rate = token.rate_per_minute or settings.DSKIT_API_RATE_PER_MINUTE
    counted = (
        ApiToken.objects.filter(pk=token.pk)
        .filter(~Q(rate_minute=minute) | Q(rate_minute__isnull=True) | Q(rate_count__lt=rate))
        .update(
            rate_count=Case(When(rate_minute=minute, then=F("rate_count") + 1), default=Value(1)),
            rate_minute=minute,
            last_used_at=now,
        )
    )
    if not counted:
        retry_after = 60 - now.second
        raise Problem(
            429,
            f"More than {rate} requests in a minute with this token.",
            headers={"Retry-After": str(retry_after)},
        )


def scope(name):
    """The auth of an operation that needs ``name``: a token, or a session where allowed."""
    return [TokenAuth(name), SessionScopeAuth(name)]
