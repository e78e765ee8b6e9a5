"""Points, knockouts and the hybrid split: the decision itself, with no explanation attached.

Rules add points per outcome; within one factor an outcome's points are scaled down to the
factor's cap, so several answers measuring one concern count once. Serverless and containers are
scored on the whole workload. A hybrid is a split of two parts: the core on the model it suits,
plus what the other part gains on the other model (the split factor), minus the overhead of
running two models. With a single part there is nothing to split, and a knockout says so.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, field

from advisor.engine.conditions import Facts, Predicate, compile_condition
from advisor.engine.facts import Part
from advisor.framework.schema import Condition, Framework, Knockout, Rule, per_framework

FUNCTIONS = "serverless"
CONTAINERS = "containers"
HYBRID = "hybrid"
# The compute model behind each pure outcome.
MODEL = {FUNCTIONS: "functions", CONTAINERS: "containers"}


@dataclass(frozen=True)
class Compiled:
    framework: Framework
    rules: list[tuple[Rule, Predicate]]
    knockouts: list[tuple[Knockout, Predicate]]
    entries: dict[str, Predicate]
    warnings: list[Predicate]
    risks: list[Predicate]
    warm_when: Predicate
    queued_when: Predicate
    caps: dict[str, float]
    split: str | None
    # Indexes for re-scoring nearly the same facts: which rules and knockouts read a fact, and
    # which rules make up a factor.
    rules_reading: dict[str, tuple[int, ...]]
    knockouts_reading: dict[str, tuple[int, ...]]
    factor_rules: dict[str, tuple[int, ...]]
    factor_outcomes: dict[str, frozenset[str]]  # the outcomes a factor's rules give points to
    rule_list: list[Rule]


def _readers(conditions: list[Condition]) -> dict[str, tuple[int, ...]]:
    found: dict[str, list[int]] = {}
    for index, condition in enumerate(conditions):
        for name in {leaf.q for leaf in condition.leaves() if leaf.q is not None}:
            found.setdefault(name, []).append(index)
    return {name: tuple(indexes) for name, indexes in found.items()}


@per_framework
def compiled(framework: Framework) -> Compiled:
    factor_rules: dict[str, list[int]] = {}
    for index, rule in enumerate(framework.rules):
        factor_rules.setdefault(rule.factor, []).append(index)
    return Compiled(
        framework=framework,
        rules=[(rule, compile_condition(rule.when)) for rule in framework.rules],
        knockouts=[(k, compile_condition(k.when)) for k in framework.knockouts],
        entries={
            entry.id: compile_condition(entry.when)
            for entry in [*framework.patterns, *framework.anti_patterns]
            if entry.when is not None
        },
        warnings=[compile_condition(warning.when) for warning in framework.warnings],
        risks=[compile_condition(risk.when) for risk in framework.adr.risks],
        warm_when=compile_condition(framework.cost_model.warm_when),
        queued_when=compile_condition(framework.cost_model.queued_when),
        caps={factor.id: factor.cap for factor in framework.factors},
        split=framework.hybrid.split_factor if framework.hybrid else None,
        rules_reading=_readers([rule.when for rule in framework.rules]),
        knockouts_reading=_readers([k.when for k in framework.knockouts]),
        factor_rules={factor: tuple(indexes) for factor, indexes in factor_rules.items()},
        factor_outcomes={
            factor: frozenset(o for i in indexes for o in framework.rules[i].points)
            for factor, indexes in factor_rules.items()
        },
        rule_list=list(framework.rules),
    )


@dataclass
class Decision:
    """The outcome of scoring one set of facts."""

    points: dict[str, float]
    knocked: set[str]
    factor_points: dict[str, dict[str, float]]  # per factor and outcome, after the cap
    raw_totals: dict[str, dict[str, float]]  # the same before the cap
    knockouts: list[Knockout]
    parts: list[Part]
    # Per rule and per knockout, in framework order: did it hold (for the next `decide`).
    held: list[bool]
    knocks: list[bool]
    facts: Facts
    rule_list: list[Rule]
    # Where each part goes when the hybrid wins: part id -> functions or containers.
    split: dict[str, str] = field(default_factory=dict)
    # Which pure outcome's points the hybrid's core carries ("" when no split is possible).
    core_outcome: str = ""
    no_split: bool = False

    @property
    def rules(self) -> list[Rule]:
        """Every rule that held, in framework order."""
        return [rule for rule, holds in zip(self.rule_list, self.held, strict=True) if holds]

    @property
    def fired(self) -> list[tuple[Rule, dict[str, float]]]:
        """Each rule that held with its points scaled by its factor's cap."""
        found = []
        for rule in self.rules:
            capped = self.factor_points[rule.factor]
            raw = self.raw_totals[rule.factor]
            found.append(
                (
                    rule,
                    {
                        o: v * (capped[o] / raw[o] if raw[o] else 1.0)
                        for o, v in rule.points.items()
                    },
                )
            )
        return found

    def placement(self, winner: str) -> dict[str, str]:
        if winner == HYBRID:
            return self.split
        return {part.id: MODEL[winner] for part in self.parts}


def _changed(facts: Facts, before: Facts) -> set[str]:
    changed = {name for name, value in facts.items() if before.get(name, _MISSING) != value}
    changed.update(name for name in before if name not in facts)
    return changed


_MISSING = object()


def _factor_totals(data: Compiled, factor: str, held: list[bool]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for index in data.factor_rules[factor]:
        if held[index]:
            for outcome, value in data.rules[index][0].points.items():
                totals[outcome] = totals.get(outcome, 0.0) + value
    return totals


def decide(
    data: Compiled,
    facts: Facts,
    previous: Decision | None = None,
    moved: Collection[str] | None = None,
) -> Decision:
    """Score the facts. Given the decision for nearly the same facts (sensitivity changes one
    answer at a time), only the rules, knockouts and factors reading a fact that differs are
    evaluated again; `moved`, when given, names every fact that can differ."""
    framework = data.framework
    if previous is None:
        held = [predicate(facts) for _, predicate in data.rules]
        knocks = [predicate(facts) for _, predicate in data.knockouts]
        factors: set[str] = set(data.factor_rules)
        raw: dict[str, dict[str, float]] = {}
        capped: dict[str, dict[str, float]] = {}
    else:
        before = previous.facts
        changed = (
            {name for name in moved if facts.get(name) != before.get(name)}
            if moved is not None
            else _changed(facts, before)
        )
        held, knocks = list(previous.held), list(previous.knocks)
        factors = set()
        for index in {i for name in changed for i in data.rules_reading.get(name, ())}:
            now = data.rules[index][1](facts)
            if now != held[index]:
                held[index] = now
                factors.add(data.rules[index][0].factor)
        for index in {i for name in changed for i in data.knockouts_reading.get(name, ())}:
            knocks[index] = data.knockouts[index][1](facts)
        raw = {f: t for f, t in previous.raw_totals.items() if f not in factors}
        capped = {f: t for f, t in previous.factor_points.items() if f not in factors}
    for factor in factors:
        totals = _factor_totals(data, factor, held)
        if totals:
            cap = data.caps[factor]
            raw[factor] = totals
            capped[factor] = {o: max(-cap, min(cap, t)) for o, t in totals.items()}
    points = dict.fromkeys(framework.outcome_ids, 0.0)
    for factor, totals in capped.items():
        if factor == data.split:
            continue
        for outcome, value in totals.items():
            points[outcome] += value
    knockouts = [k for (k, _), hit in zip(data.knockouts, knocks, strict=True) if hit]
    decision = Decision(
        points=points,
        knocked={knockout.outcome for knockout in knockouts},
        factor_points=capped,
        raw_totals=raw,
        knockouts=knockouts,
        parts=facts["_parts"],
        held=held,
        knocks=knocks,
        facts=facts,
        rule_list=data.rule_list,
    )
    if framework.hybrid is not None and HYBRID in points and HYBRID not in decision.knocked:
        _split(data, facts, decision)
    return decision


def _split(data: Compiled, facts: Facts, decision: Decision) -> None:
    """Score the hybrid as the best valid split of the core and the other part.

    Functions are ruled out for a part when a knockout covers it: `all` covers both parts,
    `core` only the core, `jobs` the jobs part (or everything when there is no jobs part).
    """
    assert data.framework.hybrid is not None
    points = decision.points
    core, other = decision.parts[0], decision.parts[1]
    # Only platform limits bind a part; "not applicable" marks say nothing about the parts.
    scopes = {k.scope for k in decision.knockouts if k.outcome == FUNCTIONS and k.hard}
    jobs_apart = other.kind == "jobs"
    core_blocked = bool(scopes - ({"jobs"} if jobs_apart else set()))
    other_blocked = bool(scopes & {"all", "jobs"})
    gain = decision.factor_points.get(data.split or "", {}).get(HYBRID, 0.0)
    overhead = data.framework.hybrid.overhead
    functions, containers = points[FUNCTIONS], points[CONTAINERS]
    options: list[tuple[float, str, dict[str, str]]] = []
    if not other_blocked:
        if core_blocked or containers >= functions:
            base = CONTAINERS
        elif core.id == "monolith":
            base = FUNCTIONS  # the workload suits functions; the monolith moves there by routes
        else:
            base = ""
        if base:
            value = points[base] + gain - overhead
            options.append((value, base, {core.id: "containers", other.id: "functions"}))
    if jobs_apart and scopes == {"jobs"} and functions > containers:
        options.append(
            (functions - overhead, FUNCTIONS, {core.id: "functions", other.id: "containers"})
        )
    if options:
        value, base, placement = max(options, key=lambda option: option[0])
        points[HYBRID] = value
        decision.core_outcome = base
        decision.split = placement
    else:
        # Two parts, but both belong on one model: a hybrid would be that model plus overhead.
        decision.knocked.add(HYBRID)
        decision.no_split = True


def winner(framework: Framework, decision: Decision) -> str:
    # Ties go to the outcome listed first in the framework, so results never depend on dict
    # order, and a hybrid must beat both single models outright.
    standing = [o for o in framework.outcome_ids if o not in decision.knocked]
    return max(standing, key=lambda o: (decision.points[o], -standing.index(o)))


def scores(framework: Framework, decision: Decision) -> dict[str, float]:
    temperature = framework.scoring.temperature
    points = decision.points
    standing = [o for o in framework.outcome_ids if o not in decision.knocked]
    top = max(points[o] for o in standing)
    weights = {o: math.exp((points[o] - top) / temperature) for o in standing}
    total = sum(weights.values())
    return {
        outcome: round(100 * weights[outcome] / total, 1) if outcome in weights else 0.0
        for outcome in framework.outcome_ids
    }
