"""The one place that converts between the Issue model and its JSON form.

The JSON form is ``issues/schema/issue.schema.json``. The Markdown renderer, the importer,
the exporters and the GitHub client all take this form.
"""

import copy
import datetime
import json
import unicodedata
import urllib.parse
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from issues import template
from issues.limits import GITHUB_BODY_LIMIT, over_github_limit
from issues.markdown import render_body
from issues.models import ChecklistItem, Issue, Link, Metric, Milestone, Update

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# An issue, or a part of one, in its JSON form.
IssueData = dict[str, Any]

SCHEMA: IssueData = json.loads((Path(__file__).parent / "schema" / "issue.schema.json").read_text())
# The template's types are the one list of them (issues/template.py TYPE_LABELS).
SCHEMA["properties"]["type"]["enum"] = list(template.TYPE_LABELS)
FORMAT_CHECKER = jsonschema.FormatChecker(formats=["date", "date-time"])
WEB_SCHEMES = ("http", "https")


def is_web_url(value: object) -> bool:
    """An absolute http or https URL with a host: the only links dskit stores or shows."""
    if not isinstance(value, str):
        return True  # the schema's "type" reports it
    try:
        URLValidator(schemes=WEB_SCHEMES)(value)
    except ValidationError:
        return False
    return True


FORMAT_CHECKER.checks("uri")(is_web_url)


def github_repository(url: str) -> str:
    """The repository ("owner/name" in lower case, as GitHub compares names) of a GitHub
    issue's address, ``https://HOST/OWNER/NAME/issues/NUMBER``; "" for any other address."""
    parts = urllib.parse.urlsplit(url).path.strip("/").split("/")[-4:]
    if len(parts) == 4 and parts[2] == "issues" and all(parts[:2]):
        return f"{parts[0]}/{parts[1]}".lower()
    return ""


def github_issue(data: Mapping[str, Any]) -> tuple[str, int] | None:
    """The GitHub issue a valid JSON form is linked to (``github``): its repository and
    number, or None."""
    link = data.get("github")
    if not link:
        return None
    return github_repository(link["url"]), link["number"]


_validator = jsonschema.Draft202012Validator(SCHEMA, format_checker=FORMAT_CHECKER)
# A draft (status "draft", exported with --include-drafts) may lack its description and
# priority: the guided form asks for them on later steps.
DRAFT_SCHEMA = copy.deepcopy(SCHEMA)
DRAFT_SCHEMA["properties"]["description"]["minLength"] = 0
DRAFT_SCHEMA["properties"]["priority"]["enum"].append("")
_draft_validator = jsonschema.Draft202012Validator(DRAFT_SCHEMA, format_checker=FORMAT_CHECKER)
FORMAT_NAMES = {"date": "date (YYYY-MM-DD)", "uri": "http or https URL"}

CHECKLIST_KEYS = {
    "todo": ChecklistItem.Kind.TODO,
    "definition_of_ready": ChecklistItem.Kind.READY,
    "definition_of_done": ChecklistItem.Kind.DONE,
}
# A link's target: a web address or an MLflow-style URI (models:/fraud/12, runs:/<id>/model).
LINK_SCHEMES = ("http://", "https://", "models:/", "runs:/")
TEXT_KEYS = (
    "name",
    "related_project",
    "description",
    "expected_behavior",
    "proposed_solution",
    "data_involved",
    "business_impact",
    "users_affected",
)


def normalize(value: object) -> str:
    """Normalise a text value as Django's form fields do (rule 4 of markdown.md).

    Line endings become ``\\n``, white space at the start and end of the whole value and
    at the end of every line is removed. Nothing else is touched.
    """
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def _with_texts(items: list[IssueData], *keys: str) -> list[IssueData]:
    return [
        {**item, **{key: normalize(item[key]) for key in keys if key in item}} for item in items
    ]


def clean(data: Mapping[str, Any]) -> IssueData:
    """The JSON form (valid, any subset of its keys) with every text value normalised: what is
    stored and what the renderer (issues/markdown.py) takes."""
    cleaned = dict(data)
    for key in TEXT_KEYS:
        if key in cleaned:
            cleaned[key] = normalize(cleaned[key])
    if cleaned.get("frameworks") is not None:
        cleaned["frameworks"] = [normalize(framework) for framework in cleaned["frameworks"]]
    for key, texts in (
        *((key, ("text",)) for key in CHECKLIST_KEYS),
        ("updates", ("text",)),
        ("milestones", ("title",)),
        ("metrics", ("name", "unit")),
        ("links", ("label",)),
    ):
        if cleaned.get(key) is not None:
            cleaned[key] = _with_texts(cleaned[key], *texts)
    if cleaned.get("links") is not None:
        cleaned["links"] = [{**link, "target": link["target"].strip()} for link in cleaned["links"]]
    return cleaned


def _path(error: Any) -> str:
    parts: list[str] = []
    for part in error.absolute_path:
        if isinstance(part, int):
            parts[-1] = f"{parts[-1]}[{part}]" if parts else f"[{part}]"
        else:
            parts.append(str(part))
    return ".".join(parts)


def _message(error: Any) -> tuple[str, str]:
    if error.validator == "required":
        missing = error.message.split("'")[1]
        return ".".join(filter(None, [_path(error), missing])), "is required"
    if error.validator == "additionalProperties":
        unknown = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return _path(error) or "(issue)", f"unknown field {', '.join(map(repr, unknown))}"
    if error.validator == "enum":
        allowed = ", ".join(repr(v) for v in error.validator_value)
        return _path(error), f"{error.instance!r} is not one of {allowed}"
    if error.validator == "pattern" and "\\n" in error.validator_value:
        what = "a comma or a line break" if "," in error.validator_value else "a line break"
        return _path(error), f"must not contain {what}"
    if error.validator == "pattern":
        return _path(error), f"{error.instance!r} is not a valid GitHub login"
    if error.validator == "format" and error.validator_value == "uri":
        return _path(error), f"{error.instance!r} is not an http or https URL"
    if error.validator == "format" and error.validator_value == "date-time":
        return _path(error), f"{error.instance!r} is not a valid date-time (YYYY-MM-DDTHH:MM:SSZ)"
    if error.validator == "format":
        return _path(
            error
        ), f"{error.instance!r} is not a valid {FORMAT_NAMES[error.validator_value]}"
    if error.validator == "maximum":
        return _path(error), f"must be at most {error.validator_value}"
    if error.validator in ("maxLength", "minLength"):
        if error.validator == "minLength":
            return _path(error), "must not be empty"
        return _path(error), f"must be at most {error.validator_value} characters"
    return _path(error) or "(issue)", error.message


def unanswered(key: str, value: str) -> str | None:
    """What to say of required field ``key`` written as the Markdown writes an unanswered
    field (GitHub's "_No response_", or the template's placeholder for it): the issue's
    document would read back as if it were empty. None for a value of its own."""
    text = normalize(value)
    if text not in (template.NO_RESPONSE, template.PLACEHOLDERS[key]):
        return None
    label = template.FIELD_LABELS[key]
    return f"“{text}” is how the Markdown writes an unanswered {label}: write the {label} itself"


def has_visible_character(text: str) -> bool:
    """Not only spaces, zero-width, direction-override or other control characters."""
    return any(unicodedata.category(char)[0] not in "CZ" for char in text)


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return "must not contain a NUL character"
    if any("\ud800" <= char <= "\udfff" for char in text):
        return "must not contain a lone surrogate (text that is not valid Unicode)"
    return None


def _unstorable_text(data: object) -> list[str]:
    """``"field: message"`` for every string (key or value) that no database can store:
    NUL characters (PostgreSQL) and lone surrogates (neither, nor UTF-8 output)."""
    problems: list[str] = []
    pending: list[tuple[str, object]] = [("", data)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, str):
            problem = _text_problem(value)
            if problem:
                problems.append(f"{path or '(issue)'}: {problem}")
        elif isinstance(value, dict):
            for key, item in value.items():
                problem = _text_problem(key)
                if problem:
                    problems.append(f"{path or '(issue)'}: a field name {problem}")
                else:
                    pending.append((f"{path}.{key}" if path else key, item))
        elif isinstance(value, list):
            pending += [(f"{path}[{index}]", item) for index, item in enumerate(value)]
    return sorted(problems)


def validate(data: object) -> list[str]:
    """Every problem with one issue in JSON form, as ``"field: message"`` strings."""
    if not isinstance(data, dict):
        return [f"(issue): expected an object, got {type(data).__name__}"]
    problems = _unstorable_text(data)
    if problems:
        return problems
    is_draft = data.get("status") == Issue.Status.DRAFT
    validator = _draft_validator if is_draft else _validator
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        field, message = _message(error)
        problems.append(f"{field}: {message}")
    if problems:
        return problems
    if not normalize(data["name"]):
        problems.append("name: must not be blank")
    elif not has_visible_character(data["name"]):
        problems.append("name: must have a visible character")
    elif problem := unanswered("name", data["name"]):
        problems.append(f"name: {problem}")
    if not normalize(data["description"]) and not is_draft:
        problems.append("description: must not be blank")
    elif problem := unanswered("description", data["description"]):
        problems.append(f"description: {problem}")
    # An issue sent without a Reported Date is reported today (with_defaults).
    reported = data.get("reported_date") or default_reported_date()
    target = data.get("target_date")
    if target and target < reported:
        problems.append("target_date: must not be before reported_date")
    length = len(render_body(with_defaults(data)))
    if length > GITHUB_BODY_LIMIT:
        problems.append(f"(issue): {over_github_limit(length)}")
    for index, link in enumerate(data.get("links", [])):
        if not link["target"].startswith(LINK_SCHEMES):
            problems.append(
                f"links[{index}].target: must be an http(s) URL or an MLflow URI"
                " (models:/NAME/VERSION, runs:/RUN_ID/PATH)"
            )
    return problems


def github_taken(data: Mapping[str, Any], also: set[tuple[str, int]] | None = None) -> list[str]:
    """The problem, as ``validate`` words it, of linking ``data`` (a valid JSON form) to a
    GitHub issue a saved issue is linked to already, or one of ``also`` (``github_issue`` of
    issues created with it): the database holds one dskit issue a GitHub issue."""
    linked = github_issue(data)
    if linked is None:
        return []
    repository, number = linked
    taken = Issue.objects.filter(github_repository=repository, github_number=number)
    if linked in (also or set()) or taken.exists():
        return [f"github.number: GitHub issue #{number} is linked to another dskit issue already"]
    return []


def validate_item(key: str, item: IssueData) -> list[str]:
    """Problems with one item of the array ``key`` (an update, a checklist item), as
    ``validate`` words them, the field named within the item (``"text: must not be empty"``)."""
    validator = jsonschema.Draft202012Validator(
        {**SCHEMA, "required": [], "properties": {key: SCHEMA["properties"][key]}},
        format_checker=FORMAT_CHECKER,
    )
    problems = []
    for error in validator.iter_errors({key: [item]}):
        field, message = _message(error)
        field = field.removeprefix(f"{key}[0]").lstrip(".") or "(body)"
        problems.append(f"{field}: {message}")
    if not problems and "text" in item and not normalize(item["text"]):
        problems.append("text: must not be blank")
    return problems


def default_reported_date() -> str:
    """The Reported Date of an issue sent without one: today, in ``TIME_ZONE``."""
    return timezone.localdate().isoformat()


def with_defaults(data: Mapping[str, Any]) -> IssueData:
    """The JSON form with every optional field filled in as the importer stores it."""
    full = {
        "related_project": "",
        "expected_behavior": "",
        "proposed_solution": "",
        "frameworks": [],
        "data_involved": "",
        "environment": "",
        "business_impact": "",
        "users_affected": "",
        "reported_date": default_reported_date(),
        "target_date": None,
        "milestones": [],
        "updates": [],
        "assignees": [],
        "status": Issue.Status.OPEN,
        "metrics": [],
        "links": [],
        **data,
    }
    for key, checklist in CHECKLIST_KEYS.items():
        if key not in full:
            full[key] = template_checklist(checklist)
    return clean(full)


def template_checklist(checklist: str) -> list[IssueData]:
    """The template's items of one checklist, unticked, in the JSON form (rule 6)."""
    return [{"text": text, "done": False} for text in template.CHECKLIST_ITEMS[checklist]]


def issue_to_dict(issue: Issue) -> IssueData:
    """The JSON form of a saved issue, in the schema's field order.

    Reads ``milestones``, ``checklist_items`` and ``updates`` through their related
    managers, so callers that convert many issues should ``prefetch_related`` them.
    """
    items: dict[str, list[IssueData]] = {checklist: [] for checklist in CHECKLIST_KEYS.values()}
    for item in issue.checklist_items.all():
        items[item.checklist].append({"text": item.text, "done": item.done})
    data: IssueData = {
        "name": issue.name,
        "type": issue.type,
        "related_project": issue.related_project,
        "description": issue.description,
        "expected_behavior": issue.expected_behavior,
        "proposed_solution": issue.proposed_solution,
        "frameworks": list(issue.frameworks),
        "data_involved": issue.data_involved,
        "environment": issue.environment,
        "todo": items[ChecklistItem.Kind.TODO],
        "business_impact": issue.business_impact,
        "users_affected": issue.users_affected,
        "priority": issue.priority,
        "reported_date": iso_date(issue.reported_date),
        "target_date": iso_date(issue.target_date),
        "milestones": [
            {"title": m.title, "date": iso_date(m.date)} for m in issue.milestones.all()
        ],
        "definition_of_ready": items[ChecklistItem.Kind.READY],
        "definition_of_done": items[ChecklistItem.Kind.DONE],
        "updates": [{"date": iso_date(u.date), "text": u.text} for u in issue.updates.all()],
        "assignees": list(issue.assignees),
        "status": issue.status,
    }
    for key, checklist in CHECKLIST_KEYS.items():
        if not data[key]:
            # Never given a checklist: the template's items, unticked (rule 6).
            data[key] = template_checklist(checklist)
    if issue.github_number:
        data["github"] = {"number": issue.github_number, "url": issue.github_url}
    data["metrics"] = [metric_to_dict(m) for m in issue.metrics.all()]
    data["links"] = [
        {"kind": link.kind, "target": link.target, "label": link.label}
        for link in issue.links.all()
    ]
    return data


def metric_to_dict(metric: Metric) -> IssueData:
    return {
        "name": metric.name,
        "value": metric.value,
        "baseline": metric.baseline,
        "threshold": metric.threshold,
        "direction": metric.direction,
        "unit": metric.unit,
        "observed_at": metric.observed_at and metric.observed_at.isoformat(),
    }


def iso_date(value: datetime.date | str | None) -> str | None:
    """A date as the JSON form writes it (``YYYY-MM-DD``), or None."""
    if value is None:
        return None
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


def checklist_rows(issue: Issue, key: str, items: list[IssueData]) -> list[ChecklistItem]:
    """The checklist's rows; a checklist given as an empty list gets the template's items,
    unticked, as ``issue_to_dict`` shows it, so every issue has rows from its creation."""
    checklist = CHECKLIST_KEYS[key]
    items = items or template_checklist(checklist)
    return [checklist_row(issue, checklist, position, item) for position, item in enumerate(items)]


def checklist_row(issue: Issue, checklist: str, position: int, item: IssueData) -> ChecklistItem:
    """One item of a checklist as its row: the template's own when it has the template's text
    at the template's place (such an item cannot be renamed or removed)."""
    defaults = template.CHECKLIST_ITEMS[checklist]
    return ChecklistItem(
        issue=issue,
        checklist=checklist,
        position=position,
        text=item["text"],
        done=item["done"],
        from_template=position < len(defaults) and item["text"] == defaults[position],
    )


def milestone_rows(issue: Issue, milestones: list[IssueData]) -> list[Milestone]:
    return [
        Milestone(
            issue=issue,
            position=position,
            title=m["title"],
            date=datetime.date.fromisoformat(m["date"]),
        )
        for position, m in enumerate(milestones)
    ]


def metric_rows(issue: Issue, metrics: list[IssueData]) -> list[Metric]:
    return [
        Metric(
            issue=issue,
            position=position,
            name=m["name"],
            value=m["value"],
            baseline=m.get("baseline"),
            threshold=m.get("threshold"),
            direction=m.get("direction", Metric.HIGHER_IS_BETTER),
            unit=m.get("unit", ""),
            observed_at=m.get("observed_at")
            and datetime.datetime.fromisoformat(m["observed_at"].replace("Z", "+00:00")),
        )
        for position, m in enumerate(metrics)
    ]


def link_rows(issue: Issue, links: list[IssueData]) -> list[Link]:
    return [
        Link(
            issue=issue,
            position=position,
            kind=link["kind"],
            target=link["target"],
            label=link.get("label", ""),
        )
        for position, link in enumerate(links)
    ]


def issue_from_dict(
    data: Mapping[str, Any], reporter: "User | None" = None
) -> tuple[Issue, list[Milestone], list[ChecklistItem], list[Update], list[Metric], list[Link]]:
    """An unsaved Issue and its unsaved child rows, from valid JSON form data."""
    full = with_defaults(data)
    github = full.get("github") or {}
    issue = Issue(
        name=full["name"],
        type=full["type"],
        related_project=full["related_project"],
        description=full["description"],
        expected_behavior=full["expected_behavior"],
        proposed_solution=full["proposed_solution"],
        frameworks=full["frameworks"],
        data_involved=full["data_involved"],
        environment=full["environment"],
        business_impact=full["business_impact"],
        users_affected=full["users_affected"],
        priority=full["priority"],
        reported_date=datetime.date.fromisoformat(full["reported_date"]),
        target_date=full["target_date"] and datetime.date.fromisoformat(full["target_date"]),
        assignees=list(full["assignees"]),
        status=full["status"],
        reporter=reporter,
        github_repository=github_repository(github.get("url", "")),
        github_number=github.get("number"),
        github_url=github.get("url", ""),
    )
    milestones = milestone_rows(issue, full["milestones"])
    items = [row for key in CHECKLIST_KEYS for row in checklist_rows(issue, key, full[key])]
    updates = [
        Update(
            issue=issue,
            date=datetime.date.fromisoformat(u["date"]),
            text=u["text"],
            author=reporter,
        )
        for u in full["updates"]
    ]
    return (
        issue,
        milestones,
        items,
        updates,
        metric_rows(issue, full["metrics"]),
        link_rows(issue, full["links"]),
    )


@transaction.atomic
def create_issue(data: Mapping[str, Any], reporter: "User | None" = None) -> Issue:
    """Save one valid issue in JSON form with all its rows; returns the Issue.

    Every way of creating an issue (import, API, alert intake) goes through here.
    """
    issue, milestones, items, updates, metrics, links = issue_from_dict(data, reporter)
    issue.save()
    for rows in (milestones, items, updates, metrics, links):
        for row in rows:
            row.issue = issue
    Milestone.objects.bulk_create(milestones)
    ChecklistItem.objects.bulk_create(items)
    Update.objects.bulk_create(updates)
    Metric.objects.bulk_create(metrics)
    Link.objects.bulk_create(links)
    return issue


def apply_dict(issue: Issue, data: Mapping[str, Any]) -> None:
    """Write the keys present in ``data`` (valid JSON form, any subset) onto a saved issue.

    Milestones are replaced; a checklist keeps its rows and takes only the ticks, by position.
    Used by the guided form for every step saved into a draft and for "Save changes".
    """
    data = clean(data)
    for key in (*TEXT_KEYS, "type", "environment", "priority", "status", "assignees"):
        if key in data:
            setattr(issue, key, data[key])
    if "frameworks" in data:
        issue.frameworks = data["frameworks"]
    if "reported_date" in data:
        issue.reported_date = datetime.date.fromisoformat(data["reported_date"])
    if "target_date" in data:
        target = data["target_date"]
        issue.target_date = target and datetime.date.fromisoformat(target)
    issue.save()
    if "milestones" in data:
        issue.milestones.all().delete()
        Milestone.objects.bulk_create(milestone_rows(issue, data["milestones"]))
    if "metrics" in data:
        issue.metrics.all().delete()
        Metric.objects.bulk_create(metric_rows(issue, data["metrics"]))
    if "links" in data:
        issue.links.all().delete()
        Link.objects.bulk_create(link_rows(issue, data["links"]))
    for key, checklist in CHECKLIST_KEYS.items():
        if key in data:
            ticked = [position for position, item in enumerate(data[key]) if item["done"]]
            # Items added since ``data`` was read (beyond its length) keep their ticks.
            ChecklistItem.objects.filter(
                issue=issue, checklist=checklist, position__lt=len(data[key])
            ).update(done=ExpressionWrapper(Q(position__in=ticked), output_field=BooleanField()))
