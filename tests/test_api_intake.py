"""Alert intake: Alertmanager's webhook and generic events into de-duplicated issues."""

import copy
import json
import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from issues.models import AlertIssue, Issue, Update
from tests.api_support import ALERTMANAGER, Api, assert_problem, payload

pytestmark = pytest.mark.django_db
EVENTS = "/api/v1/intake/events"


def test_firing_twice_then_resolved_makes_one_issue_with_two_updates(api):
    first = api.post(ALERTMANAGER, payload())
    assert first.status_code == 200, first.content
    issue = Issue.objects.get()
    assert first.json() == {
        "alerts": [
            {
                "fingerprint": "a3f2c9d81b7e6f40",
                "issue": issue.pk,
                "url": f"http://testserver/issues/{issue.pk}/",
                "created": True,
                "action": "created",
            }
        ]
    }
    second = api.post(ALERTMANAGER, payload()).json()["alerts"][0]
    assert (second["issue"], second["created"], second["action"]) == (issue.pk, False, "noted")
    # A third delivery within the hour adds nothing.
    assert api.post(ALERTMANAGER, payload()).json()["alerts"][0]["action"] == "unchanged"
    resolved = api.post(ALERTMANAGER, payload("resolved")).json()["alerts"][0]
    assert (resolved["issue"], resolved["action"]) == (issue.pk, "resolved")
    assert Issue.objects.count() == 1
    texts = list(Update.objects.filter(issue=issue).values_list("text", flat=True))
    assert texts == [
        "Still firing since 2026-11-20 08:14 UTC.",
        "Resolved at 2026-11-20 09:02 UTC.",
    ]
    assert Issue.objects.get().version == 3


def test_an_alert_maps_to_an_ml_issue(api):
    api.post(ALERTMANAGER, payload())
    issue = Issue.objects.get()
    assert issue.name == "Recall@0.5 of fraud-detector-v3 below 0.80"
    assert (issue.type, issue.priority, issue.environment) == ("monitoring", "p0", "production")
    assert issue.related_project == "fraud-detector-v3"
    assert str(issue.reported_date) == "2026-11-20"
    assert issue.reporter.username == "owner"
    metric = issue.metrics.get()
    assert (metric.name, metric.value, metric.threshold) == ("recall@0.5", 0.71, 0.8)
    assert metric.direction == "higher_is_better" and metric.breached
    assert metric.observed_at.isoformat() == "2026-11-20T08:14:03.123000+00:00"
    kinds = {link.kind: link.target for link in issue.links.all()}
    assert kinds == {
        "dashboard": "https://grafana.example.org/d/fraud",
        "other": "https://runbooks.example.org/fraud-recall",
        "alert": payload()["alerts"][0]["generatorURL"],
    }
    # The metric's value is in the description too, so a GitHub issue carries it.
    assert "recall@0.5 = 0.71 (threshold 0.8)" in issue.description
    assert issue.description.startswith("Recall on the labelled hourly sample fell below the SLO.")
    assert "- instance: scorer-1:8080" in issue.description
    assert "Source: http://prometheus.example.org" in issue.description


@pytest.mark.parametrize(
    "labels, expected",
    [
        ({"severity": "warning"}, ("p2", "monitoring", "")),
        ({"severity": "error", "environment": "staging"}, ("p1", "monitoring", "staging")),
        ({"severity": "high"}, ("p1", "monitoring", "")),
        ({"severity": "info", "dskit_type": "data_quality"}, ("p3", "data_quality", "")),
        ({"severity": "critical", "priority": "p3"}, ("p3", "monitoring", "")),
        ({"dskit_type": "nonsense"}, ("p2", "monitoring", "")),
    ],
)
def test_labels_override_the_mapping(api, labels, expected):
    data = payload()
    alert = data["alerts"][0]
    alert["labels"] = {"alertname": "DriftHigh", "instance": "a", **labels}
    alert["annotations"] = {}
    data["commonLabels"] = {"alertname": "DriftHigh"}
    api.post(ALERTMANAGER, data)
    issue = Issue.objects.get()
    assert (issue.priority, issue.type, issue.environment) == expected
    assert issue.name == "DriftHigh instance=a"


def test_a_closed_issue_lets_the_alert_open_a_new_one(api):
    api.post(ALERTMANAGER, payload())
    Issue.objects.update(status="closed")
    response = api.post(ALERTMANAGER, payload()).json()["alerts"][0]
    assert response["created"] is True
    assert Issue.objects.count() == 2
    assert AlertIssue.objects.filter(active=True).count() == 1


def test_resolved_without_an_open_issue_changes_nothing(api):
    response = api.post(ALERTMANAGER, payload("resolved"))
    assert response.json()["alerts"][0] == {
        "fingerprint": "a3f2c9d81b7e6f40",
        "issue": None,
        "url": None,
        "created": False,
        "action": "unknown",
    }
    assert not Issue.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(version="3"),
        lambda d: d.update(alerts=[]),
        lambda d: d["alerts"][0].pop("fingerprint"),
        lambda d: d["alerts"][0].update(startsAt="yesterday"),
        lambda d: d["alerts"][0].update(status="pending"),
        lambda d: d["alerts"].append("not an alert"),
    ],
)
def test_a_malformed_payload_gets_400_and_writes_nothing(api, change):
    data = payload()
    second = copy.deepcopy(data["alerts"][0])
    second["fingerprint"] = "other"
    data["alerts"].insert(0, second)
    change(data)
    problem = assert_problem(api.post(ALERTMANAGER, data), 400)
    assert problem["errors"] and problem["errors"][0]["field"]
    assert not Issue.objects.exists() and not AlertIssue.objects.exists()


def test_an_alert_that_cannot_be_an_issue_rolls_back_the_whole_request(api, monkeypatch):
    from issues import intake

    # The mapping only makes valid issues; a link it could not check stands in for a bad one.
    links_from = intake.links_from

    def one_bad_link(values, generator_url=""):
        bad = [{"kind": "model", "target": "fraud-v3"}] if values.get("instance") == "bad" else []
        return links_from(values, generator_url) + bad

    monkeypatch.setattr(intake, "links_from", one_bad_link)
    data = payload()
    bad = copy.deepcopy(data["alerts"][0])
    bad["fingerprint"] = "f00d"
    bad["labels"]["instance"] = "bad"
    data["alerts"].append(bad)
    problem = assert_problem(api.post(ALERTMANAGER, data), 400)
    assert "f00d" in problem["detail"]
    assert problem["errors"][0]["field"] == "links[3].target"
    assert not Issue.objects.exists() and not AlertIssue.objects.exists()


def test_nul_characters_are_refused(api):
    data = payload()
    data["alerts"][0]["annotations"]["summary"] = "a\x00b"
    assert_problem(api.post(ALERTMANAGER, data), 400)
    assert_problem(api.post("/api/v1/issues", {"name": "a\x00", "type": "other"}), 400)
    assert not Issue.objects.exists()


def test_events_open_dedupe_and_resolve(api):
    event = {
        "dedupe_key": "evidently:fraud:psi-age",
        "title": "PSI(age) drift on fraud-detector-v3",
        "description": "Evidently drift report.",
        "severity": "warning",
        "environment": "production",
        "model": "fraud-detector-v3",
        "links": [{"kind": "model", "target": "models:/fraud/12", "label": "v12"}],
        "metrics": [
            {"name": "PSI(age)", "value": 0.31, "threshold": 0.2, "direction": "lower_is_better"}
        ],
    }
    first = api.post(EVENTS, event)
    assert first.status_code == 200, first.content
    assert first.json()["created"] is True and first.json()["dedupe_key"] == event["dedupe_key"]
    issue = Issue.objects.get()
    assert (issue.priority, issue.environment, issue.type) == ("p2", "production", "monitoring")
    assert "PSI(age) = 0.31 (threshold 0.2, lower is better)" in issue.description
    assert issue.links.get().target == "models:/fraud/12"
    assert issue.metrics.get().breached
    assert api.post(EVENTS, event).json()["action"] == "noted"
    resolved = api.post(EVENTS, {**event, "status": "resolved"}).json()
    assert resolved["action"] == "resolved" and resolved["issue"] == issue.pk
    assert Issue.objects.count() == 1 and issue.updates.count() == 2
    opened = timezone.localtime(AlertIssue.objects.get().created_at).strftime("%Y-%m-%d %H:%M")
    assert issue.updates.first().text == f"Still firing since {opened} UTC."


@pytest.mark.parametrize(
    "event",
    [
        {"title": "no key"},
        {"dedupe_key": "k", "title": "t", "status": "maybe"},
        {"dedupe_key": "k", "title": "t", "unknown": 1},
        {"dedupe_key": "k", "title": "t", "metrics": [{"name": "x", "value": "high"}]},
        {"dedupe_key": "k", "title": "t", "links": [{"kind": "model", "target": "fraud"}]},
    ],
)
def test_a_bad_event_gets_400_and_writes_nothing(api, event):
    problem = assert_problem(api.post(EVENTS, event), 400)
    assert problem["errors"]
    assert not Issue.objects.exists()


def test_intake_needs_the_intake_scope(client, owner, token_of):
    _, secret = token_of(owner, scopes=["read", "write"])
    assert_problem(Api(client, secret).post(ALERTMANAGER, payload()), 403)
    assert_problem(Client().post(ALERTMANAGER, payload(), "application/json"), 401)
    assert not Issue.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_16_concurrent_deliveries_of_one_alert_create_exactly_one_issue(owner, token_of):
    _, secret = token_of(owner)
    body = json.dumps(payload())
    barrier = threading.Barrier(16)
    answers = []

    def deliver():
        try:
            barrier.wait()
            response = Client().post(
                ALERTMANAGER,
                body,
                "application/json",
                headers={"Authorization": f"Bearer {secret}"},
            )
            answers.append((response.status_code, response.json()["alerts"][0]["action"]))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 16 and {status for status, _ in answers} == {200}
    actions = sorted(action for _, action in answers)
    assert actions.count("created") == 1
    assert actions.count("noted") == 1
    assert Issue.objects.count() == 1
    assert AlertIssue.objects.count() == 1
    assert Update.objects.count() == 1
    print(f"16 deliveries on {connection.vendor}: {actions}")
