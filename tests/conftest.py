from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest

from advisor.framework import Framework, default_framework

# A small, spiky, event-driven HTTP API run by a team with no operations staff: a workload the
# framework should send to serverless. Tests override the answers they are about.
BASE_ANSWERS: dict[str, Any] = {
    "traffic_pattern": "spiky",
    "monthly_requests": 500_000,
    "peak_rps": 50,
    "latency_target": "under_1s",
    "user_facing": True,
    "runtime": "python",
    "state": "external",
    "local_disk_gb": 0,
    "typical_duration_ms": 200,
    "max_duration_minutes": 1,
    "triggers": ["http", "queue"],
    "workflow": "none",
    "gpu": False,
    "memory_mb": 512,
    "endpoints": 6,
    "ops_capacity": "none",
    "container_experience": "none",
    "starting_point": "greenfield",
    "cloud": "aws",
}

# A busy, steady service run by a platform team that already runs containers.
STEADY_ANSWERS: dict[str, Any] = {
    **BASE_ANSWERS,
    "traffic_pattern": "steady",
    "monthly_requests": 100_000_000,
    "peak_rps": 50,
    "ops_capacity": "platform_team",
    "container_experience": "strong",
}


@pytest.fixture
def framework() -> Framework:
    return default_framework()


@pytest.fixture
def make_answers() -> Callable[..., dict[str, Any]]:
    def make(base: dict[str, Any] | None = None, **overrides: Any) -> dict[str, Any]:
        answers = dict(base or BASE_ANSWERS)
        answers.update(overrides)
        return answers

    return make


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing costs ~0.5 s a user by design; tests create many users and test no hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


DATABASE_FIXTURES = ("db", "transactional_db", "live_server")


@pytest.fixture(autouse=True)
def empty_shared_caches(request):
    """Counters, render slots and PDFs kept in the shared caches start from nothing in every
    test that has a database (the caches live in it unless REDIS_URL is set)."""
    if not any(name in request.fixturenames for name in DATABASE_FIXTURES):
        return
    for name in DATABASE_FIXTURES:
        if name in request.fixturenames:
            request.getfixturevalue(name)
            break
    from django.core.cache import caches

    for alias in ("default", "pdf"):
        caches[alias].clear()


@pytest.fixture(scope="session")
def oidc_provider(live_server, tmp_path_factory):
    """One OpenID Connect provider process for the whole run (tests/oidc_provider.py), with the
    live server registered as its client."""
    from tests.oidc_provider import OidcProvider, ProviderMissing

    try:
        provider = OidcProvider.start(
            tmp_path_factory.mktemp("oidc-provider"), portal_url=live_server.url
        )
    except ProviderMissing as missing:
        if os.environ.get("CI"):
            pytest.fail(str(missing), pytrace=False)
        pytest.skip(str(missing))
    yield provider
    provider.stop()


@pytest.fixture
def sso(oidc_provider, settings, live_server):
    """The portal signing in with the test provider: reviewers are the `architects` group,
    staff `portal-admins`, and team `payments` is `pay-team`; nobody is known to it yet."""
    from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET

    settings.OIDC_ISSUER = oidc_provider.issuer
    settings.OIDC_PROVIDER_NAME = "Example ID"
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_RP_SCOPES = "openid profile email groups"
    settings.OIDC_REVIEWER_GROUPS = ["architects"]
    settings.OIDC_STAFF_GROUPS = ["portal-admins"]
    settings.OIDC_TEAM_GROUPS = {"payments": ["pay-team"], "search": ["search-devs"]}
    oidc_provider.steer(accounts={})
    return oidc_provider
