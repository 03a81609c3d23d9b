"""What the API's operations share: reading a JSON body, finding an issue, its JSON."""

import json

from django.conf import settings
from django.db.models import Q
from django.http import JsonResponse

from issues.api.problems import Problem
from issues.models import Issue
from issues.serialization import issue_to_dict


def read_json(request):
    """The request's JSON body: 413 past the size limit, 400 when it is not JSON."""
    limit = settings.DSKIT_API_MAX_BODY_BYTES
    length = request.headers.get("Content-Length", "")
    if (length.isdigit() and int(length) > limit) or len(request.body) > limit:
        raise Problem(413, f"The request body is larger than {limit} bytes.")
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as error:
        raise Problem(400, f"The request body is not valid JSON: {error}.") from None
    if _has_nul(data):
        raise Problem(400, "The request body has a NUL character (\\u0000) in a text.")
    return data


def _has_nul(node):
    """A NUL anywhere in the decoded JSON: no database text column can store one."""
    if isinstance(node, str):
        return "\x00" in node
    if isinstance(node, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in node.items())
    if isinstance(node, list):
        return any(map(_has_nul, node))
    return False


def get_issue(request, pk, *, write=False):
    """The issue ``pk`` with the rows its JSON form reads; 404 for another user's draft.

    One's own draft can be read; it is changed only in the guided form (409).
    """
    if write:
        issue = Issue.objects.listed().with_rows().filter(pk=pk).first()
        if (
            issue is None
            and Issue.objects.filter(
                pk=pk, status=Issue.Status.DRAFT, reporter=request.user
            ).exists()
        ):
            raise Problem(409, "This issue is a draft: finish it in the guided form first.")
    else:
        queryset = Issue.objects.exclude(Q(status=Issue.Status.DRAFT) & ~Q(reporter=request.user))
        issue = queryset.with_rows().filter(pk=pk).first()
    if issue is None:
        raise Problem(404, f"There is no issue {pk}.")
    return issue


def etag(issue):
    return f'"{issue.version}"'


def issue_json(request, issue):
    """The JSON form plus the issue's id, page, version and status."""
    return {
        "id": issue.pk,
        "url": request.build_absolute_uri(issue.get_absolute_url()),
        "version": issue.version,
        **issue_to_dict(issue),
    }


def json_response(data, status=200, **headers):
    answer = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    for name, value in headers.items():
        answer[name] = value
    return answer


def expected_version(request, issue, required=False):
    """The version ``If-Match`` names (428 when required and missing, 412 when stale)."""
    header = request.headers.get("If-Match")
    if header is None:
        if required:
            raise Problem(428, 'Send If-Match: "<version>" with the ETag of the issue you read.')
        return issue.version
    tags = [tag.strip().removeprefix("W/").strip('"') for tag in header.split(",")]
    if "*" in tags:
        return issue.version
    if str(issue.version) not in tags:
        raise Problem(
            412,
            f"The issue changed: it is at version {issue.version}, not {header}.",
            headers={"ETag": etag(issue)},
        )
    return issue.version
