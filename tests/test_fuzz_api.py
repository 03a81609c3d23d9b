"""Fuzzing the JSON API with a token of every scope: any body, any If-Match gets a 2xx/3xx/4xx
answer (never a 500: the test client raises the view's exception), every refusal is
``application/problem+json`` and writes no row, and every issue stays whole."""

import copy
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from issues.models import AlertIssue, IdempotentRequest, Link, Metric
from tests.api_support import full_json, payload
from tests.factories import make_issue
from tests.fuzz_support import assert_every_issue_is_whole, fuzz_settings, row_counts, value

pytestmark = pytest.mark.django_db

EVENT = {
    "dedupe_key": "evidently:fraud:psi-age",
    "title": "PSI(age) drift on fraud-detector-v3",
    "severity": "warning",
    "environment": "production",
    "model": "fraud-detector-v3",
    "links": [{"kind": "model", "target": "models:/fraud/12", "label": "v12"}],
    "metrics": [{"name": "PSI(age)", "value": 0.31, "threshold": 0.2}],
}

# name: (method, path from the issue, a valid body to mutate)
ENDPOINTS = {
    "create": ("POST", lambda pk: "/api/v1/issues", full_json()),
    "patch": ("PATCH", lambda pk: f"/api/v1/issues/{pk}", {"name": "Renamed", "priority": "p1"}),
    "update": ("POST", lambda pk: f"/api/v1/issues/{pk}/updates", {"text": "Rolled back."}),
    "checklist": (
        "POST",
        lambda pk: f"/api/v1/issues/{pk}/checklists/todo",
        {"tick": [0], "untick": [1], "add": ["Retrain"]},
    ),
    "checklist-unknown": ("POST", lambda pk: f"/api/v1/issues/{pk}/checklists/nope", {}),
    "status": (
        "POST",
        lambda pk: f"/api/v1/issues/{pk}/status",
        {"status": "in_progress", "override_reason": "Incident."},
    ),
    "alertmanager": ("POST", lambda pk: "/api/v1/intake/alertmanager", payload()),
    "events": ("POST", lambda pk: "/api/v1/intake/events", EVENT),
}
COUNTED = [AlertIssue, IdempotentRequest, Link, Metric]

json_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    value,
)
json_value = st.recursive(
    json_scalar,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(value, children, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def mutated(draw, document):
    """``document`` with a few keys (at any depth) removed, replaced or added."""
    document = copy.deepcopy(document)
    for _ in range(draw(st.integers(0, 3))):
        target = document
        while isinstance(target, (dict, list)) and target and draw(st.booleans()):
            keys = list(target) if isinstance(target, dict) else list(range(len(target)))
            child = target[draw(st.sampled_from(keys))]
            if not isinstance(child, (dict, list)):
                break
            target = child
        if isinstance(target, dict):
            key = draw(st.one_of(st.sampled_from(list(target) or ["x"]), value))
            if key in target and draw(st.booleans()):
                del target[key]
            else:
                target[key] = draw(json_value)
        elif isinstance(target, list) and target:
            target[draw(st.integers(0, len(target) - 1))] = draw(json_value)
    return document


def bodies(document):
    """Mostly near-valid documents, some any JSON, some not JSON at all."""
    return st.one_of(
        mutated(document).map(lambda data: json.dumps(data).encode()),
        json_value.map(lambda data: json.dumps(data).encode()),
        st.binary(max_size=60),
        st.sampled_from([b"", b"{", b'{"a": NaN}', b"[]", b"null", b'{"name": "\\u0000"}']),
    )


# The issue's version (a quarter of the examples), another, any, or none.
IF_MATCH = st.one_of(
    st.just('"<version>"'),
    st.none(),
    st.sampled_from(['"0"', "*", 'W/"<version>"', '"1", "<version>"']),
    value,
)


def all_rows():
    return row_counts() + [model.objects.count() for model in COUNTED]


@pytest.fixture
def target(owner, token_of):
    """An issue of the owner and a token of every scope, shared by a test's examples."""
    return make_issue(owner), token_of(owner)[1]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@fuzz_settings
@given(data=st.data())
def test_any_api_request_gets_a_clear_answer_and_a_refusal_writes_nothing(
    client, target, endpoint, data
):
    issue, secret = target
    issue.refresh_from_db()
    method, path, document = ENDPOINTS[endpoint]
    body = data.draw(bodies(document))
    headers = {"Authorization": f"Bearer {secret}"}
    if_match = data.draw(IF_MATCH)
    if if_match is not None:
        headers["If-Match"] = if_match.replace("<version>", str(issue.version))
    if endpoint == "create" and data.draw(st.booleans()):
        headers["Idempotency-Key"] = data.draw(st.sampled_from(["k1", "k2", "k" * 256]))
    before = all_rows()
    response = client.generic(
        method, path(issue.pk), body, content_type="application/json", headers=headers
    )
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        assert response["Content-Type"] == "application/problem+json", response.content
        assert all_rows() == before
    assert_every_issue_is_whole()
