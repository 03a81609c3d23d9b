"""Issue 15's "Done when", against a real server on 127.0.0.1: curl's view of the API."""

from io import StringIO

import httpx
import pytest
from django.core.management import call_command
from openapi_spec_validator import validate as validate_openapi

from issues.models import Issue, Update
from tests.common_support import EXAMPLES

ALERTS = EXAMPLES / "alertmanager"


@pytest.mark.django_db(transaction=True)
def test_done_when(live_server, owner):
    out = StringIO()
    call_command(
        "create_api_token",
        "owner",
        "--name",
        "done-when",
        "--scope",
        "read",
        "--scope",
        "write",
        "--scope",
        "intake",
        stdout=out,
    )
    token = out.getvalue().splitlines()[-1]
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"{live_server.url}/api/v1", headers=headers) as api:
        full = (EXAMPLES / "full.json").read_bytes()
        post = {"Content-Type": "application/json", "Idempotency-Key": "done-when-1"}
        created = api.post("/issues", content=full, headers=post)
        assert created.status_code == 201, created.text
        location = created.headers["Location"]
        assert api.get(f"{location}/export.md").content == (EXAMPLES / "full.md").read_bytes()

        again = api.post("/issues", content=full, headers=post)
        assert again.status_code == 201 and again.json() == created.json()
        assert Issue.objects.count() == 1

        assert (
            api.patch(location, json={"name": "New name"}, headers={"If-Match": '"1"'}).status_code
            == 200
        )
        stale = api.patch(location, json={"name": "Stale"}, headers={"If-Match": '"1"'})
        assert stale.status_code == 412
        assert stale.headers["Content-Type"] == "application/problem+json"

        for name in ("firing", "firing", "resolved"):
            delivery = api.post(
                "/intake/alertmanager", content=(ALERTS / f"{name}.json").read_bytes()
            )
            assert delivery.status_code == 200, delivery.text
        alert_issue = Issue.objects.exclude(pk=created.json()["id"]).get()
        assert Update.objects.filter(issue=alert_issue).count() == 2

        validate_openapi(api.get("/openapi.json").json())


@pytest.mark.browser
def test_the_docs_page_works_under_the_csp(page, live_server):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    response = page.goto(f"{live_server.url}/api/v1/docs")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.get_by_text("dskit API").first.wait_for()
    page.get_by_text("/api/v1/intake/alertmanager").first.wait_for()
    assert not violations, violations
