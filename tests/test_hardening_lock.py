"""The lock files: every dependency pinned with hashes, runtime and test tools apart."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def locked(filename):
    """{package: (version, hashes)} of a pip-compile lock file."""
    text = (ROOT / filename).read_text().replace("\\\n", " ")
    packages = {}
    for line in text.splitlines():
        if not line or line.startswith(("#", " ")):
            continue
        requirement, *options = line.split()
        name, _, version = requirement.partition("==")
        assert version, f"{filename}: {requirement} is not pinned"
        hashes = [option for option in options if option.startswith("--hash=sha256:")]
        packages[canonical(name)] = (version, hashes)
    return packages


def pins(requirements):
    return {canonical(r.split("==")[0].split("[")[0]): r.split("==")[1] for r in requirements}


def test_every_locked_package_has_a_version_and_hashes():
    for filename in ("requirements.txt", "requirements-dev.txt"):
        for name, (_, hashes) in locked(filename).items():
            assert hashes, f"{filename}: {name} has no hash"


def test_the_locks_hold_the_pyprojects_pins():
    runtime, dev = locked("requirements.txt"), locked("requirements-dev.txt")
    for name, version in pins(PYPROJECT["project"]["dependencies"]).items():
        assert runtime[name][0] == version == dev[name][0], name
    for name, version in pins(PYPROJECT["project"]["optional-dependencies"]["dev"]).items():
        assert dev[name][0] == version, name


def test_runtime_installs_no_test_tools_and_shares_the_dev_versions():
    runtime, dev = locked("requirements.txt"), locked("requirements-dev.txt")
    test_tools = pins(PYPROJECT["project"]["optional-dependencies"]["dev"])
    assert not set(test_tools) & set(runtime)
    for name, (version, _) in runtime.items():
        assert dev[name][0] == version, name


def test_pytest_stays_below_10():
    assert int(locked("requirements-dev.txt")["pytest"][0].split(".")[0]) < 10


def test_make_docker_and_ci_install_from_the_locks():
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes --no-deps -r requirements.txt" in makefile
    assert "--require-hashes --no-deps -r requirements-dev.txt" in makefile
    assert re.search(r"^run: \$\(RUNTIME_STAMP\)$", makefile, re.M)
    assert (
        "pip install --require-hashes --no-deps -r requirements.txt"
        in (ROOT / "Dockerfile").read_text()
    )
    assert "make .venv/.installed" in (ROOT / ".ci/run").read_text()
