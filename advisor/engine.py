"""The scoring engine: a validated answer set in, a reasoned `Recommendation` out.

Pure Python with no Django import, so it runs the same under the web app, the CLI, the tests and
the benchmarks. Everything it weighs comes from the framework data; this module only applies it.
Deterministic: the same framework and answers always give the same recommendation.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict

from advisor.answers import Answers, cross_check, format_answer, validate_answers
from advisor.costs import SECONDS_PER_MONTH, CostComparison, Workload, compare_costs
from advisor.framework.schema import (
    AntiPattern,
    Condition,
    Framework,
    Pattern,
    Question,
    per_framework,
)

# The cost model's option family behind each pure outcome; hybrid uses both.
COST_MODEL = {"serverless": "functions", "containers": "containers"}

Facts = dict[str, Any]
Predicate = Callable[[Facts], bool]

# Derived facts: how each is computed lives here, next to how a threshold on it maps back to the
# answer a person would change (used by the sensitivity analysis).
HTTP_TRIGGERS = ("http", "webhook")
INVERSE: dict[str, tuple[str, Callable[[float], float]]] = {
    "utilization": ("utilization_percent", lambda value: value),
    "daily_requests": ("monthly_requests", lambda value: value * 30),
    "avg_rps": ("monthly_requests", lambda value: value * SECONDS_PER_MONTH),
}
SOURCES: dict[str, tuple[str, ...]] = {
    "utilization": ("utilization_percent", "monthly_requests", "peak_rps"),
    "daily_requests": ("monthly_requests",),
    "avg_rps": ("monthly_requests",),
}
VOLUME_PROBES = (0.1, 10.0)  # sensitivity also tries a tenth and ten times each volume answer


def derive(answers: Answers) -> Facts:
    """Answers plus the derived facts conditions may name.

    A derived fact is left out while an answer it needs is missing, so a half-filled
    questionnaire fires no rule on a made-up value.
    """
    facts = dict(answers)
    monthly = answers.get("monthly_requests")
    if monthly is not None:
        facts["avg_rps"] = monthly / SECONDS_PER_MONTH
        facts["daily_requests"] = monthly / 30
    given = answers.get("utilization_percent")
    peak = answers.get("peak_rps")
    if given is not None:
        facts["utilization"] = float(given)
    elif monthly is not None and peak is not None:
        facts["utilization"] = min(100.0, facts["avg_rps"] / peak * 100) if peak > 0 else 0.0
    return facts


# -- conditions ------------------------------------------------------------------------------


def compile_condition(condition: Condition) -> Predicate:
    """Turn a condition into a predicate over facts. A fact that is absent makes a leaf false."""
    if condition.all is not None:
        parts = [compile_condition(child) for child in condition.all]
        return lambda facts: all(part(facts) for part in parts)
    if condition.any is not None:
        parts = [compile_condition(child) for child in condition.any]
        return lambda facts: any(part(facts) for part in parts)
    if condition.not_ is not None:
        inner = compile_condition(condition.not_)
        return lambda facts: not inner(facts)
    name = condition.q
    assert name is not None
    operator = condition.operator
    operand = condition.operand(operator)
    if operator == "is_set":
        return lambda facts: (facts.get(name) is not None) == operand
    test = _LEAF_TESTS[operator]
    if isinstance(operand, list):
        operand = frozenset(operand)

    def leaf(facts: Facts) -> bool:
        value = facts.get(name)
        return value is not None and test(value, operand)

    return leaf


_LEAF_TESTS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda value, operand: value == operand,
    "ne": lambda value, operand: value != operand,
    "in": lambda value, operand: value in operand,
    "not_in": lambda value, operand: value not in operand,
    "gt": lambda value, operand: value > operand,
    "gte": lambda value, operand: value >= operand,
    "lt": lambda value, operand: value < operand,
    "lte": lambda value, operand: value <= operand,
    "contains": lambda value, operand: operand in value,
    "contains_any": lambda value, operand: not operand.isdisjoint(value),
}


def holding_facts(condition: Condition, facts: Facts) -> list[str]:
    """The facts that make a condition hold, in the order the condition names them."""
    if condition.all is not None:
        return [name for child in condition.all for name in holding_facts(child, facts)]
    if condition.any is not None:
        return [
            name
            for child in condition.any
            if compile_condition(child)(facts)
            for name in holding_facts(child, facts)
        ]
    return [leaf.q for leaf in condition.leaves() if leaf.q is not None]


# -- output ----------------------------------------------------------------------------------


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FrameworkRef(_Out):
    id: str
    version: str


class Because(_Out):
    question: str
    label: str
    answer: Any
    display: str


class Contribution(_Out):
    rule: str
    question: str
    answer: Any
    outcome: str
    points: float
    reason: str
    facts: dict[str, Any]


class KnockoutResult(_Out):
    id: str
    outcome: str
    reason: str
    because: list[Because]


class Driver(_Out):
    question: str
    label: str
    answer: Any
    display: str
    net: float  # points toward the recommendation minus points toward the runner-up
    reasons: list[str]


class Service(_Out):
    role: str
    name: str


class EntryResult(_Out):
    id: str
    name: str
    summary: str
    why: str
    because: list[Because]
    facts: list[str]
    services: list[Service]
    confirm: list[str]
    instead: str | None = None


class Flip(_Out):
    question: str
    label: str
    current: Any
    current_display: str
    value: Any
    display: str
    recommendation: str


class Recommendation(_Out):
    framework: FrameworkRef
    recommendation: str
    recommendation_name: str
    scores: dict[str, float]
    points: dict[str, float]
    confidence: float
    confidence_label: str
    knockouts: list[KnockoutResult]
    trace: list[Contribution]
    drivers: list[Driver]
    patterns: list[EntryResult]
    anti_patterns: list[EntryResult]
    sensitivity: list[Flip]
    cost: CostComparison
    checklist: list[str]
    cloud: str
    answers: dict[str, Any]
    derived: dict[str, float]


# -- compiled framework ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Compiled:
    framework: Framework
    rules: list[tuple[Predicate, dict[str, float]]]
    knockouts: list[tuple[Predicate, str]]
    entries: dict[str, Predicate]
    numeric_thresholds: dict[str, list[float]]


def _thresholds(framework: Framework) -> dict[str, list[float]]:
    conditions = [rule.when for rule in framework.rules] + [k.when for k in framework.knockouts]
    found: dict[str, set[float]] = {}
    for condition in conditions:
        for leaf in condition.leaves():
            assert leaf.q is not None
            operator = leaf.operator
            if operator not in ("gt", "gte", "lt", "lte"):
                continue
            question, convert = INVERSE.get(leaf.q, (leaf.q, lambda value: value))
            found.setdefault(question, set()).add(convert(float(leaf.operand(operator))))
    return {question: sorted(values) for question, values in found.items()}


@per_framework
def _compiled(framework: Framework) -> _Compiled:
    return _Compiled(
        framework=framework,
        rules=[(compile_condition(rule.when), rule.points) for rule in framework.rules],
        knockouts=[(compile_condition(k.when), k.outcome) for k in framework.knockouts],
        entries={
            entry.id: compile_condition(entry.when)
            for entry in [*framework.patterns, *framework.anti_patterns]
            if entry.when is not None
        },
        numeric_thresholds=_thresholds(framework),
    )


def _points(compiled: _Compiled, facts: Facts) -> tuple[dict[str, float], set[str]]:
    points = dict.fromkeys(compiled.framework.outcome_ids, 0.0)
    for predicate, effects in compiled.rules:
        if predicate(facts):
            for outcome, value in effects.items():
                points[outcome] += value
    knocked = {outcome for predicate, outcome in compiled.knockouts if predicate(facts)}
    return points, knocked


def _winner(framework: Framework, points: dict[str, float], knocked: set[str]) -> str:
    # Ties go to the outcome listed first in the framework, so results never depend on dict order.
    standing = [outcome for outcome in framework.outcome_ids if outcome not in knocked]
    return max(standing, key=lambda outcome: (points[outcome], -standing.index(outcome)))


def _scores(framework: Framework, points: dict[str, float], knocked: set[str]) -> dict[str, float]:
    temperature = framework.scoring.temperature
    standing = [outcome for outcome in framework.outcome_ids if outcome not in knocked]
    top = max(points[outcome] for outcome in standing)
    weights = {o: math.exp((points[o] - top) / temperature) for o in standing}
    total = sum(weights.values())
    return {
        outcome: round(100 * weights[outcome] / total, 1) if outcome in weights else 0.0
        for outcome in framework.outcome_ids
    }


# -- explanation -----------------------------------------------------------------------------


def _because(framework: Framework, answers: Answers, names: list[str]) -> list[Because]:
    questions: list[str] = []
    for name in names:
        for question_id in SOURCES.get(name, (name,)):
            if answers.get(question_id) is not None and question_id not in questions:
                questions.append(question_id)
    order = [q.id for q in framework.questions]
    result = []
    for question_id in sorted(questions, key=order.index):
        question = framework.question(question_id)
        value = answers[question_id]
        result.append(
            Because(
                question=question_id,
                label=question.label,
                answer=value,
                display=format_answer(question, value),
            )
        )
    return result


def _trace(compiled: _Compiled, answers: Answers, facts: Facts) -> list[Contribution]:
    framework = compiled.framework
    trace = []
    for rule, (predicate, _) in zip(framework.rules, compiled.rules, strict=True):
        if not predicate(facts):
            continue
        read = {leaf.q: facts.get(leaf.q) for leaf in rule.when.leaves() if leaf.q is not None}
        for outcome in framework.outcome_ids:
            points = rule.points.get(outcome, 0.0)
            if points:
                trace.append(
                    Contribution(
                        rule=rule.id,
                        question=rule.question,
                        answer=answers.get(rule.question),
                        outcome=outcome,
                        points=points,
                        reason=rule.reason,
                        facts=read,
                    )
                )
    return trace


def _display(framework: Framework, question_id: str, answers: Answers, facts: Facts) -> str:
    """An answer for people; an unanswered one that a derived fact stands in for shows that."""
    question = framework.question(question_id)
    value = answers.get(question_id)
    if value is None:
        for name, (source, _) in INVERSE.items():
            if source == question_id and name in facts:
                return f"{format_answer(question, round(facts[name], 1))} (derived)"
    return format_answer(question, value)


def _drivers(
    framework: Framework,
    answers: Answers,
    facts: Facts,
    trace: list[Contribution],
    winner: str,
    runner_up: str | None,
    limit: int = 5,
) -> list[Driver]:
    net: dict[str, float] = {}
    reasons: dict[str, list[str]] = {}
    for item in trace:
        if item.outcome == winner:
            sign = 1.0
        elif item.outcome == runner_up:
            sign = -1.0
        else:
            continue
        net[item.question] = net.get(item.question, 0.0) + sign * item.points
        if item.reason not in reasons.setdefault(item.question, []):
            reasons[item.question].append(item.reason)
    order = [q.id for q in framework.questions]
    ranked = sorted(
        (question for question, value in net.items() if value),
        key=lambda question: (-abs(net[question]), order.index(question)),
    )
    drivers = []
    for question_id in ranked[:limit]:
        question = framework.question(question_id)
        value = answers.get(question_id)
        drivers.append(
            Driver(
                question=question_id,
                label=question.label,
                answer=value,
                display=_display(framework, question_id, answers, facts),
                net=net[question_id],
                reasons=reasons[question_id],
            )
        )
    return drivers


def _services(framework: Framework, cloud: str, keys: list[str]) -> list[Service]:
    names = framework.clouds[cloud]
    return [Service(role=key, name=names[key]) for key in keys]


def _entries(
    compiled: _Compiled,
    entries: list[Pattern] | list[AntiPattern],
    answers: Answers,
    facts: Facts,
    winner: str,
    cloud: str,
) -> list[EntryResult]:
    framework = compiled.framework
    found = []
    for entry in entries:
        if entry.outcomes and winner not in entry.outcomes:
            continue
        if entry.when is not None and not compiled.entries[entry.id](facts):
            continue
        names = holding_facts(entry.when, facts) if entry.when is not None else []
        found.append(
            EntryResult(
                id=entry.id,
                name=entry.name,
                summary=entry.summary,
                why=entry.why,
                because=_because(framework, answers, names),
                facts=entry.facts,
                services=_services(framework, cloud, entry.services),
                confirm=entry.confirm,
                instead=getattr(entry, "instead", None),
            )
        )
    return found


# -- sensitivity -----------------------------------------------------------------------------


def _candidates(question: Question, value: Any, thresholds: list[float]) -> list[Any]:
    if question.type == "choice":
        return [choice for choice in question.choice_values if choice != value]
    if question.type == "boolean":
        return [not value] if value is not None else [True, False]
    if question.type == "multi_choice":
        current = list(value or [])
        toggled = []
        for choice in question.choice_values:
            if choice in current:
                rest = [c for c in current if c != choice]
                if rest:
                    toggled.append(rest)
            else:
                toggled.append([c for c in question.choice_values if c in current or c == choice])
        return toggled
    integer = question.type == "integer"
    values: set[float] = set()
    for threshold in thresholds:
        step = 1.0 if integer else max(0.01, abs(threshold) * 0.01)
        values.update((threshold - step, threshold, threshold + step))
    if value is not None and question.id in ("monthly_requests", "peak_rps"):
        values.update(value * factor for factor in VOLUME_PROBES)
    result = []
    for raw in sorted(values):
        candidate = int(round(raw)) if integer else round(raw, 4)
        if question.min is not None and (
            candidate < question.min or (question.exclusive_min and candidate <= question.min)
        ):
            continue
        if question.max is not None and candidate > question.max:
            continue
        if candidate != value and candidate not in result:
            result.append(candidate)
    return result


def _closeness(question: Question, current: Any, candidate: Any) -> float:
    if question.type in ("integer", "number") and current is not None:
        return abs(candidate - current)
    return 0.0


def sensitivity(framework: Framework, answers: Answers, winner: str) -> list[Flip]:
    """Each answer whose change to another allowed value flips the recommendation, and to what.

    For a number, only the nearest flipping value per outcome is reported.
    """
    compiled = _compiled(framework)
    flips: list[Flip] = []
    for question in framework.questions:
        current = answers.get(question.id)
        thresholds = compiled.numeric_thresholds.get(question.id, [])
        nearest: dict[str, tuple[float, Any]] = {}
        for candidate in _candidates(question, current, thresholds):
            changed = dict(answers)
            changed[question.id] = candidate
            if cross_check(changed):
                continue
            points, knocked = _points(compiled, derive(changed))
            outcome = _winner(framework, points, knocked)
            if outcome == winner:
                continue
            distance = _closeness(question, current, candidate)
            key = outcome if question.type in ("integer", "number") else repr(candidate)
            if key not in nearest or distance < nearest[key][0]:
                nearest[key] = (distance, (candidate, outcome))
        for _, (candidate, outcome) in nearest.values():
            flips.append(
                Flip(
                    question=question.id,
                    label=question.label,
                    current=current,
                    current_display=format_answer(question, current),
                    value=candidate,
                    display=format_answer(question, candidate),
                    recommendation=outcome,
                )
            )
    return flips


# -- the whole evaluation --------------------------------------------------------------------


def workload_for_costs(answers: Answers, free_tier: bool = False) -> Workload:
    triggers = answers.get("triggers") or []
    return Workload(
        monthly_requests=float(answers.get("monthly_requests") or 0),
        duration_ms=float(answers.get("typical_duration_ms") or 1),
        memory_mb=float(answers.get("memory_mb") or 128),
        peak_rps=float(answers.get("peak_rps") or 0),
        traffic_pattern=str(answers.get("traffic_pattern") or "unknown"),
        http=any(trigger in HTTP_TRIGGERS for trigger in triggers),
        free_tier=free_tier,
        gpu=answers.get("gpu") is True,
    )


def _checklist(framework: Framework, entries: list[EntryResult]) -> list[str]:
    items: list[str] = []
    for item in [*framework.checklist, *(c for entry in entries for c in entry.confirm)]:
        if item not in items:
            items.append(item)
    return items


def evaluate(
    framework: Framework,
    answers: Answers,
    *,
    with_sensitivity: bool = True,
    free_tier: bool = False,
) -> Recommendation:
    """Score an answer set. `answers` must come from `validate_answers` (or `evaluate_raw`)."""
    compiled = _compiled(framework)
    facts = derive(answers)
    points, knocked = _points(compiled, facts)
    winner = _winner(framework, points, knocked)
    scores = _scores(framework, points, knocked)
    ranked = sorted(
        (o for o in framework.outcome_ids if o != winner and o not in knocked),
        key=lambda o: -scores[o],
    )
    runner_up = ranked[0] if ranked else None
    margin = scores[winner] - (scores[runner_up] if runner_up else 0.0)
    if margin >= framework.scoring.confidence_high:
        label = "high"
    elif margin >= framework.scoring.confidence_medium:
        label = "medium"
    else:
        label = "low"
    cloud = answers.get("cloud") or next(iter(framework.clouds))
    trace = _trace(compiled, answers, facts)
    knockouts = [
        KnockoutResult(
            id=knockout.id,
            outcome=knockout.outcome,
            reason=knockout.reason,
            because=_because(framework, answers, holding_facts(knockout.when, facts)),
        )
        for knockout in framework.knockouts
        if compile_condition(knockout.when)(facts)
    ]
    patterns = _entries(compiled, framework.patterns, answers, facts, winner, cloud)
    anti_patterns = _entries(compiled, framework.anti_patterns, answers, facts, winner, cloud)
    return Recommendation(
        framework=FrameworkRef(id=framework.id, version=framework.version),
        recommendation=winner,
        recommendation_name=framework.outcome(winner).name,
        scores=scores,
        points={outcome: round(value, 2) for outcome, value in points.items()},
        confidence=round(margin / 100, 3),
        confidence_label=label,
        knockouts=knockouts,
        trace=trace,
        drivers=_drivers(framework, answers, facts, trace, winner, runner_up),
        patterns=patterns,
        anti_patterns=anti_patterns,
        sensitivity=sensitivity(framework, answers, winner) if with_sensitivity else [],
        cost=compare_costs(
            workload_for_costs(answers, free_tier),
            framework.pricing,
            ruled_out=[COST_MODEL[k.outcome] for k in knockouts if k.outcome in COST_MODEL],
        ),
        checklist=_checklist(framework, [*patterns, *anti_patterns]),
        cloud=cloud,
        answers=answers,
        derived={name: round(float(facts[name]), 4) for name in SOURCES if name in facts},
    )


class OutcomeScore(_Out):
    id: str
    name: str
    score: float


class Leaning(_Out):
    """Where a questionnaire leans so far: cheap enough to refresh on every answer."""

    recommendation: str
    recommendation_name: str
    outcomes: list[OutcomeScore]  # in framework order, for display
    knocked_out: list[str]
    reasons: list[Contribution]
    answered: int
    total: int


def lean(framework: Framework, answers: Answers, *, reasons: int = 3) -> Leaning:
    """Score a possibly incomplete answer set (from `validate_answers(..., partial=True)`)."""
    compiled = _compiled(framework)
    given = {key: value for key, value in answers.items() if value is not None}
    facts = derive(given)
    points, knocked = _points(compiled, facts)
    winner = _winner(framework, points, knocked)
    scores = _scores(framework, points, knocked)
    toward = [item for item in _trace(compiled, given, facts) if item.outcome == winner]
    toward.sort(key=lambda item: -item.points)
    return Leaning(
        recommendation=winner,
        recommendation_name=framework.outcome(winner).name,
        outcomes=[
            OutcomeScore(id=outcome.id, name=outcome.name, score=scores[outcome.id])
            for outcome in framework.outcomes
        ],
        knocked_out=[framework.outcome(o).name for o in framework.outcome_ids if o in knocked],
        reasons=[item for item in toward if item.points > 0][:reasons],
        answered=sum(1 for question in framework.questions if question.id in given),
        total=len(framework.questions),
    )


def evaluate_raw(framework: Framework, data: object, **options: Any) -> Recommendation:
    """Validate untrusted answers, then evaluate them. Raises `AnswersError` on bad input."""
    return evaluate(framework, validate_answers(framework, data), **options)
