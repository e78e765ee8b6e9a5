from __future__ import annotations

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
