"""``POST /github/webhook``: GitHub's deliveries, signed with GITHUB_WEBHOOK_SECRET.

No login and no CSRF token (GitHub cannot have them): the signature is the authentication,
checked in constant time before anything is read.
"""

import json
import logging

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from issues import github, github_sync

logger = logging.getLogger(__name__)


def _answer(status, word):
    return JsonResponse({"result": word}, status=status)


@csrf_exempt
@login_not_required
@require_POST
def github_webhook(request):
    if not github.signature_valid(request.body, request.headers.get("X-Hub-Signature-256")):
        logger.warning("GitHub webhook: refused a delivery with a bad or missing signature")
        return _answer(401, "bad signature")
    delivery = request.headers.get("X-GitHub-Delivery", "")
    event = request.headers.get("X-GitHub-Event", "")
    if not delivery or len(delivery) > 64 or not event:
        return _answer(400, "X-GitHub-Delivery and X-GitHub-Event are required")
    try:
        payload = json.loads(request.body)
    except ValueError:
        return _answer(400, "the body is not JSON (set the content type to application/json)")
    if not isinstance(payload, dict):
        return _answer(400, "the body is not a JSON object")
    result = github_sync.handle(delivery, event, payload)
    logger.info("GitHub webhook: %s %s: %s", event, delivery, result)
    status = {github_sync.BUSY: 503, github_sync.TOO_LONG: 422}.get(result, 200)
    return _answer(status, result)


urlpatterns = [path("github/webhook", github_webhook, name="github-webhook")]
