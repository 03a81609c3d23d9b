"""The page for an unhandled error: 503 when the database is unreachable, 500 otherwise.

Django calls handler500 inside the `except` block of the failed request, so the exception
is at hand. Neither page touches the database or needs a context.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template.loader import render_to_string

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def method_not_allowed_page(get_response):
    """Middleware: a 405 answer (``require_POST``, a class view's other methods) gets the
    friendly page instead of an empty body; its Allow header stays."""

    def middleware(request):
        response = get_response(request)
        if response.status_code == 405 and not response.streaming and not response.content:
            response.content = render_to_string("405.html")
            response["Content-Type"] = "text/html; charset=utf-8"
        return response

    return middleware


def server_error(request):
    if isinstance(sys.exception(), DATABASE_UNAVAILABLE):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "5"
        return response
    return HttpResponseServerError(render_to_string("500.html"))
