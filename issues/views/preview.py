"""The Markdown preview of the Write/Preview tabs: rendered as the issue page renders it."""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_POST

from issues.html import markdown_to_html
from issues.limits import GITHUB_BODY_LIMIT


@require_POST
def markdown_preview(request):
    text = request.POST.get("text", "")[:GITHUB_BODY_LIMIT]
    html = markdown_to_html(text) if text.strip() else "<p>Nothing to preview.</p>"
    return HttpResponse(html, content_type="text/html; charset=utf-8")


urlpatterns = [path("markdown/preview/", markdown_preview, name="markdown-preview")]
