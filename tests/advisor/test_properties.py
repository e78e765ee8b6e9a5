"""Properties that hold for every valid answer set, whatever the answers say."""

from __future__ import annotations

import math
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from advisor.answers import SECONDS_PER_MONTH, cross_check, validate_answers
from advisor.engine import Recommendation, evaluate, evaluate_raw
from advisor.engine.facts import derive, moved_by
from advisor.engine.scoring import compiled, decide
from advisor.engine.sensitivity import sensitivity
from advisor.framework import default_framework
from advisor.framework.schema import Question

# Loaded here, not through the `framework` fixture: Hypothesis rejects function-scoped fixtures in
# @given tests, since they would not be reset between examples.
FRAMEWORK = default_framework()
OUTCOMES = set(FRAMEWORK.outcome_ids)
QUESTIONS = {question.id for question in FRAMEWORK.questions}
PATTERNS = {pattern.id for pattern in FRAMEWORK.patterns}
ANTI_PATTERNS = {anti_pattern.id for anti_pattern in FRAMEWORK.anti_patterns}

# Numbers are drawn half the time up to a typical ceiling, so that answers near the framework's
# thresholds (15 minutes, 10 GB, a million requests) come up as often as extreme ones; and never
# above a wide ceiling where a question's own maximum is astronomical.
TYPICAL: dict[str, float] = {
    "monthly_requests": 50_000_000,
    "local_disk_gb": 12,
    "typical_duration_ms": 30_000,
    "max_duration_minutes": 20,
    "memory_mb": 10_240,
    "endpoints": 100,
}
CEILINGS: dict[str, float] = {"monthly_requests": 100_000_000_000}
MAX_PEAK_TO_AVERAGE = 1_000.0

QUICK = settings(max_examples=300, deadline=None)
THOROUGH = settings(max_examples=100, deadline=None)  # these also run the sensitivity analysis


def _numbers_up_to(question: Question, high: float | None) -> st.SearchStrategy[Any]:
    low = question.min
    if question.type == "integer":
        lowest = None if low is None else int(low) + (1 if question.exclusive_min else 0)
        return st.integers(min_value=lowest, max_value=None if high is None else int(high))
    return st.floats(
        min_value=low,
        max_value=high,
        exclude_min=question.exclusive_min,
        allow_nan=False,
        allow_infinity=False,
    )


def _numbers(question: Question) -> st.SearchStrategy[Any]:
    wide = _numbers_up_to(question, CEILINGS.get(question.id, question.max))
    if question.id not in TYPICAL:
        return wide
    return st.one_of(_numbers_up_to(question, TYPICAL[question.id]), wide)


def _answer(question: Question) -> st.SearchStrategy[Any]:
    if question.type == "choice":
        return st.sampled_from(question.choice_values)
    if question.type == "multi_choice":
        return st.lists(st.sampled_from(question.choice_values), min_size=1, unique=True)
    if question.type == "boolean":
        return st.booleans()
    return _numbers(question)


@st.composite
def answer_sets(draw: st.DrawFn) -> dict[str, Any]:
    """Raw answers as a client would send them; optional questions are left out or null."""
    data: dict[str, Any] = {}
    for question in FRAMEWORK.questions:
        if question.id == "peak_rps":
            continue  # drawn from monthly_requests below, so the two agree
        if not question.required:
            presence = draw(st.sampled_from(["answered", "null", "absent"]))
            if presence == "absent":
                continue
            if presence == "null":
                data[question.id] = None
                continue
        data[question.id] = draw(_answer(question))
    peak_question = FRAMEWORK.question("peak_rps")
    assert peak_question.max is not None
    monthly = data["monthly_requests"]
    if monthly > 0:
        ratio = draw(st.floats(min_value=1.0, max_value=MAX_PEAK_TO_AVERAGE))
        peak = max(1, math.ceil(monthly / SECONDS_PER_MONTH * ratio))
    else:
        peak = draw(st.integers(min_value=0, max_value=10_000))
    data["peak_rps"] = min(peak, int(peak_question.max))
    assume(not cross_check(data))
    return data


def _evaluate(data: dict[str, Any], **options: Any) -> Recommendation:
    return evaluate_raw(FRAMEWORK, data, **options)


@QUICK
@given(answer_sets())
def test_it_recommends_one_of_the_framework_outcomes(data: dict[str, Any]) -> None:
    result = _evaluate(data, with_sensitivity=False)

    assert result.recommendation in OUTCOMES
    assert set(result.scores) == OUTCOMES
    assert result.recommendation_name == FRAMEWORK.outcome(result.recommendation).name


@THOROUGH
@given(answer_sets())
def test_it_gives_the_same_result_twice(data: dict[str, Any]) -> None:
    first = _evaluate(data)
    second = _evaluate(dict(data))

    assert first.model_dump() == second.model_dump()


@QUICK
@given(answer_sets())
def test_it_keeps_scores_and_confidence_in_range(data: dict[str, Any]) -> None:
    result = _evaluate(data, with_sensitivity=False)

    assert all(0 <= score <= 100 for score in result.scores.values())
    assert math.isclose(sum(result.scores.values()), 100, abs_tol=0.5)
    assert 0 <= result.confidence <= 1
    assert result.scores[result.recommendation] == max(result.scores.values())


@QUICK
@given(answer_sets())
def test_it_never_recommends_a_knocked_out_outcome(data: dict[str, Any]) -> None:
    result = _evaluate(data, with_sensitivity=False)

    knocked = {knockout.outcome for knockout in [*result.knockouts, *result.inapplicable]}
    assert result.recommendation not in knocked
    for outcome in knocked:
        assert result.scores[outcome] == 0


@QUICK
@given(answer_sets(), st.floats(min_value=1.0, max_value=100.0, exclude_min=True))
def test_it_never_recommends_serverless_for_jobs_past_the_clouds_limit(
    data: dict[str, Any], times_the_limit: float
) -> None:
    facts = derive(FRAMEWORK, validate_answers(FRAMEWORK, data))
    minutes = facts["function_limit_minutes"] * times_the_limit
    assume(minutes <= FRAMEWORK.question("max_duration_minutes").max)
    answers = {**data, "max_duration_minutes": minutes, "job_checkpointable": False}

    result = _evaluate(answers, with_sensitivity=False)

    assert result.recommendation != "serverless"
    assert "job-over-function-limit" in {knockout.id for knockout in result.knockouts}


@THOROUGH
@given(answer_sets())
def test_it_only_cites_catalogue_entries_and_real_questions(data: dict[str, Any]) -> None:
    result = _evaluate(data)

    assert {pattern.id for pattern in result.patterns} <= PATTERNS
    assert {anti_pattern.id for anti_pattern in result.anti_patterns} <= ANTI_PATTERNS
    entries = [*result.patterns, *result.anti_patterns, *result.knockouts]
    cited = {because.question for entry in entries for because in entry.because}
    assert cited <= QUESTIONS
    # Only the hybrid's overhead is credited to no answer: it is the price of splitting.
    assert {c.question for c in result.trace if c.rule != "hybrid-overhead"} <= QUESTIONS
    assert {driver.question for driver in result.drivers} <= QUESTIONS
    assert {flip.question for flip in result.sensitivity} <= QUESTIONS
    assert {flip.recommendation for flip in result.sensitivity} <= OUTCOMES - {
        result.recommendation
    }


# How far an outcome puts work on functions: a stricter decisive answer may only lower this.
TOWARDS_FUNCTIONS = {"containers": 0, "hybrid": 1, "serverless": 2}
STRICTER_LATENCY = ["under_1s", "under_200ms", "under_50ms", "under_10ms"]
# The questions of the first framework; answer files written for it must keep working.
FRAMEWORK_1_QUESTIONS = (
    "traffic_pattern",
    "monthly_requests",
    "peak_rps",
    "utilization_percent",
    "latency_target",
    "user_facing",
    "runtime",
    "state",
    "local_disk_gb",
    "typical_duration_ms",
    "max_duration_minutes",
    "triggers",
    "workflow",
    "gpu",
    "memory_mb",
    "endpoints",
    "ops_capacity",
    "container_experience",
    "starting_point",
    "cloud",
)


@QUICK
@given(answer_sets(), st.integers(min_value=0, max_value=len(STRICTER_LATENCY) - 2))
def test_a_stricter_latency_on_java_never_moves_the_advice_towards_functions(
    data: dict[str, Any], step: int
) -> None:
    waiting = {**data, "runtime": "java", "user_facing": True, "prewarm_ok": False}
    looser = _evaluate(
        {**waiting, "latency_target": STRICTER_LATENCY[step]}, with_sensitivity=False
    )
    stricter = _evaluate(
        {**waiting, "latency_target": STRICTER_LATENCY[step + 1]}, with_sensitivity=False
    )

    assert TOWARDS_FUNCTIONS[stricter.recommendation] <= TOWARDS_FUNCTIONS[looser.recommendation]


@QUICK
@given(answer_sets(), st.sampled_from(["stateless", "external"]))
def test_in_memory_state_never_moves_the_advice_towards_functions(
    data: dict[str, Any], before: str
) -> None:
    outside = _evaluate({**data, "state": before}, with_sensitivity=False)
    inside = _evaluate({**data, "state": "in_memory"}, with_sensitivity=False)

    assert TOWARDS_FUNCTIONS[inside.recommendation] <= TOWARDS_FUNCTIONS[outside.recommendation]


@QUICK
@given(answer_sets())
def test_a_hybrid_always_splits_two_parts_across_both_models(data: dict[str, Any]) -> None:
    result = _evaluate(data, with_sensitivity=False)

    if len(result.components) < 2:
        assert result.recommendation != "hybrid"
        assert result.scores["hybrid"] == 0
    if result.recommendation == "hybrid":
        assert {part.placement for part in result.components} == {"functions", "containers"}
    else:
        assert {part.placement for part in result.components} == {
            "functions" if result.recommendation == "serverless" else "containers"
        }


@QUICK
@given(answer_sets())
def test_the_trace_adds_up_to_the_points_of_every_outcome_left_standing(
    data: dict[str, Any],
) -> None:
    result = _evaluate(data, with_sensitivity=False)

    ruled_out = {k.outcome for k in [*result.knockouts, *result.inapplicable]}
    for outcome in OUTCOMES - ruled_out:
        counted = sum(item.points for item in result.trace if item.outcome == outcome)
        assert math.isclose(counted, result.points[outcome], abs_tol=0.05)


@QUICK
@given(answer_sets())
def test_framework_1_answer_files_still_validate_and_get_advice(data: dict[str, Any]) -> None:
    old = {key: value for key, value in data.items() if key in FRAMEWORK_1_QUESTIONS}

    result = _evaluate(old, with_sensitivity=False)

    assert result.recommendation in OUTCOMES
    assert result.framework.version.startswith("2.")


@QUICK
@given(answer_sets(), answer_sets(), st.sampled_from([q.id for q in FRAMEWORK.questions]))
def test_rescoring_one_changed_answer_matches_scoring_from_scratch(
    data: dict[str, Any], other: dict[str, Any], question: str
) -> None:
    # The sensitivity analysis re-scores only what a changed answer touches; it must agree
    # exactly with a full scoring of the changed answers.
    answers = validate_answers(FRAMEWORK, data)
    changed = {**answers, question: validate_answers(FRAMEWORK, other).get(question)}
    assume(not cross_check(changed))
    data_ = compiled(FRAMEWORK)
    base = decide(data_, derive(FRAMEWORK, answers))

    quick = decide(data_, derive(FRAMEWORK, changed), base)
    hinted = decide(data_, derive(FRAMEWORK, changed), base, moved_by(question))
    full = decide(data_, derive(FRAMEWORK, changed))

    for shortcut in (quick, hinted):
        assert shortcut.points == full.points
        assert shortcut.knocked == full.knocked
        assert shortcut.factor_points == full.factor_points
        assert shortcut.split == full.split


@QUICK
@given(answer_sets(), answer_sets(), st.sampled_from([q.id for q in FRAMEWORK.questions]))
def test_an_answer_moves_only_the_facts_it_is_said_to_move(
    data: dict[str, Any], other: dict[str, Any], question: str
) -> None:
    answers = validate_answers(FRAMEWORK, data)
    changed = {**answers, question: validate_answers(FRAMEWORK, other).get(question)}
    before, after = derive(FRAMEWORK, answers), derive(FRAMEWORK, changed)

    differ = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}

    assert differ - {"_parts"} <= moved_by(question)


@THOROUGH
@given(answer_sets())
def test_skipping_settled_answers_never_changes_the_sensitivity(data: dict[str, Any]) -> None:
    answers = validate_answers(FRAMEWORK, data)
    chosen = evaluate(FRAMEWORK, answers, with_sensitivity=False).recommendation

    pruned = sensitivity(FRAMEWORK, answers, chosen)
    full = sensitivity(FRAMEWORK, answers, chosen, prune=False)

    assert pruned == full


@THOROUGH
@given(
    answer_sets(),
    st.sampled_from(["both", "service", "job"]),
    st.sampled_from(["greenfield", "monolith_migration"]),
    st.floats(min_value=5, max_value=120),
)
def test_skipping_settled_answers_holds_for_split_workloads_too(
    data: dict[str, Any], kind: str, start: str, minutes: float
) -> None:
    # Services with jobs, monoliths and long jobs are where a hybrid can appear or vanish.
    answers = validate_answers(
        FRAMEWORK,
        {
            **data,
            "workload_kind": kind,
            "starting_point": start,
            "max_duration_minutes": minutes,
            "triggers": ["http", "schedule"],
        },
    )
    chosen = evaluate(FRAMEWORK, answers, with_sensitivity=False).recommendation

    assert sensitivity(FRAMEWORK, answers, chosen) == sensitivity(
        FRAMEWORK, answers, chosen, prune=False
    )
