# dskit's web image: gunicorn serving Django, static files collected at build time, run as a
# non-root user. docker-compose.yml runs it beside PostgreSQL; the command is bin/start-web.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system dskit && useradd --system --gid dskit --home-dir /app --shell /usr/sbin/nologin dskit

WORKDIR /app

# Dependencies first (their own layer, rebuilt only when the lock changes): the runtime lock
# only, every package checked against its hash. The app runs from /app, not installed.
COPY requirements.txt ./
RUN pip install --require-hashes --no-deps -r requirements.txt

COPY manage.py ./
COPY bin/ bin/
COPY dskit/ dskit/
COPY issues/ issues/
COPY templates/ templates/
COPY static/ static/

# Collect (and compress, fingerprint) static files; the key is a throwaway used only here.
RUN DJANGO_DEBUG=false DJANGO_SECRET_KEY=collectstatic-only-not-a-secret \
    DATABASE_URL=sqlite:////tmp/collectstatic.sqlite3 \
    python manage.py collectstatic --noinput --verbosity 0 \
    && rm -f /tmp/collectstatic.sqlite3 \
    && mkdir -p var && chown dskit:dskit var

USER dskit
EXPOSE 8000
ENV GUNICORN_BIND=0.0.0.0:8000 WEB_CONCURRENCY=2
CMD ["bin/start-web"]
