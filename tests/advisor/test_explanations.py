"""The parts of a recommendation that explain it: trace, drivers, sensitivity, catalogue."""

from __future__ import annotations

import pytest

from advisor.answers import validate_answers
from advisor.engine import evaluate_raw, lean
from tests.conftest import STEADY_ANSWERS


def test_it_traces_every_point_it_counts(framework, make_answers):
    result = evaluate_raw(framework, make_answers())

    for outcome in framework.outcome_ids:
        counted = sum(item.points for item in result.trace if item.outcome == outcome)
        # Points capped by a factor are fractions; the trace rounds each to 3 places.
        assert counted == pytest.approx(result.points[outcome], abs=0.01)
    assert all(item.reason for item in result.trace)


def test_it_names_the_answers_that_weighed_most(framework, make_answers):
    result = evaluate_raw(framework, make_answers())

    assert result.drivers, "a clear recommendation has drivers"
    assert result.drivers[0].question == "ops_capacity"
    nets = [abs(driver.net) for driver in result.drivers]
    assert nets == sorted(nets, reverse=True)


def test_it_reports_the_job_length_that_would_rule_out_functions(framework, make_answers):
    result = evaluate_raw(framework, make_answers())

    flips = {(flip.question, flip.recommendation): flip for flip in result.sensitivity}
    flip = next(f for (question, _), f in flips.items() if question == "max_duration_minutes")
    assert 15 < flip.value < 16
    assert flip.recommendation != "serverless"
    # The flip really flips: evaluating the changed answer gives the reported outcome.
    changed = evaluate_raw(framework, make_answers(max_duration_minutes=flip.value))
    assert changed.recommendation == flip.recommendation


def test_every_reported_flip_is_real(framework, make_answers):
    answers = make_answers(STEADY_ANSWERS)
    result = evaluate_raw(framework, answers)

    assert result.sensitivity
    for flip in result.sensitivity:
        changed = evaluate_raw(
            framework, {**answers, flip.question: flip.value}, with_sensitivity=False
        )
        assert changed.recommendation == flip.recommendation != result.recommendation


def test_it_names_services_on_the_chosen_cloud(framework, make_answers):
    aws = evaluate_raw(framework, make_answers(cloud="aws"), with_sensitivity=False)
    azure = evaluate_raw(framework, make_answers(cloud="azure"), with_sensitivity=False)

    def services(result):
        api = next(p for p in result.patterns if p.id == "api-backend")
        return {service.role: service.name for service in api.services}

    assert services(aws)["functions"] == "AWS Lambda"
    assert services(azure)["functions"] == "Azure Functions"
    assert aws.recommendation == azure.recommendation


def test_it_lists_only_patterns_of_the_recommended_design(framework, make_answers):
    serverless = evaluate_raw(framework, make_answers(), with_sensitivity=False)
    containers = evaluate_raw(framework, make_answers(STEADY_ANSWERS, utilization_percent=90))

    assert "container-service" not in {p.id for p in serverless.patterns}
    assert "api-backend" in {p.id for p in serverless.patterns}
    assert containers.recommendation == "containers"
    assert "container-service" in {p.id for p in containers.patterns}
    assert "api-backend" not in {p.id for p in containers.patterns}


def test_it_builds_a_checklist_from_the_selected_entries(framework, make_answers):
    result = evaluate_raw(framework, make_answers(), with_sensitivity=False)

    for item in framework.checklist:
        assert item in result.checklist
    for entry in [*result.patterns, *result.anti_patterns]:
        for item in entry.confirm:
            assert item in result.checklist
    assert len(result.checklist) == len(set(result.checklist))


def test_it_is_deterministic(framework, make_answers):
    first = evaluate_raw(framework, make_answers(STEADY_ANSWERS)).model_dump_json()
    second = evaluate_raw(framework, make_answers(STEADY_ANSWERS)).model_dump_json()

    assert first == second


def test_it_leans_on_a_half_answered_questionnaire(framework):
    answers = validate_answers(framework, {"traffic_pattern": "spiky"}, partial=True)

    leaning = lean(framework, answers)

    assert leaning.answered == 1
    assert leaning.recommendation == "serverless"
    assert [reason.rule for reason in leaning.reasons] == ["traffic-spiky"]
    # Nothing is derived from volume answers that were not given yet.
    assert {o.id: o.score for o in leaning.outcomes}["serverless"] < 90


def test_it_leans_the_same_way_as_the_full_evaluation(framework, make_answers):
    for answers in (make_answers(), make_answers(STEADY_ANSWERS, utilization_percent=85)):
        validated = validate_answers(framework, answers)
        full = evaluate_raw(framework, answers, with_sensitivity=False)
        leaning = lean(framework, validated)
        assert leaning.recommendation == full.recommendation
        assert {o.id: o.score for o in leaning.outcomes} == full.scores
