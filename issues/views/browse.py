"""The issue list and the issue page, where issues are ticked, updated and moved along."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from issues import columns, issuecache, prepared, template
from issues.filters import IssueFilter
from issues.forms.focus import autofocus
from issues.forms.guided import FIELD_LABELS as GUIDED_FIELD_LABELS
from issues.forms.tracking import ItemForm, StatusForm, TicksForm, UpdateForm, posted_version
from issues.history import describe
from issues.models import ChecklistItem, Issue
from issues.pagination import IdPaginator
from issues.serialization import CHECKLIST_KEYS, issue_to_dict
from issues.tracking import (
    CHECKLIST_LABELS,
    STATUS_LABELS,
    StaleIssue,
    TooLongForGitHub,
    add_item,
    add_update,
    change_status,
    correct_update,
    items_of,
    progress,
    remove_item,
    set_ticks,
    unmet_gate,
)

PAGE_SIZE = 50
# Issues counted at most for the list's total (IdPaginator.count_up_to): above it the list
# says "more than 10,000" (README "Performance" says why).
COUNT_BOUND = 10_000
# The same for a search (?q=): its matches are spread over the table, and each one counted is
# a row read (PostgreSQL's GIN index, SQLite's FTS table), not an index entry.
SEARCH_COUNT_BOUND = 500
MAX_PAGE = 2**40  # a page asked for beyond it counts all (and shows the last page)
# The issue page's checklists, in the template's order, with the template's headings.
CHECKLISTS = [
    (kind, template.CHECKLIST_SECTIONS[kind].label, template.CHECKLIST_INTROS[kind])
    for kind in ChecklistItem.Kind
]
CHECKLIST_JSON_KEYS = {checklist: key for key, checklist in CHECKLIST_KEYS.items()}
# JSON form keys (what IssueChange.field holds) as the template names them: the guided
# form's labels, the checklists' names and the keys only tracking changes.
FIELD_LABELS = {
    **GUIDED_FIELD_LABELS,
    **{key: CHECKLIST_LABELS[checklist] for key, checklist in CHECKLIST_KEYS.items()},
    "updates": template.UPDATES.title,
    "status": "Status",
    "github": "GitHub issue",
}
# How the history writes the stored values of these keys.
VALUE_LABELS = {
    "status": STATUS_LABELS,
    "priority": dict(Issue.Priority.choices),
    "type": dict(Issue.Type.choices),
}
STALE = (
    "This issue was changed by someone else after you opened it, so your change was not "
    "saved. The latest values are shown below: please make your change again."
)


def _page_number(requested):
    """The page asked for, and a note when it is not a page number."""
    try:
        number = int(requested or 1)
    except ValueError:
        return 1, f"“{requested}” is not a page number: showing page 1."
    if number < 1:
        return 1, f"There is no page {number}: showing page 1."
    return number, None


def _listing(issue_filter, requested_page):
    """What the list shows of the filtered issues: counts, page links, headers and rows."""
    number, note = _page_number(requested_page)
    paginator = IdPaginator(issue_filter.qs, PAGE_SIZE, values=columns.KEY_VALUES)
    bound = SEARCH_COUNT_BOUND if issue_filter.form.cleaned_data.get("q") else COUNT_BOUND
    # Enough to know that the pages around the one asked for exist.
    page = paginator.counted_page(number, max(bound, min(number + 3, MAX_PAGE) * PAGE_SIZE))
    if page.number != number:
        note = f"There is no page {number}: showing page {page.number}."
    facts = columns.ListFacts(
        today=timezone.localdate(), issue_url=columns.url_maker("issue-detail")
    )
    page_href = columns.link_maker(issue_filter.data, "page")
    return {
        "count": paginator.count,
        # Exact, or "more than 10,000" when not all were counted.
        "total": f"more than {paginator.count - 1:,}" if paginator.more else paginator.count,
        "start": page.start_index(),
        "end": page.end_index(),
        "number": page.number,
        # The links to the pages before and after, and to the pages listed by number (an
        # ELLIPSIS where some are left out).
        "previous": page_href(page.previous_page_number()) if page.has_previous() else "",
        "next": page_href(page.next_page_number()) if page.has_next() else "",
        "pages": [
            (number, page_href(number) if number else "")
            for number in paginator.page_links(page.number)
        ],
        "headers": columns.headers(issue_filter.data),
        "rows": columns.cells(page.object_list, facts),
        "note": note,
    }


# Not in the collapsible filter panel's count: the search (always shown) and the sort.
NOT_PANEL_FILTERS = {"q", "sort"}


def issue_list(request):
    """Computed on every request; each of its queries reads an index (README "Performance")."""
    issue_filter = IssueFilter(request.GET, Issue.objects.all(), request=request)
    listing = _listing(issue_filter, request.GET.get("page"))
    ctx = {
        "filter": issue_filter,
        "listing": listing,
        "notes": issue_filter.notes + ([listing["note"]] if listing["note"] else []),
        "filtered": any(name != "page" for name in request.GET),
        "filters_set": sum(
            bool(request.GET.get(name))
            for name in issue_filter.filters
            if name not in NOT_PANEL_FILTERS
        ),
        "draft_count": prepared.DRAFTS.count(request.user.pk),
    }
    return render(request, "issues/list.html", ctx)


def _render_detail(request, issue, history, *, item_form=None, update_form=None, preview=None):
    """The issue page; a form that did not validate is shown with its errors, a previewed
    update with what was typed and its rendering."""
    checklists = []
    for checklist, heading, intro in CHECKLISTS:
        items = items_of(issue, checklist)
        bound = item_form if item_form and item_form.prefix == checklist else None
        checklists.append(
            {
                "key": checklist,
                "label": CHECKLIST_LABELS[checklist],
                "heading": heading,
                "intro": intro,
                "items": items,
                "done": sum(item.done for item in items),
                "total": len(items),
                "item_form": bound
                or ItemForm(prefix=checklist, checklist_label=CHECKLIST_LABELS[checklist]),
            }
        )
    for change in history:
        change.label = describe(change, FIELD_LABELS, VALUE_LABELS)
    ctx = {
        "issue": issue,
        "checklists": checklists,
        "updates": issue.updates.all(),
        "update_form": update_form or UpdateForm(prefix="update"),
        "transitions": StatusForm(current=issue.status).fields["status"].choices,
        "history": history,
        "invalid_form": None if preview else item_form or update_form,
        "preview_field": preview,
    }
    return render(request, "issues/detail.html", ctx)


def issue_detail(request, pk):
    """The issue page: 304 while the browser's copy is current, else its rows, kept per
    version (issues/issuecache.py)."""
    version = issuecache.current_version(pk)
    etag = issuecache.page_etag(request, pk, version)
    unchanged = issuecache.not_modified(request, etag)
    if unchanged:
        return unchanged
    issue, history = issuecache.cached(pk, version, "rows", lambda: prepared.issue_page_rows(pk))
    return issuecache.with_etag(_render_detail(request, issue, history), etag)


def _wants_json(request):
    return request.headers.get("Accept", "").startswith("application/json")


def _stale(request, issue):
    messages.error(request, STALE)
    if _wants_json(request):
        return JsonResponse({"error": STALE}, status=409)
    return redirect(issue)


@require_POST
def checklist_ticks(request, pk, checklist):
    """Save the ticks of one checklist: the whole list without JavaScript, one tick with it."""
    if checklist not in CHECKLIST_LABELS:
        raise Http404
    issue = prepared.issue_with_rows(pk)
    form = TicksForm(request.POST, items=items_of(issue, checklist))
    if not form.is_valid():
        return _stale(request, issue)
    try:
        set_ticks(
            issue, request.user, posted_version(request), checklist, set(form.cleaned_data["done"])
        )
    except StaleIssue:
        return _stale(request, issue)
    done, total = progress(issue, checklist)
    if _wants_json(request):
        return JsonResponse({"version": issue.version, "done": done, "total": total})
    messages.success(request, f"{CHECKLIST_LABELS[checklist]} saved: {done} of {total} done.")
    return redirect(f"{issue.get_absolute_url()}#{checklist}")


@require_POST
def checklist_add(request, pk, checklist):
    if checklist not in CHECKLIST_LABELS:
        raise Http404
    issue = prepared.issue_with_rows(pk)
    form = ItemForm(
        request.POST,
        prefix=checklist,
        checklist_label=CHECKLIST_LABELS[checklist],
        checklist_key=CHECKLIST_JSON_KEYS[checklist],
        issue_data=issue_to_dict(issue),
    )
    if not form.is_valid():
        return _render_detail(request, issue, prepared.page_history(issue), item_form=form)
    try:
        add_item(issue, request.user, posted_version(request), checklist, form.cleaned_data["text"])
    except StaleIssue:
        return _stale(request, issue)
    messages.success(request, f"Item added to the {CHECKLIST_LABELS[checklist]}.")
    return redirect(f"{issue.get_absolute_url()}#{checklist}")


@require_POST
def checklist_remove(request, pk, item_pk):
    issue = prepared.issue_with_rows(pk)
    item = next((item for item in issue.checklist_items.all() if item.pk == item_pk), None)
    if item is None or item.from_template:
        raise Http404("Only items a user added can be removed.")
    try:
        remove_item(issue, request.user, posted_version(request), item)
    except StaleIssue:
        return _stale(request, issue)
    messages.success(request, f"Removed “{item.text}” from the {item.get_checklist_display()}.")
    return redirect(f"{issue.get_absolute_url()}#{item.checklist}")


@require_POST
def update_add(request, pk):
    issue = prepared.issue_with_rows(pk)
    preview = request.POST.get("preview")
    if preview:
        form = UpdateForm(prefix="update").as_typed(request.POST)
        return _render_detail(
            request, issue, prepared.page_history(issue), update_form=form, preview=preview
        )
    form = UpdateForm(request.POST, prefix="update", issue_data=issue_to_dict(issue))
    if not form.is_valid():
        return _render_detail(request, issue, prepared.page_history(issue), update_form=form)
    try:
        add_update(issue, request.user, posted_version(request), **form.cleaned_data)
    except StaleIssue:
        return _stale(request, issue)
    messages.success(request, "Update added.")
    return redirect(f"{issue.get_absolute_url()}#updates")


def update_edit(request, pk, update_pk):
    """An author corrects their own update."""
    issue = prepared.issue_with_rows(pk)
    update = next((u for u in issue.updates.all() if u.pk == update_pk), None)
    if update is None:
        raise Http404
    if update.author_id != request.user.pk:
        raise PermissionDenied("Only the author of an update can correct it.")
    preview = request.POST.get("preview")
    if preview:
        form = UpdateForm().as_typed(request.POST)
    else:
        form = UpdateForm(
            request.POST or None,
            initial={"date": update.date, "text": update.text},
            issue_data=issue_to_dict(issue),
            replacing=list(issue.updates.all()).index(update),
        )
    if request.method == "POST" and not preview and form.is_valid():
        try:
            correct_update(
                issue, request.user, posted_version(request), update, **form.cleaned_data
            )
        except StaleIssue:
            return _stale(request, issue)
        messages.success(request, "Update corrected.")
        return redirect(f"{issue.get_absolute_url()}#updates")
    if not preview:
        autofocus(form)
    ctx = {"issue": issue, "update": update, "form": form, "preview_field": preview}
    return render(request, "issues/update_form.html", ctx)


@require_POST
def issue_status(request, pk):
    """Move the issue along; an incomplete Definition of Ready/Done asks to confirm first."""
    issue = prepared.issue_with_rows(pk)
    form = StatusForm(request.POST, current=issue.status)
    if not form.is_valid():
        return _stale(request, issue)
    status = form.cleaned_data["status"]
    version = posted_version(request)
    gate = unmet_gate(issue, status)
    if gate and not form.cleaned_data["confirm"]:
        if version != issue.version:
            return _stale(request, issue)
        ctx = {
            "issue": issue,
            "status": status,
            "status_label": STATUS_LABELS[status],
            "checklist_label": CHECKLIST_LABELS[gate],
            "open_items": [item for item in items_of(issue, gate) if not item.done],
        }
        return render(request, "issues/status_confirm.html", ctx)
    try:
        change_status(issue, request.user, version, status)
    except StaleIssue:
        return _stale(request, issue)
    except TooLongForGitHub as error:
        messages.error(request, str(error))
        return redirect(issue)
    messages.success(request, f"Status changed to {STATUS_LABELS[status]}.")
    return redirect(issue)


urlpatterns = [
    path("", issue_list, name="issue-list"),
    path("issues/<int:pk>/", issue_detail, name="issue-detail"),
    path("issues/<int:pk>/checklists/<slug:checklist>/", checklist_ticks, name="checklist-ticks"),
    path("issues/<int:pk>/checklists/<slug:checklist>/add/", checklist_add, name="checklist-add"),
    path("issues/<int:pk>/items/<int:item_pk>/remove/", checklist_remove, name="checklist-remove"),
    path("issues/<int:pk>/updates/", update_add, name="update-add"),
    path("issues/<int:pk>/updates/<int:update_pk>/edit/", update_edit, name="update-edit"),
    path("issues/<int:pk>/status/", issue_status, name="issue-status"),
]
