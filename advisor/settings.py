"""Django settings, read from the environment through small helpers.

Defaults suit a laptop: SQLite in the checkout and DEBUG on. Production sets DEBUG=0 and must
then provide SECRET_KEY and ALLOWED_HOSTS; a bad value stops start-up naming the variable.
"""

from __future__ import annotations

import os
from datetime import timedelta
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
import django_stubs_ext
from django.contrib.messages import constants as message_levels
from django.core.exceptions import ImproperlyConfigured
from django.core.validators import slug_re

from advisor.addresses import provider_url_refusal

# Lets generic Django classes (ModelAdmin[Team], QuerySet[Assessment]) be subscripted at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}"
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_networks(name: str) -> list[IPv4Network | IPv6Network]:
    """Comma-separated addresses or networks (10.0.0.5, 10.0.0.0/24, ::1)."""
    networks = []
    for item in env_list(name, []):
        try:
            networks.append(ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must list IP addresses or networks; got {item!r}"
            ) from None
    return networks


def env_seconds(name: str, default: float, *, low: float, high: float) -> float:
    """A duration in seconds that must lie between `low` and `high`."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number of seconds; got {raw!r}") from None
    if not low <= value <= high:
        raise ImproperlyConfigured(f"{name} must be between {low:g} and {high:g}; got {raw!r}")
    return value


def env_url(name: str, default: str) -> str:
    """An http(s) address with a host, without a trailing slash; empty when unset and no default."""
    raw = os.environ.get(name, default).strip()
    if not raw:
        return ""
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImproperlyConfigured(f"{name} must be an http:// or https:// address; got {raw!r}")
    return raw.rstrip("/")


def env_provider_url(name: str) -> str:
    """An identity provider's address: https://, or http:// to this machine; "" when unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return ""
    refusal = provider_url_refusal(raw)
    if refusal:
        raise ImproperlyConfigured(f"{name} {refusal}; got {raw!r}")
    return raw


def env_team_groups(name: str) -> dict[str, list[str]]:
    """Comma-separated team-slug:group pairs (payments:pay-team,search:search-devs); a team
    named twice is joined through either group. A group name may hold colons, not commas."""
    mapping: dict[str, list[str]] = {}
    for item in env_list(name, []):
        slug, colon, group = item.partition(":")
        slug, group = slug.strip(), group.strip()
        if not colon or not group or not slug_re.fullmatch(slug):
            raise ImproperlyConfigured(
                f"{name} must list team-slug:group pairs, e.g. payments:pay-team; got {item!r}"
            )
        mapping.setdefault(slug, []).append(group)
    return mapping


# How many times a connection runs a statement before preparing it (psycopg's default).
PREPARE_AFTER = 5


def database_from_url(url: str) -> dict[str, Any]:
    """sqlite:///relative/or//absolute/path, or postgres://user:password@host:port/name?options.

    dj-database-url does the parsing, so query-string options such as `sslmode=require` reach
    the driver; this adds what the project needs on top of it.
    """
    scheme = urlsplit(url).scheme
    if scheme not in ("sqlite", "postgres", "postgresql"):
        raise ImproperlyConfigured(
            f"DATABASE_URL must start with sqlite:// or postgres://; got {scheme or url!r}"
        )
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url))
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL could not be read: {error}") from None
    if scheme == "sqlite":
        path = str(config.get("NAME") or "")
        if not path or path == ":memory:":
            raise ImproperlyConfigured("DATABASE_URL for SQLite needs a file: sqlite:///db.sqlite3")
        return {
            **config,
            "NAME": BASE_DIR / path,
            # SQLite ignores row locks; taking the write lock when a transaction begins makes a
            # second concurrent edit or transition wait for the first (and then be refused as a
            # conflict) instead of failing with "database is locked".
            # Write-ahead logging lets readers go on while one person saves, and with it
            # `synchronous=NORMAL` syncs the log at checkpoints rather than on every commit: a
            # power cut can lose the last commits but never corrupts the file. A save in the
            # questionnaire cost ~1.2 ms of fsync before; the mode is kept in the file.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # Tests run on a file rather than in memory, so threads get connections of their own
            # and the concurrency tests see SQLite's real locking.
            "TEST": {"NAME": str(BASE_DIR / ".test-db.sqlite3")},
        }
    if not config.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL for PostgreSQL needs a database name")
    config["PORT"] = str(config.get("PORT") or "")
    config["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
    config["CONN_HEALTH_CHECKS"] = True
    # `.iterator()` (which every model choice field uses to list its options) would otherwise
    # declare a server-side cursor: three round trips for a list of teams, and a cursor that a
    # transaction-pooling proxy such as PgBouncer cannot keep. The project iterates no large
    # result sets.
    config["DISABLE_SERVER_SIDE_CURSORS"] = True
    # A server that accepts but never answers must not hold a worker (or the health probe)
    # until gunicorn kills it; the URL's own connect_timeout wins.
    options = config.setdefault("OPTIONS", {})
    options.setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5))
    # Prepared statements: a statement run a few times on a connection is parsed and planned
    # once. Pages run the same statements with other values (home's compiled queries, the
    # log's pages), and planning was a good part of their time. They need server-side binding.
    # Off behind a pooler in transaction mode that does not keep them (PgBouncer before 1.24,
    # unless max_prepared_statements is set; see the README's Deployment).
    if env_bool("DATABASE_PREPARED_STATEMENTS", True):
        options.setdefault("server_side_binding", True)
        options.setdefault("prepare_threshold", PREPARE_AFTER)
    return config


def shared_cache(table: str, prefix: str, **options: Any) -> dict[str, Any]:
    """A cache every app instance sees: Redis when REDIS_URL is set, else a database table
    (created by a migration, so it exists wherever the schema does)."""
    redis_url = os.environ.get("REDIS_URL", "").strip()
    if redis_url:
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
        }
    return {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": table,
        "OPTIONS": options,
    }


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-local-development-key-never-used-with-debug-off"

# Django's own deploy check calls a key weak below 50 characters or 5 different ones.
if not DEBUG and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for DEBUG off: use at least 50 random characters, e.g. from "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off")
if not DEBUG and "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must name the portal's hosts when DEBUG is off, not *"
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "template_partials",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "advisor",
    "decisions",
    "notifications",
]

WHITENOISE = "whitenoise.middleware.WhiteNoiseMiddleware"
MIDDLEWARE = [
    # First, so a load balancer's probe needs neither an allowed Host nor HTTPS.
    "advisor.middleware.HealthCheckMiddleware",
    # Before anything reads the scheme or the caller's address.
    "advisor.middleware.ForwardedHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before sessions, so a NUL in a session cookie is never looked up.
    "advisor.middleware.RefuseNulMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "advisor.middleware.PrivateCacheMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # Production serves the collected static files itself (development: runserver does).
    MIDDLEWARE.insert(MIDDLEWARE.index("csp.middleware.CSPMiddleware"), WHITENOISE)

ROOT_URLCONF = "advisor.urls"
WSGI_APPLICATION = "advisor.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL", "sqlite:///db.sqlite3"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Single sign-on with OpenID Connect (advisor/oidc.py), on when OIDC_ISSUER is set. The
# provider's endpoints come from its discovery document, except those given here.
OIDC_ISSUER = env_provider_url("OIDC_ISSUER")
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "").strip() or "single sign-on"
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "").strip()
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_RP_SCOPES = " ".join(os.environ.get("OIDC_SCOPES", "openid email profile").split())
OIDC_ENDPOINTS = {
    "authorization_endpoint": env_provider_url("OIDC_AUTHORIZATION_ENDPOINT"),
    "token_endpoint": env_provider_url("OIDC_TOKEN_ENDPOINT"),
    "jwks_uri": env_provider_url("OIDC_JWKS_URI"),
    "userinfo_endpoint": env_provider_url("OIDC_USERINFO_ENDPOINT"),
    "end_session_endpoint": env_provider_url("OIDC_END_SESSION_ENDPOINT"),
}
OIDC_TIMEOUT = env_seconds("OIDC_TIMEOUT", 10, low=1, high=60)
# Who a person is here, and what the provider's groups make them (advisor.services).
OIDC_USERNAME_CLAIM = os.environ.get("OIDC_USERNAME_CLAIM", "").strip() or "preferred_username"
OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "").strip() or "groups"
OIDC_REVIEWER_GROUPS = env_list("OIDC_REVIEWER_GROUPS", [])
OIDC_STAFF_GROUPS = env_list("OIDC_STAFF_GROUPS", [])
OIDC_TEAM_GROUPS = env_team_groups("OIDC_TEAM_GROUPS")
if OIDC_ISSUER:
    if not OIDC_RP_CLIENT_ID or not OIDC_RP_CLIENT_SECRET:
        raise ImproperlyConfigured("OIDC_ISSUER needs OIDC_CLIENT_ID and OIDC_CLIENT_SECRET too")
    if "openid" not in OIDC_RP_SCOPES.split():
        raise ImproperlyConfigured(f"OIDC_SCOPES must include openid; got {OIDC_RP_SCOPES!r}")
# How mozilla-django-oidc runs the sign-in. Not read from the environment: each is a safety
# property (signed ID tokens, nonce, PKCE, the ID token kept for signing out at the provider).
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_TOKEN_USE_BASIC_AUTH = True
OIDC_ALLOW_UNSECURED_JWT = False
OIDC_VERIFY_SSL = True
OIDC_STORE_ID_TOKEN = True

# Sign-in with a username and password, kept for development and small installations. Off, the
# form is gone, its POST is refused and sessions started with a password end.
LOCAL_LOGIN = env_bool("LOCAL_LOGIN", True)
if not LOCAL_LOGIN and not OIDC_ISSUER:
    raise ImproperlyConfigured(
        "LOCAL_LOGIN=0 needs single sign-on (OIDC_ISSUER), or nobody can sign in"
    )
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    *(["django.contrib.auth.backends.ModelBackend"] if LOCAL_LOGIN else []),
    # Inert until OIDC_ISSUER is set, and then only on the sign-in callback.
    "advisor.oidc.ProviderBackend",
]
# Sign-in throttling: a username is locked for a while after a run of wrong passwords from
# one address. The attempts live in the database, so every instance counts them.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "advisor.middleware.client_ip"
AXES_VERBOSE = False
# The addresses or networks of the proxies in front of the app. Only a request from one of
# them may say, in X-Forwarded-For and X-Forwarded-Proto, who the caller is and whether it came
# over HTTPS; from anyone else those headers are dropped (advisor.middleware).
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# In production WhiteNoise serves the collected files under hashed names with far-future
# caching; in development Django serves them from the source folders.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# A file missing from the manifest is linked by its plain name instead of failing the page.
WHITENOISE_MANIFEST_STRICT = False
# Our static files are for our pages only.
WHITENOISE_ALLOW_ALL_ORIGINS = False

# Everything an instance keeps between requests lives where every instance sees it: sessions in
# the database, counters and rendered ADR PDFs in Redis or in database tables.
CACHES = {
    "default": shared_cache("advisor_cache", "advisor"),
    "pdf": shared_cache(
        "advisor_pdf_cache", "pdf", MAX_ENTRIES=env_int("PDF_CACHE_MAX_ENTRIES", 2000)
    ),
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# PDFs of proposed and accepted decisions are rendered ahead of time by `manage.py db_worker`;
# a download that finds none renders inline, so nothing waits on a missing worker.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Comments, and other changes (edits, reviews, lifecycle moves, links), one person may make per
# minute (decisions.throttle).
COMMENT_RATE_LIMIT = env_int("COMMENT_RATE_LIMIT", 5)
CHANGE_RATE_LIMIT = env_int("CHANGE_RATE_LIMIT", 20)

# Approvals from architecture reviewers a proposed decision needs before it is accepted.
DECISION_APPROVALS_REQUIRED = env_int("DECISION_APPROVALS_REQUIRED", 1)

# Seconds one PDF render may take before it is stopped and the user is told.
ADR_PDF_TIMEOUT = env_seconds("ADR_PDF_TIMEOUT", 20, low=1, high=120)
# Renders at once across every instance; a download beyond that is asked to retry shortly.
ADR_PDF_CONCURRENCY = env_int("ADR_PDF_CONCURRENCY", 2)
if ADR_PDF_CONCURRENCY < 1:
    raise ImproperlyConfigured("ADR_PDF_CONCURRENCY must be at least 1")


# Where the portal is reached, for links in e-mails and chat messages (no request to ask).
SITE_URL = env_url(
    "SITE_URL", "http://127.0.0.1:8000" if DEBUG else f"https://{ALLOWED_HOSTS[0].lstrip('.')}"
)

# Notifications (notifications/) go out by e-mail through SMTP when EMAIL_HOST is set; in
# development without one they are printed by the worker, and in production without one no
# e-mail is sent. Sending is done by the worker, never by the request that caused it.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "").strip()
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_seconds("EMAIL_TIMEOUT", 10, low=1, high=120)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Decision advisor <advisor@localhost>")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
NOTIFY_EMAIL = bool(EMAIL_HOST) or DEBUG
# A Slack or Microsoft Teams incoming webhook that hears about proposals, decisions and reviews
# falling due; empty: none.
NOTIFY_WEBHOOK_URL = env_url("NOTIFY_WEBHOOK_URL", "")
NOTIFY_WEBHOOK_TIMEOUT = env_seconds("NOTIFY_WEBHOOK_TIMEOUT", 5, low=1, high=60)
# A message that cannot be sent is tried this many times in all, waiting NOTIFY_RETRY_SECONDS
# after the first failure and twice as long after each one since.
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 5)
if NOTIFY_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured("NOTIFY_MAX_ATTEMPTS must be at least 1")
NOTIFY_RETRY_SECONDS = env_seconds("NOTIFY_RETRY_SECONDS", 60, low=0, high=86_400)

# Each message level as the Bootstrap alert that styles it (base.html shows `alert-<tag>`):
# info, success and warning share their names; Bootstrap has no "debug" or "error" alert.
MESSAGE_TAGS = {message_levels.DEBUG: "secondary", message_levels.ERROR: "danger"}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Behind TLS in production; each can be relaxed by its variable for an unusual deployment.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    if not TRUSTED_PROXIES:
        raise ImproperlyConfigured(
            "SECURE_PROXY_SSL_HEADER=1 needs TRUSTED_PROXIES (the TLS proxy's address), or any "
            "client could claim HTTPS"
        )
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# A strict policy: only this origin's scripts, styles, images and forms; nothing framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# One JSON object per line on standard output, which every log collector reads. Errors from
# requests (with their traceback) go there too, whatever DEBUG says.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "advisor.logs.JsonFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        }
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        # WeasyPrint reports every layout step at INFO; only its warnings are worth a line.
        # A missing glyph is a warning per character: 20,000 lines for one page of CJK text.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
    },
}

# The public HSTS preload list is for public domains; an internal portal's hostname is not
# eligible, so the deploy check's reminder about it is noise here.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# The demo logins' passwords on this machine (decisions.demo), so `make run` can show them
# again. var/ is git-ignored; the file is readable by its owner only.
DEMO_LOGINS_FILE = Path(
    os.environ.get("DEMO_LOGINS_FILE", "").strip() or BASE_DIR / "var" / "demo-logins.json"
)
