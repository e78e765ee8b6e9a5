"""The scoring engine: a validated answer set in, a reasoned `Recommendation` out.

Pure Python with no Django import, so it runs the same under the web app, the CLI, the tests and
the benchmarks. Everything it weighs comes from the framework data; this package only applies
it. Deterministic: the same framework and answers always give the same recommendation.

- `facts`: defaults, derived facts, the workload's parts and answers against cloud limits;
- `scoring`: factor-capped points, knockouts and the hybrid split;
- `explain`: trace, drivers, parts, catalogue entries, confidence, headroom and warnings;
- `sensitivity`: the answers whose change would flip the recommendation.
"""

from __future__ import annotations

from typing import Any

from advisor.answers import Answers, validate_answers
from advisor.costs import CostComparison, Workload, compare_costs
from advisor.engine import explain
from advisor.engine.facts import SYNC_TRIGGERS, cloud_of, derive
from advisor.engine.result import (
    AnswerWarning,
    Because,
    Component,
    Contribution,
    Driver,
    EntryResult,
    FactorScore,
    Flip,
    FrameworkRef,
    Headroom,
    KnockoutResult,
    Leaning,
    OutcomeScore,
    Recommendation,
)
from advisor.engine.scoring import MODEL, Decision, compiled, decide, scores, winner
from advisor.engine.sensitivity import sensitivity
from advisor.framework.schema import Framework

__all__ = [
    "AnswerWarning",
    "Because",
    "Component",
    "Contribution",
    "Driver",
    "EntryResult",
    "FactorScore",
    "Flip",
    "FrameworkRef",
    "Headroom",
    "KnockoutResult",
    "Leaning",
    "OutcomeScore",
    "Recommendation",
    "answer_warnings",
    "evaluate",
    "evaluate_raw",
    "lean",
    "sensitivity",
    "workload_for_costs",
]

PREWARM_PATTERN = "provisioned-concurrency"


def workload_for_costs(
    framework: Framework,
    answers: Answers,
    free_tier: bool = False,
    *,
    prewarm: bool = False,
    split: tuple[str, str, str] | None = None,
) -> Workload:
    """The cost model's view of an answer set (defaults and derived kind included)."""
    facts = derive(framework, answers)
    triggers = answers.get("triggers") or []
    return Workload(
        monthly_requests=float(answers.get("monthly_requests") or 0),
        duration_ms=float(answers.get("typical_duration_ms") or 1),
        memory_mb=float(answers.get("memory_mb") or 128),
        peak_rps=float(answers.get("peak_rps") or 0),
        traffic_pattern=str(answers.get("traffic_pattern") or "unknown"),
        http=any(trigger in SYNC_TRIGGERS for trigger in triggers),
        free_tier=free_tier,
        gpu=answers.get("gpu") is True,
        kind=str(facts.get("workload_kind") or "service"),
        user_facing=answers.get("user_facing") is True,
        cpu_bound=facts.get("cpu_bound") is True,
        job_minutes=float(answers.get("max_duration_minutes") or 0),
        disk_gb=float(answers.get("local_disk_gb") or 0),
        connections=answers.get("state") == "connections",
        prewarm=prewarm,
        split=split,
        warm=compiled(framework).warm_when(facts),
        queued=compiled(framework).queued_when(facts),
    )


def costs(
    framework: Framework,
    answers: Answers,
    workload: Workload,
    ruled_out: list[str],
) -> CostComparison:
    """The cost table for the chosen cloud's price sheet."""
    cloud = cloud_of(framework, answers)
    book = framework.prices
    return compare_costs(
        workload,
        book.clouds[cloud],
        framework.cost_model,
        ruled_out,
        book_version=book.version,
        currency=book.currency,
        cloud=cloud,
    )


def evaluate(
    framework: Framework,
    answers: Answers,
    *,
    with_sensitivity: bool = True,
    free_tier: bool = False,
) -> Recommendation:
    """Score an answer set. `answers` must come from `validate_answers` (or `evaluate_raw`)."""
    data = compiled(framework)
    facts = derive(framework, answers)
    decision = decide(data, facts)
    chosen = winner(framework, decision)
    shares = scores(framework, decision)
    ranked = sorted(
        (o for o in framework.outcome_ids if o != chosen and o not in decision.knocked),
        key=lambda o: -shares[o],
    )
    runner_up = ranked[0] if ranked else None
    margin = shares[chosen] - (shares[runner_up] if runner_up else 0.0)
    cloud = cloud_of(framework, answers)
    trace = explain.trace(data, answers, facts, decision)
    knockouts, inapplicable = explain.knockouts(framework, answers, facts, decision)
    placement = decision.placement(chosen)
    # A workload's longest job runs in its jobs part when it has one, else in its core.
    jobs_apart = any(part.kind == "jobs" for part in decision.parts)
    placed = [
        (
            {part.kind} | ({"jobs"} if index == 0 and not jobs_apart else set()),
            placement.get(part.id, MODEL.get(chosen, "")),
        )
        for index, part in enumerate(decision.parts)
    ]
    patterns = explain.entries(data, framework.patterns, answers, facts, chosen, placed, cloud)
    anti_patterns = explain.entries(
        data, framework.anti_patterns, answers, facts, chosen, placed, cloud
    )
    room = explain.headroom(framework, facts, cloud)
    label, notes, conflicted = explain.confidence(
        framework, decision, trace, shares, chosen, runner_up, room
    )
    flips = sensitivity(framework, answers, chosen) if with_sensitivity else []
    components = explain.components(data, decision, trace, chosen, cloud)
    cost = costs(
        framework,
        answers,
        workload_for_costs(
            framework,
            answers,
            free_tier,
            prewarm=any(pattern.id == PREWARM_PATTERN for pattern in patterns),
            split=_cost_split(decision, chosen),
        ),
        [MODEL[k.outcome] for k in knockouts if k.outcome in MODEL],
    ).with_recommendation(MODEL.get(chosen, "hybrid"))
    return Recommendation(
        framework=FrameworkRef(id=framework.id, version=framework.version),
        recommendation=chosen,
        recommendation_name=framework.outcome(chosen).name,
        scores=shares,
        points={outcome: round(value, 2) for outcome, value in decision.points.items()},
        confidence=round(margin / 100, 3),
        confidence_label=label,
        knockouts=knockouts,
        trace=trace,
        drivers=explain.drivers(framework, answers, facts, trace, chosen, runner_up),
        patterns=patterns,
        anti_patterns=anti_patterns,
        sensitivity=flips,
        cost=cost,
        checklist=explain.checklist(framework, [*patterns, *anti_patterns]),
        cloud=cloud,
        answers=answers,
        derived=explain.derived(facts),
        factors=explain.factor_scores(framework, decision),
        components=components,
        headroom=room,
        confidence_notes=notes,
        warnings=explain.warnings(data, answers, facts),
        inapplicable=inapplicable,
        risks=explain.risks(data, facts, placed, room, conflicted),
        rollout=explain.rollout(framework, facts, chosen),
        review=explain.review(framework, label, cost, room, flips),
        reasons=explain.decisive(framework, chosen, knockouts, components, trace),
    )


def _cost_split(decision: Decision, chosen: str) -> tuple[str, str, str] | None:
    """For a hybrid: the core's model, the other part's model and the other part's kind."""
    if chosen != "hybrid" or len(decision.parts) < 2:
        return None
    core, other = decision.parts[0], decision.parts[1]
    placement = decision.split
    return placement[core.id], placement[other.id], other.id


def lean(framework: Framework, answers: Answers, *, reasons: int = 3) -> Leaning:
    """Score a possibly incomplete answer set (from `validate_answers(..., partial=True)`)."""
    data = compiled(framework)
    given = {key: value for key, value in answers.items() if value is not None}
    facts = derive(framework, given)
    decision = decide(data, facts)
    chosen = winner(framework, decision)
    shares = scores(framework, decision)
    toward = [
        item
        for item in explain.trace(data, given, facts, decision)
        if item.outcome == chosen and item.points > 0
    ]
    toward.sort(key=lambda item: -item.points)
    return Leaning(
        recommendation=chosen,
        recommendation_name=framework.outcome(chosen).name,
        outcomes=[
            OutcomeScore(id=outcome.id, name=outcome.name, score=shares[outcome.id])
            for outcome in framework.outcomes
        ],
        knocked_out=[
            framework.outcome(o).name
            for o in framework.outcome_ids
            if any(k.outcome == o and k.hard for k in decision.knockouts)
        ],
        reasons=toward[:reasons],
        answered=sum(1 for question in framework.questions if question.id in given),
        total=len(framework.questions),
    )


def answer_warnings(framework: Framework, answers: Answers) -> list[AnswerWarning]:
    """Unlikely combinations among the answers given so far (a questionnaire in progress)."""
    given = {key: value for key, value in answers.items() if value is not None}
    return explain.warnings(compiled(framework), given, derive(framework, given))


def evaluate_raw(framework: Framework, data: Any, **options: Any) -> Recommendation:
    """Validate untrusted answers, then evaluate them. Raises `AnswersError` on bad input."""
    return evaluate(framework, validate_answers(framework, data), **options)
