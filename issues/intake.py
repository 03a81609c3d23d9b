"""Alerts into issues: one issue per firing alert, de-duplicated by the alert's key.

An alert is keyed by its source and its own identity (Alertmanager's ``fingerprint``, an
event's ``dedupe_key``). ``AlertIssue`` holds at most one active row per key (a partial
unique constraint), so of concurrent deliveries of one alert exactly one opens an issue;
the others find it and add to its Updates instead.
"""

import datetime
import logging
import math
from dataclasses import dataclass

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from issues import notify, prepared
from issues.choices import OPEN_STATUSES
from issues.models import AlertIssue, Issue, Metric
from issues.serialization import LINK_SCHEMES, create_issue, validate
from issues.tracking import StaleIssue, TooLongForGitHub, add_update

logger = logging.getLogger(__name__)

# Repeats of a firing alert add at most one "Still firing" update in this time.
NOTE_EVERY = datetime.timedelta(hours=1)
SEVERITY_PRIORITY = {
    "critical": Issue.Priority.P0,
    "error": Issue.Priority.P1,
    "high": Issue.Priority.P1,
    "warning": Issue.Priority.P2,
    "info": Issue.Priority.P3,
}
DEFAULT_PRIORITY = Issue.Priority.P2
DEADLOCK = "40P01"
ENVIRONMENTS = {
    **{value: value for value, _ in Issue.Environment.choices},
    "prod": Issue.Environment.PRODUCTION,
    "stage": Issue.Environment.STAGING,
    "dev": Issue.Environment.DEVELOPMENT,
}
TYPES = {value for value, _ in Issue.Type.choices}


class BadAlert(Exception):
    """The alert cannot become a valid issue; ``problems`` says why."""

    def __init__(self, problems):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class Outcome:
    issue: Issue | None
    # "created", "noted" (a Still firing update), "unchanged", "resolved", or "unknown"
    # (resolved, but no open issue came from the alert).
    action: str


def priority(labels):
    """Label ``priority`` (p0…p3, a leading ! allowed), else ``severity``, else !p2."""
    named = labels.get("priority", "").strip().lower().removeprefix("!")
    if named in {Issue.Priority.P0, Issue.Priority.P1, Issue.Priority.P2, Issue.Priority.P3}:
        return named
    return SEVERITY_PRIORITY.get(labels.get("severity", "").strip().lower(), DEFAULT_PRIORITY)


def environment(labels):
    value = labels.get("environment") or labels.get("env") or ""
    return ENVIRONMENTS.get(value.strip().lower(), "")


def issue_type(labels):
    named = labels.get("dskit_type", "").strip().lower()
    return named if named in TYPES else Issue.Type.MONITORING


def _number(value):
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def metric_from(values, default_name, observed_at):
    """A metric from alert labels/annotations ``metric``, ``value``, ``threshold``.

    A firing alert's value is past its threshold: above it means lower is better.
    """
    value = _number(values.get("value"))
    if value is None:
        return None
    threshold = _number(values.get("threshold"))
    direction = values.get("direction", "")
    if direction not in (Metric.HIGHER_IS_BETTER, Metric.LOWER_IS_BETTER):
        above = threshold is not None and value > threshold
        direction = Metric.LOWER_IS_BETTER if above else Metric.HIGHER_IS_BETTER
    return {
        "name": (values.get("metric") or default_name)[:100],
        "value": value,
        "baseline": _number(values.get("baseline")),
        "threshold": threshold,
        "direction": direction,
        "unit": values.get("unit", "")[:20],
        "observed_at": observed_at,
    }


def links_from(values, generator_url=""):
    """Links from ``model``, ``dashboard``, ``runbook_url`` and the alert's source URL; values
    that are not URLs (or MLflow URIs) are left to the description."""
    candidates = [
        ("model", values.get("model", ""), "Model"),
        ("dashboard", values.get("dashboard", ""), "Dashboard"),
        ("other", values.get("runbook_url", ""), "Runbook"),
        ("alert", generator_url, "Alert source"),
    ]
    return [
        {"kind": kind, "target": target.strip()[:2000], "label": label}
        for kind, target, label in candidates
        if target.strip().startswith(LINK_SCHEMES)
    ]


def metric_text(metric):
    """A metric in words, for the Issue Description (and so the GitHub issue)."""
    unit = metric["unit"]
    text = f"{metric['name']} = {metric['value']:g}{unit}"
    if metric["threshold"] is not None:
        text += f" (threshold {metric['threshold']:g}{unit}"
        text += ", lower is better)" if metric["direction"] == Metric.LOWER_IS_BETTER else ")"
    if metric["baseline"] is not None:
        text += f", baseline {metric['baseline']:g}{unit}"
    return text


def description(text, metrics, labels, source_url=""):
    parts = [text.strip()] if text.strip() else []
    if metrics:
        parts.append("Metrics:\n" + "\n".join(f"- {metric_text(m)}" for m in metrics))
    if labels:
        parts.append("Labels:\n" + "\n".join(f"- {k}: {v}" for k, v in sorted(labels.items())))
    if source_url:
        parts.append(f"Source: {source_url}")
    return "\n\n".join(parts) or "Opened by an alert."


def checked(data):
    problems = validate(data)
    if problems:
        raise BadAlert(problems)
    return data


def when(moment):
    """A moment as updates say it, in the server's time zone: ``2026-11-20 08:14 UTC``."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M %Z")


def retrying(deliver, attempts=3):
    """Run ``deliver`` (one whole transaction) again when PostgreSQL broke a deadlock in it.

    A payload of several alerts takes their locks in its own order; two such payloads can
    wait on each other, and PostgreSQL then aborts one of them.
    """
    for attempt in range(attempts):
        try:
            return deliver()
        except OperationalError as error:
            deadlock = getattr(error.__cause__, "sqlstate", None) == DEADLOCK
            if not deadlock or attempt == attempts - 1:
                raise
    return None


def _add_update(issue_id, user, text):
    """An update through the issue page's own write path (version bump, history). An issue
    whose body has no room left for it is still the alert's issue: the note is left out."""
    for _ in range(5):
        issue = prepared.issue_with_rows(issue_id)
        try:
            add_update(issue, user, issue.version, timezone.localdate(), text)
            return
        except StaleIssue:
            continue
        except TooLongForGitHub as error:
            logger.warning("alert intake: issue %s: %r not added: %s", issue_id, text, error)
            return
    raise StaleIssue


def _active(key):
    """The active row of ``key`` whose issue is still open or in progress, if any."""
    row = AlertIssue.objects.select_related("issue").filter(key=key, active=True).first()
    if row and row.issue.status not in OPEN_STATUSES:
        AlertIssue.objects.filter(pk=row.pk).update(active=False)
        return None
    return row


def fire(key, data, user, since=None):
    """A firing alert: open an issue from ``data`` (its JSON form), or note the repeat.

    ``since`` is when the alert started firing, in words; without it, when its issue opened.
    """
    row = _active(key)
    if row is None:
        try:
            with transaction.atomic():
                claim = AlertIssue.objects.create(key=key)
                claim.issue = create_issue(checked(data), reporter=user)
                claim.save(update_fields=["issue"])
                notify.issue_created(claim.issue, user)
            return Outcome(claim.issue, "created")
        except IntegrityError:
            # A concurrent delivery of the same alert opened it first.
            row = AlertIssue.objects.select_related("issue").get(key=key, active=True)
    now = timezone.now()
    noted = (
        AlertIssue.objects.filter(pk=row.pk)
        .filter(Q(noted_at__isnull=True) | Q(noted_at__lt=now - NOTE_EVERY))
        .update(noted_at=now)
    )
    if not noted:
        return Outcome(row.issue, "unchanged")
    since = since or when(row.created_at)
    _add_update(row.issue_id, user, f"Still firing since {since}.")
    return Outcome(row.issue, "noted")


def resolve(key, user, at):
    row = _active(key)
    if row is None:
        return Outcome(None, "unknown")
    # The next firing is news again.
    AlertIssue.objects.filter(pk=row.pk).update(noted_at=None)
    _add_update(row.issue_id, user, f"Resolved at {at}.")
    return Outcome(row.issue, "resolved")
