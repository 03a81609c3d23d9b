"""The issue page at `/issues/<id>/`: sections, safe Markdown, updates, history, concurrency."""

import datetime
import importlib
import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.apps import apps as django_apps
from django.db import connection

from issues.models import Issue, IssueChange, Update
from issues.tracking import StaleIssue, add_update
from tests.common_support import EXAMPLES
from tests.factories import make_issue
from tests.query_support import DETAIL_QUERIES

pytestmark = pytest.mark.django_db

FULL = json.loads((EXAMPLES / "full.json").read_text())


def post(client, issue, url, data=None, **extra):
    """Post a form of the issue page, carrying the version the page was rendered with."""
    version = Issue.objects.get(pk=issue.pk).version
    return client.post(f"/issues/{issue.pk}/{url}", {"version": version, **(data or {})}, **extra)


def test_every_section_in_the_templates_order(owner_client, owner):
    issue = make_issue(owner, **FULL)
    text = owner_client.get(f"/issues/{issue.pk}/").text
    headings = [
        "Issue Overview 📋",
        "Specific Details 🔬",
        "To-Do List 📝",
        "Impact Assessment 📊",
        "Priority",
        "Communication and Timeline 📅",
        "Definition of Ready ✅",
        "Definition of Done ✅",
        "Updates 🔄",
        "History",
    ]
    found = re.findall(r"<h2[^>]*>([^<]+)</h2>", text)
    assert [h for h in found if h in headings] == headings
    for value in (
        "fraud-detector (model v3.2)",
        "<li>Affected: card-not-present transactions</li>",
        "<code>merchant_category</code>",
        "PyTorch, scikit-learn, pandas",
        "transactions_2026w46 training snapshot; holdout set v7",
        "(about 1.2M cardholders)",
        "<li>Root cause identified: 2026-11-22</li>",
        "alice-ml, bob",
        "Reported from the nightly evaluation.",
    ):
        assert value in text, value
    assert f'href="/issues/{issue.pk}/edit/">Edit</a>' in text


def test_user_markdown_is_safe_html(owner_client, owner):
    issue = make_issue(
        owner,
        description="<script>alert(1)</script> [x](javascript:alert(2)) [ok](https://example.com)",
        updates=[{"date": "2026-11-18", "text": "<img src=x onerror=alert(3)>"}],
    )
    text = owner_client.get(f"/issues/{issue.pk}/").text
    assert "<script>alert(1)" not in text and "&lt;script&gt;alert(1)" in text
    assert "javascript:alert" not in text.replace("[x](javascript:alert(2))", "")
    assert '<a href="https://example.com" rel="noopener noreferrer nofollow">ok</a>' in text
    assert "<img" not in text


def test_drafts_and_missing_issues_are_not_found(owner_client, owner):
    draft = make_issue(owner, status="draft", priority="")
    assert owner_client.get(f"/issues/{draft.pk}/").status_code == 404
    assert owner_client.get("/issues/999999/").status_code == 404


def test_the_issue_page_needs_login(client, owner):
    issue = make_issue(owner)
    assert client.get(f"/issues/{issue.pk}/").status_code == 302


@pytest.mark.parametrize("rows", [1, 30])
def test_the_number_of_queries_is_fixed(owner_client, owner, django_assert_num_queries, rows):
    issue = make_issue(
        owner,
        todo=[{"text": f"Item {n}", "done": n % 2 == 0} for n in range(rows)],
        milestones=[{"title": f"M{n}", "date": "2026-12-01"} for n in range(rows)],
        updates=[{"date": "2026-11-20", "text": f"Update {n}"} for n in range(rows)],
    )
    IssueChange.objects.bulk_create(
        IssueChange(issue=issue, user=owner, field="todo") for _ in range(rows)
    )
    with django_assert_num_queries(DETAIL_QUERIES):
        response = owner_client.get(f"/issues/{issue.pk}/")
    assert response.text.count("Item ") >= rows


def test_an_issue_given_empty_checklists_has_the_templates_items_from_creation(owner):
    issue = make_issue(owner, todo=[], definition_of_ready=[], definition_of_done=[])
    assert issue.checklist_items.count() == 17
    assert issue.checklist_items.filter(from_template=True, done=False).count() == 17


def test_the_migration_backfills_issues_without_checklist_rows(owner):
    backfill = importlib.import_module("issues.migrations.0012_checklist_rows").backfill
    bare, kept = make_issue(owner), make_issue(owner)
    bare.checklist_items.all().delete()
    kept.checklist_items.filter(checklist="todo").update(done=True)
    backfill(django_apps, None)
    assert bare.checklist_items.count() == 17
    assert not bare.checklist_items.filter(done=True).exists()
    assert kept.checklist_items.count() == 17  # untouched: it had its rows
    assert kept.checklist_items.filter(checklist="todo", done=True).count() == 6


def test_add_an_update_dated_today_by_default(owner_client, owner):
    issue = make_issue(owner)
    page = owner_client.get(f"/issues/{issue.pk}/").text
    assert f'value="{datetime.date.today().isoformat()}"' in page
    response = post(
        owner_client,
        issue,
        "updates/",
        {"update-date": "2026-11-19", "update-text": " Found it.\r\n "},
    )
    assert response.status_code == 302
    update = Update.objects.get(issue=issue)
    assert (update.date.isoformat(), update.text, update.author) == (
        "2026-11-19",
        "Found it.",
        owner,
    )
    assert Issue.objects.get(pk=issue.pk).version == 2
    assert IssueChange.objects.get(issue=issue).field == "updates"


def test_updates_are_listed_oldest_first_with_their_author(owner_client, owner, teammate, client):
    issue = make_issue(owner)
    post(owner_client, issue, "updates/", {"update-date": "2026-11-20", "update-text": "Second"})
    client.force_login(teammate)
    post(client, issue, "updates/", {"update-date": "2026-11-18", "update-text": "First"})
    text = owner_client.get(f"/issues/{issue.pk}/").text
    first, second = text.index("<p>First</p>"), text.index("<p>Second</p>")
    assert first < second
    assert re.search(r"2026-11-18</strong> · teammate", text)
    assert re.search(r"2026-11-20</strong> · owner", text)


def test_a_bad_update_is_refused_next_to_the_field(owner_client, owner):
    issue = make_issue(owner)
    response = post(
        owner_client, issue, "updates/", {"update-date": "2026-13-40", "update-text": "   "}
    )
    assert response.status_code == 200
    assert 'role="alert" id="error-summary"' in response.text
    assert 'href="#id_update-date">Date: Enter a valid date.' in response.text
    assert 'href="#id_update-text">Update: This field is required.' in response.text
    assert not Update.objects.exists()
    assert Issue.objects.get(pk=issue.pk).version == 1


def test_an_author_corrects_their_own_update_only(owner_client, owner, client, teammate):
    issue = make_issue(owner)
    post(owner_client, issue, "updates/", {"update-date": "2026-11-20", "update-text": "Tpyo"})
    update = Update.objects.get()
    page = owner_client.get(f"/issues/{issue.pk}/").text
    assert f'href="/issues/{issue.pk}/updates/{update.pk}/edit/"' in page
    form = owner_client.get(f"/issues/{issue.pk}/updates/{update.pk}/edit/")
    assert "Tpyo</textarea>" in form.text
    response = post(
        owner_client, issue, f"updates/{update.pk}/edit/", {"date": "2026-11-21", "text": "Typo"}
    )
    assert response.status_code == 302
    update.refresh_from_db()
    assert (update.date.isoformat(), update.text) == ("2026-11-21", "Typo")

    client.force_login(teammate)
    assert f"/updates/{update.pk}/edit/" not in client.get(f"/issues/{issue.pk}/").text
    response = post(
        client, issue, f"updates/{update.pk}/edit/", {"date": "2026-11-21", "text": "Mine now"}
    )
    assert response.status_code == 403
    update.refresh_from_db()
    assert update.text == "Typo"


def test_preview_without_javascript_shows_the_update_and_saves_nothing(owner_client, owner):
    issue = make_issue(owner)
    page = owner_client.get(f"/issues/{issue.pk}/").text
    assert 'name="preview" value="text"' in page and "data-markdown-preview" in page
    typed = {"update-date": "2026-11-20", "update-text": "- [x] **found** it <script>x</script>"}
    response = post(owner_client, issue, "updates/", {**typed, "preview": "text"})
    assert response.status_code == 200
    preview = response.text[response.text.index('aria-label="Preview of Update"') :]
    assert "<strong>found</strong>" in preview and 'type="checkbox"' in preview
    assert "<script>x" not in response.text
    assert 'value="2026-11-20"' in response.text
    assert "&lt;script&gt;x&lt;/script&gt;</textarea>" in response.text
    assert 'id="error-summary"' not in response.text
    assert not Update.objects.exists() and not IssueChange.objects.exists()

    post(owner_client, issue, "updates/", typed)
    update = Update.objects.get()
    url = f"updates/{update.pk}/edit/"
    response = post(
        owner_client, issue, url, {"date": "2026-11-21", "text": "*Fixed*", "preview": "text"}
    )
    assert "<em>Fixed</em>" in response.text and "*Fixed*</textarea>" in response.text
    assert 'value="2026-11-21"' in response.text
    update.refresh_from_db()
    assert (update.date.isoformat(), update.text) == ("2026-11-20", typed["update-text"])


def test_the_history_says_who_changed_what_and_when(owner_client, owner):
    issue = make_issue(owner)
    post(owner_client, issue, "updates/", {"update-date": "2026-11-20", "update-text": "Note"})
    text = owner_client.get(f"/issues/{issue.pk}/").text
    history = text[text.index('id="history"') :]
    change = IssueChange.objects.get()
    assert re.search(
        rf"<td>{change.at:%Y-%m-%d %H:%M}</td><td>owner</td>"
        r"<td>Updates: added the update of 2026-11-20</td>",
        history,
    )


def test_a_stale_form_is_refused_and_the_latest_values_shown(owner_client, owner, client, teammate):
    issue = make_issue(owner)
    client.force_login(teammate)
    # Both open the page at version 1; the teammate saves first.
    client.post(
        f"/issues/{issue.pk}/updates/",
        {"version": 1, "update-date": "2026-11-20", "update-text": "Teammate's note"},
    )
    response = owner_client.post(
        f"/issues/{issue.pk}/updates/",
        {"version": 1, "update-date": "2026-11-20", "update-text": "Owner's note"},
        follow=True,
    )
    assert "was changed by someone else after you opened it" in response.text
    assert "<p>Teammate's note</p>" in response.text
    assert list(Update.objects.values_list("text", flat=True)) == ["Teammate's note"]
    assert Issue.objects.get(pk=issue.pk).version == 2


@pytest.mark.parametrize("version", ["", "abc", "0", "7"])
def test_a_missing_or_wrong_version_is_refused(owner_client, owner, version):
    issue = make_issue(owner)
    response = owner_client.post(
        f"/issues/{issue.pk}/updates/",
        {"version": version, "update-date": "2026-11-20", "update-text": "Note"},
    )
    assert response.status_code == 302
    assert not Update.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_simultaneous_changes_from_one_version_save_exactly_one(owner):
    """Six people press "Add update" on the same page at once: one is saved, five refused."""
    issue = make_issue(owner)
    start = threading.Barrier(6)

    def attempt(number):
        try:
            loaded = Issue.objects.listed().with_rows().get(pk=issue.pk)
            start.wait()
            add_update(loaded, owner, 1, datetime.date(2026, 11, 20), f"Update {number}")
            return "saved"
        except StaleIssue:
            return "refused"
        finally:
            connection.close()

    with ThreadPoolExecutor(6) as pool:
        outcomes = list(pool.map(attempt, range(6)))
    assert sorted(outcomes) == ["refused"] * 5 + ["saved"]
    assert Update.objects.count() == 1
    assert Issue.objects.get(pk=issue.pk).version == 2
    assert IssueChange.objects.count() == 1
