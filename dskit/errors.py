"""The page for an unhandled error: 503 when the database is unreachable, 500 otherwise.

Django calls handler500 inside the `except` block of the failed request, so the exception
is at hand. Neither page touches the database or needs a context.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template.loader import render_to_string

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def server_error(request):
    if isinstance(sys.exception(), DATABASE_UNAVAILABLE):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "5"
        return response
    return HttpResponseServerError(render_to_string("500.html"))
