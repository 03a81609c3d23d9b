"""The JSON API at /api/v1/ (django-ninja): issues, and alert intake.

Every answer that is an error is problem+json (issues/api/problems.py). Operations read
their JSON bodies themselves, so that an invalid issue gets the same messages as
``import_issues``; the OpenAPI document describes the bodies with the issue's JSON schema.
"""

import copy
import functools

from django.http import Http404
from django.urls import re_path
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from issues.api import intake, issues
from issues.api.problems import Problem, response
from issues.serialization import SCHEMA


class Api(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """django-ninja's document, with the issue's JSON schema as its components."""
        document = super().get_openapi_schema(*args, **kwargs)
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        schemas.update(openapi_schemas())
        for operations in document["paths"].values():
            for operation in operations.values():
                # django-ninja keys its default answer by the number 200, ours are strings
                # ("200" twice would be a duplicate key in the JSON): ours win.
                default = operation["responses"].pop(200, None)
                responses = operation["responses"]
                if default and not {"200", "201"} & responses.keys():
                    responses["200"] = default
                responses["4XX"] = PROBLEM_RESPONSE
        return document


PROBLEM_RESPONSE = {
    "description": "A problem (RFC 9457); validation errors list each field and message",
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}


def _refs(node):
    """The JSON schema's own references (#/$defs/x) as OpenAPI component references."""
    if isinstance(node, dict):
        return {
            key: "#/components/schemas/Checklist"
            if key == "$ref" and value == "#/$defs/checklist"
            else _refs(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_refs(value) for value in node]
    return node


def openapi_schemas():
    issue = _refs(
        {k: v for k, v in copy.deepcopy(SCHEMA).items() if k not in ("$schema", "$id", "$defs")}
    )
    issue_out = {
        "allOf": [
            {"$ref": "#/components/schemas/Issue"},
            {
                "type": "object",
                "required": ["id", "url", "version", "status"],
                "properties": {
                    "id": {"type": "integer"},
                    "url": {"type": "string", "format": "uri"},
                    "version": {"type": "integer"},
                },
            },
        ]
    }
    return {
        "Issue": issue,
        "IssueOut": issue_out,
        "Checklist": _refs(SCHEMA["$defs"]["checklist"]),
        "Update": SCHEMA["properties"]["updates"]["items"],
        "Problem": {
            "type": "object",
            "properties": {
                "type": {"type": "string"},
                "title": {"type": "string"},
                "status": {"type": "integer"},
                "detail": {"type": "string"},
                "errors": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                    },
                },
            },
        },
        **intake.openapi_schemas(),
    }


api = Api(
    title="dskit API",
    version="1",
    description="Issues in the JSON form of issues/schema/issue.schema.json, and alert intake. "
    "Authenticate with `Authorization: Bearer dsk_...` (a token from /accounts/tokens/).",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("/", issues.router)
api.add_router("/intake", intake.router)


@api.exception_handler(Problem)
def on_problem(request, exc):
    return response(exc.status, exc.detail, headers=exc.headers, **exc.extra)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return response(
        401,
        "Send Authorization: Bearer <token> (create one at /accounts/tokens/).",
        headers={"WWW-Authenticate": "Bearer"},
    )


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    return response(exc.status_code, str(exc))


@api.exception_handler(ValidationError)
def on_validation_error(request, exc):
    errors = [
        {"field": ".".join(str(p) for p in e["loc"][1:]), "message": e["msg"]} for e in exc.errors
    ]
    return response(400, "The request is not valid.", errors=errors)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return response(404, str(exc) or "Not found.")


def unknown_path(request, rest):
    """Any other path under /api/v1/ (its root too): a problem, not the site's HTML 404 page."""
    return response(
        404, f"There is no API endpoint /api/v1/{rest}: the endpoints are listed at /api/v1/docs."
    )


def urls():
    """The API's URL patterns, then every other path under it as a problem+json 404; the API
    authenticates itself, so the login redirect is off."""
    patterns, app_name, namespace = api.urls
    patterns = [*patterns, re_path(r"^(?P<rest>.+)$", unknown_path)]
    for pattern in patterns:
        if pattern.name == "api-root":  # kept: django-ninja finds its prefix by this name
            pattern.callback = functools.partial(unknown_path, rest="")
    for pattern in patterns:
        pattern.callback.login_required = False
    return patterns, app_name, namespace
