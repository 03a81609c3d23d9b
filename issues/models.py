"""The ML Engineering Issue, section by section, plus what tracking it needs."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Prefetch, Q
from django.db.models.functions import Lower
from django.utils import timezone

from issues import deadlines
from issues.choices import (
    OPEN_STATUSES,
    ChecklistKind,
    Environment,
    Priority,
    Status,
    Type,
)
from issues.limits import (
    CHECKLIST_ITEM_MAX_LENGTH,
    GITHUB_REPOSITORY_MAX_LENGTH,
    LINK_TARGET_MAX_LENGTH,
    METRIC_NAME_MAX_LENGTH,
    METRIC_UNIT_MAX_LENGTH,
    SHORT_TEXT_MAX_LENGTH,
)
from issues.template import FIELD_LABELS


class IssueQuerySet(models.QuerySet):
    """The issues as the pages ask for them; ``Issue.objects`` is one."""

    def listed(self):
        """What the issue list, the exports and the issue page show: every issue but drafts.

        ``status <> 'draft'``, the same issues as ``status IN`` (LISTED_STATUSES) under the
        status constraint, which SQLite tests in half the time on each of 50,000 index entries.
        """
        return self.exclude(status=Status.DRAFT)

    def with_rows(self):
        """With every row the issue page and the JSON form (``issue_to_dict``) read: one query
        for the issues and one per related table, however many issues."""
        return self.select_related("reporter").prefetch_related(
            "milestones",
            "checklist_items",
            Prefetch("updates", Update.objects.select_related("author")),
            "metrics",
            "links",
        )

    def overdue(self, today):
        """Open issues past their due date on ``today`` (issues/deadlines.py), as
        ``Issue.is_overdue`` says of one issue."""
        return self.filter(deadlines.overdue_q(today))

    def past_target(self, today):
        """Open issues whose Target Resolution Date is before ``today``: the list's
        ``?overdue=1``, which, unlike ``overdue``, ignores the priority's deadline."""
        return self.filter(status__in=OPEN_STATUSES, target_date__lt=today)


class Issue(models.Model):
    Status = Status
    Priority = Priority
    Environment = Environment
    Type = Type

    # Issue Overview
    name = models.CharField(FIELD_LABELS["name"], max_length=SHORT_TEXT_MAX_LENGTH)
    type = models.CharField(FIELD_LABELS["type"], max_length=32, choices=Type.choices)
    related_project = models.CharField(
        FIELD_LABELS["related_project"], max_length=SHORT_TEXT_MAX_LENGTH, blank=True
    )

    # Specific Details
    description = models.TextField(FIELD_LABELS["description"], blank=True)
    expected_behavior = models.TextField(FIELD_LABELS["expected_behavior"], blank=True)
    proposed_solution = models.TextField(FIELD_LABELS["proposed_solution"], blank=True)
    frameworks = models.JSONField(FIELD_LABELS["frameworks"], default=list, blank=True)
    data_involved = models.TextField(FIELD_LABELS["data_involved"], blank=True)
    environment = models.CharField(
        FIELD_LABELS["environment"], max_length=16, choices=Environment.choices, blank=True
    )

    # Impact Assessment and Priority (blank only while a draft has not reached that step)
    business_impact = models.TextField(FIELD_LABELS["business_impact"], blank=True)
    users_affected = models.TextField(FIELD_LABELS["users_affected"], blank=True)
    priority = models.CharField(
        FIELD_LABELS["priority"], max_length=2, choices=Priority.choices, blank=True
    )

    # Communication and Timeline
    reported_date = models.DateField(FIELD_LABELS["reported_date"], default=datetime.date.today)
    target_date = models.DateField(FIELD_LABELS["target_date"], null=True, blank=True)
    assignees = models.JSONField(FIELD_LABELS["assignees"], default=list, blank=True)

    # Tracking
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped by every save of the issue's fields, so that a stale form can be refused.
    version = models.PositiveIntegerField(default=1)
    # The day it last moved to Resolved or Closed; None while open (Insights' charts).
    resolved_on = models.DateField(null=True, blank=True)

    # Where it was filed on GitHub: the repository ("owner/name" in lower case, as GitHub
    # compares names), set with the number, so that a later GITHUB_REPOSITORY never sends it,
    # or applies a webhook, to the issue of the same number in another repository.
    github_repository = models.CharField(max_length=GITHUB_REPOSITORY_MAX_LENGTH, blank=True)
    github_number = models.PositiveIntegerField(null=True, blank=True)
    github_url = models.URLField(blank=True)
    github_filed_at = models.DateTimeField(null=True, blank=True)
    # Set while a filing request is in flight: the database, not memory, says "once".
    github_filing_started_at = models.DateTimeField(null=True, blank=True)
    # When an attempt began whose outcome is unknown (timeout, broken connection, 5xx): the
    # next attempt first looks on GitHub for the issue that attempt may have created.
    github_unknown_since = models.DateTimeField(null=True, blank=True)

    objects = IssueQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        # What the issue list (issues/filters.py) filters and sorts on at 100,000 issues. Every
        # sort ends with the tie-break -id, so each sort index ends with it too.
        indexes = [
            # The default list: open statuses, newest first. Its count, and the ids of a deep page
            # (?page=1000), come from this narrow index alone, without reading the issues.
            models.Index(fields=["id", "status"], name="issue_list_newest_idx"),
            # Every status (?status=all), newest first: a deep page's ids on PostgreSQL, from an
            # index of the ids alone (page 1,000: 12 -> 7 ms). SQLite's planner keeps the one
            # above, where the status test is cheap.
            models.Index(
                fields=["-id"], condition=~Q(status=Status.DRAFT), name="issue_listed_newest_idx"
            ),
            # ?sort=priority, ?sort=reported_date, ?sort=target_date (and ?overdue=1),
            # ?sort=updated_at, ?sort=name: page 1 reads 50 issues in index order, no sort.
            models.Index(fields=["priority", "-id"], name="issue_sort_priority_idx"),
            models.Index(fields=["reported_date", "-id"], name="issue_sort_reported_idx"),
            models.Index(fields=["target_date", "-id"], name="issue_sort_target_idx"),
            models.Index(fields=["updated_at", "-id"], name="issue_sort_updated_idx"),
            models.Index(fields=["name", "-id"], name="issue_sort_name_idx"),
            # The user's drafts, counted on every list page, and ?reporter=mine. With statistics
            # (ANALYZE) showing that most issues have no reporter, SQLite would rather scan
            # every issue than use the reporter index alone (README "Figures behind the code").
            models.Index(fields=["reporter", "status"], name="issue_reporter_status_idx"),
            # ?priority=p1&type=training&sort=target_date: filter and order in one index range;
            # status last, so that the page's count reads the index alone. (On PostgreSQL the
            # default list reads these columns from an index of open issues, migration 0043.)
            models.Index(
                fields=["priority", "type", "target_date", "-id", "status"],
                name="issue_priority_type_idx",
            ),
            # Insights (issues/views/insights.py), each a covering index for its counts: open
            # issues by priority and when reported or due (one pass before the 90 days shown,
            # ranges inside them); issues reported and resolved on a range of days. (Not one for
            # due days: SQLite would take it for the list's ?sort=target_date.)
            models.Index(
                fields=["status", "priority", "reported_date", "target_date"],
                name="issue_status_priority_idx",
            ),
            models.Index(
                fields=["reported_date", "status", "priority"], name="issue_reported_status_idx"
            ),
            models.Index(
                fields=["resolved_on", "priority", "reported_date", "target_date", "status"],
                name="issue_resolved_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_date__isnull=True) | Q(target_date__gte=F("reported_date")),
                name="target_date_not_before_reported_date",
            ),
            models.CheckConstraint(
                condition=Q(priority__in=Priority.values) | Q(status=Status.DRAFT, priority=""),
                name="priority_in_range",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values),
                name="status_in_range",
            ),
            models.CheckConstraint(condition=Q(type__in=Type.values), name="type_in_range"),
            models.CheckConstraint(
                condition=Q(environment__in=["", *Environment.values]), name="environment_in_range"
            ),
            # One dskit issue a GitHub issue: two import_github runs at once cannot both import
            # it. Serves the webhook's and the import's lookup by repository and number.
            models.UniqueConstraint(
                fields=["github_repository", "github_number"],
                condition=Q(github_number__isnull=False),
                name="issue_github_issue_unique",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.name}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("issue-detail", args=[self.pk])

    @property
    def is_overdue(self):
        """Open and past its due date today, as ``Issue.objects.overdue(today)`` selects."""
        return deadlines.issue_state(self) == deadlines.OVERDUE


class Milestone(models.Model):
    issue = models.ForeignKey(Issue, models.CASCADE, related_name="milestones")
    position = models.PositiveIntegerField()
    title = models.CharField("Milestone", max_length=SHORT_TEXT_MAX_LENGTH)
    date = models.DateField("Date")

    class Meta:
        ordering = ["issue_id", "position"]
        # Insights: the milestones of the next 30 days.
        indexes = [models.Index(fields=["date"], name="milestone_date_idx")]

    def __str__(self):
        return f"{self.title}: {self.date}"


class ChecklistItem(models.Model):
    Kind = ChecklistKind

    issue = models.ForeignKey(Issue, models.CASCADE, related_name="checklist_items")
    checklist = models.CharField(max_length=8, choices=ChecklistKind.choices)
    position = models.PositiveIntegerField()
    text = models.CharField(max_length=CHECKLIST_ITEM_MAX_LENGTH)
    done = models.BooleanField(default=False)
    # Template items cannot be renamed or removed; a user's own items can.
    from_template = models.BooleanField(default=False)

    class Meta:
        ordering = ["issue_id", "checklist", "position"]
        # The list's checklist progress: items per issue, checklist and done, read from the
        # index alone (issues.columns.checklist_counts).
        indexes = [
            models.Index(fields=["issue", "checklist", "done"], name="checklist_progress_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(checklist__in=ChecklistKind.values), name="checklist_kind_in_range"
            )
        ]

    def __str__(self):
        return f"[{'x' if self.done else ' '}] {self.text}"


class Update(models.Model):
    """One dated entry of the Updates log."""

    issue = models.ForeignKey(Issue, models.CASCADE, related_name="updates")
    date = models.DateField("Date", default=datetime.date.today)
    text = models.TextField("Update")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Oldest first, as the template lists them.
        ordering = ["issue_id", "date", "id"]

    def __str__(self):
        return f"{self.date}: {self.text[:50]}"


class IssueChange(models.Model):
    """One field change of an issue: who changed what, and when (the issue page's history)."""

    issue = models.ForeignKey(Issue, models.CASCADE, related_name="changes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    # A key of the JSON form (issues/schema/issue.schema.json), e.g. "target_date" or "todo".
    field = models.CharField(max_length=32)
    old = models.TextField(blank=True)
    new = models.TextField(blank=True)

    class Meta:
        # Newest first: the issue page shows the latest changes.
        ordering = ["issue_id", "-at", "-id"]

    def __str__(self):
        return f"{self.field}: {self.old!r} → {self.new!r}"


class PendingEdit(models.Model):
    """One person's unfinished pass through the guided form over one issue.

    ``typed`` keeps what was typed on a step that did not validate yet ({step: POST data}),
    ``completed`` the steps saved valid. For a draft the draft row itself holds the values;
    for an existing issue nothing is written to it before "Save changes": ``data`` holds
    the edited fields (JSON form), ``base`` the same fields as they were when the edit
    began (what "Save changes" compares with, field by field: issues/edit_merge.py) and
    ``base_version`` the version the edit started from.
    """

    issue = models.ForeignKey(Issue, models.CASCADE, related_name="pending_edits")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    data = models.JSONField(default=dict, blank=True)
    base = models.JSONField(default=dict, blank=True)
    base_version = models.PositiveIntegerField()
    typed = models.JSONField(default=dict, blank=True)
    completed = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issue", "author"], name="one_pending_edit_per_author")
        ]

    def __str__(self):
        return f"{self.author} editing {self.issue_id}"


class LoginFailure(models.Model):
    """One failed login (dskit/throttle.py counts them per username and per address).

    A login being checked has a row too until it succeeds (then its username's rows from
    its address go) or is refused (then its own row goes): counting rows that are already
    written is what keeps concurrent guesses within the limit.
    """

    username = models.CharField(max_length=254)
    address = models.CharField(max_length=45)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # Failures for one username since the cool-off began (and the reset on success).
            models.Index(fields=["username", "at"], name="loginfailure_username_at"),
            # Failures from one address since the cool-off began.
            models.Index(fields=["address", "at"], name="loginfailure_address_at"),
        ]

    def __str__(self):
        return f"{self.username} from {self.address} at {self.at:%Y-%m-%d %H:%M:%S}"


class DraftStart(models.Model):
    """The draft made by one showing of the first step of "New issue" (its ``start`` field):
    the same form posted again (a double "Next") finds it instead of making a second."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    token = models.UUIDField()
    issue = models.ForeignKey(Issue, models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["author", "token"], name="one_draft_per_start")
        ]

    def __str__(self):
        return f"{self.token} → {self.issue_id}"


class GitHubDelivery(models.Model):
    """A webhook delivery from GitHub already handled: a redelivery changes nothing."""

    # X-GitHub-Delivery, a GUID; unique, so the row is the de-duplication.
    delivery = models.CharField(max_length=64, unique=True)
    event = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.event} {self.delivery}"


class GitHubComment(models.Model):
    """The Update that a comment on the GitHub issue became, so that its edits follow it."""

    update = models.OneToOneField(Update, models.CASCADE, related_name="github_comment")
    comment_id = models.BigIntegerField(unique=True)

    def __str__(self):
        return f"comment {self.comment_id}"


class GitHubBodyChange(models.Model):
    """The GitHub issue's body after someone edited it on GitHub, waiting for a review.

    dskit never takes it silently: the issue page offers "Review GitHub changes".
    """

    issue = models.OneToOneField(Issue, models.CASCADE, related_name="github_body_change")
    body = models.TextField()
    login = models.CharField(max_length=39)
    received_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.issue_id} edited by @{self.login}"


class GitHubListPage(models.Model):
    """A page of GitHub's issue list as import_github last read it, for conditional requests."""

    url = models.CharField(max_length=500, unique=True)
    etag = models.CharField(max_length=200)
    next_url = models.CharField(max_length=500, blank=True)

    def __str__(self):
        return self.url


class Profile(models.Model):
    """A person's GitHub login (what Assignees hold) and which notifications they want."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="profile")
    github_login = models.CharField("GitHub login", max_length=39, null=True, blank=True)
    # One switch per kind of notification (issues/notify.py KINDS).
    notify_new_urgent = models.BooleanField("A new !p0 or !p1 issue", default=True)
    notify_assigned = models.BooleanField("An issue is assigned to me", default=True)
    notify_activity = models.BooleanField(
        "Status changed, update added or comment on an issue I reported or am assigned to",
        default=True,
    )
    notify_digest = models.BooleanField(
        "A daily digest of my issues that are due soon or overdue", default=True
    )

    class Meta:
        constraints = [
            # GitHub logins are case-insensitive: one person per login.
            models.UniqueConstraint(Lower("github_login"), name="profile_github_login_unique")
        ]

    def __str__(self):
        return f"{self.user} (@{self.github_login})" if self.github_login else str(self.user)


class Notification(models.Model):
    """One message to one address (an email) or to the chat webhook, sent by a task.

    The row is written in the transaction of the change that causes it, and a worker claims it
    with one conditional update before sending, so it is sent once however many workers run.
    """

    EMAIL, WEBHOOK = "email", "webhook"
    CHANNEL_CHOICES = [(EMAIL, "Email"), (WEBHOOK, "Chat webhook")]
    PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
    STATE_CHOICES = [(PENDING, "Pending"), (SENDING, "Sending"), (SENT, "Sent"), (FAILED, "Failed")]

    kind = models.CharField(max_length=16)
    channel = models.CharField(max_length=8, choices=CHANNEL_CHOICES)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, null=True, blank=True, related_name="+"
    )
    issue = models.ForeignKey(Issue, models.CASCADE, null=True, blank=True, related_name="+")
    address = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=300)
    text = models.TextField()
    payload = models.JSONField(default=dict, blank=True)
    # Set for messages that must exist once at most, e.g. "digest:<user>:<date>".
    once_key = models.CharField(max_length=100, null=True, blank=True, unique=True)
    state = models.CharField(max_length=8, choices=STATE_CHOICES, default=PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.channel} {self.kind} to {self.address or 'webhook'}: {self.state}"


class Metric(models.Model):
    """A metric snapshot behind the issue: what a monitor saw (not part of the Markdown)."""

    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"
    DIRECTION_CHOICES = [
        (HIGHER_IS_BETTER, "Higher is better"),
        (LOWER_IS_BETTER, "Lower is better"),
    ]

    issue = models.ForeignKey(Issue, models.CASCADE, related_name="metrics")
    position = models.PositiveIntegerField()
    name = models.CharField("Metric", max_length=METRIC_NAME_MAX_LENGTH)
    value = models.FloatField("Value")
    baseline = models.FloatField("Baseline", null=True, blank=True)
    threshold = models.FloatField("Threshold", null=True, blank=True)
    direction = models.CharField(
        "Direction", max_length=16, choices=DIRECTION_CHOICES, default=HIGHER_IS_BETTER
    )
    unit = models.CharField("Unit", max_length=METRIC_UNIT_MAX_LENGTH, blank=True)
    observed_at = models.DateTimeField("Observed at", null=True, blank=True)

    class Meta:
        ordering = ["issue_id", "position"]

    def __str__(self):
        return f"{self.name} = {self.value:g}{self.unit}"

    @property
    def breached(self):
        """The value is on the wrong side of the threshold for its direction."""
        if self.threshold is None:
            return False
        if self.direction == self.LOWER_IS_BETTER:
            return self.value > self.threshold
        return self.value < self.threshold


class Link(models.Model):
    """A typed link to what the issue is about: an http(s) URL or an MLflow-style URI."""

    KIND_CHOICES = [
        ("model", "Model"),
        ("run", "Run"),
        ("dataset", "Dataset"),
        ("dashboard", "Dashboard"),
        ("alert", "Alert"),
        ("code", "Code"),
        ("other", "Other"),
    ]

    issue = models.ForeignKey(Issue, models.CASCADE, related_name="links")
    position = models.PositiveIntegerField()
    kind = models.CharField("Kind", max_length=16, choices=KIND_CHOICES)
    target = models.CharField("Target", max_length=LINK_TARGET_MAX_LENGTH)
    label = models.CharField("Label", max_length=SHORT_TEXT_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["issue_id", "position"]

    def __str__(self):
        return f"{self.kind}: {self.target}"

    @property
    def href(self):
        """The target when a browser can open it (an MLflow URI is shown as text)."""
        return self.target if self.target.startswith(("http://", "https://")) else ""


class ApiToken(models.Model):
    """A secret for the API (``Authorization: Bearer dsk_...``), stored only as its SHA-256.

    The secret is 32 random bytes, so a plain digest cannot be guessed back; a slow password
    hash would cost every request its time.
    """

    READ = "read"
    WRITE = "write"
    INTAKE = "intake"
    SCOPE_CHOICES = [
        (READ, "read: list, get and export issues"),
        (WRITE, "write: create and change issues"),
        (INTAKE, "intake: alerts and events"),
    ]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens")
    name = models.CharField("Name", max_length=100)
    # The first characters of the secret, so that a listed token can be recognised.
    prefix = models.CharField(max_length=16)
    # Token lookup on every API request.
    digest = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField("Expires", null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Requests counted in the current minute, for the per-token rate (issues/api/auth.py).
    rate_minute = models.DateTimeField(null=True, blank=True)
    rate_count = models.PositiveIntegerField(default=0)
    # Requests a minute allowed; null: DSKIT_API_RATE_PER_MINUTE.
    rate_per_minute = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


class IdempotentRequest(models.Model):
    """The first answer to a POST with an ``Idempotency-Key``, replayed to its retries."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # SHA-256 of method, path and body: the same key with another request is refused.
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.TextField()
    headers = models.JSONField(default=dict)
    # Keys older than 24 hours are deleted (their lookup and the purge use this index).
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_answer_per_idempotency_key")
        ]

    def __str__(self):
        return self.key


class AlertIssue(models.Model):
    """The issue an alert (Alertmanager fingerprint or event dedupe key) opened.

    At most one active row per key: concurrent deliveries of one alert race on this
    constraint, and only one of them opens an issue. The row is written before the issue, so
    that a delivery waiting on the constraint holds no other lock yet.
    """

    key = models.CharField(max_length=300)
    # Null only inside the transaction that claims the key and then opens the issue.
    issue = models.ForeignKey(Issue, models.CASCADE, null=True, related_name="+")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The last "Still firing" update, so that repeats add at most one an hour.
    noted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=Q(active=True), name="one_active_issue_per_alert"
            )
        ]

    def __str__(self):
        return f"{self.key} → {self.issue_id}"


class InsightsIssue(models.Model):
    """An issue as Insights' daily counts (``InsightsDay``) last counted it: what the worker
    takes out of the counts when the issue changes (issues/rollup.py)."""

    issue_id = models.BigIntegerField(primary_key=True)
    priority = models.CharField(max_length=2)
    status = models.CharField(max_length=16)
    reported_date = models.DateField()
    target_date = models.DateField(null=True)
    resolved_on = models.DateField(null=True)
    environment = models.CharField(max_length=16)
    type = models.CharField(max_length=32)
    # Its milestones' dates, ISO 8601.
    milestones = models.JSONField(default=list)

    def __str__(self):
        return f"insights row of {self.issue_id}"


class InsightsDay(models.Model):
    """How many issues of each priority count each kind of event on a day (issues/rollup.py):
    one column per kind and priority, ``<kind>_<priority>`` (``column``), added below from
    ``KINDS`` and the priorities, so that a page reads a day's counts as one row."""

    # The events Insights counts, in the order of the columns.
    KINDS = ["open", "overdue", "reported", "resolved", "target", "milestone"]

    # Of which issues: "" all, "environment:<value>" or "type:<value>" (rollup.slices).
    slice = models.CharField(max_length=48)
    day = models.DateField()

    class Meta:
        # Insights: the days shown and the sums before them, as index ranges of one slice.
        constraints = [
            models.UniqueConstraint(fields=["slice", "day"], name="one_insights_day_per_slice")
        ]

    def __str__(self):
        return f"insights of {self.slice or 'all issues'} on {self.day}"

    @staticmethod
    def column(kind, priority):
        return f"{kind}_{priority}"


COUNT_COLUMNS = [InsightsDay.column(k, p) for k in InsightsDay.KINDS for p in Priority.values]
for _name in COUNT_COLUMNS:
    InsightsDay.add_to_class(_name, models.IntegerField(default=0))


class InsightsResolution(models.Model):
    """How many issues of a priority resolved on a day took so many days from their Reported
    Date (Insights' median time to resolve; issues/rollup.py)."""

    slice = models.CharField(max_length=48)
    day = models.DateField()
    priority = models.CharField(max_length=2)
    days = models.IntegerField()
    n = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["slice", "day", "priority", "days"], name="one_insights_resolution_per_key"
            )
        ]
        # Insights: the resolutions since the first day shown, from the index alone.
        indexes = [
            models.Index(
                fields=["slice", "day", "priority", "days", "n"], name="insights_resolution_idx"
            )
        ]

    def __str__(self):
        return f"{self.n} {self.priority} resolved on {self.day} in {self.days} days"


class InsightsChange(models.Model):
    """An issue changed since the worker last counted it: written by database triggers on every
    insert, delete, or change of what Insights counts (migration 0032), whatever the write path."""

    issue_id = models.BigIntegerField()

    def __str__(self):
        return f"issue {self.issue_id} changed"


class InsightsState(models.Model):
    """The one row that the workers lock while they update the counts, and the deadlines
    (``DSKIT_DEADLINE_DAYS``) the counts were made with."""

    # DSKIT_DEADLINE_DAYS as JSON with sorted keys.
    deadlines = models.CharField(max_length=200)
    counted_at = models.DateTimeField(null=True)
    # Bumped by every commit of the worker: a page reading in several statements checks it.
    version = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"insights counted at {self.counted_at}"
