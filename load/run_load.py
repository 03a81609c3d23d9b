"""Load and fault test: concurrent users write and track issues against the production server.

Each client signs up, creates issues through the guided form (every step, as a browser
without JavaScript would), ticks checklist items and adds updates on the issue page. At
the end every issue a client saw created is fetched as Markdown (/issues/<id>/export.md)
and compared byte for byte with the document the client expects from the data it sent
(issues.markdown.render_document). Bounded: --clients, --issues per client,
--max-requests and --max-seconds; loopback only.

    python load/run_load.py                                  # SQLite, fresh file
    python load/run_load.py --database-url postgres://postgres@127.0.0.1:5432/dskit_load
    python load/run_load.py --database-url postgres://... --restart-postgres-after 20
    python load/run_load.py --url http://127.0.0.1:8000      # a server already running

Without --url it starts the production server itself (bin/start-web: gunicorn, DEBUG off)
on a free loopback port with a fresh database (a PostgreSQL database is dropped and
created again, so its name must contain "load"). --restart-postgres-after N restarts the
local PostgreSQL cluster once, N seconds in: requests in flight may fail, but only with
the friendly error page, and clients retry until the app has recovered by itself.
Exit status 0 when there were no server errors (outside the restart), no tracebacks,
and no lost or corrupted issues.
"""

import argparse
import datetime
import html.parser
import http.cookies
import logging
import os
import random
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
PASSWORD = "load-test correct horse battery"  # noqa: S105 (accounts made by this run)
FRIENDLY = ("Temporarily unavailable", "Something went wrong")


def setup_django():
    """issues.markdown and issues.serialization need the app registry, not a database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dskit.settings")
    import django

    django.setup()


# --- HTML: the forms of a page ---------------------------------------------------------


class FormParser(html.parser.HTMLParser):
    """Collects each form's action and inputs, and the labels' text by their `for`."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self.labels = {}
        self._label_for = None
        self._label_text = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "inputs": []})
        elif tag == "input" and self.forms:
            self.forms[-1]["inputs"].append(attrs)
        elif tag == "label" and attrs.get("for"):
            self._label_for, self._label_text = attrs["for"], []

    def handle_data(self, data):
        if self._label_for:
            self._label_text.append(data)

    def handle_endtag(self, tag):
        if tag == "label" and self._label_for:
            self.labels[self._label_for] = "".join(self._label_text).strip()
            self._label_for = None


def parse_forms(text):
    parser = FormParser()
    parser.feed(text)
    return parser


def checklist_items(page, issue_pk, checklist):
    """[(item pk, text, done)] of one checklist (todo, ready, done) on the issue page."""
    action = f"/issues/{issue_pk}/checklists/{checklist}/"
    for form in page.forms:
        if form["action"] == action:
            return [
                (int(i["value"]), page.labels.get(i.get("id"), ""), "checked" in i)
                for i in form["inputs"]
                if i.get("name") == "done"
            ]
    raise Unexpected(f"no {checklist} checklist form on the issue page")


def page_version(page):
    for form in page.forms:
        for i in form["inputs"]:
            if i.get("name") == "version":
                return i["value"]
    raise Unexpected("no version on the issue page")


# --- Statistics ------------------------------------------------------------------------


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = []
        self.by_endpoint = defaultdict(list)
        self.statuses = Counter()
        self.server_errors = []  # (time, method, path, status)
        self.unfriendly = []  # error responses that were not the friendly page
        self.transport_errors = Counter()
        self.requests = 0

    def record(self, endpoint, status, seconds):
        with self.lock:
            self.latencies.append(seconds)
            self.by_endpoint[endpoint].append(seconds)
            self.statuses[status] += 1

    def take_request(self, limit):
        with self.lock:
            if self.requests >= limit:
                return False
            self.requests += 1
            return True


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class Budget(Exception):
    """The run's request or time budget is used up."""


class Failed(Exception):
    """A request failed (an error page or no response): the caller reconciles and retries."""


class Unexpected(Exception):
    """The app answered, but not as a working app would (e.g. a form error): not retried."""


# --- One simulated user ----------------------------------------------------------------


class User:
    def __init__(self, base, number, run, stats, args):
        self.base = base
        self.number = number
        self.username = f"load{run}u{number}"
        self.stats = stats
        self.args = args
        self.cookies = {}
        self.http = httpx.Client(base_url=base, timeout=30, follow_redirects=False)
        self.created = {}  # pk -> the JSON form the user expects
        self.random = random.Random(f"{run}-{number}")
        self.failure = None

    # HTTP with our own cookie jar: production cookies are Secure, and httpx would not send
    # them over plain HTTP (the server runs behind no TLS proxy here).
    def request(self, method, path, data=None):
        if time.monotonic() > self.args.deadline:
            raise Budget("time")
        if not self.stats.take_request(self.args.max_requests):
            raise Budget("requests")
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if data is not None:
            data = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **data}
        endpoint = re.sub(r"/\d+/", "/<id>/", urllib.parse.urlsplit(path).path)
        started = time.monotonic()
        try:
            response = self.http.request(method, path, data=data, headers=headers)
        except httpx.TransportError as error:
            with self.stats.lock:
                self.stats.transport_errors[type(error).__name__] += 1
            raise Failed(f"{method} {path}: {error!r}") from None
        self.stats.record(f"{method} {endpoint}", response.status_code, time.monotonic() - started)
        for header in response.headers.get_list("set-cookie"):
            for name, morsel in http.cookies.SimpleCookie(header).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if response.status_code >= 500:
            with self.stats.lock:
                self.stats.server_errors.append(
                    (time.monotonic(), method, path, response.status_code)
                )
                if "Traceback" in response.text or not any(f in response.text for f in FRIENDLY):
                    self.stats.unfriendly.append((method, path, response.status_code))
            raise Failed(f"{method} {path}: {response.status_code}")
        return response

    def get(self, path, expect=200):
        response = self.request("GET", path)
        if response.status_code != expect:
            raise Unexpected(f"GET {path}: {response.status_code}, expected {expect}")
        return response

    def post(self, path, data, expect=302):
        response = self.request("POST", path, data)
        if response.status_code != expect:
            raise Unexpected(f"POST {path}: {response.status_code}, expected {expect}")
        return response

    def follow(self, response):
        """A browser follows the redirect after a POST."""
        return self.get(response.headers["location"])

    def retrying(self, action, *args):
        """Run ``action`` until it succeeds: requests may fail while the database restarts."""
        for attempt in range(60):
            try:
                return action(*args)
            except Failed:
                time.sleep(min(0.2 * (attempt + 1), 2))
        raise Unexpected(f"{action.__name__} kept failing for a minute")

    # --- The user's session ---

    def sign_up(self):
        self.get("/accounts/signup/")
        response = self.post(
            "/accounts/signup/",
            {"username": self.username, "password1": PASSWORD, "password2": PASSWORD},
        )
        self.follow(response)

    def log_in_again(self):
        """After a failure the session may be gone (e.g. a restart lost it): log in."""
        self.get("/accounts/login/")
        self.post("/accounts/login/", {"username": self.username, "password": PASSWORD})

    def issue_data(self, k):
        today = datetime.date.today()
        n = f"{self.username}-{k}"
        return {
            "name": f"Drift in {n}: “ünïcode” & <angle> *stars*",
            "type": self.random.choice(["model_performance", "data_pipeline", "training"]),
            "related_project": f"ranker-{self.number}",
            "description": f"Recall dropped on {n}.\n\n- first line\n- second line with `code`",
            "expected_behavior": "Recall back above 0.9.",
            "proposed_solution": "" if k % 2 else "Retrain with the fixed sampler.",
            "frameworks": ["PyTorch", "scikit-learn"][: 1 + k % 2],
            "data_involved": f"clicks_{self.number}.parquet",
            "environment": ["production", "staging", ""][k % 3],
            "business_impact": "Fewer conversions.",
            "users_affected": f"{100 * (k + 1)} users",
            "priority": f"p{k % 4}",
            "reported_date": today.isoformat(),
            "target_date": (today + datetime.timedelta(days=30 + k)).isoformat(),
            "milestones": [
                {"title": "Root cause", "date": (today + datetime.timedelta(days=7)).isoformat()},
                {"title": "Fix shipped", "date": (today + datetime.timedelta(days=21)).isoformat()},
            ][: k % 3],
            "assignees": [f"dev-{self.number}"],
        }

    def step_posts(self, data, ready):
        """The POST body of each step of the guided form, as the pages' forms send it."""
        rows = data["milestones"] or [{"title": "", "date": ""}]
        timeline = {
            "reported_date": data["reported_date"],
            "target_date": data["target_date"],
            "assignees": ", ".join(data["assignees"]),
            "milestones-TOTAL_FORMS": str(len(rows)),
            "milestones-INITIAL_FORMS": "0",
        }
        for i, row in enumerate(rows):
            timeline[f"milestones-{i}-title"] = row["title"]
            timeline[f"milestones-{i}-date"] = row["date"]
        keys = {
            "details": [
                "description",
                "expected_behavior",
                "proposed_solution",
                "data_involved",
                "environment",
            ],
            "impact": ["business_impact", "users_affected", "priority"],
        }
        return {
            "details": {
                **{key: data[key] for key in keys["details"]},
                "frameworks": ", ".join(data["frameworks"]),
                "action": "next",
            },
            "impact": {**{key: data[key] for key in keys["impact"]}, "action": "next"},
            "timeline": {**timeline, "action": "next"},
            "review": {"ready": [str(i) for i in ready], "action": "finish"},
        }

    def create_issue(self, k):
        from issues.markdown import READY_ITEMS

        data = self.issue_data(k)
        ready = sorted(self.random.sample(range(len(READY_ITEMS)), 2))
        self.retrying(self.get, "/issues/new/")
        overview = {
            "name": data["name"],
            "type": data["type"],
            "related_project": data["related_project"],
            "action": "next",
        }
        # Not idempotent: a failed first step may leave an orphan draft, never a duplicate issue.
        response = self.retrying(self.post, "/issues/new/", overview)
        pk = int(re.search(r"/issues/(\d+)/steps/details/", response.headers["location"])[1])
        self.retrying(self.follow, response)
        for step, body in self.step_posts(data, ready).items():
            # Each step saves into the draft: sending it again is harmless.
            try:
                response = self.post(f"/issues/{pk}/steps/{step}/", body)
            except Failed:
                if step == "review" and self.retrying(self.published, pk):
                    break
                response = self.retrying(self.post, f"/issues/{pk}/steps/{step}/", body)
            self.retrying(self.follow, response)
        if not self.retrying(self.published, pk):
            raise Unexpected(f"issue {pk} was not created")
        self.created[pk] = {
            **data,
            "definition_of_ready": [
                {"text": text, "done": i in ready} for i, text in enumerate(READY_ITEMS)
            ],
            "updates": [],
        }
        return pk

    def published(self, pk):
        response = self.request("GET", f"/issues/{pk}/")
        if response.status_code not in (200, 404):
            raise Unexpected(f"GET /issues/{pk}/: {response.status_code}")
        return response.status_code == 200

    def tick(self, pk, checklist, indexes):
        """Tick the items at ``indexes`` (and only them) in one checklist of the issue page."""
        page = parse_forms(self.get(f"/issues/{pk}/").text)
        items = checklist_items(page, pk, checklist)
        wanted = [item_pk for i, (item_pk, _, _) in enumerate(items) if i in indexes]
        if sorted(p for p, _, done in items if done) == sorted(wanted):
            return items
        body = {"version": page_version(page), "done": [str(p) for p in wanted]}
        self.follow(self.post(f"/issues/{pk}/checklists/{checklist}/", body))
        return items

    def add_update(self, pk, date, text):
        export = self.get(f"/issues/{pk}/export.md").text
        if text in export:
            return  # a failed attempt had in fact been saved
        page = parse_forms(self.get(f"/issues/{pk}/").text)
        body = {"version": page_version(page), "update-date": date, "update-text": text}
        self.follow(self.post(f"/issues/{pk}/updates/", body))

    def track(self, pk):
        expected = self.created[pk]
        for checklist, key, indexes in [
            ("todo", "todo", {0, 2}),
            ("done", "definition_of_done", {1}),
        ]:
            items = self.retrying(self.tick, pk, checklist, indexes)
            expected[key] = [
                {"text": text, "done": i in indexes} for i, (_, text, _) in enumerate(items)
            ]
        for j in range(2):
            date = (datetime.date.today() + datetime.timedelta(days=j)).isoformat()
            text = f"Update {j + 1} on #{pk} by {self.username}: ran the eval again."
            self.retrying(self.add_update, pk, date, text)
            expected["updates"].append({"date": date, "text": text})

    def run(self):
        try:
            self.retrying(self.sign_up)
            for k in range(self.args.issues):
                pk = self.create_issue(k)
                self.track(pk)
                self.retrying(self.get, "/?status=all")
        except Budget:
            pass
        except (Failed, Unexpected) as error:
            self.failure = str(error)


# --- The server ------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_postgres_database(url):
    import psycopg

    name = urllib.parse.urlsplit(url).path.lstrip("/")
    if "load" not in name:
        sys.exit(f"refusing to drop {name!r}: a load-test database name must contain 'load'")
    server = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def start_server(database_url, workers, workdir):
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": str(workdir / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": database_url,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        "PYTHON": sys.executable,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    log = (workdir / "server.log").open("w")
    command = [ROOT / "bin/start-web"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    for _ in range(240):
        if server.poll() is not None:
            sys.exit("the server exited:\n" + (workdir / "server.log").read_text())
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return server, base
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    server.terminate()
    sys.exit("the server did not become healthy in 120 s")


def default_restart_command():
    version = (
        sorted(os.listdir("/etc/postgresql"))[-1] if os.path.isdir("/etc/postgresql") else "15"
    )
    return f"pg_ctlcluster --skip-systemctl-redirect {version} main restart"


def restart_postgres(after, command, log):
    time.sleep(after)
    started = time.monotonic()
    subprocess.run(shlex.split(command), check=True)  # noqa: S603
    log.append((started, time.monotonic()))


# --- The run ---------------------------------------------------------------------------


def verify(base, users):
    """Every issue a client saw created, fetched as Markdown, against what it expects."""
    from issues.markdown import render_document
    from issues.serialization import with_defaults

    lost, corrupted, checked = [], [], 0
    with httpx.Client(base_url=base, timeout=30) as http:
        for user in users:
            headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in user.cookies.items())}
            for pk, data in user.created.items():
                checked += 1
                response = http.get(f"/issues/{pk}/export.md", headers=headers)
                if response.status_code == 404:
                    lost.append(pk)
                    continue
                expected = render_document(with_defaults({**data, "status": "open"}))
                if response.status_code != 200 or response.text != expected:
                    corrupted.append(pk)
    return checked, lost, corrupted


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server on loopback (default: start one)")
    parser.add_argument("--database-url", help="for the server started here (default: SQLite)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--issues", type=int, default=3, help="issues per client")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--max-requests", type=int, default=5000)
    parser.add_argument("--max-seconds", type=float, default=300)
    parser.add_argument("--restart-postgres-after", type=float, metavar="SECONDS")
    parser.add_argument(
        "--restart-command",
        help="how to restart PostgreSQL (default: pg_ctlcluster ... main restart)",
    )
    args = parser.parse_args()
    if args.clients > 64 or args.max_requests > 50000 or args.max_seconds > 1800:
        sys.exit("bounded: at most 64 clients, 50000 requests and 1800 s")

    setup_django()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    server = None
    if args.url:
        base = args.url.rstrip("/")
        if urllib.parse.urlsplit(base).hostname not in LOOPBACK:
            sys.exit("the load test only targets loopback (127.0.0.1, localhost, ::1)")
        database = "(given server)"
    else:
        workdir = Path(tempfile.mkdtemp(prefix="dskit-load-"))
        database_url = args.database_url or f"sqlite:///{workdir / 'load.sqlite3'}"
        if database_url.startswith("postgres"):
            fresh_postgres_database(database_url)
        database = database_url.split("://")[0]
        server, base = start_server(database_url, args.workers, workdir)

    run = secrets.token_hex(3)
    stats = Stats()
    args.deadline = time.monotonic() + args.max_seconds
    users = [User(base, n, run, stats, args) for n in range(args.clients)]
    threads = [threading.Thread(target=user.run, name=user.username) for user in users]
    restarts = []
    if args.restart_postgres_after is not None:
        threads.append(
            threading.Thread(
                target=restart_postgres,
                args=(
                    args.restart_postgres_after,
                    args.restart_command or default_restart_command(),
                    restarts,
                ),
            )
        )
    started = time.monotonic()
    crashed = []
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    for user in users:
        if user.failure:
            crashed.append(f"{user.username}: {user.failure}")

    checked, lost, corrupted = verify(base, users)
    tracebacks = 0
    if server:
        server.terminate()
        server.wait(timeout=60)
        tracebacks = (workdir / "server.log").read_text().count("Traceback")

    total = len(stats.latencies)
    print(f"database            {database}, {args.workers} gunicorn workers, {base}")
    print(f"clients             {args.clients} x {args.issues} issues, {elapsed:.1f} s")
    print(f"requests            {total} ({total / elapsed:.1f}/s)")
    print(f"statuses            {dict(sorted(stats.statuses.items()))}")
    print(
        "latency ms          p50 {:.0f}  p95 {:.0f}  p99 {:.0f}  max {:.0f}".format(
            *(1000 * percentile(stats.latencies, f) for f in (0.5, 0.95, 0.99, 1.0))
        )
    )
    for endpoint, values in sorted(stats.by_endpoint.items()):
        print(
            f"  {endpoint:45} n={len(values):5}  p50 {1000 * percentile(values, 0.5):6.0f}"
            f"  p95 {1000 * percentile(values, 0.95):6.0f}"
        )
    print(f"server errors       {len(stats.server_errors)} (5xx responses)")
    print(f"unfriendly errors   {len(stats.unfriendly)} (5xx without the friendly page)")
    print(f"transport errors    {dict(stats.transport_errors)}")
    if restarts:
        (begin, end) = restarts[0]
        during = [e for e in stats.server_errors if begin - 1 <= e[0] <= end + 30]
        later = [e for e in stats.server_errors if e[0] > end + 30]
        print(
            f"postgres restart    at {begin - started:.1f} s, took {end - begin:.1f} s; "
            f"{len(during)} errors around it, {len(later)} more than 30 s after"
        )
    print(f"issues created      {checked} (told created and verified)")
    print(f"lost issues         {len(lost)} {lost[:10]}")
    print(f"corrupted issues    {len(corrupted)} {corrupted[:10]}")
    print(f"server tracebacks   {tracebacks} in the server log (logged, never shown)")
    if crashed:
        print("clients that gave up:", *crashed, sep="\n  ")

    failed = lost or corrupted or stats.unfriendly or crashed
    if not restarts and (stats.server_errors or stats.transport_errors):
        failed = True
    if restarts and [e for e in stats.server_errors if e[0] > restarts[0][1] + 30]:
        failed = True  # the app did not recover by itself
    if server and failed:
        print(f"server log kept in {workdir / 'server.log'}")
    elif server:
        shutil.rmtree(workdir, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
