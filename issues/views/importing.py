""" "Import Markdown": upload or paste, see what will be created, then create it."""

from django.contrib import messages
from django.core import signing
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from issues import markdown, template
from issues.forms.importing import ImportMarkdownForm
from issues.importing import create_all, read_all

SALT = "issues.import-markdown"


@require_http_methods(["GET", "POST"])
def import_markdown(request):
    if request.method == "POST" and "confirm" in request.POST:
        return _create(request)
    bound = request.method == "POST"
    form = ImportMarkdownForm(request.POST if bound else None, request.FILES if bound else None)
    ctx = {"form": form}
    if bound and form.is_valid():
        ctx["preview"] = [
            {
                **data,
                "type_label": template.TYPE_LABELS[data["type"]],
                "body": markdown.render_body(data),
            }
            for data in form.cleaned_data["issues"]
        ]
        # What is confirmed is exactly what was shown: the texts travel signed.
        ctx["signed"] = signing.dumps(form.cleaned_data["texts"], salt=SALT, compress=True)
    return render(request, "issues/import_markdown.html", ctx)


def _create(request):
    try:
        texts = signing.loads(request.POST.get("texts", ""), salt=SALT)
    except signing.BadSignature:
        messages.error(request, "The import could not be confirmed; choose the files again.")
        return redirect("issue-import-markdown")
    issues, problems = read_all(texts)
    if problems:
        messages.error(request, "The import could not be confirmed; choose the files again.")
        return redirect("issue-import-markdown")
    created = create_all(issues, reporter=request.user)
    ids = ", ".join(f"#{issue.pk}" for issue in created)
    messages.success(request, f"Imported {len(created)} issue(s): {ids}.")
    return redirect("issue-list")


urlpatterns = [path("issues/import/", import_markdown, name="issue-import-markdown")]
