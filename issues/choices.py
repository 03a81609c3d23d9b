"""The values an issue's fields take, as Django choices: models, forms, filters and the check
constraints all use these (labels from the template, issues/template.py)."""

from django.db import models

from issues import template


class Status(models.TextChoices):
    """A draft is a guided form in progress; the rest is the issue's life."""

    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


# Being worked on: what the list shows by default, and what can be due or overdue.
OPEN_STATUSES = [Status.OPEN, Status.IN_PROGRESS]
# Every status but a draft's: what the list, the exports and the issue page show.
LISTED_STATUSES = [status for status in Status if status != Status.DRAFT]


class Priority(models.TextChoices):
    """As the template writes it: ``!p0`` (critical) to ``!p3`` (low)."""

    P0 = "p0", template.priority_label("p0")
    P1 = "p1", template.priority_label("p1")
    P2 = "p2", template.priority_label("p2")
    P3 = "p3", template.priority_label("p3")


class Environment(models.TextChoices):
    DEVELOPMENT = "development", "development"
    STAGING = "staging", "staging"
    PRODUCTION = "production", "production"


# Type of Issue: one member per type of the template (template.TYPE_LABELS), so that adding a
# type there adds it here, e.g. Type.TRAINING == "training", labelled "Training".
Type = models.TextChoices(  # type: ignore[call-overload]  # the stubs know only the class form
    "Type", [(value.upper(), (value, label)) for value, label in template.TYPE_LABELS.items()]
)


class ChecklistKind(models.TextChoices):
    """Which of the template's three checklists an item belongs to."""

    TODO = "todo", template.TODO.title
    READY = "ready", template.READY.title
    DONE = "done", template.DONE.title
