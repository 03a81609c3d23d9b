"""Markdown and JSON exports of issues, and filing an issue on GitHub."""

from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from issues import filing, github, issuecache, markdown, prepared
from issues.exports import document_filename, iter_issue_dicts, iter_json
from issues.filters import IssueFilter
from issues.models import Issue
from issues.serialization import issue_to_dict
from issues.zipstream import iter_zip


def _as_attachment(response, filename):
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response


def _document(request, pk, render, content_type, attachment=False):
    """``render`` of the issue's JSON form with its ETag, or 304 when the client has it; the
    text is kept per version (issues/issuecache.py)."""
    version = issuecache.current_version(pk)
    etag = issuecache.document_etag(pk, version)
    unchanged = issuecache.not_modified(request, etag)
    if unchanged:
        return unchanged

    def compute():
        issue = prepared.issue_with_rows(pk)
        return render(issue_to_dict(issue)), document_filename(issue)

    text, filename = issuecache.cached(pk, version, render.__name__, compute)
    response = HttpResponse(text, content_type=f"{content_type}; charset=utf-8")
    if attachment:
        _as_attachment(response, filename)
    return issuecache.with_etag(response, etag)


def export_md(request, pk):
    return _document(request, pk, markdown.render_document, "text/markdown", attachment=True)


def body_md(request, pk):
    return _document(request, pk, markdown.render_body, "text/plain")


def _filtered_issues(request):
    """The issues of the list's filter; None when a value of it is invalid (the list ignores
    such values, but an export without them would hold more than was asked for)."""
    issue_filter = IssueFilter(request.GET, queryset=Issue.objects.all(), request=request)
    return None if issue_filter.form.errors else issue_filter.qs


def _refused(request):
    issue_filter = IssueFilter(request.GET, queryset=Issue.objects.none(), request=request)
    notes = [note for note in issue_filter.notes if not note.startswith("Ignored unknown")]
    return render(request, "issues/export_refused.html", {"notes": notes}, status=400)


def list_export_json(request):
    issues = _filtered_issues(request)
    if issues is None:
        return _refused(request)
    chunks = iter_json(iter_issue_dicts(issues))
    response = StreamingHttpResponse(chunks, content_type="application/json; charset=utf-8")
    return _as_attachment(response, f"dskit-issues-{timezone.localdate()}.json")


def _documents(pairs):
    for issue, data in pairs:
        when = timezone.localtime(issue.updated_at).timetuple()[:6]
        yield document_filename(issue), markdown.render_document(data), when


def list_export_zip(request):
    issues = _filtered_issues(request)
    if issues is None:
        return _refused(request)
    chunks = iter_zip(_documents(iter_issue_dicts(issues)))
    response = StreamingHttpResponse(chunks, content_type="application/zip")
    return _as_attachment(response, f"dskit-issues-{timezone.localdate()}.zip")


@require_POST
def issue_github(request, pk):
    """File the issue on GitHub ("file"), or send it again after local edits ("update")."""
    issue = prepared.issue_with_rows(pk)
    missing = github.missing_settings()
    if missing:
        messages.error(
            request, f"Filing on GitHub is not set up: set {' and '.join(missing)} first."
        )
        return redirect(issue)
    try:
        if request.POST.get("action") == "update" and issue.github_number:
            dropped = filing.update_issue(issue)
            messages.success(request, f"Updated GitHub issue #{issue.github_number}.")
        else:
            filed = filing.file_issue(issue, request.user)
            level = messages.INFO if filed.how == "already" else messages.SUCCESS
            messages.add_message(request, level, _filed_message(filed))
            dropped = filed.dropped
    except filing.FilingInProgress:
        if issue.github_number:
            messages.warning(
                request,
                "This issue is being sent to GitHub right now (a second click or another tab); "
                "it was not sent twice. Reload this page in a few seconds.",
            )
        else:
            messages.warning(
                request,
                "This issue is being filed on GitHub right now (a second click or another tab). "
                "Nothing will be filed twice; reload this page in a few seconds to see the link.",
            )
    except github.GitHubError as error:
        messages.error(request, error.message)
    else:
        if dropped["labels"] or dropped["assignees"]:
            messages.warning(request, _dropped_message(dropped))
    return redirect(issue)


def _filed_message(filed):
    if filed.how == "already":
        return (
            f"This issue is already filed on GitHub as #{filed.number}; nothing was filed again. "
            'After local edits, use "Update on GitHub".'
        )
    if filed.how == "found":
        return (
            f"An earlier attempt had created GitHub issue #{filed.number} (its answer was lost); "
            "it is now linked, and nothing was filed twice."
        )
    return f"Filed on GitHub as #{filed.number}."


def _dropped_message(dropped):
    parts = []
    if dropped["labels"]:
        parts.append(f"the labels {', '.join(dropped['labels'])}")
    if dropped["assignees"]:
        parts.append(f"the assignees {', '.join(dropped['assignees'])}")
    return (
        f"GitHub left out {' and '.join(parts)}: it drops them silently when the token's user "
        "has no push access to the repository (or, for assignees, when they cannot be "
        "assigned). Add them on GitHub, or give the token's user write access and press \"Update "
        'on GitHub".'
    )


urlpatterns = [
    path("issues/<int:pk>/export.md", export_md, name="issue-export-md"),
    path("issues/<int:pk>/body.md", body_md, name="issue-body-md"),
    path("issues/<int:pk>/github/", issue_github, name="issue-github"),
    path("issues/export.zip", list_export_zip, name="issue-list-export-zip"),
    path("issues/export.json", list_export_json, name="issue-list-export-json"),
]
