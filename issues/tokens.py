"""API tokens: created with a secret shown once, found again by the secret's SHA-256."""

import datetime
import hashlib
import secrets

from django.utils import timezone

from issues.models import ApiToken

PREFIX = "dsk_"
SCOPES = [scope for scope, _ in ApiToken.SCOPE_CHOICES]


def digest(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(user, name, scopes, expires_days=None):
    """A new token of ``user``; returns it and its secret, which is not stored anywhere."""
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[:12],
        digest=digest(secret),
        scopes=[scope for scope in SCOPES if scope in scopes],
        expires_at=expires_days and timezone.now() + datetime.timedelta(days=expires_days),
    )
    return token, secret


def find_token(secret):
    """The usable token with this secret (not revoked, not expired, its user active), or None."""
    if not secret.startswith(PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(digest=digest(secret)).first()
    if token is None or token.revoked_at or not token.user.is_active:
        return None
    if token.expires_at and token.expires_at <= timezone.now():
        return None
    return token


def revoke(token):
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
