"""The guided form: write or edit an issue one template section at a time.

A new issue becomes a draft (an Issue with status DRAFT) at its first valid "Next"; every
step then saves into that row. Editing an existing issue keeps the edited values in a
PendingEdit until "Save changes". Either way, what was typed on a step that does not
validate yet is kept in the PendingEdit's ``typed``, so that no way out of a step loses it.
"""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone

from issues import markdown, notify, template
from issues.edit_merge import apply_edit, base_at, display, merge, merge_ticks, parse_started
from issues.forms import ascii_int
from issues.forms.focus import autofocus
from issues.forms.guided import (
    FIELD_LABELS,
    FORM_KEYS,
    ROW_SETS,
    STEP_FORMS,
    overflow_message,
    rows_from,
    with_rows,
)
from issues.history import record_changes
from issues.limits import GITHUB_BODY_LIMIT
from issues.models import DraftStart, Issue, IssueChange, PendingEdit
from issues.serialization import (
    CHECKLIST_KEYS,
    apply_dict,
    clean,
    create_issue,
    issue_to_dict,
    normalize,
    validate,
)

STEPS = list(STEP_FORMS)
STEP_TITLES = {
    "overview": "Overview",
    "details": "Details",
    "impact": "Impact",
    "timeline": "Timeline",
    "review": "Review",
}
# Buttons that are not data: never stored as typed input.
BUTTONS = (
    "csrfmiddlewaretoken",
    "action",
    "goto",
    "preview",
    "edit_started",
    "confirm_duplicate",
    *(f"remove_{name}" for name in ROW_SETS),
)
# The step that collects each key of the JSON form.
KEY_STEPS = {key: step for step, form in STEP_FORMS.items() for key in form.keys}


def _typed(post):
    """What was typed, to keep in a JSON column: without NUL characters, which PostgreSQL's
    jsonb cannot hold (``issue_step`` refuses a field with one before this)."""
    return {
        key.replace("\x00", ""): value.replace("\x00", "")
        for key, value in post.dict().items()
        if key not in BUTTONS
    }


def _first_incomplete(pending):
    return next((step for step in STEPS[:-1] if step not in pending.completed), "review")


def _edit_values(issue_data):
    return {key: value for key, value in issue_data.items() if key in FORM_KEYS}


def _begin(request, issue):
    """The user's PendingEdit of ``issue``, made at the first POST of an edit (never on GET).

    For an existing issue it keeps the values the edit began from: those of the moment the
    first step was shown (``edit_started``), so that changes saved since then are seen.
    """
    pending = PendingEdit.objects.filter(issue=issue, author=request.user).first()
    if pending:
        return pending
    defaults = {"base_version": issue.version, "completed": []}
    if issue.status != Issue.Status.DRAFT:
        current = _edit_values(issue_to_dict(issue))
        started = parse_started(request.POST.get("edit_started"))
        defaults.update(
            data=current,
            base=base_at(issue, current, FORM_KEYS, started),
            completed=STEPS[:-1],
        )
    try:
        with transaction.atomic():
            return PendingEdit.objects.create(issue=issue, author=request.user, **defaults)
    except IntegrityError:  # begun in another tab at the same moment
        return PendingEdit.objects.get(issue=issue, author=request.user)


def _shown(pending, current):
    """The values a step shows: the edit's own changes over the issue's current values."""
    if pending is None:
        return dict(current)
    shown = dict(current)
    for key, value in pending.data.items():
        was = pending.base.get(key)
        if key in CHECKLIST_KEYS:
            shown[key] = merge_ticks(
                was if key in pending.base else current[key], value, current[key]
            )
        elif key not in pending.base or value != was:
            shown[key] = value
    return shown


def _get_issue(request, pk):
    """The issue, a draft only for its author."""
    issue = get_object_or_404(Issue.objects.with_rows(), pk=pk)
    if issue.status == Issue.Status.DRAFT and issue.reporter_id != request.user.pk:
        raise Http404("No such draft.")
    return issue


def _load(request, pk):
    """The issue (a draft only for its author), the user's PendingEdit or None, the values."""
    issue = _get_issue(request, pk)
    pending = PendingEdit.objects.filter(issue=issue, author=request.user).first()
    current = issue_to_dict(issue)
    return issue, pending, current, _shown(pending, current)


def _save_step(issue, pending, step, values, typed=None, current=None):
    """Keep a valid step: into the draft row, or into the pending edit of an issue.

    ``typed`` is kept too when the step is shown again as typed (a row added or removed).
    A value left as the issue's ``current`` one is the edit's new starting point for it.
    """
    values = clean(values)
    if issue.status == Issue.Status.DRAFT:
        apply_edit(issue, values)
    else:
        pending.data.update(values)
        for key, value in values.items():
            if current is not None and value == current[key] and key not in CHECKLIST_KEYS:
                pending.base[key] = value
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


def _conflicts(pending, current):
    """What the review shows of each field in conflict: theirs, yours, who saved it and when."""
    if pending is None or not pending.base:
        return []
    _, keys = merge(pending.base, pending.data, current)
    latest = {}
    for change in IssueChange.objects.filter(issue=pending.issue_id, field__in=keys).select_related(
        "user"
    ):
        latest.setdefault(change.field, change)
    return [
        {
            "key": key,
            "label": FIELD_LABELS[key],
            "theirs": display(key, current[key]),
            "mine": display(key, pending.data[key]),
            "change": latest.get(key),
        }
        for key in keys
    ]


def _resolve(pending, post, current):
    """Apply the choices of the conflict view: keep their value, or keep yours."""
    for key in FORM_KEYS:
        choice = post.get(f"keep_{key}")
        if choice == "theirs":
            pending.data[key] = current[key]
            pending.typed.pop(KEY_STEPS[key], None)
        if choice in ("theirs", "mine"):
            pending.base[key] = current[key]
    pending.save()


def _review_body(data):
    """The body, and its parts around the Definition of Ready (which the Review shows once,
    as checkboxes)."""
    body = markdown.render_body(data)
    start, end = body.index(template.READY.heading), body.index(template.DONE.heading)
    return body, body[:start], body[end:]


def _render_step(request, step, form, issue=None, pending=None, **extra):
    is_draft = issue is None or issue.status == Issue.Status.DRAFT
    ctx = {
        "step": step,
        "step_title": STEP_TITLES[step],
        "steps": [(name, STEP_TITLES[name]) for name in STEPS],
        "form": form,
        "issue": issue,
        "is_draft": is_draft,
        "previous": STEPS[STEPS.index(step) - 1] if step != STEPS[0] else None,
        "pending": pending,
        # When the edit began, for its first POST (no edit row is written on GET).
        "edit_started": timezone.now().isoformat() if issue and pending is None else "",
        **extra,
    }
    if step == "review":
        ctx["body"], ctx["body_before"], ctx["body_after"] = _review_body(form.issue_data)
        if not is_draft:
            ctx["conflicts"] = _conflicts(pending, issue_to_dict(issue))
    elif not extra.get("preview_field"):
        autofocus(form)
    return render(request, "issues/guided/step.html", ctx)


def issue_new(request):
    """The Overview step of a new issue: nothing is saved until the first valid "Next"."""
    form = STEP_FORMS["overview"](request.POST or None, issue_data={})
    if request.method == "POST" and form.is_valid():
        duplicate = Issue.objects.filter(
            status=Issue.Status.DRAFT,
            reporter=request.user,
            name=normalize(form.cleaned_data["name"]),
        ).first()
        token = form.cleaned_data["start"]
        started = token and DraftStart.objects.filter(author=request.user, token=token).first()
        if duplicate and not started and not request.POST.get("confirm_duplicate"):
            return _render_step(request, "overview", form, duplicate=duplicate)
        try:
            with transaction.atomic():
                draft = create_issue(
                    {
                        **form.to_dict(),
                        "description": "",
                        "priority": "",
                        "status": Issue.Status.DRAFT,
                    },
                    reporter=request.user,
                )
                PendingEdit.objects.create(
                    issue=draft,
                    author=request.user,
                    base_version=draft.version,
                    completed=["overview"],
                )
                if token:
                    DraftStart.objects.create(author=request.user, token=token, issue=draft)
        except IntegrityError:
            # This form was posted before (a double "Next"): go on with the draft it made.
            draft = DraftStart.objects.get(author=request.user, token=token).issue
        return redirect("issue-step", draft.pk, "details")
    return _render_step(request, "overview", form)


def _changed_rows(post, action, typed):
    """``typed`` with a row added or removed when a row's button was pressed, else None."""
    for name, (prefix, fields) in ROW_SETS.items():
        remove = ascii_int(post.get(f"remove_{name}"))
        if action == f"add_{name}" or remove is not None:
            rows = rows_from(typed, prefix, fields)
            if action == f"add_{name}":
                rows.append(("",) * len(fields))
            elif remove < len(rows):
                rows.pop(remove)
            return with_rows(typed, prefix, fields, rows or [("",) * len(fields)])
    return None


def issue_step(request, pk, step):
    """One step of a draft or of an issue being edited: shown, saved, left by any button."""
    if step not in STEPS:
        raise Http404("No such step.")
    issue, pending, current, data = _load(request, pk)
    form_class = STEP_FORMS[step]

    if request.method != "POST":
        typed = pending.typed.get(step) if pending else None
        form = form_class(typed, issue_data=data) if typed else form_class(issue_data=data)
        if step == "timeline" and not typed:
            form.propose_target()
        return _render_step(request, step, form, issue, pending)

    posted = request.POST.dict()
    if any("\x00" in value for value in posted.values()):
        # Refused before anything is kept or any button acts: the step again, with the
        # field's error ("Null characters are not allowed.", as every form says) next to it.
        form = form_class(posted, issue_data=data)
        if not form.is_valid():
            return _render_step(request, step, form, issue, pending)
    pending = _begin(request, issue)
    if issue.status != Issue.Status.DRAFT and any(key.startswith("keep_") for key in request.POST):
        _resolve(pending, request.POST, current)
        data = _shown(pending, current)
    typed = _typed(request.POST)
    preview_field = request.POST.get("preview")
    if preview_field:
        # "Preview" without JavaScript: the step again, as typed, with the text rendered.
        form = form_class(typed, issue_data=data)
        if form.is_valid():
            _save_step(issue, pending, step, form.to_dict(), typed, current)
        else:
            _keep_typed(pending, step, typed)
        return _render_step(request, step, form, issue, pending, preview_field=preview_field)
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
        _save_step(issue, pending, step, values, typed if rows_changed else None, current)
        data = _shown(pending, current)
    else:
        _keep_typed(pending, step, typed)
        if action == "next":
            return _render_step(request, step, form, issue, pending)

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
        {key: value for key, value in data.items() if key != "github"}
        | {"status": Issue.Status.OPEN}
    )
    if problems:
        for problem in problems:
            messages.error(request, problem)
        return redirect("issue-step", issue.pk, "review")

    if issue.status == Issue.Status.DRAFT:
        with transaction.atomic():
            apply_dict(issue, {"status": Issue.Status.OPEN})
            pending.delete()
            notify.issue_created(issue, request.user)
        messages.success(request, "Issue created.")
        return redirect("issue-detail", issue.pk)
    return _save_changes(request, issue, pending, data)


def _save_changes(request, issue, pending, data):
    """Save the fields the edit changed; refused only for a field someone else changed too
    since the edit began (then the Review shows both values to choose from)."""
    mine = {key: data[key] for key in FORM_KEYS} | {
        key: pending.data[key] for key in CHECKLIST_KEYS if key in pending.data
    }
    for _attempt in range(3):
        latest = Issue.objects.with_rows().get(pk=issue.pk)
        theirs = issue_to_dict(latest)
        values, conflicts = merge(pending.base, mine, theirs)
        if conflicts:
            messages.error(
                request,
                "Someone else saved "
                + ", ".join(FIELD_LABELS[key] for key in conflicts)
                + " while you were editing. Nothing was saved yet and nothing you typed is "
                "lost: choose below which value to keep, then save again.",
            )
            return redirect("issue-step", issue.pk, "review")
        with transaction.atomic():
            if values and not Issue.objects.filter(pk=issue.pk, version=latest.version).update(
                version=F("version") + 1
            ):
                continue  # changed between reading and writing: merge again
            if values:
                saved = Issue.objects.with_rows().get(pk=issue.pk)
                apply_edit(saved, values)
                after = issue_to_dict(Issue.objects.with_rows().get(pk=issue.pk))
                record_changes(saved, request.user, theirs, after)
                notify.issue_edited(saved, request.user, theirs, after)
            pending.delete()
        messages.success(
            request, "Changes saved." if values else "Nothing to save: no field changed."
        )
        return redirect("issue-detail", issue.pk)
    messages.error(request, "The issue is being changed right now: please save again.")
    return redirect("issue-step", issue.pk, "review")


def issue_edit(request, pk):
    """Start or resume editing: a draft where it stopped, an issue at its first step."""
    issue = _get_issue(request, pk)
    pending = PendingEdit.objects.filter(issue=issue, author=request.user).first()
    if issue.status == Issue.Status.DRAFT:
        return redirect("issue-step", issue.pk, _first_incomplete(pending) if pending else STEPS[0])
    # An edit in progress (in this tab or another) is resumed, never reset: GET changes nothing.
    return redirect("issue-step", issue.pk, STEPS[0])


def issue_discard(request, pk):
    """Throw away a draft, or the user's edit in progress of an issue; GET asks first."""
    issue = _get_issue(request, pk)
    is_draft = issue.status == Issue.Status.DRAFT
    pending = PendingEdit.objects.filter(issue=issue, author=request.user).first()
    if not is_draft and pending is None:
        messages.info(request, "You have no edit of this issue in progress.")
        return redirect(issue)
    if request.method == "POST":
        if is_draft:
            issue.delete()
            messages.success(request, f"Draft “{issue.name}” discarded.")
            return redirect("draft-list")
        pending.delete()
        messages.success(request, "Your changes were discarded; the issue is as it was.")
        return redirect(issue)
    ctx = {"issue": issue, "is_draft": is_draft, "pending": pending}
    return render(request, "issues/guided/discard_confirm.html", ctx)


def draft_list(request):
    """The user's drafts, newest first, each linked to the step where it stopped."""
    drafts = Issue.objects.filter(status=Issue.Status.DRAFT, reporter=request.user).order_by(
        "-updated_at"
    )
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
    path("issues/<int:pk>/discard/", issue_discard, name="issue-discard"),
    path("issues/<int:pk>/steps/<slug:step>/", issue_step, name="issue-step"),
]
