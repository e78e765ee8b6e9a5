from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from advisor.engine import evaluate_raw
from advisor.framework import default_framework
from decisions.render.context import AdrDocument, Snapshot, default_context, default_drivers
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
