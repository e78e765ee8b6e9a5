"""Settings read the environment through helpers that name the variable on a bad value."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from advisor.settings import (
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_provider_url,
    env_team_groups,
)


def test_it_reads_booleans(monkeypatch):
    monkeypatch.setenv("FEATURE", "Yes")
    assert env_bool("FEATURE", False) is True
    monkeypatch.setenv("FEATURE", "0")
    assert env_bool("FEATURE", True) is False
    monkeypatch.delenv("FEATURE")
    assert env_bool("FEATURE", True) is True


def test_it_names_a_bad_boolean(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")

    with pytest.raises(ImproperlyConfigured, match="DEBUG must be one of"):
        env_bool("DEBUG", True)


def test_it_names_a_bad_number(monkeypatch):
    monkeypatch.setenv("SECURE_HSTS_SECONDS", "a year")

    with pytest.raises(ImproperlyConfigured, match="SECURE_HSTS_SECONDS must be a whole number"):
        env_int("SECURE_HSTS_SECONDS", 0)


def test_it_splits_lists(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", " a.internal, b.internal ,,")

    assert env_list("ALLOWED_HOSTS", []) == ["a.internal", "b.internal"]


def test_it_reads_a_postgres_url():
    database = database_from_url("postgres://app:s%40cret@db.internal:6543/advisor")

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["USER"], database["PASSWORD"]) == (
        "advisor",
        "app",
        "s@cret",
    )
    assert (database["HOST"], database["PORT"]) == ("db.internal", "6543")


def test_it_reads_a_sqlite_url():
    database = database_from_url("sqlite:///var/advisor.sqlite3")

    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert str(database["NAME"]).endswith("var/advisor.sqlite3")


@pytest.mark.django_db  # pytest-django refuses any connection without it
def test_a_sqlite_database_writes_ahead_and_syncs_at_checkpoints(tmp_path):
    """Readers go on while someone saves, and a commit does not wait for the disk (the
    questionnaire saves on every step)."""
    from django.db.backends.sqlite3.base import DatabaseWrapper

    config = database_from_url(f"sqlite:///{tmp_path / 'wal.sqlite3'}")
    wrapper = DatabaseWrapper({**settings.DATABASES["default"], **config}, alias="wal-check")
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            journal = cursor.fetchone()[0]
            cursor.execute("PRAGMA synchronous")
            synchronous = cursor.fetchone()[0]
    finally:
        wrapper.close()

    assert journal == "wal"
    assert synchronous == 1  # NORMAL


@pytest.mark.parametrize(
    "url",
    ["mysql://root@localhost/db", "postgres://host:5432/", "postgres://h:port/db", "sqlite://"],
)
def test_it_refuses_a_bad_database_url(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database_from_url(url)


STRONG_KEY = "k3y-for-tests-only-" + "abcdefghij" * 4


def _import_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS")}
    return subprocess.run(
        [sys.executable, "-c", "import advisor.settings"],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_requires_a_secret_key():
    completed = _import_settings(DEBUG="0", ALLOWED_HOSTS="advisor.internal")

    assert completed.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in completed.stderr


def test_production_requires_allowed_hosts():
    completed = _import_settings(DEBUG="0", SECRET_KEY=STRONG_KEY)

    assert completed.returncode != 0
    assert "ALLOWED_HOSTS must be set when DEBUG is off" in completed.stderr


def test_production_settings_load_when_complete():
    completed = _import_settings(DEBUG="0", SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="a.internal")

    assert completed.returncode == 0, completed.stderr


def test_it_keeps_the_database_urls_options():
    database = database_from_url("postgres://app@db.internal/advisor?sslmode=require")

    assert database["OPTIONS"]["sslmode"] == "require"
    assert database["CONN_HEALTH_CHECKS"] is True


@pytest.mark.parametrize("value", ["0", "-1", "500", "soon"])
def test_it_refuses_a_pdf_budget_that_cannot_work(value):
    completed = _import_settings(ADR_PDF_TIMEOUT=value)

    assert completed.returncode != 0
    assert "ADR_PDF_TIMEOUT must be" in completed.stderr


def test_it_uses_redis_for_the_shared_caches_when_told_where():
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import advisor.settings as s; print(s.CACHES['default']['BACKEND'], "
            "s.CACHES['pdf']['KEY_PREFIX'])",
        ],
        cwd=settings.BASE_DIR,
        env={**os.environ, "REDIS_URL": "redis://127.0.0.1:6379/2"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert completed.stdout.split() == ["django.core.cache.backends.redis.RedisCache", "pdf"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SECRET_KEY": "changeme"}, "SECRET_KEY is too weak"),
        ({"SECRET_KEY": "x" * 60}, "SECRET_KEY is too weak"),
        ({"ALLOWED_HOSTS": "*"}, "not *"),
        ({"SECURE_PROXY_SSL_HEADER": "1"}, "needs TRUSTED_PROXIES"),
        ({"TRUSTED_PROXIES": "10.0.0.1,not-a-network"}, "TRUSTED_PROXIES must list"),
    ],
)
def test_production_refuses_settings_that_would_be_unsafe(env, message):
    completed = _import_settings(
        **{"DEBUG": "0", "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "a.internal", **env}
    )

    assert completed.returncode != 0
    assert message in completed.stderr


def test_postgres_prepares_statements_unless_told_not_to(monkeypatch):
    monkeypatch.delenv("DATABASE_PREPARED_STATEMENTS", raising=False)
    options = database_from_url("postgres://app@db/advisor")["OPTIONS"]
    assert (options["server_side_binding"], options["prepare_threshold"]) == (True, 5)

    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "0")
    options = database_from_url("postgres://app@db/advisor")["OPTIONS"]
    assert "server_side_binding" not in options and "prepare_threshold" not in options
    assert "prepare_threshold" not in database_from_url("sqlite:///x.sqlite3")["OPTIONS"]


def test_a_postgres_connection_gives_up_instead_of_hanging():
    assert database_from_url("postgres://app@db/advisor")["OPTIONS"]["connect_timeout"] == 5
    kept = database_from_url("postgres://app@db/advisor?connect_timeout=2")
    assert str(kept["OPTIONS"]["connect_timeout"]) == "2"


@pytest.mark.parametrize(
    "url",
    ["https://id.example.org/realms/staff", "http://127.0.0.1:8080", "http://localhost/oidc"],
)
def test_it_reads_a_provider_url(monkeypatch, url):
    monkeypatch.setenv("OIDC_ISSUER", url)

    assert env_provider_url("OIDC_ISSUER") == url


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://id.example.org", "must use https://"),
        ("ftp://id.example.org", "must be an https:// URL"),
        ("id.example.org", "must be an https:// URL"),
        ("https://admin:pw@id.example.org", "must not hold a user name"),
        ("https://id.example.org/#top", "must not have a #fragment"),
        ("https://[::1", "is not a URL"),
    ],
)
def test_it_refuses_a_provider_url_that_is_not_https(monkeypatch, url, message):
    monkeypatch.setenv("OIDC_TOKEN_ENDPOINT", url)

    with pytest.raises(ImproperlyConfigured, match=f"OIDC_TOKEN_ENDPOINT {message}"):
        env_provider_url("OIDC_TOKEN_ENDPOINT")


def test_it_reads_team_groups(monkeypatch):
    monkeypatch.setenv(
        "OIDC_TEAM_GROUPS", "payments:pay-team, search:urn:idp:search ,payments:leads"
    )

    assert env_team_groups("OIDC_TEAM_GROUPS") == {
        "payments": ["pay-team", "leads"],
        "search": ["urn:idp:search"],
    }


@pytest.mark.parametrize("item", ["payments", "payments:", ":pay-team", "pay ments:pay-team"])
def test_it_refuses_a_team_group_that_is_not_a_pair(monkeypatch, item):
    monkeypatch.setenv("OIDC_TEAM_GROUPS", f"search:devs,{item}")

    with pytest.raises(ImproperlyConfigured, match="OIDC_TEAM_GROUPS must list team-slug:group"):
        env_team_groups("OIDC_TEAM_GROUPS")


SSO_ENV = {
    "OIDC_ISSUER": "https://id.example.org",
    "OIDC_CLIENT_ID": "advisor",
    "OIDC_CLIENT_SECRET": "s3cret",
}


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({**SSO_ENV, "OIDC_CLIENT_SECRET": ""}, "OIDC_ISSUER needs OIDC_CLIENT_ID and"),
        ({**SSO_ENV, "OIDC_SCOPES": "email profile"}, "OIDC_SCOPES must include openid"),
        ({"LOCAL_LOGIN": "0"}, "LOCAL_LOGIN=0 needs single sign-on"),
        ({**SSO_ENV, "OIDC_TIMEOUT": "0"}, "OIDC_TIMEOUT must be between"),
    ],
)
def test_it_refuses_single_sign_on_settings_that_cannot_work(env, message):
    completed = _import_settings(**{"OIDC_ISSUER": "", "LOCAL_LOGIN": "1", **env})

    assert completed.returncode != 0
    assert message in completed.stderr


def test_local_login_off_leaves_no_password_backend():
    completed = subprocess.run(
        [sys.executable, "-c", "import advisor.settings as s; print(*s.AUTHENTICATION_BACKENDS)"],
        cwd=settings.BASE_DIR,
        env={**os.environ, **SSO_ENV, "LOCAL_LOGIN": "0"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    backends = completed.stdout.split()
    assert "django.contrib.auth.backends.ModelBackend" not in backends
    assert backends == ["axes.backends.AxesStandaloneBackend", "advisor.oidc.ProviderBackend"]
