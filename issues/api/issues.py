"""The issues of the API: list, create, read, export, change, and track them."""

import datetime
import hashlib
import json
import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from ninja import Router

from issues import filing, github, markdown, notify, prepared
from issues.api.auth import scope
from issues.api.common import (
    etag,
    expected_version,
    get_issue,
    issue_json,
    json_response,
    read_json,
)
from issues.api.problems import Problem, invalid
from issues.filters import IssueFilter
from issues.models import ApiToken, IdempotentRequest, Issue
from issues.serialization import (
    CHECKLIST_KEYS,
    apply_dict,
    create_issue,
    github_taken,
    issue_to_dict,
    normalize,
    validate,
    validate_item,
)
from issues.tracking import (
    CHECKLIST_LABELS,
    STATUS_LABELS,
    TRANSITIONS,
    StaleIssue,
    TooLongForGitHub,
    add_item,
    add_update,
    change_status,
    items_of,
    set_ticks,
    tracked_change,
    unmet_gate,
)

logger = logging.getLogger(__name__)
router = Router(tags=["issues"])
PAGE_SIZE = 100
# What PATCH does not change: each has its own operation.
NOT_PATCHED = {
    "status": "use POST /api/v1/issues/{id}/status",
    "github": "use POST /api/v1/issues/{id}/github",
    "updates": "use POST /api/v1/issues/{id}/updates",
    **{key: f"use POST /api/v1/issues/{{id}}/checklists/{key}" for key in CHECKLIST_KEYS},
}
ISSUE_BODY = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Issue"}}}}


def _answers_issue(status=200):
    """The OpenAPI ``responses`` of an operation that answers with the issue."""
    issue_out = {"application/json": {"schema": {"$ref": "#/components/schemas/IssueOut"}}}
    return {str(status): {"description": "The issue", "content": issue_out}}


def _body(schema, description=""):
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {"application/json": {"schema": schema}},
        }
    }


def _conditional_get(request, issue, answer):
    if request.headers.get("If-None-Match") in (etag(issue), f"W/{etag(issue)}"):
        answer = HttpResponse(status=304)
    answer["ETag"] = etag(issue)
    return answer


LIST_PARAMETERS = [
    {"name": name, "in": "query", "required": False, "schema": {"type": "string"}}
    for name in [*IssueFilter.base_filters, "page"]
]


@router.get(
    "/issues",
    auth=scope(ApiToken.READ),
    summary="List issues (the issue list's filters, search and sort)",
    openapi_extra={"parameters": LIST_PARAMETERS},
)
def list_issues(request):
    page = request.GET.get("page", "1")
    page = int(page) if page.isdigit() and int(page) > 0 else 1
    issue_filter = IssueFilter(request.GET, Issue.objects.listed().with_rows(), request=request)
    start = (page - 1) * PAGE_SIZE
    issues = list(issue_filter.qs[start : start + PAGE_SIZE + 1])
    next_url = None
    if len(issues) > PAGE_SIZE:
        query = request.GET.copy()
        query["page"] = str(page + 1)
        next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    results = [issue_json(request, issue) for issue in issues[:PAGE_SIZE]]
    return json_response({"results": results, "next": next_url})


def _fingerprint(request):
    return hashlib.sha256(
        b"%s %s\n%s" % (request.method.encode(), request.path.encode(), request.body)
    ).hexdigest()


class _Replay(Exception):
    """Another request with the same Idempotency-Key got there first."""


def _replayed(stored, fingerprint):
    if stored.fingerprint != fingerprint:
        raise Problem(422, "This Idempotency-Key was used with another request.")
    answer = HttpResponse(stored.body, status=stored.status, content_type="application/json")
    for name, value in stored.headers.items():
        answer[name] = value
    answer["Idempotent-Replayed"] = "true"
    return answer


@router.post(
    "/issues",
    auth=scope(ApiToken.WRITE),
    summary="Create an issue (JSON form of issues/schema/issue.schema.json)",
    openapi_extra={
        **{
            "requestBody": {"required": True, **ISSUE_BODY},
            "parameters": [
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": False,
                    "schema": {"type": "string", "maxLength": 255},
                }
            ],
        },
        "responses": _answers_issue(201),
    },
)
def create(request):
    """Create an issue; with an Idempotency-Key, a retry gets the first answer again.

    The key's row is written in the issue's transaction: of two concurrent requests with one
    key, the second waits on the key's unique constraint, then replays the first's answer.
    """
    data = read_json(request)
    key = request.headers.get("Idempotency-Key", "")
    if len(key) > 255:
        raise Problem(400, "An Idempotency-Key is at most 255 characters.")
    fingerprint = _fingerprint(request)
    if key:
        kept = timezone.now() - datetime.timedelta(hours=settings.DSKIT_API_IDEMPOTENCY_HOURS)
        IdempotentRequest.objects.filter(created_at__lt=kept).delete()
        stored = IdempotentRequest.objects.filter(user=request.user, key=key).first()
        if stored:
            return _replayed(stored, fingerprint)
    problems = validate(data) or github_taken(data)
    if problems:
        raise invalid(problems)
    try:
        with transaction.atomic():
            issue = create_issue(data, reporter=request.user)
            issue = prepared.issue_with_rows(issue.pk)
            if issue.status != Issue.Status.DRAFT:
                notify.issue_created(issue, request.user)
            body = json.dumps(issue_json(request, issue), ensure_ascii=False)
            location = request.build_absolute_uri(f"{request.path}/{issue.pk}")
            headers = {"Location": location, "ETag": etag(issue)}
            if key:
                try:
                    with transaction.atomic():
                        IdempotentRequest.objects.create(
                            user=request.user,
                            key=key,
                            fingerprint=fingerprint,
                            status=201,
                            body=body,
                            headers=headers,
                        )
                except IntegrityError:
                    raise _Replay from None
    except _Replay:
        return _replayed(IdempotentRequest.objects.get(user=request.user, key=key), fingerprint)
    answer = HttpResponse(body, status=201, content_type="application/json")
    for name, value in headers.items():
        answer[name] = value
    return answer


@router.get(
    "/issues/{int:pk}",
    auth=scope(ApiToken.READ),
    summary="One issue (ETag, If-None-Match)",
    openapi_extra={"responses": _answers_issue(200)},
)
def read(request, pk: int):
    issue = get_issue(request, pk)
    return _conditional_get(request, issue, json_response(issue_json(request, issue)))


@router.get(
    "/issues/{int:pk}/export.md",
    auth=scope(ApiToken.READ),
    summary="The canonical Markdown document",
)
def export_md(request, pk: int):
    issue = get_issue(request, pk)
    document = markdown.render_document(issue_to_dict(issue))
    answer = HttpResponse(document, content_type="text/markdown; charset=utf-8")
    return _conditional_get(request, issue, answer)


@router.get("/issues/{int:pk}/body.md", auth=scope(ApiToken.READ), summary="The GitHub issue body")
def body_md(request, pk: int):
    issue = get_issue(request, pk)
    answer = HttpResponse(
        markdown.render_body(issue_to_dict(issue)), content_type="text/plain; charset=utf-8"
    )
    return _conditional_get(request, issue, answer)


def _object(data):
    if not isinstance(data, dict):
        raise invalid([f"(body): expected an object, got {type(data).__name__}"], status=400)
    return data


def _changed(request, issue, status=200):
    issue = prepared.issue_with_rows(issue.pk)
    return json_response(issue_json(request, issue), status=status, ETag=etag(issue))


@router.patch(
    "/issues/{int:pk}",
    auth=scope(ApiToken.WRITE),
    summary="Change fields of an issue (If-Match required)",
    openapi_extra={
        **_body(
            {"type": "object"},
            "Any fields of the issue's JSON form but status, github, updates and the checklists.",
        ),
        "responses": _answers_issue(200),
    },
)
def patch(request, pk: int):
    issue = get_issue(request, pk, write=True)
    version = expected_version(request, issue, required=True)
    data = _object(read_json(request))
    problems = [f"{key}: {why}" for key, why in NOT_PATCHED.items() if key in data]
    current = issue_to_dict(issue)
    problems += validate({**current, **{k: v for k, v in data.items() if k not in NOT_PATCHED}})
    if problems:
        raise invalid(problems)
    try:
        with tracked_change(issue, request.user, version):
            apply_dict(issue, data)
    except StaleIssue:
        raise Problem(412, "The issue changed while this change was made.") from None
    return _changed(request, issue)


def _write(request, issue, change):
    """Run ``change(version)`` for the version If-Match names (the latest without it): all of
    it or, refused, none of it."""
    version = expected_version(request, issue)
    try:
        with transaction.atomic():
            change(version)
    except StaleIssue:
        raise Problem(412, "The issue changed while this change was made.") from None
    except TooLongForGitHub as error:
        raise Problem(409, str(error)) from None


@router.post(
    "/issues/{int:pk}/updates",
    auth=scope(ApiToken.WRITE),
    summary="Add an update",
    openapi_extra={
        **_body({"$ref": "#/components/schemas/Update"}),
        "responses": _answers_issue(201),
    },
)
def post_update(request, pk: int):
    issue = get_issue(request, pk, write=True)
    data = _object(read_json(request))
    data.setdefault("date", timezone.localdate().isoformat())
    problems = validate_item("updates", data)
    if problems:
        raise invalid(problems, detail="The request body is not a valid update.")
    date = datetime.date.fromisoformat(data["date"])
    text = normalize(data["text"])
    _write(request, issue, lambda version: add_update(issue, request.user, version, date, text))
    return _changed(request, issue, status=201)


CHECKLIST_BODY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "tick": {"type": "array", "items": {"type": "integer", "minimum": 0}},
        "untick": {"type": "array", "items": {"type": "integer", "minimum": 0}},
        "add": {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 300}},
    },
}


def _positions(data, name, count):
    positions = data.get(name, [])
    if not isinstance(positions, list) or not all(
        isinstance(p, int) and not isinstance(p, bool) and 0 <= p < count for p in positions
    ):
        return [f"{name}: must be a list of item positions from 0 to {count - 1}"]
    return []


@router.post(
    "/issues/{int:pk}/checklists/{key}",
    auth=scope(ApiToken.WRITE),
    summary="Tick, untick (positions from 0) and add checklist items",
    openapi_extra={**_body(CHECKLIST_BODY), "responses": _answers_issue(200)},
)
def post_checklist(request, pk: int, key: str):
    if key not in CHECKLIST_KEYS:
        raise Problem(404, f"There is no checklist “{key}”: {', '.join(CHECKLIST_KEYS)}.")
    checklist = CHECKLIST_KEYS[key]
    issue = get_issue(request, pk, write=True)
    items = items_of(issue, checklist)
    data = _object(read_json(request))
    problems = [
        f"{name}: unknown field" for name in data if name not in CHECKLIST_BODY["properties"]
    ]
    problems += _positions(data, "tick", len(items)) + _positions(data, "untick", len(items))
    added = data.get("add", [])
    if not isinstance(added, list):
        problems.append("add: must be a list of item texts")
        added = []
    for index, text in enumerate(added):
        problems += [f"add[{index}].{p}" for p in validate_item(key, {"text": text, "done": False})]
    if problems:
        raise invalid(
            problems,
            detail=f"The request body is not a valid change of the {CHECKLIST_LABELS[checklist]}.",
        )
    done = {item.pk for item in items if item.done}
    done |= {items[p].pk for p in data.get("tick", [])}
    done -= {items[p].pk for p in data.get("untick", [])}

    def change(version):
        set_ticks(issue, request.user, version, checklist, done)
        for text in added:
            add_item(issue, request.user, issue.version, checklist, normalize(text))

    _write(request, issue, change)
    return _changed(request, issue)


STATUS_BODY = {
    "type": "object",
    "required": ["status"],
    "properties": {
        "status": {"enum": list(TRANSITIONS)},
        "override_reason": {
            "type": "string",
            "description": "Moves past an incomplete Definition of Ready/Done; logged in the Updates.",
        },
    },
}


@router.post(
    "/issues/{int:pk}/status",
    auth=scope(ApiToken.WRITE),
    summary="Move an issue along (the Definition of Ready/Done gates: 409 unless overridden)",
    openapi_extra={**_body(STATUS_BODY), "responses": _answers_issue(200)},
)
def post_status(request, pk: int):
    issue = get_issue(request, pk, write=True)
    data = _object(read_json(request))
    status, reason = data.get("status"), data.get("override_reason", "")
    if not isinstance(reason, str):
        raise invalid(["override_reason: must be a string"])
    reason = normalize(reason)
    if not isinstance(status, str) or status not in STATUS_LABELS or status == Issue.Status.DRAFT:
        raise invalid([f"status: {status!r} is not one of {', '.join(map(repr, TRANSITIONS))}"])
    if status not in TRANSITIONS.get(issue.status, []):
        allowed = ", ".join(TRANSITIONS.get(issue.status, [])) or "none"
        raise Problem(
            409,
            f"An issue that is {STATUS_LABELS[issue.status]} cannot move to {STATUS_LABELS[status]} (allowed: {allowed}).",
        )
    gate = unmet_gate(issue, status)
    if gate and not reason:
        unmet = [item.text for item in items_of(issue, gate) if not item.done]
        raise Problem(
            409,
            f"The {CHECKLIST_LABELS[gate]} is incomplete: tick its items, or give an override_reason.",
            unmet=unmet,
        )
    if gate:
        logger.info(
            "issue %s: moved to %s past an incomplete %s by %s",
            issue.pk,
            status,
            CHECKLIST_LABELS[gate],
            request.user.get_username(),
        )
    _write(
        request,
        issue,
        lambda version: change_status(
            issue, request.user, version, status, reason=reason if gate else ""
        ),
    )
    return _changed(request, issue)


@router.post(
    "/issues/{int:pk}/github", auth=scope(ApiToken.WRITE), summary="File the issue on GitHub, once"
)
def post_github(request, pk: int):
    issue = get_issue(request, pk, write=True)
    missing = github.missing_settings()
    if missing:
        raise Problem(503, f"Filing on GitHub is not set up: set {' and '.join(missing)} first.")
    try:
        filed = filing.file_issue(issue, request.user)
    except filing.FilingInProgress:
        raise Problem(
            409,
            "This issue is being filed on GitHub right now; nothing will be filed twice.",
            headers={"Retry-After": "5"},
        ) from None
    except github.GitHubError as error:
        raise Problem(502, error.message) from None
    body = {"number": filed.number, "url": filed.url, "how": filed.how, "dropped": filed.dropped}
    return json_response(body, status=200 if filed.how == "already" else 201)
