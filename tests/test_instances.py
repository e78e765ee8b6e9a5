"""Production instances side by side: two gunicorns on one PostgreSQL database (and one Redis,
when there is one) behave as one site, and any instance serves its own static files with
DEBUG off. Everything here goes over real HTTP to real gunicorn processes."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import User
from django.db import connection

from advisor.models import Team
from tests.decisions.conftest import make_decision
from tests.servers import PASSWORD, Gunicorn, WebClient, manage, served_environment

REDIS_URL = "redis://127.0.0.1:6379/3"
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
NEEDS_POSTGRES = (
    "needs PostgreSQL: instances of one site share a database server, which SQLite is not "
    "(run with DATABASE_URL=postgres://...)"
)
needs_postgres = pytest.mark.skipif(not ON_POSTGRES, reason=NEEDS_POSTGRES)
STYLESHEET = re.compile(r'href="(/static/[^"]+\.css)"')


@functools.cache
def served_password_hash() -> str:
    # The instances check passwords with production's hasher, not the tests' fast MD5.
    hasher = PBKDF2PasswordHasher()
    return hasher.encode(PASSWORD, hasher.salt())


def served_user(username: str) -> User:
    return User.objects.create(username=username, password=served_password_hash())


def redis_reachable() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


def postgres_url() -> str:
    """The test database (its `test_` name, not the configured one) as a DATABASE_URL."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}{port}/{db['NAME']}"


def stylesheet_path(client: WebClient) -> str:
    """The first stylesheet the login page links to: a hashed name under /static/."""
    found = STYLESHEET.search(client.get("/accounts/login/").text)
    assert found, "the login page links no stylesheet"
    return found.group(1)


@pytest.fixture(scope="session")
def static_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("static")
    unused_db = f"sqlite:///{root.parent / 'collectstatic.sqlite3'}"
    manage(served_environment(unused_db, root), "collectstatic", "--no-input", "--verbosity", "0")
    return root


@pytest.fixture(params=["database-cache", "redis-cache"])
def pair(
    request: pytest.FixtureRequest, transactional_db: None, static_root: Path, tmp_path: Path
) -> Iterator[tuple[Gunicorn, Gunicorn]]:
    """Instances A (one worker) and B (two workers) of one site. Both are stopped before
    `transactional_db` empties the tables they use, so no worker holds a connection then."""
    extra = {"LOGIN_FAILURE_LIMIT": "3"}
    if request.param == "redis-cache":
        if not redis_reachable():
            pytest.skip(f"no Redis at {REDIS_URL}; the database cache was tested instead")
        redis.Redis.from_url(REDIS_URL).flushdb()
        extra["REDIS_URL"] = REDIS_URL
    env = served_environment(postgres_url(), static_root, **extra)
    servers: list[Gunicorn] = []
    try:
        servers.append(Gunicorn.start(env, tmp_path / "a.log", workers=1))
        servers.append(Gunicorn.start(env, tmp_path / "b.log", workers=2))
        for server in servers:
            server.wait_until_healthy()
        yield servers[0], servers[1]
    finally:
        for server in servers:
            server.stop()


@needs_postgres
def test_it_keeps_a_session_signed_in_on_a_valid_on_b(pair: tuple[Gunicorn, Gunicorn]) -> None:
    a, b = pair
    served_user("alice")
    on_a = WebClient(a.url)
    assert on_a.sign_in("alice", PASSWORD).status == 302

    assert WebClient(b.url).get("/assessments/").status == 302  # B asks strangers to sign in
    page = WebClient(b.url, cookies=on_a.cookies).get("/assessments/")
    assert page.status == 200
    assert "alice" in page.text


@needs_postgres
def test_it_serves_a_pdf_rendered_on_a_from_the_shared_cache_on_b(
    pair: tuple[Gunicorn, Gunicorn],
) -> None:
    a, b = pair
    alice = served_user("alice")
    team = Team.objects.create(name="Payments", slug="payments")
    team.members.add(alice)
    decision = make_decision(alice, team)
    path = f"/decisions/{decision.number}/adr.pdf"
    on_a = WebClient(a.url)
    on_a.sign_in("alice", PASSWORD)

    first = on_a.get(path)
    again = WebClient(b.url, cookies=on_a.cookies).get(path)

    assert (first.status, first.headers["X-ADR-Cache"]) == (200, "miss"), first.text[:500]
    assert first.body.startswith(b"%PDF-")
    assert (again.status, again.headers["X-ADR-Cache"]) == (200, "hit")
    assert again.body == first.body


@needs_postgres
def test_it_counts_failed_sign_ins_across_instances(pair: tuple[Gunicorn, Gunicorn]) -> None:
    a, b = pair
    served_user("bob")
    # LOGIN_FAILURE_LIMIT=3: the third wrong password, wherever it lands, locks the account.
    tries = [WebClient(server.url).sign_in("bob", "wrong password") for server in (a, b, a)]
    assert [response.status for response in tries[:2]] == [200, 200]

    on_b = WebClient(b.url)
    refused = on_b.sign_in("bob", PASSWORD)

    assert refused.status == 429, refused.text[:500]
    assert "Too many failed sign-ins" in refused.text
    assert "sessionid" not in on_b.cookies


@needs_postgres
def test_it_answers_health_and_static_files_on_both(pair: tuple[Gunicorn, Gunicorn]) -> None:
    a, b = pair
    stylesheet = stylesheet_path(WebClient(a.url))
    assert re.search(r"\.[0-9a-f]{12}\.css$", stylesheet), stylesheet  # the hashed name

    for server in (a, b):
        client = WebClient(server.url)
        assert client.get("/healthz").status == 200
        served = client.get(stylesheet)
        assert served.status == 200, server.url
        assert served.headers["Content-Type"].startswith("text/css")


def test_it_serves_health_and_static_files_with_debug_off_on_sqlite(
    static_root: Path, tmp_path: Path
) -> None:
    """One instance on its own SQLite file, migrated as `make serve` migrates it."""
    env = served_environment(f"sqlite:///{tmp_path / 'served.sqlite3'}", static_root)
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    server = Gunicorn.start(env, tmp_path / "gunicorn.log", workers=1)
    try:
        server.wait_until_healthy()
        client = WebClient(server.url)
        health = client.get("/healthz")
        stylesheet = stylesheet_path(client)
        served = client.get(stylesheet)
    finally:
        server.stop()

    assert (health.status, health.headers["Content-Type"]) == (200, "application/json")
    assert served.status == 200
    assert served.headers["Content-Type"].startswith("text/css")
    assert b"{" in served.body
