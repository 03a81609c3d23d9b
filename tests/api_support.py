"""What the API tests share: tokens and a client that sends them."""

import json

from tests.common_support import EXAMPLES


def full_json():
    return json.loads((EXAMPLES / "full.json").read_text(encoding="utf-8"))


class Api:
    """The Django test client with ``Authorization: Bearer <secret>`` on every request."""

    def __init__(self, client, secret):
        self.client, self.secret = client, secret

    def _headers(self, headers):
        return {"Authorization": f"Bearer {self.secret}", **headers}

    def get(self, path, headers=None, **kwargs):
        return self.client.get(path, headers=self._headers(headers or {}), **kwargs)

    def send(self, method, path, data=None, headers=None, raw=None):
        body = raw if raw is not None else json.dumps(data)
        return self.client.generic(
            method,
            path,
            body,
            content_type="application/json",
            headers=self._headers(headers or {}),
        )

    def post(self, path, data=None, **kwargs):
        return self.send("POST", path, data, **kwargs)

    def patch(self, path, data=None, **kwargs):
        return self.send("PATCH", path, data, **kwargs)


def assert_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status and problem["title"] and problem["detail"]
    return problem


ALERTS = EXAMPLES / "alertmanager"
ALERTMANAGER = "/api/v1/intake/alertmanager"


def payload(name="firing"):
    return json.loads((ALERTS / f"{name}.json").read_text())
