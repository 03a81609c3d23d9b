"""The load script stays in step with the app: a tiny run against the production server."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "load/run_load.py"


def run_load(*args):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(
        [sys.executable, SCRIPT, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_small_run_creates_and_verifies_every_issue():
    result = run_load("--clients", "2", "--issues", "1", "--workers", "1", "--max-seconds", "120")
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "issues created      2 (told created and verified)" in result.stdout
    assert "lost issues         0" in result.stdout
    assert "corrupted issues    0" in result.stdout
    assert "server errors       0" in result.stdout


def test_only_loopback_is_targeted():
    result = run_load("--url", "http://example.org:8000")
    assert result.returncode != 0
    assert "only targets loopback" in result.stderr


def test_runs_are_bounded():
    result = run_load("--clients", "1000")
    assert result.returncode != 0
    assert "bounded" in result.stderr
