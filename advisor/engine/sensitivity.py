"""Which answers, changed to another allowed value, would flip the recommendation."""

from __future__ import annotations

from typing import Any

from advisor.answers import Answers, cross_check, format_answer
from advisor.engine.conditions import Facts
from advisor.engine.facts import INVERSE, derive, moved_by
from advisor.engine.result import Flip
from advisor.engine.scoring import (
    CONTAINERS,
    FUNCTIONS,
    HYBRID,
    Compiled,
    Decision,
    compiled,
    decide,
    winner,
)
from advisor.framework.schema import Framework, Question, per_framework

# Facts that decide the workload's parts, and with them whether a hybrid can exist at all.
PART_FACTS = frozenset({"workload_kind", "components", "_parts"})
VOLUME_PROBES = (0.1, 10.0)  # also try a tenth and ten times each volume answer
VOLUME_QUESTIONS = ("monthly_requests", "peak_rps")


@per_framework
def _leaf_thresholds(framework: Framework) -> list[tuple[str, float]]:
    """Every numeric threshold in a rule or a knockout, as (fact, value)."""
    conditions = [rule.when for rule in framework.rules] + [k.when for k in framework.knockouts]
    found: set[tuple[str, float]] = set()
    for condition in conditions:
        for leaf in condition.leaves():
            assert leaf.q is not None
            if leaf.operator in ("gt", "gte", "lt", "lte"):
                found.add((leaf.q, float(leaf.operand(leaf.operator))))
    return sorted(found)


def thresholds(framework: Framework, facts: Facts) -> dict[str, list[float]]:
    """The thresholds as values of the answers they stand for, for these facts' cloud."""
    by_question: dict[str, set[float]] = {}
    for name, value in _leaf_thresholds(framework):
        question, convert = INVERSE.get(name, (name, lambda value, facts: value))
        by_question.setdefault(question, set()).add(convert(value, facts))
    return {question: sorted(values) for question, values in by_question.items()}


def _candidates(question: Question, value: Any, limits: list[float]) -> list[Any]:
    if question.type == "choice":
        return [c for c in question.choice_values if c != value and c != question.default]
    if question.type == "boolean":
        if value is None:
            return [flag for flag in (True, False) if flag != question.default]
        return [not value]
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
    for threshold in limits:
        step = 1.0 if integer else max(0.01, abs(threshold) * 0.01)
        # Only values across the threshold from the current answer can flip anything: the
        # threshold itself (for >= and <=) and one step past it.
        if value is None or value == threshold:
            values.update((threshold - step, threshold, threshold + step))
        elif value < threshold:
            values.update((threshold, threshold + step))
        else:
            values.update((threshold - step, threshold))
    if value is not None and question.id in VOLUME_QUESTIONS:
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


def _current(question: Question, value: Any) -> str:
    """The answer as it stands; an unanswered optional one shows what stands in for it."""
    if value is None and question.default is not None:
        return f"{format_answer(question, question.default)}, the default"
    if value is None and not question.required:
        return "worked out from the other answers"
    return format_answer(question, value)


def settled(data: Compiled, base: Decision, current: str, question: str) -> bool:
    """True when no change to this answer can change the winner, by a bound on the points it
    can move: every factor a rule reading it belongs to can move by at most its cap. Answers
    that a knockout reads, or that decide the workload's parts, are never settled this way."""
    moved = moved_by(question)
    if current == HYBRID or moved & PART_FACTS:
        return False
    if any(data.knockouts_reading.get(fact) for fact in moved):
        return False
    factors = {
        data.rules[index][0].factor for fact in moved for index in data.rules_reading.get(fact, ())
    }

    def swing(outcome: str) -> float:
        """How far this answer can move an outcome: the caps of the factors it touches."""
        return sum(
            data.caps[factor]
            for factor in factors
            if factor != data.split and outcome in data.factor_outcomes[factor]
        )

    points = base.points
    floor = points[current] - swing(current)
    hard = {k.outcome for k in base.knockouts if k.hard}
    for rival in data.framework.outcome_ids:
        if rival == current or rival in hard:
            continue
        if rival == HYBRID:
            assert data.framework.hybrid is not None
            # A split keeps the core's model points, plus what the split gains (at most the
            # whole split factor when this answer touches it), less the overhead.
            # Functions carry the split too when the core is a monolith or sits beside jobs
            # that cannot run as functions.
            with_functions = base.parts[0].id == "monolith" or base.parts[-1].kind == "jobs"
            core = [CONTAINERS, FUNCTIONS] if with_functions else [CONTAINERS]
            best = max(points[o] + swing(o) for o in core)
            split = data.split or ""
            gain = (
                data.caps[split]
                if split in factors
                else base.factor_points.get(split, {}).get(HYBRID, 0.0)
            )
            ceiling = best + gain - data.framework.hybrid.overhead
        else:
            ceiling = points[rival] + swing(rival)
        if floor <= ceiling + 1e-9:
            return False
    return True


def sensitivity(
    framework: Framework, answers: Answers, current_winner: str, *, prune: bool = True
) -> list[Flip]:
    """Each answer whose change to another allowed value flips the recommendation, and to what.

    For a number, only the nearest flipping value per outcome is reported. `prune` skips the
    answers that provably cannot flip it (see `settled`); the result is the same either way.
    """
    data = compiled(framework)
    facts = derive(framework, answers)
    base = decide(data, facts)
    limits = thresholds(framework, facts)
    flips: list[Flip] = []
    for question in framework.questions:
        if prune and settled(data, base, current_winner, question.id):
            continue
        moved = moved_by(question.id)
        current = answers.get(question.id)
        numeric = question.type in ("integer", "number")
        nearest: dict[str, tuple[float, Any, str]] = {}
        for candidate in _candidates(question, current, limits.get(question.id, [])):
            changed = dict(answers)
            changed[question.id] = candidate
            if cross_check(changed):
                continue
            outcome = winner(framework, decide(data, derive(framework, changed), base, moved))
            if outcome == current_winner:
                continue
            distance = abs(candidate - current) if numeric and current is not None else 0.0
            key = outcome if numeric else repr(candidate)
            if key not in nearest or distance < nearest[key][0]:
                nearest[key] = (distance, candidate, outcome)
        for _, candidate, outcome in nearest.values():
            flips.append(
                Flip(
                    question=question.id,
                    label=question.label,
                    current=current,
                    current_display=_current(question, current),
                    value=candidate,
                    display=format_answer(question, candidate),
                    recommendation=outcome,
                )
            )
    return flips
