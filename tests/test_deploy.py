"""Running it for a team: the compose file, the env example, the image and bin/start-web.

No Docker engine is needed: the compose file is validated against the Compose
Specification's JSON schema, and the web service's command (bin/start-web) is run here,
outside Docker, against a real PostgreSQL server.
"""

import json
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import jsonschema
import psycopg
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_SERVER = os.environ.get(
    "DSKIT_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_file_validates_against_the_compose_spec(compose):
    schema = json.loads((Path(__file__).parent / "compose-spec.json").read_text())
    jsonschema.validate(compose, schema, cls=jsonschema.Draft7Validator)


def test_compose_db_service(compose):
    db = compose["services"]["db"]
    assert db["image"] == "postgres:17"
    volume = db["volumes"][0].split(":")[0]
    assert volume in compose["volumes"], "the database lives in a named volume"
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])


def test_compose_web_service(compose):
    web = compose["services"]["web"]
    assert web["build"] == "."
    assert web["env_file"] == ".env"
    assert web["depends_on"]["db"]["condition"] == "service_healthy"
    assert web["ports"] == ["${DSKIT_PORT:-8000}:8000"]
    assert web["environment"]["DATABASE_URL"].startswith("postgres://")
    command = ROOT / web["command"][0]
    assert command.is_file() and os.access(command, os.X_OK)


def test_dockerfile_builds_a_slim_non_root_image_with_collected_static_files():
    lines = [
        line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines() if line.strip()
    ]
    assert lines[[line.startswith("FROM") for line in lines].index(True)] == (
        "FROM python:3.12-slim"
    )
    assert "USER dskit" in lines
    assert any("collectstatic" in line for line in lines)
    assert lines[-1] == 'CMD ["bin/start-web"]'


def variables_read_by_the_app():
    settings = (ROOT / "dskit/settings.py").read_text()
    names = set(re.findall(r"env_(?:str|bool|int|list)\(\s*\"([A-Z0-9_]+)\"", settings))
    start_web = (ROOT / "bin/start-web").read_text()
    names |= set(re.findall(r"\$\{([A-Z0-9_]+):-", start_web))
    return names


def test_env_example_lists_every_variable():
    example = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^#?\s*([A-Z0-9_]+)=", example, flags=re.MULTILINE))
    missing = variables_read_by_the_app() - listed - {"PYTHON"}
    assert not missing, f".env.example does not list {sorted(missing)}"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def postgres_database():
    """A fresh database on the local PostgreSQL server, dropped afterwards."""
    try:
        admin = psycopg.connect(POSTGRES_SERVER, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is not reachable: {error}")
        pytest.skip(f"PostgreSQL is not reachable: {error}")
    name = f"dskit_start_web_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES_SERVER.rsplit("/", 1)[0] + "/" + name
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def production_env(tmp_path, database_url, **extra):
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "start-web-test-" + uuid.uuid4().hex * 2,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_URL": database_url,
        "PYTHON": sys.executable,
        "WEB_CONCURRENCY": "2",
        **extra,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def test_start_web_serves_the_app_on_postgresql(tmp_path, postgres_database):
    port = free_port()
    env = production_env(tmp_path, postgres_database, GUNICORN_BIND=f"127.0.0.1:{port}")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    log = (tmp_path / "start-web.log").open("w+")
    server = subprocess.Popen([ROOT / "bin/start-web"], cwd=ROOT, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, (
                "bin/start-web exited: " + (tmp_path / "start-web.log").read_text()
            )
            try:
                health = httpx.get(f"{base}/healthz", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "gunicorn did not start in 90 s"
                time.sleep(0.5)
        assert health.status_code == 200
        assert health.text == "ok\n"

        login = httpx.get(f"{base}/accounts/login/", timeout=5)
        assert login.status_code == 200
        assert "Content-Security-Policy" in login.headers
        stylesheet = re.search(
            r'href="(/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]+\.css)"', login.text
        )
        assert stylesheet, "static files are served with fingerprinted names"
        assert httpx.get(base + stylesheet[1], timeout=5).status_code == 200

        with psycopg.connect(postgres_database) as conn:
            applied = conn.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
        assert applied > 0, "migrations were applied on start"
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    assert "Booting worker" in (tmp_path / "start-web.log").read_text()


def test_start_web_gives_up_when_the_database_never_comes(tmp_path):
    env = production_env(
        tmp_path,
        f"postgres://postgres@127.0.0.1:{free_port()}/nothing",
        DB_WAIT_SECONDS="1",
    )
    result = subprocess.run(
        [ROOT / "bin/start-web"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "database unavailable after 1 s" in result.stderr
