# dskit: `make run` serves the app on SQLite, `make test` runs the whole suite (ruff, mypy,
# the import contracts, makemigrations --check, pytest).
# The interpreter comes from .python-version (pyenv) or PYTHON=...; it must be Python >= 3.12.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The runtime dependencies (make run, make serve); then the test tools too (make test).
RUNTIME_STAMP := $(VENV)/.installed-runtime
STAMP := $(VENV)/.installed
# pip-compile, in a venv of its own (it is not a dependency of dskit).
LOCK_VENV := .venv-lock
PIP_TOOLS := pip-tools==7.6.2
LOCK_FLAGS := --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links

.PHONY: run test lint serve bench mutate check-python clean lock

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null || { \
	  echo "dskit needs Python 3.12 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1 || echo missing)."; \
	  echo "Install it (e.g. 'pyenv install 3.12' — .python-version selects it — or your OS package python3.12),"; \
	  echo "or run make with PYTHON=/path/to/python3.12."; \
	  exit 1; }

# Installs exactly the locked versions, each checked against its hash; nothing unlocked.
$(RUNTIME_STAMP): requirements.txt | check-python
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.txt
	@touch $(RUNTIME_STAMP)

$(STAMP): requirements-dev.txt | check-python
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements-dev.txt
	@touch $(STAMP) $(RUNTIME_STAMP)

# Rewrites the lock files from pyproject.toml, keeping every locked version that still fits:
# run it after changing a pin there. UPGRADE="pkg ..." also moves those (e.g. a transitive
# dependency) to their newest versions. Commit pyproject.toml and both lock files together.
lock: | check-python
	@test -x $(LOCK_VENV)/bin/pip-compile || { $(PYTHON) -m venv $(LOCK_VENV) && \
	  $(LOCK_VENV)/bin/python -m pip install --quiet $(PIP_TOOLS); }
	$(LOCK_VENV)/bin/pip-compile $(LOCK_FLAGS) $(addprefix --upgrade-package ,$(UPGRADE)) \
	  --output-file requirements.txt pyproject.toml
	$(LOCK_VENV)/bin/pip-compile $(LOCK_FLAGS) $(addprefix --upgrade-package ,$(UPGRADE)) \
	  --extra dev --constraint requirements.txt --output-file requirements-dev.txt pyproject.toml

# The task worker (notifications) runs beside the development server and stops with it; emails
# are printed to this terminal (console backend) unless EMAIL_HOST is set.
run: $(RUNTIME_STAMP)
	$(BIN)/python manage.py migrate --noinput
	PYTHON=$(BIN)/python DIGEST_EVERY=3600 bin/start-worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# The production server (gunicorn, DEBUG off) on http://127.0.0.1:8000/, as the web container runs it.
# Plain HTTP on loopback, so no redirect to HTTPS; the secret key is kept in var/secret_key.
serve: $(RUNTIME_STAMP)
	@mkdir -p var && test -s var/secret_key || (umask 077 && $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > var/secret_key)
	DJANGO_DEBUG=false \
	DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat var/secret_key)}" \
	DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	DJANGO_SECURE_SSL_REDIRECT="$${DJANGO_SECURE_SSL_REDIRECT:-false}" \
	GUNICORN_BIND=127.0.0.1:8000 PYTHON=$(BIN)/python \
	sh -c '$(BIN)/python manage.py collectstatic --noinput --verbosity 0 && exec bin/start-web'

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

# The benchmark (bench/run.py, README "Performance"): a fresh database with COUNT issues, gunicorn,
# every page against the floor. SQLite by default; DATABASE_URL=postgres://... uses dskit_bench.
# wrk comes from Debian's packages (installed when root); without it a Python client measures.
COUNT ?= 100000
bench: $(STAMP)
	@command -v wrk >/dev/null 2>&1 || { test "$$(id -u)" = 0 && command -v apt-get >/dev/null 2>&1 && \
	  { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 || \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1; }; }; } || \
	  echo "wrk is not installed: the benchmark uses its Python client"
	$(BIN)/python bench/run.py --count $(COUNT) $(BENCH_ARGS)

# Mutation testing (README "Mutation testing"), not part of `make test`: mutmut over the core
# modules, each mutant against the fast tests that reach it (SQLite), the fastest mutants first.
# One run (one pass of the clean tests) for the modules named; it stops after MUTATE_MINUTES,
# and the report says how many mutants were left unchecked. MUTATE_JOBS mutants run at once.
MUTATE_MODULES ?= markdown serialization tracking filing github forms.guided filters
MUTATE_JOBS ?= 2
MUTATE_MINUTES ?= 40
# Functions that run while their module is imported (the guided form's field builders): mutmut
# cannot apply their mutants, so bin/mutation-recheck runs their survivors again, each in a
# fresh process, against the guided form's tests.
MUTATE_AT_IMPORT ?= issues.forms.guided.x__text issues.forms.guided.x__date -- \
  tests/test_guided_rules.py tests/test_guided_steps.py tests/test_guided_new.py tests/test_ml_context.py
mutate: $(STAMP)
	rm -rf mutants && mkdir mutants
	timeout $(MUTATE_MINUTES)m $(BIN)/mutmut run --max-children $(MUTATE_JOBS) \
	  $(foreach module,$(MUTATE_MODULES),"issues.$(module).*") > mutants/log.txt 2>&1 \
	  || echo "mutmut stopped (exit status $$?): see mutants/log.txt"
	$(BIN)/python bin/mutation-recheck $(MUTATE_AT_IMPORT)
	$(BIN)/python bin/mutation-report

clean:
	rm -rf $(VENV) $(LOCK_VENV) var/staticfiles mutants
