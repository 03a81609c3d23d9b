"""Alert intake: Prometheus Alertmanager's webhook (version 4) and a generic event.

Each request is all or nothing: a payload that is malformed, or an alert that cannot become
a valid issue, gets 400 and writes nothing. The mapping rules are in the README.
"""

import datetime
from typing import Literal

from django.db import transaction
from django.utils import timezone
from ninja import Router
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from issues import intake
from issues.api.auth import scope
from issues.api.common import json_response, read_json
from issues.api.problems import Problem
from issues.limits import SHORT_TEXT_MAX_LENGTH
from issues.models import ApiToken
from issues.serialization import SCHEMA

router = Router(tags=["intake"])
# Alertmanager sends this for an alert that has not ended.
NOT_ENDED = datetime.datetime(1, 1, 1, tzinfo=datetime.UTC)


def _empty_if_null(value):
    return {} if value is None else value


class Alert(BaseModel):
    status: Literal["firing", "resolved"]
    labels: dict[str, str]
    annotations: dict[str, str] = {}
    startsAt: datetime.datetime  # noqa: N815 (Alertmanager's own names)
    endsAt: datetime.datetime | None = None  # noqa: N815
    generatorURL: str = ""  # noqa: N815
    fingerprint: str = Field(min_length=1, max_length=200)

    _nulls = field_validator("annotations", mode="before")(_empty_if_null)


class AlertmanagerWebhook(BaseModel):
    """Alertmanager's webhook payload, version 4 (its ``webhook_config`` documentation)."""

    version: Literal["4"]
    groupKey: str = ""  # noqa: N815
    truncatedAlerts: int = 0  # noqa: N815
    status: Literal["firing", "resolved"]
    receiver: str = ""
    groupLabels: dict[str, str] = {}  # noqa: N815
    commonLabels: dict[str, str] = {}  # noqa: N815
    commonAnnotations: dict[str, str] = {}  # noqa: N815
    externalURL: str = ""  # noqa: N815
    alerts: list[Alert] = Field(min_length=1, max_length=1000)

    _nulls = field_validator("groupLabels", "commonLabels", "commonAnnotations", mode="before")(
        _empty_if_null
    )


class Event(BaseModel):
    """One event from any monitor (Grafana, Evidently, Airflow or MLflow callbacks)."""

    model_config = ConfigDict(extra="forbid")

    dedupe_key: str = Field(min_length=1, max_length=200)
    title: str = Field(min_length=1, max_length=SHORT_TEXT_MAX_LENGTH)
    description: str = ""
    # Issue.Priority's values, spelled out for the OpenAPI document (a test checks they agree).
    priority: Literal["p0", "p1", "p2", "p3"] | None = None
    severity: str = ""
    environment: str = ""
    model: str = Field("", max_length=SHORT_TEXT_MAX_LENGTH)
    type: str = ""
    status: Literal["firing", "resolved"] = "firing"
    links: list[dict] = []
    metrics: list[dict] = []


def _parse(model, request):
    try:
        return model.model_validate(read_json(request))
    except ValidationError as error:
        errors = [
            {"field": ".".join(map(str, e["loc"])) or "(body)", "message": e["msg"]}
            for e in error.errors()
        ]
        raise Problem(
            400, "The payload is malformed; nothing was written.", errors=errors
        ) from None


def _bad(alert_key, error):
    errors = [
        dict(zip(("field", "message"), p.split(": ", 1), strict=True)) for p in error.problems
    ]
    return Problem(
        400, f"{alert_key} cannot become a valid issue; nothing was written.", errors=errors
    )


# Labels that dskit reads for fields of its own: not repeated in an Issue Name.
MAPPED = {"alertname", "severity", "priority", "environment", "env", "dskit_type", "model"}


def _alert_issue(alert, payload):
    """The JSON form of the issue a firing Alertmanager alert opens."""
    labels, annotations = alert.labels, alert.annotations
    values = {**labels, **annotations}
    alertname = labels.get("alertname", "Alert")
    distinguishing = {
        k: v for k, v in labels.items() if k not in MAPPED and payload.commonLabels.get(k) != v
    }
    name = annotations.get("summary", "").strip() or " ".join(
        [alertname, *(f"{k}={v}" for k, v in sorted(distinguishing.items()))]
    )
    observed = alert.startsAt.isoformat().replace("+00:00", "Z")
    metric = intake.metric_from(values, alertname, observed)
    metrics = [metric] if metric else []
    return {
        "name": " ".join(name.split())[:200],
        "type": intake.issue_type(labels),
        "related_project": " ".join(labels.get("model", "").split())[:200],
        "description": intake.description(
            annotations.get("description", ""), metrics, labels, alert.generatorURL
        ),
        "environment": intake.environment(labels),
        "priority": intake.priority(labels),
        "reported_date": timezone.localtime(alert.startsAt).date().isoformat(),
        "metrics": metrics,
        "links": intake.links_from(values, alert.generatorURL),
    }


ALERTMANAGER_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/AlertmanagerWebhook"}}
        },
    }
}
EVENT_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Event"}}},
    }
}


def openapi_schemas():
    webhook = AlertmanagerWebhook.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas = webhook.pop("$defs", {})
    event = Event.model_json_schema(ref_template="#/components/schemas/{model}")
    event["properties"]["links"] = SCHEMA["properties"]["links"]
    event["properties"]["metrics"] = SCHEMA["properties"]["metrics"]
    return {**schemas, "AlertmanagerWebhook": webhook, "Event": event}


@router.post(
    "/alertmanager",
    auth=scope(ApiToken.INTAKE),
    summary="Alertmanager webhook (version 4): firing alerts open issues, repeats are noted",
    openapi_extra=ALERTMANAGER_BODY,
)
def alertmanager(request):
    payload = _parse(AlertmanagerWebhook, request)
    return json_response({"alerts": intake.retrying(lambda: _deliver(payload, request))})


def _deliver(payload, request):
    results = []
    with transaction.atomic():
        for alert in payload.alerts:
            key = f"alertmanager:{alert.fingerprint}"
            try:
                if alert.status == "firing":
                    outcome = intake.fire(
                        key, _alert_issue(alert, payload), request.user, intake.when(alert.startsAt)
                    )
                else:
                    ended = alert.endsAt if alert.endsAt and alert.endsAt > NOT_ENDED else None
                    outcome = intake.resolve(
                        key, request.user, intake.when(ended or timezone.now())
                    )
            except intake.BadAlert as error:
                raise _bad(f"The alert {alert.fingerprint}", error) from None
            results.append(_result("fingerprint", alert.fingerprint, outcome, request))
    return results


def _result(name, value, outcome, request):
    issue = outcome.issue
    return {
        name: value,
        "issue": issue.pk if issue else None,
        "url": request.build_absolute_uri(issue.get_absolute_url()) if issue else None,
        "created": outcome.action == "created",
        "action": outcome.action,
    }


def _event_issue(event):
    labels = {"environment": event.environment, "severity": event.severity}
    labels = {k: v for k, v in labels.items() if v}
    priority = event.priority or intake.priority(labels)
    data = {
        "name": " ".join(event.title.split()),
        "type": intake.issue_type({"dskit_type": event.type}),
        "related_project": " ".join(event.model.split()),
        "description": intake.description(event.description, [], {}),
        "environment": intake.environment(labels),
        "priority": priority,
        "reported_date": timezone.localdate().isoformat(),
        "metrics": event.metrics,
        "links": event.links,
    }
    # Valid metrics before they are written out in words (fire() checks the whole issue).
    intake.checked(data)
    metrics = [{"unit": "", "baseline": None, "threshold": None, **m} for m in event.metrics]
    metrics = [{"direction": "higher_is_better", **m} for m in metrics]
    data["description"] = intake.description(event.description, metrics, {})
    return data


@router.post(
    "/events",
    auth=scope(ApiToken.INTAKE),
    summary="A generic event: firing opens an issue (de-duplicated by dedupe_key), resolved notes it",
    openapi_extra=EVENT_BODY,
)
def events(request):
    event = _parse(Event, request)
    key = f"event:{event.dedupe_key}"
    try:
        with transaction.atomic():
            if event.status == "firing":
                outcome = intake.fire(key, _event_issue(event), request.user)
            else:
                outcome = intake.resolve(key, request.user, intake.when(timezone.now()))
    except intake.BadAlert as error:
        raise _bad(f"The event {event.dedupe_key}", error) from None
    return json_response(_result("dedupe_key", event.dedupe_key, outcome, request))
