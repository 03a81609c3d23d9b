"""The guided form: write or edit an issue one template section at a time.

A new issue becomes a draft (an Issue with status DRAFT) at its first valid "Next"; every
step then saves into that row. Editing an existing issue keeps the edited values in a
PendingEdit until "Save changes". Either way, what was typed on a step that does not
validate yet is kept in the PendingEdit's ``typed``, so that no way out of a step loses it.
"""

from django.contrib import messages
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path

from issues import markdown
from issues.forms.guided import (
    FIELD_LABELS,
    FORM_KEYS,
    GITHUB_BODY_LIMIT,
    ROW_SETS,
    STEP_FORMS,
    overflow_message,
    rows_from,
    with_rows,
)
from issues.history import record_changes
from issues.models import Issue, PendingEdit
from issues.serialization import apply_dict, create_issue, issue_to_dict, validate

STEPS = list(STEP_FORMS)
STEP_TITLES = {
    "overview": "Overview",
    "details": "Details",
    "impact": "Impact",
    "timeline": "Timeline",
    "review": "Review",
}
# Buttons that are not data: never stored as typed input.
BUTTONS = ("csrfmiddlewaretoken", "action", "goto", *(f"remove_{name}" for name in ROW_SETS))


def _issues():
    return Issue.objects.prefetch_related(
        "milestones", "checklist_items", "updates", "metrics", "links"
    )


def _typed(post):
    return {key: value for key, value in post.dict().items() if key not in BUTTONS}


def _first_incomplete(pending):
    return next((step for step in STEPS[:-1] if step not in pending.completed), "review")


def _start_edit(issue, user):
    """A fresh PendingEdit: for an existing issue, its current values; for a draft, none."""
    is_draft = issue.status == Issue.DRAFT
    data = (
        {}
        if is_draft
        else {key: value for key, value in issue_to_dict(issue).items() if key in FORM_KEYS}
    )
    pending, _ = PendingEdit.objects.update_or_create(
        issue=issue,
        author=user,
        defaults={
            "data": data,
            "base_version": issue.version,
            "typed": {},
            "completed": [] if is_draft else STEPS[:-1],
        },
    )
    return pending


def _get_issue(request, pk):
    """The issue, a draft only for its author."""
    issue = get_object_or_404(_issues(), pk=pk)
    if issue.status == Issue.DRAFT and issue.reporter_id != request.user.pk:
        raise Http404("No such draft.")
    return issue


def _pending(issue, user):
    """The user's PendingEdit of the issue, started if there is none."""
    pending = PendingEdit.objects.filter(issue=issue, author=user).first()
    return pending or _start_edit(issue, user)


def _load(request, pk):
    """The issue (a draft only for its author), the user's PendingEdit, and the JSON form."""
    issue = _get_issue(request, pk)
    pending = _pending(issue, request.user)
    data = {**issue_to_dict(issue), **pending.data}
    return issue, pending, data


def _save_step(issue, pending, step, values, typed=None):
    """Keep a valid step: into the draft row, or into the pending edit of an issue.

    ``typed`` is kept too when the step is shown again as typed (a row added or removed).
    """
    if issue.status == Issue.DRAFT:
        apply_dict(issue, values)
    else:
        pending.data.update(values)
    if typed:
        pending.typed[step] = typed
    else:
        pending.typed.pop(step, None)
    if step not in pending.completed:
        pending.completed.append(step)
    pending.save()


def _keep_typed(pending, step, typed):
    """Keep what was typed on a step that does not validate: shown again, never lost."""
    pending.typed[step] = typed
    if step in pending.completed:
        pending.completed.remove(step)
    pending.save()


def _render_step(request, step, form, issue=None):
    ctx = {
        "step": step,
        "step_title": STEP_TITLES[step],
        "steps": [(name, STEP_TITLES[name]) for name in STEPS],
        "form": form,
        "issue": issue,
        "is_draft": issue is None or issue.status == Issue.DRAFT,
        "previous": STEPS[STEPS.index(step) - 1] if step != STEPS[0] else None,
    }
    if step == "review":
        ctx["body"] = markdown.render_body(form.issue_data)
    return render(request, "issues/guided/step.html", ctx)


def issue_new(request):
    """The Overview step of a new issue: nothing is saved until the first valid "Next"."""
    form = STEP_FORMS["overview"](request.POST or None, issue_data={})
    if request.method == "POST" and form.is_valid():
        draft = create_issue(
            {**form.to_dict(), "description": "", "priority": "", "status": Issue.DRAFT},
            reporter=request.user,
        )
        PendingEdit.objects.create(
            issue=draft, author=request.user, base_version=draft.version, completed=["overview"]
        )
        return redirect("issue-step", draft.pk, "details")
    return _render_step(request, "overview", form)


def _changed_rows(post, action, typed):
    """``typed`` with a row added or removed when a row's button was pressed, else None."""
    for name, (prefix, fields) in ROW_SETS.items():
        remove = post.get(f"remove_{name}", "")
        if action == f"add_{name}" or remove.isdigit():
            rows = rows_from(typed, prefix, fields)
            if action == f"add_{name}":
                rows.append(("",) * len(fields))
            elif int(remove) < len(rows):
                rows.pop(int(remove))
            return with_rows(typed, prefix, fields, rows or [("",) * len(fields)])
    return None


def issue_step(request, pk, step):
    """One step of a draft or of an issue being edited: shown, saved, left by any button."""
    if step not in STEPS:
        raise Http404("No such step.")
    issue, pending, data = _load(request, pk)
    form_class = STEP_FORMS[step]

    if request.method != "POST":
        typed = pending.typed.get(step)
        form = form_class(typed, issue_data=data) if typed else form_class(issue_data=data)
        return _render_step(request, step, form, issue)

    typed = _typed(request.POST)
    target = request.POST.get("goto")
    # A step button of the progress indicator leaves the step as "Back" does.
    action = request.POST.get("action", "back" if target else "next")
    changed = _changed_rows(request.POST, action, typed)
    rows_changed = changed is not None
    if rows_changed:
        typed, target = changed, step
    elif target not in STEPS:
        index = STEPS.index(step) + (-1 if action == "back" else 1)
        target = STEPS[min(max(index, 0), len(STEPS) - 1)]

    form = form_class(request.POST if step == "review" else typed, issue_data=data)
    if form.is_valid():
        values = form.to_dict()
        _save_step(issue, pending, step, values, typed if rows_changed else None)
        data.update(values)
    else:
        _keep_typed(pending, step, typed)
        if action == "next":
            return _render_step(request, step, form, issue)

    if action == "finish":
        return _finish(request, issue, pending, data)
    return redirect("issue-step", issue.pk, target)


def _finish(request, issue, pending, data):
    """ "Create issue" or "Save changes": every step valid, then one transaction."""
    for step in STEPS[:-1]:
        typed = pending.typed.get(step)
        form_class = STEP_FORMS[step]
        form = form_class(typed, issue_data=data) if typed else form_class.bound_to(data)
        if not form.is_valid():
            _keep_typed(pending, step, form.data)
            messages.error(
                request,
                f"Step “{STEP_TITLES[step]}” needs your attention before the issue can be saved.",
            )
            return redirect("issue-step", issue.pk, step)
    length = len(markdown.render_body(data))
    if length > GITHUB_BODY_LIMIT:
        # Not one long text but many of them, or many rows: said on Review.
        messages.error(request, overflow_message(length))
        return redirect("issue-step", issue.pk, "review")
    problems = validate(
        {key: value for key, value in data.items() if key != "github"} | {"status": Issue.OPEN}
    )
    if problems:
        for problem in problems:
            messages.error(request, problem)
        return redirect("issue-step", issue.pk, "review")

    if issue.status == Issue.DRAFT:
        with transaction.atomic():
            apply_dict(issue, {"status": Issue.OPEN})
            pending.delete()
        messages.success(request, "Issue created.")
        return redirect("issue-detail", issue.pk)
    return _save_changes(request, issue, pending, data)


def _save_changes(request, issue, pending, data):
    """Apply an edit unless the issue changed since the edit started (optimistic locking)."""
    with transaction.atomic():
        locked = Issue.objects.filter(pk=issue.pk, version=pending.base_version).update(
            version=F("version") + 1
        )
        if locked:
            issue = _issues().get(pk=issue.pk)
            before = issue_to_dict(issue)
            apply_dict(issue, {key: data[key] for key in FORM_KEYS})
            record_changes(issue, request.user, before, issue_to_dict(_issues().get(pk=issue.pk)))
            pending.delete()
    if locked:
        messages.success(request, "Changes saved.")
        return redirect("issue-detail", issue.pk)

    latest = _issues().get(pk=issue.pk)
    latest_data = issue_to_dict(latest)
    differing = [key for key in FORM_KEYS if pending.data.get(key) != latest_data.get(key)]
    _start_edit(latest, request.user)
    messages.error(
        request,
        "Someone else changed this issue while you were editing it, so your changes were not "
        "saved. The latest values are shown below; your version differed from them in: "
        + (", ".join(FIELD_LABELS[key] for key in differing) or "nothing")
        + ".",
    )
    return redirect("issue-step", issue.pk, "review")


def issue_edit(request, pk):
    """Start editing: a draft resumes where it stopped; an issue starts from its values."""
    issue = _get_issue(request, pk)
    if issue.status == Issue.DRAFT:
        return redirect("issue-step", issue.pk, _first_incomplete(_pending(issue, request.user)))
    _start_edit(issue, request.user)
    return redirect("issue-step", issue.pk, STEPS[0])


def draft_list(request):
    """The user's drafts, newest first, each linked to the step where it stopped."""
    drafts = Issue.objects.filter(status=Issue.DRAFT, reporter=request.user).order_by("-updated_at")
    pending = {
        edit.issue_id: edit
        for edit in PendingEdit.objects.filter(author=request.user, issue__in=drafts)
    }
    rows = [
        (draft, _first_incomplete(pending[draft.pk]) if draft.pk in pending else STEPS[0])
        for draft in drafts
    ]
    ctx = {"rows": [(d, step, STEP_TITLES[step]) for d, step in rows]}
    return render(request, "issues/guided/drafts.html", ctx)


urlpatterns = [
    path("issues/new/", issue_new, name="issue-new"),
    path("issues/drafts/", draft_list, name="draft-list"),
    path("issues/<int:pk>/edit/", issue_edit, name="issue-edit"),
    path("issues/<int:pk>/steps/<slug:step>/", issue_step, name="issue-step"),
]
