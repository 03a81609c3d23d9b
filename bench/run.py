"""The benchmark of issues 7 and 12: the app's pages at 100,000 issues, side by side with the floor.

    .venv/bin/python bench/run.py [--count 100000] [--rounds 3] [--duration 2] [--connections 2]

It creates a fresh database (an SQLite file in a temporary folder; with DATABASE_URL=postgres://...
the dedicated database ``dskit_bench`` on that server, dropped and created again), migrates, loads
``seed_demo --count N``, creates a user with a logged-in session, starts gunicorn with 2 workers and
production settings on 127.0.0.1, and measures every page with wrk (the Python client below when wrk
is missing), round after round, a bounded time each, while a second client adds an update to a
random issue twice a second. Every list request carries a new unknown parameter, and issue pages
and exports walk 2,000 different issues, so no request is answered from what an earlier one left
behind. The floor is the login page as an anonymous visitor: the base layout, no database query. Each figure is printed with its ratio to the floor, as a table and as
JSON (bench/results/). Then it renders all N issues as Markdown documents in a process of its own
(bench/render_all.py): issues per second and peak memory.
"""

import argparse
import datetime
import http.client
import itertools
import json
import os
import platform
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
PYTHON = sys.executable
PG_BENCH_DATABASE = "dskit_bench"
# In a path, a new number in each request (see wrk_report.lua): a list page never asked before.
MISS = "__n__"
# In a path, one of the walked issues' ids, a random one each request.
ISSUE = "__id__"
WALKED_ISSUES = 2000
UPDATES_PER_SECOND = 2

# Targets of issue 12 (median latency as a multiple of the floor's), at 100,000 issues.
TARGETS = {
    "list page 1": 3,
    "list page 1,000": 4,
    "filtered list": 3,
    "search": 4,
    "issue page": 3,
    "export.md": 1.5,
    "insights": 4,
}

# A user, a session for them, and the facts the URLs need, made inside the app's own settings.
SETUP_CODE = """
import json
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from issues.models import Issue

user = get_user_model().objects.create_user("bench", password=None)
session = SessionStore()
session["_auth_user_id"] = str(user.pk)
session["_auth_user_backend"] = settings.AUTHENTICATION_BACKENDS[0]
session["_auth_user_hash"] = user.get_session_auth_hash()
session.create()
listed = Issue.objects.filter(status__in=[Issue.Status.OPEN, Issue.Status.IN_PROGRESS]).count()
# Published issues spread over the whole table.
published = list(
    Issue.objects.exclude(status=Issue.Status.DRAFT).order_by("pk").values_list("pk", flat=True)
)
issues = published[:: max(1, len(published) // WALKED)][:WALKED]
print("BENCH " + json.dumps({"session": session.session_key, "listed": listed, "issues": issues}))
"""


def log(message):
    print(f"== {message}", flush=True)


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        cpu = re.search(r"^Model name:\s*(.+)$", lscpu, re.M).group(1).strip()
    except (OSError, subprocess.CalledProcessError, AttributeError):
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version()}


def fresh_database(url, folder):
    """The DATABASE_URL of a new, empty database for this run (never one that is in use)."""
    if not url or url.startswith("sqlite"):
        return f"sqlite:///{folder / 'bench.sqlite3'}", "sqlite"
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit(f"bench: DATABASE_URL must be sqlite:// or postgres://, not {parts.scheme}://")
    import psycopg

    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_BENCH_DATABASE}")
    return parts._replace(path=f"/{PG_BENCH_DATABASE}").geturl(), "postgresql"


def production_env(database_url, folder):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_STATIC_ROOT=str(folder / "static"),
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_LOG_LEVEL="WARNING",
        # Plain HTTP on the loopback: no redirect to HTTPS. (The session cookie is marked
        # Secure; the clients here send it over HTTP all the same.)
        DJANGO_SECURE_SSL_REDIRECT="false",
    )
    return env


def manage(env, *args):
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        sys.exit(f"bench: manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def bench_line(output):
    for line in output.splitlines():
        if line.startswith("BENCH "):
            return json.loads(line[len("BENCH ") :])
    raise ValueError(f"no BENCH line in:\n{output}")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env, port, log_path):
    """gunicorn, its log and the app's (tracebacks of a failing page) in ``log_path``."""
    with open(log_path, "w") as log_file:
        server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "dskit.wsgi:application", "--workers", "2",
             "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"bench: gunicorn exited with {server.returncode}; see {log_path}")
        try:
            if get(port, "/healthz")[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit(f"bench: gunicorn did not answer /healthz within 60 s; see {log_path}")


def get(port, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def wrk_load(port, path, headers, duration, connections, issues_file):
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "30s",
               "-s", str(BENCH / "wrk_report.lua")]  # fmt: skip
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}", "--", str(issues_file)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    figures = bench_line(output)
    return {
        "requests": figures["requests"],
        "median_ms": figures["p50_us"] / 1000,
        "p95_ms": figures["p95_us"] / 1000,
        "rps": figures["requests"] / (figures["duration_us"] / 1e6),
        "errors": figures["errors"] + figures["non_2xx"],
    }


def python_load(port, path, headers, duration, connections, issues_file):
    """The fallback load generator: `connections` threads, each on one keep-alive connection."""
    latencies, errors = [], []
    deadline = time.perf_counter() + duration
    issues = issues_file.read_text().split()
    numbers = itertools.count(1)

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while (start := time.perf_counter()) < deadline:
            try:
                # As wrk_report.lua does: __n__ becomes a new number in each request, __id__
                # a random one of the walked issues.
                url = path.replace(MISS, str(next(numbers)))
                url = url.replace(ISSUE, random.choice(issues))
                conn.request("GET", url, headers=headers)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                errors.append(1)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            latencies.append(time.perf_counter() - start)
            if response.status >= 400:
                errors.append(1)
        conn.close()

    began = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {
        "requests": len(latencies),
        "median_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
        "rps": len(latencies) / elapsed,
        "errors": len(errors),
    }


def server_cpu_seconds(server):
    """CPU time (user + system) used so far by the gunicorn workers: a cost per request that
    other processes on a busy machine disturb far less than they disturb latency."""
    ticks = 0
    for task in Path(f"/proc/{server.pid}/task").iterdir():
        for pid in (task / "children").read_text().split():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def measure(load, server, port, pages, args):
    """Every page, round after round: a burst of load from elsewhere on the machine then slows
    all pages alike. Each figure is the median over the rounds."""
    first_issue = args.issues_file.read_text().split()[0]
    for name, path, headers in pages:
        status, _ = get(port, path.replace(MISS, "0").replace(ISSUE, first_issue), headers)
        if status != 200:
            errors = args.server_log.read_text()[-3000:]
            sys.exit(
                f"bench: GET {path} ({name}) answered {status}, not 200; server log:\n{errors}"
            )
        load(port, path, headers, 1, args.connections, args.issues_file)  # warm both workers up
    rounds = {name: [] for name, _, _ in pages}
    for number in range(1, args.rounds + 1):
        log(f"round {number} of {args.rounds}")
        for name, path, headers in pages:
            cpu = server_cpu_seconds(server)
            figures = load(port, path, headers, args.duration, args.connections, args.issues_file)
            figures["cpu_s"] = server_cpu_seconds(server) - cpu
            rounds[name].append(figures)
    results = []
    for name, path, _ in pages:
        figures = {
            key: round(statistics.median(r[key] for r in rounds[name]), 2)
            for key in ("median_ms", "p95_ms", "rps")
        }
        figures["requests"] = sum(r["requests"] for r in rounds[name])
        figures["errors"] = sum(r["errors"] for r in rounds[name])
        cpu = sum(r["cpu_s"] for r in rounds[name])
        figures["cpu_ms"] = round(cpu * 1000 / max(figures["requests"], 1), 2)
        if figures["errors"]:
            log(f"{name}: {figures['errors']} errors or non-2xx answers")
        results.append({"name": name, "path": path, **figures})
    return results


# One new issue through every step of the guided form, as the example issue fills it in.
GUIDED_STEPS = [
    ("overview", {"name": "Recall of fraud model v3 dropped after retraining",
                  "type": "model_performance", "related_project": "fraud-detector"}),
    ("details", {"description": "Recall on the holdout set fell from 0.91 to 0.84.",
                 "expected_behavior": "Recall stays at or above 0.90.",
                 "proposed_solution": "Compare the feature distributions.",
                 "frameworks": "PyTorch, scikit-learn", "data_involved": "holdout set v7",
                 "environment": "production"}),
    ("impact", {"business_impact": "About EUR 40k a week.", "users_affected": "All issuers",
                "priority": "p1"}),
    ("timeline", {"reported_date": "2026-11-18", "target_date": "2026-12-02",
                  "assignees": "alice-ml, bob", "milestones-TOTAL_FORMS": "2",
                  "milestones-INITIAL_FORMS": "0", "milestones-0-title": "Root cause identified",
                  "milestones-0-date": "2026-11-22", "milestones-1-title": "Fix deployed",
                  "milestones-1-date": "2026-12-02"}),
    ("review", {"ready": ["0", "1", "2"], "action": "finish"}),
]  # fmt: skip
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """A person's browser, minus the rendering: cookies, CSRF tokens, redirects followed."""

    def __init__(self, port, cookies):
        self.port, self.cookies, self.requests = port, dict(cookies), 0

    def request(self, method, path, form=None, follow=True):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://127.0.0.1:{self.port}"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        conn.close()
        self.requests += 1
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";")[0]
        if response.status in (301, 302, 303):
            return self.request("GET", response.headers["Location"]) if follow else (path, text)
        if response.status != 200:
            sys.exit(f"bench: guided form: {method} {path} answered {response.status}")
        return path, text

    def submit(self, path, page, values, follow=True):
        token = CSRF_INPUT.search(page).group(1)
        return self.request("POST", path, {"csrfmiddlewaretoken": token, **values}, follow)


VERSION_INPUT = re.compile(r'name="version" value="(\d+)"')


class UpdateWriter(threading.Thread):
    """The second client: an update on a random walked issue twice a second, through the issue
    page's own form (GET the page, POST the update), all along."""

    def __init__(self, port, cookies, issues):
        super().__init__(daemon=True)
        self.browser = Browser(port, cookies)
        self.issues = issues
        self.stopped = threading.Event()
        self.added = self.failed = 0

    def run(self):
        due = time.monotonic()
        while not self.stopped.wait(max(0, due - time.monotonic())):
            due += 1 / UPDATES_PER_SECOND
            pk = random.choice(self.issues)
            try:
                _, page = self.browser.request("GET", f"/issues/{pk}/")
                values = {
                    "version": VERSION_INPUT.search(page).group(1),
                    "update-date": datetime.date.today().isoformat(),
                    "update-text": "Checked again by the benchmark's second client.",
                }
                # The page it would be sent back to is one more issue page: not asked for.
                self.browser.submit(f"/issues/{pk}/updates/", page, values, follow=False)
                self.added += 1
            except (OSError, http.client.HTTPException, AttributeError, SystemExit):
                self.failed += 1


def guided_submission(port, cookies, repeat):
    """Seconds for one new issue through all five steps (each GET and POST), best of `repeat`."""
    runs = []
    for _ in range(repeat):
        browser = Browser(port, cookies)
        began = time.perf_counter()
        path, page = browser.request("GET", "/issues/new/")
        for step, values in GUIDED_STEPS:
            if f"/{step}/" not in path and step != "overview":
                sys.exit(f"bench: guided form: expected step {step}, got {path}")
            path, page = browser.submit(path, page, values)
        runs.append(time.perf_counter() - began)
        if not re.fullmatch(r"/issues/\d+/", path):
            sys.exit(f"bench: guided form ended on {path}, not on the new issue's page")
    return {"seconds": round(statistics.median(runs), 3), "requests": browser.requests}


def with_ratios(results):
    floor = results[0]
    missed = []
    for row in results:
        row["x_floor"] = round(row["median_ms"] / floor["median_ms"], 2)
        row["x_floor_rps"] = round(floor["rps"] / row["rps"], 2)
        row["x_floor_cpu"] = round(row["cpu_ms"] / floor["cpu_ms"], 2) if floor["cpu_ms"] else None
        target = TARGETS.get(row["name"])
        row["target"] = target
        row["met"] = None if target is None else row["x_floor"] <= target
        if row["met"] is False:
            missed.append(
                f"{row['name']}: median {row['median_ms']} ms is {row['x_floor']}x the floor's "
                f"{floor['median_ms']} ms (target {target}x); server CPU {row['cpu_ms']} ms a "
                f"request, {row['x_floor_cpu']}x the floor's"
            )
    return missed


def table(results):
    lines = [
        "| Page | URL | median ms | p95 ms | req/s | CPU ms | × floor (median) | × floor (req/s) "
        "| × floor (CPU) | target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in results:
        target = (
            ""
            if row["target"] is None
            else f"≤ {row['target']}× " + ("met" if row["met"] else "**missed**")
        )
        lines.append(
            f"| {row['name']} | `{row['path']}` | {row['median_ms']:.1f} | {row['p95_ms']:.1f} "
            f"| {row['rps']:.0f} | {row['cpu_ms']:.1f} | {row['x_floor']:.2f} "
            f"| {row['x_floor_rps']:.2f} | {row['x_floor_cpu'] or 0:.2f} | {target} |"
        )
    return "\n".join(lines)


def render_all(env):
    output = subprocess.run(
        [PYTHON, str(BENCH / "render_all.py")], cwd=ROOT, env=env, capture_output=True,
        text=True, check=True,
    ).stdout  # fmt: skip
    return json.loads(output.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="issues to seed (100000)")
    parser.add_argument("--duration", type=int, default=2, help="seconds per URL a round (2)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over all URLs (3)")
    parser.add_argument("--connections", type=int, default=2, help="concurrent connections (2)")
    parser.add_argument("--python-client", action="store_true", help="do not use wrk")
    parser.add_argument("--output", type=Path, help="JSON file (bench/results/<db>-<time>.json)")
    args = parser.parse_args()

    use_wrk = shutil.which("wrk") and not args.python_client
    load = wrk_load if use_wrk else python_load
    started = datetime.datetime.now(datetime.UTC)
    run = {
        "started_at": started.isoformat(timespec="seconds"),
        "count": args.count,
        "machine": machine(),
        "load": {
            "tool": "wrk" if use_wrk else "python",
            "seconds_per_url_and_round": args.duration,
            "rounds": args.rounds,
            "connections": args.connections,
            "server": "gunicorn, 2 sync workers, DJANGO_DEBUG=false",
        },
    }
    if not use_wrk:
        log("wrk not found: measuring with the Python client (apt-get install wrk for wrk)")

    with tempfile.TemporaryDirectory(prefix="dskit-bench-") as tmp:
        folder = Path(tmp)
        database_url, vendor = fresh_database(os.environ.get("DATABASE_URL"), folder)
        run["database"] = vendor
        env = production_env(database_url, folder)
        log(f"fresh {vendor} database; migrate, collectstatic")
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        log(f"seed_demo --count {args.count}")
        began = time.perf_counter()
        manage(env, "seed_demo", "--count", str(args.count))
        run["seed_seconds"] = round(time.perf_counter() - began, 1)
        facts = bench_line(manage(env, "shell", "-c", f"WALKED = {WALKED_ISSUES}\n{SETUP_CODE}"))

        last_page = max(1, -(-facts["listed"] // 50))
        deep = min(1000, last_page)
        args.issues_file = folder / "issues.txt"
        args.issues_file.write_text("\n".join(map(str, facts["issues"])) + "\n")
        # Every list request with a new unknown parameter: computed, never a page asked before.
        pages = [
            ("floor", "/accounts/login/", False),
            ("healthz", "/healthz", False),
            ("list page 1", f"/?miss={MISS}", True),
            ("list page 1,000", f"/?status=all&page={deep}&miss={MISS}", True),
            ("filtered list", f"/?priority=p1&type=training&sort=target_date&miss={MISS}", True),
            ("search", f"/?q=drift&miss={MISS}", True),
            ("issue page", f"/issues/{ISSUE}/", True),
            ("export.md", f"/issues/{ISSUE}/export.md", True),
            ("insights", "/insights/", True),
        ]
        if deep != 1000:
            log(f"only {last_page} list pages at --count {args.count}: 'page 1,000' is page {deep}")

        port = free_port()
        args.server_log = folder / "gunicorn.log"
        server = start_server(env, port, args.server_log)
        try:
            cookie = {"Cookie": f"sessionid={facts['session']}"}
            log(f"gunicorn on 127.0.0.1:{port}; {args.rounds} rounds of {args.duration} s per URL")
            writer = UpdateWriter(port, {"sessionid": facts["session"]}, facts["issues"])
            writer.start()
            run["load_average_before"] = os.getloadavg()
            try:
                run["results"] = measure(
                    load, server, port, [(n, p, cookie if a else {}) for n, p, a in pages], args
                )
            finally:
                writer.stopped.set()
                writer.join()
            run["load_average_after"] = os.getloadavg()
            run["writer"] = {"updates_added": writer.added, "failed": writer.failed}
            log(f"second client: {writer.added} updates added, {writer.failed} failed")
            log("guided form: one new issue through all its steps, 5 times")
            run["guided"] = guided_submission(port, {"sessionid": facts["session"]}, repeat=5)
        finally:
            server.terminate()
            server.wait(timeout=30)

        log(f"render all {args.count} issues as Markdown documents")
        run["render"] = render_all(env)

    run["missed"] = with_ratios(run["results"])
    render = run["render"]
    peaks = ", ".join(f"{int(n):,}: {mib} MiB" for n, mib in render["peak_rss_mib_after"].items())
    print()
    print(
        f"dskit benchmark: {vendor}, {args.count} issues, {run['machine']['cpu']} "
        f"({run['machine']['cores']} cores), {run['load']['tool']} -c{args.connections} "
        f"{args.rounds}x{args.duration} s per URL, seeded in {run['seed_seconds']} s"
    )
    print()
    print(table(run["results"]))
    print()
    print(
        f"Markdown export: {render['issues']} issues in {render['seconds']} s = "
        f"{render['issues_per_second']} issues/s; peak memory {render['peak_rss_mib']} MiB"
        + (f" (after the first {peaks})" if peaks else "")
    )
    guided, floor = run["guided"], run["results"][0]["median_ms"]
    guided["ms_per_request"] = round(guided["seconds"] * 1000 / guided["requests"], 1)
    guided["x_floor_per_request"] = round(guided["ms_per_request"] / floor, 2)
    print(
        f"Guided form, one new issue through all five steps: {guided['seconds'] * 1000:.0f} ms "
        f"for {guided['requests']} requests ({guided['ms_per_request']} ms a request, "
        f"{guided['x_floor_per_request']}x the floor), median of 5"
    )
    for line in run["missed"]:
        print(f"target missed: {line}")
    if run["missed"]:
        print("Where the time of these pages goes: README.md, section Performance.")

    # Each run in bench/results/, and the last of each database in bench/last-run-<db>.json
    # (committed: what README "Last runs" shows).
    outputs = (
        [args.output]
        if args.output
        else [
            RESULTS / f"{vendor}-{started:%Y%m%dT%H%M%S}.json",
            BENCH / f"last-run-{vendor}.json",
        ]
    )
    for output in outputs:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(run, indent=2) + "\n")
        print(f"wrote {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")


if __name__ == "__main__":
    main()
