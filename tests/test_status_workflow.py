"""Every (from, to) pair of statuses against the workflow's definition in issues.tracking.

Driven by ``TRANSITIONS`` and ``GATES``: a move the definition allows is offered on the issue
page and made, with its confirmation exactly when the definition gates it; every other pair is
neither offered nor made. Changing the definition moves these tests with it.
"""

import re

import pytest

from issues import tracking
from issues.models import ChecklistItem, Issue, IssueChange, Update
from issues.template import CHECKLIST_ITEMS
from tests.factories import make_issue

pytestmark = pytest.mark.django_db

STATUSES = [value for value, _ in Issue.Status.choices]
# Statuses an issue can be in on its page (a draft has no issue page).
LIFE = [status for status in STATUSES if status != Issue.Status.DRAFT]
PAIRS = [(old, new) for old in LIFE for new in [*STATUSES, "nonsense"]]
ALLOWED = [(old, new) for old, new in PAIRS if new in tracking.TRANSITIONS.get(old, [])]
REFUSED = [pair for pair in PAIRS if pair not in ALLOWED]
GATED = [(old, new) for old, new in ALLOWED if new in tracking.GATES]
UNGATED = [(old, new) for old, new in ALLOWED if new not in tracking.GATES]
CHECKLIST_KEYS = {
    ChecklistItem.Kind.TODO: "todo",
    ChecklistItem.Kind.READY: "definition_of_ready",
    ChecklistItem.Kind.DONE: "definition_of_done",
}


def checklists(done):
    """Every checklist of the template, all ticked or none."""
    return {
        key: [{"text": text, "done": done} for text in CHECKLIST_ITEMS[checklist]]
        for checklist, key in CHECKLIST_KEYS.items()
    }


def move(client, issue, status, **extra):
    version = Issue.objects.get(pk=issue.pk).version
    return client.post(
        f"/issues/{issue.pk}/status/", {"version": version, "status": status, **extra}
    )


def offered(client, issue):
    html = client.get(f"/issues/{issue.pk}/").text
    return re.findall(r'name="status" value="([^"]+)"', html)


def test_the_definition_is_closed_over_the_models_statuses():
    for old, targets in tracking.TRANSITIONS.items():
        assert old in LIFE
        assert targets and set(targets) <= set(LIFE)
        assert old not in targets
    assert set(tracking.TRANSITIONS) == set(LIFE)
    assert set(tracking.GATES) <= set(LIFE)
    assert set(tracking.GATES.values()) <= set(CHECKLIST_KEYS)
    # Every status can be reached, and left.
    reached = {new for targets in tracking.TRANSITIONS.values() for new in targets}
    assert reached == set(LIFE)


@pytest.mark.parametrize("old", LIFE)
def test_the_page_offers_exactly_the_defined_moves(owner_client, owner, old):
    issue = make_issue(owner, status=old)
    assert offered(owner_client, issue) == list(tracking.TRANSITIONS[old])


@pytest.mark.parametrize(("old", "new"), UNGATED)
def test_an_ungated_move_needs_no_confirmation_even_with_nothing_ticked(
    owner_client, owner, old, new
):
    issue = make_issue(owner, status=old, **checklists(done=False))
    response = move(owner_client, issue, new)
    assert response.status_code == 302
    saved = Issue.objects.get(pk=issue.pk)
    assert (saved.status, saved.version) == (new, issue.version + 1)
    old_label, new_label = tracking.STATUS_LABELS[old], tracking.STATUS_LABELS[new]
    assert Update.objects.get(issue=issue).text == (
        f"Status changed from {old_label} to {new_label} by owner."
    )
    change = IssueChange.objects.get(issue=issue, field="status")
    assert (change.old, change.new) == (old, new)


@pytest.mark.parametrize(("old", "new"), GATED)
def test_a_gated_move_with_its_checklist_complete_needs_no_confirmation(
    owner_client, owner, old, new
):
    ticked = checklists(done=False)
    gate = CHECKLIST_KEYS[tracking.GATES[new]]
    ticked[gate] = checklists(done=True)[gate]
    issue = make_issue(owner, status=old, **ticked)
    assert move(owner_client, issue, new).status_code == 302
    assert Issue.objects.get(pk=issue.pk).status == new
    assert "override" not in Update.objects.get(issue=issue).text


@pytest.mark.parametrize(("old", "new"), GATED)
def test_a_gated_move_one_item_short_asks_first_then_logs_the_override(
    owner_client, owner, old, new
):
    gate = tracking.GATES[new]
    data = checklists(done=True)
    items = data[CHECKLIST_KEYS[gate]]
    items[-1]["done"] = False
    issue = make_issue(owner, status=old, **data)
    response = move(owner_client, issue, new)
    assert response.status_code == 200
    assert f"The {tracking.CHECKLIST_LABELS[gate]} is not complete." in response.text
    assert f"<li>{items[-1]['text']}</li>" in response.text
    assert Issue.objects.get(pk=issue.pk).status == old
    assert not Update.objects.filter(issue=issue).exists()

    assert move(owner_client, issue, new, confirm="on").status_code == 302
    assert Issue.objects.get(pk=issue.pk).status == new
    total = len(items)
    assert Update.objects.get(issue=issue).text == (
        f"Status changed from {tracking.STATUS_LABELS[old]} to {tracking.STATUS_LABELS[new]}"
        f" by owner. The {tracking.CHECKLIST_LABELS[gate]} was incomplete"
        f" ({total - 1} of {total} ticked): override confirmed."
    )


@pytest.mark.parametrize(("old", "new"), REFUSED)
def test_a_move_outside_the_definition_is_refused(owner_client, owner, old, new):
    issue = make_issue(owner, status=old, **checklists(done=True))
    response = move(owner_client, issue, new, confirm="on")
    assert response.status_code in (302, 400)
    saved = Issue.objects.get(pk=issue.pk)
    assert (saved.status, saved.version) == (old, issue.version)
    assert not Update.objects.filter(issue=issue).exists()
    assert not IssueChange.objects.filter(issue=issue).exists()


@pytest.mark.parametrize("status", list(tracking.GATES))
def test_unmet_gate_is_exact_at_the_last_item(owner, status):
    """One item short is unmet; every item ticked is met; a status without a gate never is."""
    checklist = tracking.GATES[status]
    data = checklists(done=True)
    data[CHECKLIST_KEYS[checklist]][0]["done"] = False
    short = Issue.objects.listed().with_rows().get(pk=make_issue(owner, **data).pk)
    assert tracking.unmet_gate(short, status) == checklist
    complete = (
        Issue.objects.listed().with_rows().get(pk=make_issue(owner, **checklists(done=True)).pk)
    )
    assert tracking.unmet_gate(complete, status) is None
    empty = (
        Issue.objects.listed().with_rows().get(pk=make_issue(owner, **checklists(done=False)).pk)
    )
    for other in LIFE:
        if other not in tracking.GATES:
            assert tracking.unmet_gate(empty, other) is None
