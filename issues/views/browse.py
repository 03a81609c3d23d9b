"""The issue list and the issue page, where issues are ticked, updated and moved along."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from issues import pagecache
from issues.deadlines import state as deadline_state
from issues.filters import IssueFilter
from issues.forms.guided import FIELD_LABELS as GUIDED_FIELD_LABELS
from issues.forms.tracking import ItemForm, StatusForm, TicksForm, UpdateForm, posted_version
from issues.models import ChecklistItem, Issue
from issues.pagination import IdPaginator
from issues.serialization import CHECKLIST_KEYS
from issues.templatetags.browse_tags import issue_rows
from issues.tracking import (
    CHECKLIST_LABELS,
    STATUS_LABELS,
    StaleIssue,
    add_item,
    add_update,
    change_status,
    correct_update,
    ensure_checklists,
    items_of,
    progress,
    remove_item,
    set_ticks,
    tracked_issues,
    unmet_gate,
)

PAGE_SIZE = 50
HISTORY_SIZE = 20
LIST_COLUMNS = [
    "id",
    "name",
    "type",
    "priority",
    "environment",
    "status",
    "reported_date",
    "target_date",
    "github_number",
    "github_url",
]
# The issue page's checklists, in the template's order, with the template's headings.
CHECKLISTS = [
    (ChecklistItem.TODO, "To-Do List 📝", ""),
    (ChecklistItem.READY, "Definition of Ready ✅", "This issue is ready to be worked on when:"),
    (ChecklistItem.DONE, "Definition of Done ✅", "This issue is considered done when:"),
]
SHORT_CHECKLIST_NAMES = {
    ChecklistItem.TODO: "To-Do",
    ChecklistItem.READY: "DoR",
    ChecklistItem.DONE: "DoD",
}
# The list's progress column names each checklist by its short name, spelled out for
# screen readers (constant HTML: the rows add only numbers to it).
PROGRESS_NAMES = {
    checklist: format_html('<abbr title="{}">{}</abbr>', CHECKLIST_LABELS[checklist], short)
    for checklist, short in SHORT_CHECKLIST_NAMES.items()
}
# JSON form keys (what IssueChange.field holds) as the template names them: the guided
# form's labels, the checklists' names and the keys only tracking changes.
FIELD_LABELS = {
    **GUIDED_FIELD_LABELS,
    **{key: CHECKLIST_LABELS[checklist] for key, checklist in CHECKLIST_KEYS.items()},
    "updates": "Updates",
    "status": "Status",
    "github": "GitHub issue",
}
STALE = (
    "This issue was changed by someone else after you opened it, so your change was not "
    "saved. The latest values are shown below: please make your change again."
)


def _page(paginator, number):
    """The requested page and a note when the request asked for one that does not exist."""
    try:
        number = int(number or 1)
    except ValueError:
        return paginator.page(1), f"“{number}” is not a page number: showing page 1."
    if number < 1:
        return paginator.page(1), f"There is no page {number}: showing page 1."
    if number > paginator.num_pages:
        last = paginator.num_pages
        return paginator.page(last), f"There is no page {number}: showing page {last}."
    return paginator.page(number), None


# Each checklist's items and ticked items, counted in the page's own query.
PROGRESS_COUNTS = {
    f"{checklist}_{what}": Count(
        "checklist_items",
        filter=Q(
            checklist_items__checklist=checklist,
            **({"checklist_items__done": True} if what == "done" else {}),
        ),
    )
    for checklist, _, _ in CHECKLISTS
    for what in ("total", "done")
}


def _progress(row):
    """A row's checklist progress, e.g. ``DoD 2/6``; a checklist without items is left out."""
    return mark_safe(  # noqa: S308 (constant HTML and numbers)
        "<br>".join(
            f"{PROGRESS_NAMES[checklist]} {row[f'{checklist}_done']}/{row[f'{checklist}_total']}"
            for checklist, _, _ in CHECKLISTS
            if row[f"{checklist}_total"]
        )
    )


def _listing(issue_filter, requested_page):
    """What the list shows of the filtered issues: counts, page links and the rows' HTML."""
    paginator = IdPaginator(issue_filter.qs, PAGE_SIZE)
    page, note = _page(paginator, requested_page)
    rows = list(page.object_list.annotate(**PROGRESS_COUNTS))
    today = timezone.localdate()
    for row in rows:
        row["progress"] = _progress(row)
        row["deadline"] = deadline_state(
            row["priority"], row["reported_date"], row["target_date"], row["status"], today
        )
    return {
        "count": paginator.count,
        "start": page.start_index(),
        "end": page.end_index(),
        "number": page.number,
        "previous": page.previous_page_number() if page.has_previous() else None,
        "next": page.next_page_number() if page.has_next() else None,
        # Page numbers, None where Django's paginator elides some.
        "page_range": [
            number if isinstance(number, int) else None
            for number in paginator.get_elided_page_range(page.number, on_each_side=2)
        ],
        "rows": issue_rows(rows),
        "note": note,
    }


def issue_list(request):
    # The rows as dicts: model instances would cost a third more for 50 rows.
    issue_filter = IssueFilter(request.GET, Issue.objects.values(*LIST_COLUMNS), request=request)
    # Kept until what it shows changes (issues/pagecache.py). It depends on the query string,
    # the user (?reporter=mine) and the day (overdue).
    key = ("issue-list", sorted(request.GET.lists()), request.user.pk, timezone.localdate())
    listing = pagecache.cached(key, lambda: _listing(issue_filter, request.GET.get("page")))
    ctx = {
        "filter": issue_filter,
        "listing": listing,
        "notes": issue_filter.notes + ([listing["note"]] if listing["note"] else []),
        "filtered": any(name != "page" for name in request.GET),
        "draft_count": Issue.objects.filter(status=Issue.DRAFT, reporter=request.user).count(),
    }
    return render(request, "issues/list.html", ctx)


def _load(pk):
    return get_object_or_404(tracked_issues(), pk=pk)


def _render_detail(request, issue, history, *, item_form=None, update_form=None):
    """The issue page; a form that did not validate is shown with its errors."""
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
        change.label = FIELD_LABELS.get(change.field, change.field)
        if change.field == "status":
            old, new = (STATUS_LABELS.get(value, value) for value in (change.old, change.new))
            change.label += f": {old} → {new}"
    ctx = {
        "issue": issue,
        "checklists": checklists,
        "updates": issue.updates.all(),
        "update_form": update_form or UpdateForm(prefix="update"),
        "transitions": StatusForm(current=issue.status).fields["status"].choices,
        "history": history,
        "invalid_form": item_form or update_form,
    }
    return render(request, "issues/detail.html", ctx)


def _history(issue):
    return list(issue.changes.select_related("user")[:HISTORY_SIZE])


def _issue_and_history(pk):
    issue = ensure_checklists(_load(pk))
    return issue, _history(issue)


def issue_detail(request, pk):
    # The rows, kept until what the page shows changes (issues/pagecache.py).
    issue, history = pagecache.cached(("issue-page", pk), lambda: _issue_and_history(pk))
    return _render_detail(request, issue, history)


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
    issue = _load(pk)
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
    issue = _load(pk)
    form = ItemForm(request.POST, prefix=checklist, checklist_label=CHECKLIST_LABELS[checklist])
    if not form.is_valid():
        return _render_detail(request, issue, _history(issue), item_form=form)
    try:
        add_item(issue, request.user, posted_version(request), checklist, form.cleaned_data["text"])
    except StaleIssue:
        return _stale(request, issue)
    messages.success(request, f"Item added to the {CHECKLIST_LABELS[checklist]}.")
    return redirect(f"{issue.get_absolute_url()}#{checklist}")


@require_POST
def checklist_remove(request, pk, item_pk):
    issue = _load(pk)
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
    issue = _load(pk)
    form = UpdateForm(request.POST, prefix="update")
    if not form.is_valid():
        return _render_detail(request, issue, _history(issue), update_form=form)
    try:
        add_update(issue, request.user, posted_version(request), **form.cleaned_data)
    except StaleIssue:
        return _stale(request, issue)
    messages.success(request, "Update added.")
    return redirect(f"{issue.get_absolute_url()}#updates")


def update_edit(request, pk, update_pk):
    """An author corrects their own update."""
    issue = _load(pk)
    update = next((u for u in issue.updates.all() if u.pk == update_pk), None)
    if update is None:
        raise Http404
    if update.author_id != request.user.pk:
        raise PermissionDenied("Only the author of an update can correct it.")
    form = UpdateForm(request.POST or None, initial={"date": update.date, "text": update.text})
    if request.method == "POST" and form.is_valid():
        try:
            correct_update(
                issue, request.user, posted_version(request), update, **form.cleaned_data
            )
        except StaleIssue:
            return _stale(request, issue)
        messages.success(request, "Update corrected.")
        return redirect(f"{issue.get_absolute_url()}#updates")
    ctx = {"issue": issue, "update": update, "form": form}
    return render(request, "issues/update_form.html", ctx)


@require_POST
def issue_status(request, pk):
    """Move the issue along; an incomplete Definition of Ready/Done asks to confirm first."""
    issue = _load(pk)
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
