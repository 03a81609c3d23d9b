"""GitHub's documented webhook deliveries, signed and posted as GitHub posts them."""

import hashlib
import hmac
import json
from pathlib import Path

from django.test import Client

DELIVERIES = Path(__file__).parent / "webhooks"
SECRET = "It's a Secret to Everybody"


def delivery(name, issue=None, **changes):
    """A documented delivery aimed at ``issue``'s GitHub issue; ``changes`` deep-update it."""
    data = json.loads((DELIVERIES / f"{name}.json").read_text())
    payload = data["payload"]
    if issue is not None:
        payload["repository"]["full_name"] = "ml-team/models"
        payload["issue"]["number"] = issue.github_number
    for path, value in changes.items():
        target = payload
        *parents, last = path.split("__")
        for part in parents:
            target = target[part]
        target[last] = value
    return data["headers"], payload


def sign(body, secret=SECRET):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post(headers, payload, signature=None, delivery_id=None, signed=True):
    """``signed=False`` sends no signature header at all."""
    body = json.dumps(payload).encode()
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    extra.pop("HTTP_CONTENT_TYPE")
    if delivery_id:
        extra["HTTP_X_GITHUB_DELIVERY"] = delivery_id
    if signed:
        extra["HTTP_X_HUB_SIGNATURE_256"] = signature if signature is not None else sign(body)
    # No session, no CSRF token: as GitHub posts it.
    return Client(enforce_csrf_checks=True).post(
        "/github/webhook", body, content_type="application/json", **extra
    )
