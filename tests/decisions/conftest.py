from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import Group

from advisor.engine import evaluate_raw
from advisor.framework import default_framework
from advisor.models import Team
from decisions.render.context import AdrDocument, Snapshot, default_context, default_drivers
from decisions.roles import REVIEWERS_GROUP
from decisions.services import decision_create
from tests.conftest import BASE_ANSWERS, STEADY_ANSWERS

# One answer set per outcome, so every kind of ADR is rendered.
OUTCOME_ANSWERS: dict[str, dict[str, Any]] = {
    "serverless": BASE_ANSWERS,
    "containers": {**STEADY_ANSWERS, "utilization_percent": 85},
    "hybrid": {
        **BASE_ANSWERS,
        "traffic_pattern": "variable",
        "monthly_requests": 20_000_000,
        "peak_rps": 60,
        "endpoints": 40,
        "ops_capacity": "some",
        "container_experience": "some",
        "triggers": ["http", "schedule"],
        "starting_point": "monolith_migration",
    },
}

HOSTILE = (
    '<img src="file:///etc/passwd"> <link rel="attachment" href="file:///etc/passwd"> '
    '<script>alert(1)</script> <img src="http://127.0.0.1:9/x.png"> </style> '
    "| pipe | `tick` # hash\n---\n# Not a heading\n\n1. not a list"
)

# Every bidirectional control the forms and renderers drop; U+202E alone reverses what follows.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
BIDI_TITLE = "Use \u202eserverless\u202c for \u2067Orders\u2069\u200f"


_SNAPSHOTS: dict[str, Snapshot] = {}


def snapshot_for(outcome: str = "serverless") -> Snapshot:
    """A real snapshot per outcome, evaluated once per test run."""
    if outcome not in _SNAPSHOTS:
        framework = default_framework()
        result = evaluate_raw(framework, OUTCOME_ANSWERS[outcome])
        _SNAPSHOTS[outcome] = Snapshot.capture(framework, result)
    return _SNAPSHOTS[outcome]


def make_decision(author, team, status="proposed", replaces=None, **fields: Any):
    """A decision created through the service, as the portal creates them."""
    values: dict[str, Any] = {
        "title": "Use serverless for Orders",
        "context": "Orders needs a home.",
        "drivers": ["Spiky traffic"],
        "decision_makers": ["Alice"],
        "consulted": [],
        "informed": [],
    }
    values.update(fields)
    return decision_create(
        author=author,
        assessment=None,
        snapshot=snapshot_for(),
        team=team,
        status=status,
        replaces=replaces,
        **values,
    )


def make_document(outcome: str = "serverless", **fields: Any) -> AdrDocument:
    framework = default_framework()
    snapshot = Snapshot.capture(framework, evaluate_raw(framework, OUTCOME_ANSWERS[outcome]))
    values: dict[str, Any] = {
        "number": 7,
        "title": f"Use {outcome} for Orders",
        "status": "proposed",
        "date": dt.date(2026, 11, 23),
        "team": "Payments",
        "decision_makers": ["Alice Architect", "Bob Builder"],
        "consulted": ["Security"],
        "informed": ["Operations"],
        "context": default_context("Orders", snapshot),
        "drivers": default_drivers(snapshot),
        "snapshot": snapshot,
    }
    values.update(fields)
    return AdrDocument(**values)


@pytest.fixture
def document() -> AdrDocument:
    return make_document()


# The people of the portal tests: alice writes decisions for Payments, bob is her team-mate,
# charlie works in Search, rita and ravi are architecture reviewers.


@pytest.fixture
def team():
    return Team.objects.create(name="Payments", slug="payments")


@pytest.fixture
def alice(django_user_model, team):
    user = django_user_model.objects.create_user(
        username="alice", password="pw-alice-123", first_name="Alice", last_name="Architect"
    )
    team.members.add(user)
    return user


@pytest.fixture
def bob(django_user_model, team):
    user = django_user_model.objects.create_user(username="bob", password="pw-bob-123")
    team.members.add(user)
    return user


@pytest.fixture
def charlie(django_user_model):
    user = django_user_model.objects.create_user(username="charlie", password="pw-charlie-1")
    Team.objects.create(name="Search", slug="search").members.add(user)
    return user


def make_reviewer(django_user_model, name: str):
    user = django_user_model.objects.create_user(username=name, password=f"pw-{name}-123")
    Group.objects.get_or_create(name=REVIEWERS_GROUP)[0].user_set.add(user)
    return user


@pytest.fixture
def rita(django_user_model):
    return make_reviewer(django_user_model, "rita")


@pytest.fixture
def ravi(django_user_model):
    return make_reviewer(django_user_model, "ravi")
