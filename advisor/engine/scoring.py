"""Points, knockouts and the hybrid split: the decision itself, with no explanation attached.

Rules add points per outcome; within one factor an outcome's points are scaled down to the
factor's cap, so several answers measuring one concern count once. Serverless and containers are
scored on the whole workload. A hybrid is a split of two parts: the core on the model it suits,
plus what the other part gains on the other model (the split factor), minus the overhead of
running two models. With a single part there is nothing to split, and a knockout says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from advisor.engine.conditions import Facts, Predicate, compile_condition
from advisor.engine.facts import Part
from advisor.framework.schema import Framework, Knockout, Rule, per_framework

FUNCTIONS = "serverless"
CONTAINERS = "containers"
HYBRID = "hybrid"
# The compute model behind each pure outcome.
MODEL = {FUNCTIONS: "functions", CONTAINERS: "containers"}


@dataclass(frozen=True)
class Compiled:
    framework: Framework
    rules: list[tuple[Rule, Predicate]]
    rule_facts: list[frozenset[str]]  # the facts each rule reads, to skip unchanged ones
    knockouts: list[tuple[Knockout, Predicate]]
    knockout_facts: list[frozenset[str]]
    entries: dict[str, Predicate]
    warnings: list[Predicate]
    caps: dict[str, float]
    split: str | None


@per_framework
def compiled(framework: Framework) -> Compiled:
    return Compiled(
        framework=framework,
        rules=[(rule, compile_condition(rule.when)) for rule in framework.rules],
        rule_facts=[
            frozenset(leaf.q for leaf in rule.when.leaves() if leaf.q is not None)
            for rule in framework.rules
        ],
        knockouts=[(k, compile_condition(k.when)) for k in framework.knockouts],
        knockout_facts=[
            frozenset(leaf.q for leaf in k.when.leaves() if leaf.q is not None)
            for k in framework.knockouts
        ],
        entries={
            entry.id: compile_condition(entry.when)
            for entry in [*framework.patterns, *framework.anti_patterns]
            if entry.when is not None
        },
        warnings=[compile_condition(warning.when) for warning in framework.warnings],
        caps={factor.id: factor.cap for factor in framework.factors},
        split=framework.hybrid.split_factor if framework.hybrid else None,
    )


@dataclass
class Decision:
    """The outcome of scoring one set of facts."""

    points: dict[str, float]
    knocked: set[str]
    factor_points: dict[str, dict[str, float]]
    knockouts: list[Knockout]
    parts: list[Part]
    rules: list[Rule]  # every rule that held, in framework order
    # Per rule and per knockout, in framework order: did it hold (for the next `decide`).
    held: list[bool]
    knocks: list[bool]
    facts: Facts
    raw_totals: dict[str, dict[str, float]] = field(default_factory=dict)
    # Where each part goes when the hybrid wins: part id -> functions or containers.
    split: dict[str, str] = field(default_factory=dict)
    # Which pure outcome's points the hybrid's core carries ("" when no split is possible).
    core_outcome: str = ""
    no_split: bool = False

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


def _changed(facts: Facts, previous: Decision | None) -> set[str] | None:
    if previous is None:
        return None
    before = previous.facts
    changed = {name for name, value in facts.items() if before.get(name, _MISSING) != value}
    changed.update(name for name in before if name not in facts)
    return changed


_MISSING = object()


def _holding(
    checks: list[Predicate],
    reads: list[frozenset[str]],
    facts: Facts,
    changed: set[str] | None,
    before: list[bool] | None,
) -> list[bool]:
    """Which conditions hold. Given the result for nearly the same facts, only the conditions
    reading a fact that differs are evaluated again (sensitivity changes one answer at a time)."""
    if changed is None or before is None:
        return [check(facts) for check in checks]
    return [
        check(facts) if names & changed else held
        for check, names, held in zip(checks, reads, before, strict=True)
    ]


def _capped(
    data: Compiled, rules: list[Rule]
) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    raw: dict[str, dict[str, float]] = {}
    for rule in rules:
        totals = raw.setdefault(rule.factor, {})
        for outcome, value in rule.points.items():
            totals[outcome] = totals.get(outcome, 0.0) + value
    capped: dict[str, dict[str, float]] = {}
    for factor, totals in raw.items():
        cap = data.caps[factor]
        capped[factor] = {outcome: max(-cap, min(cap, total)) for outcome, total in totals.items()}
    return raw, capped


def decide(data: Compiled, facts: Facts, previous: Decision | None = None) -> Decision:
    framework = data.framework
    changed = _changed(facts, previous)
    held = _holding(
        [p for _, p in data.rules],
        data.rule_facts,
        facts,
        changed,
        previous.held if previous else None,
    )
    knocks = _holding(
        [p for _, p in data.knockouts],
        data.knockout_facts,
        facts,
        changed,
        previous.knocks if previous else None,
    )
    rules = [rule for (rule, _), holds in zip(data.rules, held, strict=True) if holds]
    raw, factor_points = _capped(data, rules)
    points = dict.fromkeys(framework.outcome_ids, 0.0)
    for factor, totals in factor_points.items():
        if factor == data.split:
            continue
        for outcome, value in totals.items():
            points[outcome] += value
    knockouts = [k for (k, _), hit in zip(data.knockouts, knocks, strict=True) if hit]
    decision = Decision(
        points=points,
        knocked={knockout.outcome for knockout in knockouts},
        factor_points=factor_points,
        knockouts=knockouts,
        parts=facts["_parts"],
        rules=rules,
        held=held,
        knocks=knocks,
        facts=facts,
        raw_totals=raw,
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
    scopes = {k.scope for k in decision.knockouts if k.outcome == FUNCTIONS}
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
