"""One test per rule the source material gives for the decision, through the real framework."""

from __future__ import annotations

from typing import Any

import pytest

from advisor.engine import Recommendation, evaluate_raw
from advisor.framework import Framework
from tests.conftest import BASE_ANSWERS, STEADY_ANSWERS

# A team migrating a monolithic web application: variable traffic, many routes, some operations
# and container experience.
MONOLITH: dict[str, Any] = {
    **BASE_ANSWERS,
    "traffic_pattern": "variable",
    "monthly_requests": 20_000_000,
    "peak_rps": 60,
    "endpoints": 40,
    "ops_capacity": "some",
    "container_experience": "some",
    "triggers": ["http", "schedule"],
}


def _evaluate(framework: Framework, answers: dict[str, Any]) -> Recommendation:
    return evaluate_raw(framework, answers, with_sensitivity=False)


def _knocked(result: Recommendation) -> dict[str, str]:
    return {knockout.id: knockout.outcome for knockout in result.knockouts}


@pytest.mark.parametrize(
    ("override", "knockout", "cited"),
    [
        # A limit read from the chosen cloud cites the cloud beside the answer, in questionnaire
        # order (the cloud is asked first).
        (
            {"max_duration_minutes": 40},
            "job-over-function-limit",
            ["cloud", "max_duration_minutes"],
        ),
        ({"gpu": True}, "gpu-required", ["gpu"]),
        # Google Cloud has no managed WebSocket gateway in front of its functions.
        ({"state": "connections", "cloud": "gcp"}, "long-lived-connections", ["cloud", "state"]),
        ({"latency_target": "under_10ms"}, "latency-under-10ms", ["latency_target"]),
    ],
    ids=["job-over-15-minutes", "gpu", "connections", "sub-10ms"],
)
def test_it_knocks_out_functions(framework, make_answers, override, knockout, cited):
    before = _evaluate(framework, make_answers())
    assert before.recommendation == "serverless"  # the base workload leans serverless

    after = _evaluate(framework, make_answers(**override))

    assert _knocked(after) == {knockout: "serverless"}
    assert after.recommendation != "serverless"
    assert after.scores["serverless"] == 0
    assert before.cost.option(before.cost.cheapest).model == "functions"
    functions = {o.id for o in after.cost.options if o.model == "functions"}
    assert {k for k, v in after.cost.ruled_out.items() if v == "ruled out"} == functions
    assert after.cost.option(after.cost.cheapest).model == "containers"
    no_gpus = {o for o, note in after.cost.ruled_out.items() if note == "no GPUs"}
    assert no_gpus == ({"containers", "containers_arm64"} if "gpu" in override else set())
    reason = after.knockouts[0]
    assert reason.reason
    assert [because.question for because in reason.because] == cited


def test_it_keeps_functions_for_a_job_of_exactly_15_minutes(framework, make_answers):
    result = _evaluate(framework, make_answers(max_duration_minutes=15))

    assert result.knockouts == []
    assert result.recommendation == "serverless"


def test_it_favours_serverless_for_spiky_low_volume(framework, make_answers):
    spiky = _evaluate(framework, make_answers())
    steady = _evaluate(framework, make_answers(traffic_pattern="steady", utilization_percent=80))

    assert spiky.recommendation == "serverless"
    assert spiky.confidence_label == "high"
    assert spiky.points["serverless"] > steady.points["serverless"]
    fired = {item.rule for item in spiky.trace}
    assert {"traffic-spiky", "volume-small", "utilization-low"} <= fired


def test_it_favours_containers_for_steady_load_busy_most_of_the_time(framework, make_answers):
    result = _evaluate(framework, make_answers(STEADY_ANSWERS, utilization_percent=80))

    assert result.recommendation == "containers"
    fired = {item.rule for item in result.trace}
    assert {"utilization-high", "traffic-steady", "volume-break-even"} <= fired
    # Three answers about one load count once: the load factor stops at its cap.
    load = next(factor for factor in result.factors if factor.id == "load")
    assert load.points["containers"] == load.cap
    assert result.cost.option(result.cost.cheapest).model == "containers"


def test_it_derives_utilization_from_average_and_peak_when_not_given(framework, make_answers):
    # 100M requests over a 730-hour month is 38.1 per second; against a peak of 50, 76% busy.
    result = _evaluate(framework, make_answers(STEADY_ANSWERS, utilization_percent=None))

    assert result.derived["utilization"] == pytest.approx(76.10, abs=0.01)
    assert result.recommendation == "containers"


def test_it_favours_hybrid_for_a_monolith_migration(framework, make_answers):
    greenfield = _evaluate(framework, make_answers(MONOLITH))
    migration = _evaluate(framework, make_answers(MONOLITH, starting_point="monolith_migration"))

    assert greenfield.recommendation == "serverless"
    assert migration.recommendation == "hybrid"
    assert migration.scores["hybrid"] > greenfield.scores["hybrid"]
    assert "strangler-fig" in {pattern.id for pattern in migration.patterns}


def test_it_brings_provisioned_concurrency_for_user_facing_java(framework, make_answers):
    result = _evaluate(framework, make_answers(runtime="java", latency_target="under_200ms"))

    assert result.recommendation in ("serverless", "hybrid")
    patterns = {pattern.id: pattern for pattern in result.patterns}
    anti_patterns = {entry.id: entry for entry in result.anti_patterns}
    assert "provisioned-concurrency" in patterns
    assert "ignoring-cold-starts" in anti_patterns
    because = {item.question for item in patterns["provisioned-concurrency"].because}
    assert because == {"latency_target", "user_facing", "runtime"}
    assert anti_patterns["ignoring-cold-starts"].instead


def test_it_leaves_provisioned_concurrency_out_for_python_in_the_background(
    framework, make_answers
):
    result = _evaluate(framework, make_answers(latency_target="async", user_facing=False))

    assert "provisioned-concurrency" not in {pattern.id for pattern in result.patterns}
    assert "ignoring-cold-starts" not in {entry.id for entry in result.anti_patterns}
