"""dskit settings, read from the environment (see the README's configuration table).

The defaults are for development: ``make run`` works with no variable set. Production is
``DJANGO_DEBUG=false`` with ``DJANGO_SECRET_KEY`` and ``DJANGO_ALLOWED_HOSTS``.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def _env(name):
    """The variable's value without surrounding whitespace; None when it is unset or blank
    (``DJANGO_SECRET_KEY="  "`` is no key), which every helper below reads as "use the default"."""
    value = os.environ.get(name, "").strip()
    return value or None


def env_str(name, default=""):
    value = _env(name)
    return default if value is None else value


def env_bool(name, default):
    value = _env(name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name, default):
    value = _env(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def env_list(name, default=()):
    value = _env(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def development_secret_key():
    """A random key kept in var/, so that sessions survive a restart of `make run`."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is false")
    SECRET_KEY = development_secret_key()

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)

# Sign-up is open unless turned off; the first account becomes staff and superuser.
DSKIT_ALLOW_SIGNUP = env_bool("DSKIT_ALLOW_SIGNUP", True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    # django-ninja: the JSON API (issues/api/); listed so that its docs page uses its own
    # static Swagger UI files, not a CDN the CSP refuses.
    "ninja",
    "issues",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # A page for 405 answers, which Django sends with an empty body.
    "dskit.errors.method_not_allowed_page",
]

ROOT_URLCONF = "dskit.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "issues.context_processors.issue_template",
            ],
        },
    },
]

WSGI_APPLICATION = "dskit.wsgi.application"


def database_config(url):
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Many gunicorn workers share one file: WAL lets readers run beside a writer,
        # IMMEDIATE takes the write lock up front and the timeout waits for it.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
        # Tests use a file too (one per test process): in-memory SQLite shares a cache with
        # table locks that fail at once instead of waiting, unlike the real file.
        config["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
    else:
        # Parameters sent apart from the SQL, not written into it by psycopg in Python.
        # Statements stay unprepared (Django's default): a prepared statement may get a
        # generic plan, and page 1,000's ids with LIMIT and OFFSET as parameters took 15 ms
        # that way instead of 8.
        config["OPTIONS"] = {"server_side_binding": True}
        # Django's backend, with a health check that asks the socket rather than the server.
        config["ENGINE"] = "dskit.postgresql"
    return config


DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'dskit.sqlite3'}"
if DATABASE_URL.startswith("sqlite"):
    VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": database_config(DATABASE_URL)}

# Each process's own memory (Django's local-memory cache, issuecache.KeptInMemory): an issue
# page's rows and its exported documents, kept under the id and version
# (issues/issuecache.py), so no process serves a stale page. An entry is 5-30 KB: at most
# about 50 MB a process; a third of the entries go when it is full.
CACHES = {
    "default": {
        "BACKEND": "issues.issuecache.KeptInMemory",
        "OPTIONS": {"MAX_ENTRIES": 2_000},
    },
    # The issue list's rows, the same way: an entry is about 1.5 KB, so at most about 15 MB.
    "rows": {
        "BACKEND": "issues.issuecache.KeptInMemory",
        "LOCATION": "rows",
        "OPTIONS": {"MAX_ENTRIES": 10_000},
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]


LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "issue-list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("DSKIT_TIME_ZONE", "UTC")
# English only, in the template's own words: no translation machinery, which every number and
# date a template writes would otherwise ask for the active language (README "Performance").
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT") or VAR_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# GitHub filing (see issues/github.py). The token is read here and nowhere else.
GITHUB_TOKEN = env_str("GITHUB_TOKEN")
GITHUB_REPOSITORY = env_str("GITHUB_REPOSITORY")
GITHUB_API_URL = env_str("GITHUB_API_URL", "https://api.github.com").rstrip("/")
# Seconds to wait for GitHub; after that the outcome of a filing is unknown.
GITHUB_TIMEOUT = env_int("GITHUB_TIMEOUT", 10)

# GitHub both ways (issues/views/webhook.py): the webhook's secret, as set on GitHub. Without
# it every delivery is refused (401).
GITHUB_WEBHOOK_SECRET = env_str("GITHUB_WEBHOOK_SECRET")

# Security. Production (DEBUG off) is HTTPS-only: HSTS, secure cookies, a redirect to HTTPS.
# Behind a TLS-terminating proxy set DJANGO_SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO
# (the proxy must set X-Forwarded-Proto itself, overwriting what clients send).
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
_proxy_ssl_header = env_str("DJANGO_SECURE_PROXY_SSL_HEADER")
SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header, "https") if _proxy_ssl_header else None
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Django's database sessions and ModelBackend, each with the lookup every signed-in request
# makes compiled once (issues/sessions.py).
SESSION_ENGINE = "issues.sessions"
AUTHENTICATION_BACKENDS = ["issues.sessions.UserBackend"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# One strict policy in development, tests and production, so that an inline script or
# style="..." is caught at once: scripts and styles only from our own static files.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    # Images in user Markdown are shown from https sources only (issues/html.py drops others).
    "img-src": [CSP.SELF, "data:", "https:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# Login throttling (dskit/throttle.py): after DSKIT_LOGIN_FAILURE_LIMIT failed logins for one
# username, or from one address, further attempts are refused for DSKIT_LOGIN_COOLOFF_MINUTES.
DSKIT_LOGIN_FAILURE_LIMIT = env_int("DSKIT_LOGIN_FAILURE_LIMIT", 10)
DSKIT_LOGIN_COOLOFF_MINUTES = env_int("DSKIT_LOGIN_COOLOFF_MINUTES", 15)
# Behind N proxies the client address is the N-th from the right of X-Forwarded-For.
DSKIT_PROXY_COUNT = env_int("DSKIT_PROXY_COUNT", 0)

# API and alert intake (issues/api/): requests a minute per token unless the token says
# otherwise, and the largest request body accepted.
DSKIT_API_RATE_PER_MINUTE = env_int("DSKIT_API_RATE_PER_MINUTE", 600)
DSKIT_API_MAX_BODY_BYTES = 1024 * 1024
# How long an Idempotency-Key's first answer is replayed.
DSKIT_API_IDEMPOTENCY_HOURS = 24

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
}

# Notifications, priority deadlines and background tasks (issues/notify.py, issues/deadlines.py).
# Deadlines from the template's priority wording: !p0 "immediately" (a day), !p1 "current or next
# cycle", !p2 "within the next few cycles", !p3 "not currently prioritized" (none).
DSKIT_CYCLE_DAYS = env_int("DSKIT_CYCLE_DAYS", 14)
DSKIT_DEADLINE_DAYS = {
    "p0": env_int("DSKIT_P0_DEADLINE_DAYS", 1),
    "p1": env_int("DSKIT_P1_DEADLINE_DAYS", DSKIT_CYCLE_DAYS),
    "p2": env_int("DSKIT_P2_DEADLINE_DAYS", 3 * DSKIT_CYCLE_DAYS),
    "p3": env_int("DSKIT_P3_DEADLINE_DAYS", 0) or None,
}
# Links in notifications point here; a chat webhook gets the new !p0/!p1 issues and status moves.
DSKIT_BASE_URL = env_str("DSKIT_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
DSKIT_SLACK_WEBHOOK_URL = env_str("DSKIT_SLACK_WEBHOOK_URL")
DSKIT_WEBHOOK_TIMEOUT = env_int("DSKIT_WEBHOOK_TIMEOUT", 10)
# A failed delivery is tried again after BASE seconds, doubling up to MAX, for HOURS in all.
DSKIT_NOTIFY_RETRY_BASE_SECONDS = env_int("DSKIT_NOTIFY_RETRY_BASE_SECONDS", 30)
DSKIT_NOTIFY_RETRY_MAX_SECONDS = env_int("DSKIT_NOTIFY_RETRY_MAX_SECONDS", 1800)
DSKIT_NOTIFY_RETRY_HOURS = env_int("DSKIT_NOTIFY_RETRY_HOURS", 48)
# Email (notifications and password resets): the variables have Django's classic names, set into Django 6.1's MAILERS (the EMAIL_*
# settings are deprecated there). Without EMAIL_HOST messages are printed (console backend) in
# development.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "dskit <dskit@localhost>")
_email_host = env_str("EMAIL_HOST")
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _email_host,
            "port": env_int("EMAIL_PORT", 0) or None,
            "username": env_str("EMAIL_HOST_USER") or None,
            "password": env_str("EMAIL_HOST_PASSWORD") or None,
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            "use_ssl": env_bool("EMAIL_USE_SSL", False),
            "timeout": env_int("EMAIL_TIMEOUT", 10),
        },
    }
    if _email_host
    else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
}
if not _email_host and not DEBUG:
    # No mail server in production: no mailer at all (check --deploy refuses the console one,
    # and warns of an empty MAILERS), so notifications go to the chat webhook only.
    del MAILERS
# Django's Tasks framework on the database (django-tasks-db); `manage.py db_worker` runs them.
INSTALLED_APPS += ["django_tasks_db"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
