"""API errors as RFC 9457 problem details (``application/problem+json``)."""

import json
from http import HTTPStatus

from django.http import HttpResponse

CONTENT_TYPE = "application/problem+json"


class Problem(Exception):
    """An error answer: raise it anywhere in an API view."""

    def __init__(self, status, detail, *, headers=None, **extra):
        super().__init__(detail)
        self.status, self.detail, self.headers, self.extra = status, detail, headers or {}, extra


def response(status, detail, *, headers=None, **extra):
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status}
    body["detail"] = detail
    body.update(extra)
    answer = HttpResponse(json.dumps(body), status=status, content_type=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        answer[name] = value
    return answer


def invalid(problems, status=422, detail="The request body is not a valid issue."):
    """A validation error from ``"field: message"`` strings (issues.serialization.validate)."""
    errors = [dict(zip(("field", "message"), p.split(": ", 1), strict=True)) for p in problems]
    return Problem(status, detail, errors=errors)
