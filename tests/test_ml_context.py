"""Metrics and links on an issue: the guided form's rows, the issue page, JSON and Markdown."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from issues.markdown import render_document
from issues.models import Issue
from issues.serialization import create_issue, issue_to_dict, validate
from tests.common_support import EXAMPLES
from tests.guided_support import (
    full_steps,
    link_rows,
    metric_rows,
    post_step,
    start_draft,
    step_url,
)

pytestmark = pytest.mark.django_db
FULL = json.loads((EXAMPLES / "full.json").read_text(encoding="utf-8"))
METRICS = [
    {
        "name": "recall@0.5",
        "value": 0.71,
        "baseline": 0.86,
        "threshold": 0.8,
        "direction": "higher_is_better",
        "unit": "",
        "observed_at": "2026-11-20T08:14:03+00:00",
    },
    {
        "name": "p95 latency",
        "value": 120.0,
        "baseline": None,
        "threshold": 250.0,
        "direction": "lower_is_better",
        "unit": "ms",
        "observed_at": None,
    },
]
LINKS = [
    {"kind": "model", "target": "models:/fraud/12", "label": "v12"},
    {"kind": "dashboard", "target": "https://grafana.example.org/d/fraud", "label": ""},
]


def with_context():
    return {**FULL, "metrics": METRICS, "links": LINKS}


def test_metrics_and_links_round_trip_and_leave_the_markdown_unchanged():
    issue = create_issue(with_context())
    data = issue_to_dict(issue)
    assert data["metrics"] == METRICS and data["links"] == LINKS
    assert render_document(data) == (EXAMPLES / "full.md").read_text(encoding="utf-8")
    breached = [metric.breached for metric in issue.metrics.all()]
    assert breached == [True, False]


def test_import_and_export_json_carry_metrics_and_links(tmp_path):
    path = tmp_path / "issue.json"
    path.write_text(json.dumps(with_context()), encoding="utf-8")
    call_command("import_issues", str(path), stdout=StringIO())
    out = StringIO()
    call_command("export_issues", stdout=out)
    exported = json.loads(out.getvalue())
    exported = exported[0] if isinstance(exported, list) else exported
    assert exported["metrics"] == METRICS and exported["links"] == LINKS


@pytest.mark.parametrize(
    "change, problem",
    [
        (
            {"metrics": [{"name": "x", "value": "high"}]},
            "metrics[0].value: 'high' is not of type 'number'",
        ),
        ({"metrics": [{"value": 1}]}, "metrics[0].name: is required"),
        (
            {"metrics": [{"name": "x", "value": 1, "direction": "up"}]},
            "metrics[0].direction: 'up' is not one of 'higher_is_better', 'lower_is_better'",
        ),
        (
            {"metrics": [{"name": "x", "value": 1, "observed_at": "today"}]},
            "metrics[0].observed_at: 'today' is not a valid date-time (YYYY-MM-DDTHH:MM:SSZ)",
        ),
        (
            {"links": [{"kind": "wiki", "target": "https://x"}]},
            "links[0].kind: 'wiki' is not one of 'model', 'run', 'dataset', 'dashboard', 'alert', 'code', 'other'",
        ),
        (
            {"links": [{"kind": "run", "target": "s3://bucket/run"}]},
            "links[0].target: must be an http(s) URL or an MLflow URI (models:/NAME/VERSION, runs:/RUN_ID/PATH)",
        ),
    ],
)
def test_invalid_metrics_and_links_are_named(change, problem):
    assert validate({**FULL, **change}) == [problem]


def test_the_issue_page_shows_metrics_with_breached_in_words_and_links(owner_client):
    issue = create_issue(with_context())
    html = owner_client.get(f"/issues/{issue.pk}/").content.decode()
    assert "Metrics and links" in html
    assert '<th scope="row">recall@0.5</th>' in html
    assert "Breached" in html and "Within threshold" in html
    assert '<a href="https://grafana.example.org/d/fraud" rel="noopener noreferrer">' in html
    assert "<code>models:/fraud/12</code> (v12)" in html


def test_an_issue_without_metrics_or_links_shows_no_section(owner_client):
    issue = create_issue(FULL)
    assert "Metrics and links" not in owner_client.get(f"/issues/{issue.pk}/").content.decode()


def details(**rows):
    data = {**full_steps()["details"]}
    data.update(rows)
    return data


def test_details_step_takes_metric_and_link_rows_without_javascript(owner_client):
    draft = start_draft(owner_client)
    html = owner_client.get(step_url(draft, "details")).content.decode()
    assert "Metric 1</legend>" in html and "Link 1</legend>" in html
    one = metric_rows(
        ("recall@0.5", "0.71", "0.8", "", "higher_is_better", "", "2026-11-20T08:14:03")
    )
    response = post_step(
        owner_client, draft, "details", details(**one, **link_rows(("", "", ""))), "add_metric"
    )
    assert response.url == step_url(draft, "details")
    html = owner_client.get(step_url(draft, "details")).content.decode()
    assert "Metric 2</legend>" in html and 'value="recall@0.5"' in html
    rows = metric_rows(
        ("recall@0.5", "0.71", "0.8", "", "higher_is_better", "", "2026-11-20T08:14:03"),
        ("", "", "", "", "higher_is_better", "", ""),
    )
    links = link_rows(("model", "models:/fraud/12", "v12"))
    response = post_step(owner_client, draft, "details", details(**rows, **links))
    assert response.status_code == 302
    data = issue_to_dict(Issue.objects.get(pk=draft.pk))
    assert [(m["name"], m["value"], m["threshold"]) for m in data["metrics"]] == [
        ("recall@0.5", 0.71, 0.8)
    ]
    assert data["metrics"][0]["observed_at"] == "2026-11-20T08:14:03+00:00"
    assert data["links"] == [{"kind": "model", "target": "models:/fraud/12", "label": "v12"}]
    # Shown again as saved; a row removed without JavaScript.
    html = owner_client.get(step_url(draft, "details")).content.decode()
    assert 'value="2026-11-20T08:14:03"' in html and 'value="models:/fraud/12"' in html
    response = owner_client.post(
        step_url(draft, "details"), {**details(**rows, **links), "remove_link": "0"}
    )
    assert response.url == step_url(draft, "details")
    assert Issue.objects.get(pk=draft.pk).links.count() == 0


def test_half_filled_rows_get_errors_next_to_their_fields(owner_client):
    draft = start_draft(owner_client)
    rows = metric_rows(
        ("recall", "", "", "", "higher_is_better", "", ""), ("", "3", "", "", "", "", "")
    )
    links = link_rows(("", "https://x.example", ""), ("run", "s3://bucket", ""))
    response = post_step(owner_client, draft, "details", details(**rows, **links))
    assert response.status_code == 200
    html = response.content.decode()
    for message in (
        "Enter the value of this metric.",
        "Enter the name of this metric.",
        "Select what this link is to.",
        "Enter an http(s) URL or an MLflow URI",
    ):
        assert message in html
    assert 'href="#id_metrics-0-value"' in html and 'href="#id_links-1-target"' in html
    assert not Issue.objects.get(pk=draft.pk).metrics.exists()
