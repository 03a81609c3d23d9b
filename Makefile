# dskit: `make run` serves the app on SQLite, `make test` runs the whole suite.
# The interpreter comes from .python-version (pyenv) or PYTHON=...; it must be Python >= 3.12.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint serve bench mutate check-python clean

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null || { \
	  echo "dskit needs Python 3.12 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1 || echo missing)."; \
	  echo "Install it (e.g. 'pyenv install 3.12' — .python-version selects it — or your OS package python3.12),"; \
	  echo "or run make with PYTHON=/path/to/python3.12."; \
	  exit 1; }

$(STAMP): pyproject.toml | check-python
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# The production server (gunicorn, DEBUG off) on http://127.0.0.1:8000/, as the web container runs it.
# Plain HTTP on loopback, so no redirect to HTTPS; the secret key is kept in var/secret_key.
serve: $(STAMP)
	@mkdir -p var && test -s var/secret_key || (umask 077 && $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > var/secret_key)
	DJANGO_DEBUG=false \
	DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat var/secret_key)}" \
	DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	DJANGO_SECURE_SSL_REDIRECT="$${DJANGO_SECURE_SSL_REDIRECT:-false}" \
	GUNICORN_BIND=127.0.0.1:8000 PYTHON=$(BIN)/python \
	sh -c '$(BIN)/python manage.py collectstatic --noinput --verbosity 0 && exec bin/start-web'

test: $(STAMP)
	$(BIN)/ruff check .
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
mutate: $(STAMP)
	rm -rf mutants && mkdir mutants
	timeout $(MUTATE_MINUTES)m $(BIN)/mutmut run --max-children $(MUTATE_JOBS) \
	  $(foreach module,$(MUTATE_MODULES),"issues.$(module).*") > mutants/log.txt 2>&1 \
	  || echo "mutmut stopped (exit status $$?): see mutants/log.txt"
	$(BIN)/python bin/mutation-report

clean:
	rm -rf $(VENV) var/staticfiles mutants
