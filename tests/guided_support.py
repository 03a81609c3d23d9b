"""What the guided form's tests share: the steps of examples/full.json as a person posts them."""

import json
import re
from html.parser import HTMLParser

from django.urls import reverse

from tests.common_support import EXAMPLES

FULL = json.loads((EXAMPLES / "full.json").read_text())


def milestone_rows(milestones):
    data = {"milestones-TOTAL_FORMS": str(len(milestones)), "milestones-INITIAL_FORMS": "0"}
    for i, milestone in enumerate(milestones):
        data[f"milestones-{i}-title"] = milestone["title"]
        data[f"milestones-{i}-date"] = milestone["date"]
    return data


def metric_rows(*rows):
    """POST data of the Metrics rows, each a tuple of MetricForm.FIELDS' values."""
    fields = ("name", "value", "threshold", "baseline", "direction", "unit", "observed_at")
    data = {"metrics-TOTAL_FORMS": str(len(rows)), "metrics-INITIAL_FORMS": "0"}
    for i, row in enumerate(rows):
        data.update({f"metrics-{i}-{name}": value for name, value in zip(fields, row, strict=True)})
    return data


def link_rows(*rows):
    """POST data of the Links rows, each a (kind, target, label) tuple."""
    data = {"links-TOTAL_FORMS": str(len(rows)), "links-INITIAL_FORMS": "0"}
    for i, (kind, target, label) in enumerate(rows):
        data.update(
            {f"links-{i}-kind": kind, f"links-{i}-target": target, f"links-{i}-label": label}
        )
    return data


def full_steps(example=FULL):
    """The POST data of each step that gives ``example``'s values."""
    return {
        "overview": {key: example[key] for key in ("name", "type", "related_project")},
        "details": {
            **{
                key: example[key]
                for key in (
                    "description",
                    "expected_behavior",
                    "proposed_solution",
                    "data_involved",
                    "environment",
                )
            },
            "frameworks": ", ".join(example["frameworks"]),
            "todo": "\n".join(item["text"] for item in example["todo"][6:]),
        },
        "impact": {key: example[key] for key in ("business_impact", "users_affected", "priority")},
        "timeline": {
            "reported_date": example["reported_date"],
            "target_date": example["target_date"],
            "assignees": ", ".join(example["assignees"]),
            **milestone_rows(example["milestones"]),
        },
        "review": {
            "ready": [
                str(i) for i, item in enumerate(example["definition_of_ready"]) if item["done"]
            ]
        },
    }


def step_url(issue, step):
    return reverse("issue-step", args=[issue.pk, step])


def post_step(client, issue, step, data, action="next"):
    return client.post(step_url(issue, step), {**data, "action": action})


def start_draft(client, overview=None):
    """Post the Overview of a new issue; returns the new draft."""
    from issues.models import Issue

    # Tests start many drafts of one name: each past the "you already have a draft" warning.
    response = client.post(
        reverse("issue-new"),
        {**(overview or full_steps()["overview"]), "action": "next", "confirm_duplicate": "1"},
    )
    assert response.status_code == 302, response.content.decode()
    return Issue.objects.order_by("-pk").first()


def fill_draft(client, steps=None):
    """A draft with every step of ``steps`` (default: full.json) saved; returns it."""
    steps = steps or full_steps()
    draft = start_draft(client, steps["overview"])
    for step in ("details", "impact", "timeline", "review"):
        response = post_step(client, draft, step, steps[step], action="back")
        assert response.status_code == 302, response.content.decode()
    return draft


REQUIRED_MARK = '<span class="required-mark" aria-hidden="true"> *</span>'


def label_of(html, field_id):
    """The text of the <label for=field_id> in ``html`` (None when there is none), without
    the "*" that marks a required field (hidden from assistive technology)."""
    match = re.search(rf'<label\s[^>]*for="{field_id}"[^>]*>\s*(.*?)\s*</label>', html, re.S)
    return match and match.group(1).removesuffix(REQUIRED_MARK)


def logged_in(user):
    """A test client of its own, logged in as ``user`` (pytest's ``client`` is shared)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


class _Element(HTMLParser):
    def __init__(self, element_id):
        super().__init__()
        self.element_id, self.found = element_id, None

    def handle_starttag(self, tag, attrs):
        first = {}
        for name, value in attrs:  # a browser reads the first of an attribute given twice
            first.setdefault(name, value)
        if self.found is None and first.get("id") == self.element_id:
            self.found = (tag, first)


def element(html, element_id):
    """(tag, attributes) of the element with ``element_id`` in ``html``, or None."""
    parser = _Element(element_id)
    parser.feed(html)
    return parser.found


def help_text_of(html, field_id):
    """The help text shown under the field ``field_id`` (None when there is none)."""
    match = re.search(rf'<div id="{field_id}_helptext" class="form-text">(.*?)</div>', html, re.S)
    return match and match.group(1)
