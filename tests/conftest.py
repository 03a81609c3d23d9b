"""Shared fixtures: an owner, a teammate and a stranger; the browser harness."""

import json
import os
import shutil
from pathlib import Path

import pytest

from tests import access_support, webhook_support
from tests.common_support import EXAMPLES, PASSWORD, clear_caches

# Playwright's sync API runs an event loop in the test thread; the ORM calls that tests
# make beside it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("DSKIT_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Full-strength hashing is slow by design (README "Figures behind the code"); tests check
    who logs in, not the hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with nothing kept per issue (issues/issuecache.py)."""
    clear_caches()


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user("owner", password=PASSWORD)


@pytest.fixture
def teammate(django_user_model):
    return django_user_model.objects.create_user("teammate", password=PASSWORD)


@pytest.fixture
def stranger(django_user_model):
    return django_user_model.objects.create_user("stranger", password=PASSWORD)


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("staff", password=PASSWORD, is_staff=True)


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def chromium_available():
    return Path(CHROMIUM).exists() or bool(shutil.which(CHROMIUM))


def pytest_runtest_setup(item):
    """Browser tests need Debian's Chromium: skipped locally without it, failed in CI."""
    if "page" in getattr(item, "fixturenames", ()) and not chromium_available():
        message = f"Chromium not found at {CHROMIUM}: apt-get install -y chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def logged_in_page(page, live_server, owner):
    """A browser page logged in as the owner, through the real login form."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


@pytest.fixture
def github(settings):
    """The stand-in GitHub (tests/github_server.py) on 127.0.0.1, dskit's settings aimed at it."""
    from tests.github_server import FakeGitHub

    with FakeGitHub() as server:
        settings.GITHUB_API_URL = server.url
        settings.GITHUB_REPOSITORY = server.REPOSITORY
        settings.GITHUB_TOKEN = server.TOKEN
        settings.GITHUB_TIMEOUT = 2
        yield server


def pytest_sessionstart(session):
    """Mutation runs (``make mutate``) fork many test sessions from one process, which would
    all use its test database file (named for its pid): each session gets a file of its own."""
    if "MUTANT_UNDER_TEST" in os.environ:
        from django.conf import settings

        test = settings.DATABASES["default"]["TEST"]
        if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
            test["NAME"] = str(Path(test["NAME"]).with_name(f"test-{os.getpid()}.sqlite3"))


def pytest_collection_modifyitems(config, items):
    """Mutation runs: a mutant's tests fastest first (by mutmut's timings), so that a mutant
    that a quick test kills costs that test alone (the runs stop at the first failure)."""
    stats = Path("mutmut-stats.json")  # mutmut runs the tests in mutants/
    if "MUTANT_UNDER_TEST" in os.environ and stats.exists():
        durations = json.loads(stats.read_text())["duration_by_test"]
        items.sort(key=lambda item: durations.get(item.nodeid, 0))


@pytest.fixture
def token_of():
    """Makes an API token of a user (every scope unless told); returns (token, secret)."""
    from issues.tokens import create_token

    def make(user, scopes=("read", "write", "intake"), **kwargs):
        return create_token(user, "test", list(scopes), **kwargs)

    return make


@pytest.fixture
def api(client, owner, token_of):
    """The test client sending the owner's token of every scope (tests/api_support.py)."""
    from tests.api_support import Api

    _, secret = token_of(owner)
    return Api(client, secret)


@pytest.fixture
def world(owner):
    """A published issue (with a checklist item and an update of its own) and a draft: what
    the access-control table's requests act on (tests/access_support.py)."""
    from issues.models import ChecklistItem, Issue, Update
    from issues.serialization import create_issue

    data = json.loads((EXAMPLES / "full.json").read_text())
    published = create_issue(data, reporter=owner)
    draft = create_issue(
        {**data, "name": "Half-written", "status": Issue.Status.DRAFT}, reporter=owner
    )
    item = ChecklistItem.objects.create(
        issue=published, checklist="todo", position=99, text="Ask the data team"
    )
    update = Update.objects.create(issue=published, text="Found it.", author=owner)
    published.refresh_from_db()
    return access_support.World(published, draft, item, update)


@pytest.fixture
def secret(settings):
    settings.GITHUB_WEBHOOK_SECRET = webhook_support.SECRET
    return webhook_support.SECRET


@pytest.fixture
def filed(owner_client, github, secret):
    """The full example, filed on the stand-in GitHub as #1."""
    from issues.models import Issue
    from tests.github_support import full_issue, press

    issue = full_issue()
    press(owner_client, issue)
    return Issue.objects.get(pk=issue.pk)


@pytest.fixture
def people(django_user_model):
    """A reporter, two assignees (one who wants no assignment mail) and a bystander."""
    from issues.models import Profile

    users = {}
    for name, login, extra in [
        ("rita", "rita-r", {}),
        ("maya", "maya-ml", {"notify_new_urgent": True}),
        ("quiet", "quiet-q", {"notify_assigned": False, "notify_activity": False}),
        ("ben", None, {"notify_new_urgent": True}),
    ]:
        user = django_user_model.objects.create_user(name, email=f"{name}@example.org")
        Profile.objects.create(user=user, github_login=login, **extra)
        users[name] = user
    return users


@pytest.fixture
def webhook_url(settings):
    settings.DSKIT_SLACK_WEBHOOK_URL = "http://127.0.0.1:9/hook"
    settings.DSKIT_BASE_URL = "https://dskit.example.org"
