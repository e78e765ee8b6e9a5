"""Why the decision came out as it did: trace, drivers, parts, catalogue entries, confidence,
headroom under the limits and warnings about unlikely answers."""

from __future__ import annotations

from typing import Any

from advisor.answers import Answers, format_answer
from advisor.costs import CostComparison, in_words
from advisor.digits import group_digits
from advisor.engine.conditions import Facts, holding_facts
from advisor.engine.facts import INVERSE, MEASURES, SOURCES, limits_of
from advisor.engine.result import (
    AnswerWarning,
    Because,
    Component,
    Contribution,
    Driver,
    EntryResult,
    FactorScore,
    Flip,
    Headroom,
    KnockoutResult,
    ReviewPlan,
    Risk,
    Service,
)
from advisor.engine.scoring import FUNCTIONS, HYBRID, MODEL, Compiled, Decision
from advisor.framework.schema import AntiPattern, Framework, Pattern
from advisor.prose import clause, join_words

OVERHEAD_RULE = "hybrid-overhead"
OVERHEAD_REASON = (
    "Two compute models mean two ways to build, deploy, monitor and secure the workload."
)


def because(framework: Framework, answers: Answers, names: list[str]) -> list[Because]:
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


NO_SPLIT = "no-split"


def knockouts(
    framework: Framework, answers: Answers, facts: Facts, decision: Decision
) -> tuple[list[KnockoutResult], list[KnockoutResult]]:
    """The hard limits that fired, and the outcomes that do not apply."""
    found = [
        KnockoutResult(
            id=knockout.id,
            outcome=knockout.outcome,
            reason=knockout.reason,
            because=because(framework, answers, holding_facts(knockout.when, facts)),
            scope=knockout.scope,
        )
        for knockout in decision.knockouts
    ]
    if decision.no_split and framework.hybrid is not None:
        found.append(
            KnockoutResult(
                id=NO_SPLIT,
                outcome=HYBRID,
                reason=framework.hybrid.no_split_reason,
                because=because(
                    framework, answers, ["workload_kind", "triggers", "starting_point"]
                ),
                scope="all",
            )
        )
    hard = {knockout.id for knockout in decision.knockouts if knockout.hard}
    return [k for k in found if k.id in hard], [k for k in found if k.id not in hard]


def trace(data: Compiled, answers: Answers, facts: Facts, decision: Decision) -> list[Contribution]:
    """Every rule that held, with its points after the factor cap.

    The hybrid carries the contributions of the model its core sits on, what the split gains
    and the overhead, so each outcome's contributions add up to its points.
    """
    framework = data.framework
    items = []
    mirrored: list[Contribution] = []
    core = decision.core_outcome
    for rule, capped in decision.fired:
        read = {leaf.q: facts.get(leaf.q) for leaf in rule.when.leaves() if leaf.q is not None}
        for outcome in framework.outcome_ids:
            points = capped.get(outcome, 0.0)
            if not points or (rule.factor == data.split and not decision.split):
                continue
            item = Contribution(
                rule=rule.id,
                question=rule.question,
                answer=answers.get(rule.question),
                outcome=outcome,
                points=round(points, 3),
                reason=rule.reason,
                facts=read,
                factor=rule.factor,
            )
            items.append(item)
            if core and outcome == core:
                mirrored.append(item.model_copy(update={"outcome": HYBRID}))
    if core and framework.hybrid is not None:
        mirrored.append(
            Contribution(
                rule=OVERHEAD_RULE,
                question="",
                answer=None,
                outcome=HYBRID,
                points=-framework.hybrid.overhead,
                reason=OVERHEAD_REASON,
                facts={},
                factor=data.split or "",
            )
        )
    return items + mirrored


def display(framework: Framework, question_id: str, answers: Answers, facts: Facts) -> str:
    """An answer for people; an unanswered one shows the default or derived value standing in."""
    question = framework.question(question_id)
    value = answers.get(question_id)
    if value is not None:
        return format_answer(question, value)
    for name, (source, _) in INVERSE.items():
        if source == question_id and name in facts and name not in MEASURES:
            return f"{format_answer(question, round(facts[name], 1))} (derived)"
    if question.default is not None:
        return f"{format_answer(question, question.default)} (default)"
    if facts.get(question_id) is not None:
        return f"{format_answer(question, facts[question_id])} (derived)"
    return format_answer(question, None)


def drivers(
    framework: Framework,
    answers: Answers,
    facts: Facts,
    items: list[Contribution],
    winner: str,
    runner_up: str | None,
    limit: int = 5,
) -> list[Driver]:
    net: dict[str, float] = {}
    reasons: dict[str, list[str]] = {}
    for item in items:
        if not item.question:
            continue
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
        (question for question, value in net.items() if abs(value) > 1e-9),
        key=lambda question: (-abs(net[question]), order.index(question)),
    )
    return [
        Driver(
            question=question_id,
            label=framework.question(question_id).label,
            answer=answers.get(question_id),
            display=display(framework, question_id, answers, facts),
            net=round(net[question_id], 3),
            reasons=reasons[question_id],
        )
        for question_id in ranked[:limit]
    ]


def factor_scores(framework: Framework, decision: Decision) -> list[FactorScore]:
    return [
        FactorScore(
            id=factor.id,
            label=factor.label,
            cap=factor.cap,
            decisive=factor.decisive,
            points={o: round(v, 3) for o, v in decision.factor_points[factor.id].items()},
        )
        for factor in framework.factors
        if factor.id in decision.factor_points
    ]


def _top_reason(items: list[Contribution], outcome: str, factor: str | None = None) -> str:
    own = [
        item
        for item in items
        if item.outcome == outcome and item.points > 0 and (factor is None or item.factor == factor)
    ]
    return max(own, key=lambda item: item.points).reason if own else ""


def components(
    data: Compiled,
    decision: Decision,
    items: list[Contribution],
    winner: str,
    cloud: str,
) -> list[Component]:
    framework = data.framework
    assert framework.hybrid is not None
    names = framework.clouds[cloud]
    placement = decision.placement(winner)
    jobs_apart = decision.parts[-1].kind == "jobs"
    limits = [k for k in decision.knockouts if k.outcome == FUNCTIONS and k.hard]
    result = []
    for index, part in enumerate(decision.parts):
        model = placement.get(part.id, MODEL.get(winner, "containers"))
        # The hard limits that keep this part off functions.
        binding = [
            k.reason
            for k in limits
            if k.scope == "all"
            or (k.scope == "core" and index == 0)
            or (k.scope == "jobs" and (part.kind == "jobs" or not jobs_apart))
        ]
        if model == "containers" and binding:
            why = binding[0]
        elif winner != HYBRID:
            why = _top_reason(items, winner)
        elif model == "containers" and decision.core_outcome != FUNCTIONS:
            why = _top_reason(items, decision.core_outcome)
        else:
            why = _top_reason(items, HYBRID, data.split) or _top_reason(items, FUNCTIONS)
        result.append(
            Component(
                id=part.id,
                kind=part.kind,
                name=framework.hybrid.parts[part.id],  # type: ignore[index]
                placement=model,
                service=_service_name(names, model, decision.facts),
                why=why,
            )
        )
    return result


def _service_name(names: dict[str, str], model: str, facts: Facts) -> str:
    """The cloud's product for a model; a Kubernetes shop keeps its containers on Kubernetes."""
    if model == "containers" and facts.get("existing_platform") == "kubernetes":
        return names.get("kubernetes", names[model])
    return names[model]


def _services(framework: Framework, cloud: str, keys: list[str]) -> list[Service]:
    names = framework.clouds[cloud]
    return [Service(role=key, name=names[key]) for key in keys]


def entries(
    data: Compiled,
    catalogue: list[Pattern] | list[AntiPattern],
    answers: Answers,
    facts: Facts,
    winner: str,
    placed: list[tuple[set[str], str]],
    cloud: str,
) -> list[EntryResult]:
    """The entries for the outcome whose placement and part match a part of the design."""
    framework = data.framework
    found = []
    for entry in catalogue:
        if entry.outcomes and winner not in entry.outcomes:
            continue
        if not any(
            entry.placement in ("any", model) and (not entry.parts or kinds & set(entry.parts))
            for kinds, model in placed
        ):
            continue
        if entry.when is not None and not data.entries[entry.id](facts):
            continue
        names = holding_facts(entry.when, facts) if entry.when is not None else []
        found.append(
            EntryResult(
                id=entry.id,
                name=entry.name,
                summary=entry.summary,
                why=entry.why,
                because=because(framework, answers, names),
                facts=entry.facts,
                services=_services(framework, cloud, entry.services),
                confirm=entry.confirm,
                instead=getattr(entry, "instead", None),
                placement=entry.placement,
            )
        )
    return found


def checklist(framework: Framework, found: list[EntryResult]) -> list[str]:
    items: list[str] = []
    for item in [*framework.checklist, *(c for entry in found for c in entry.confirm)]:
        if item not in items:
            items.append(item)
    return items


def _amount(value: float, unit: str) -> str:
    """A measure to three significant figures, grouped as every number shown is (never in
    exponent form: a 1,234.5 ms duration reads "1,230 ms", not "1.23e+03 ms")."""
    shown = value if float(value).is_integer() else float(f"{value:.3g}")
    return f"{group_digits(shown)} {unit}"


def headroom(framework: Framework, facts: Facts, cloud: str) -> list[Headroom]:
    """Answers within the stated margin of the function limit they are measured against."""
    limits = limits_of(framework, cloud)
    margin = framework.scoring.headroom_margin
    found = []
    for name, measure in MEASURES.items():
        share = facts.get(name)
        if limits is None or share is None or not margin < share <= 1:
            continue
        limit = float(facts[measure.limit_fact])
        value = share * limit  # the measured run may be the typical one, not the longest
        found.append(
            Headroom(
                measure=name,
                question=measure.question,
                value=value,
                limit=limit,
                share=round(share, 3),
                text=(
                    f"{measure.what}, {_amount(value, measure.unit)}, is {share:.0%} of the "
                    f"{_amount(limit, measure.unit)} that {limits.functions_plan} allows."
                ),
            )
        )
    return found


def confidence(
    framework: Framework,
    decision: Decision,
    items: list[Contribution],
    scores: dict[str, float],
    winner: str,
    runner_up: str | None,
    room: list[Headroom],
) -> tuple[str, list[str], bool]:
    """A label from the lead, lowered for strong signals both ways and for thin headroom;
    and whether strong signals pulled both ways."""
    scoring = framework.scoring
    names = {outcome.id: outcome.name for outcome in framework.outcomes}
    margin = scores[winner] - (scores[runner_up] if runner_up else 0.0)
    level = (
        2 if margin >= scoring.confidence_high else 1 if margin >= scoring.confidence_medium else 0
    )
    notes = []
    conflicted = False
    if runner_up is None:
        notes.append(f"{names[winner]} is the only option the hard limits leave standing.")
    else:
        notes.append(
            f"{names[winner]} scores {scores[winner]:.0f} of 100 against "
            f"{scores[runner_up]:.0f} for {names[runner_up]}."
        )
    favoured = decision.core_outcome if winner == HYBRID else winner
    opposing = next((o for o in MODEL if o != favoured), None)
    if favoured in MODEL and opposing is not None and opposing not in decision.knocked:
        ours, theirs = decision.points[favoured], decision.points[opposing]
        if ours > 0 and theirs >= scoring.conflict_ratio * ours:
            level -= 1
            conflicted = True
            reason = _top_reason(items, opposing)
            notes.append(
                f"Strong answers also favour {names[opposing].lower()}, which lowers confidence: "
                f"{reason[:1].lower()}{reason[1:]}"
            )
    on_functions = "functions" in decision.placement(winner).values()
    if room and on_functions:
        level -= 1
        notes.append(
            "Little headroom is left under a function limit, which lowers confidence: "
            + " ".join(item.text for item in room)
        )
    return ("low", "medium", "high")[max(0, level)], notes, conflicted


def warnings(data: Compiled, answers: Answers, facts: Facts) -> list[AnswerWarning]:
    found = []
    for warning, predicate in zip(data.framework.warnings, data.warnings, strict=True):
        if predicate(facts):
            named = [q for q in warning.questions if answers.get(q) is not None]
            found.append(
                AnswerWarning(
                    id=warning.id, questions=named or warning.questions, message=warning.message
                )
            )
    return found


def derived(facts: Facts) -> dict[str, Any]:
    return {
        name: round(float(facts[name]), 4)
        for name in SOURCES
        if name in facts and isinstance(facts[name], int | float)
    }


def _placed_on(placed: list[tuple[set[str], str]], placement: str, parts: list[str]) -> bool:
    return any(
        placement in ("any", model) and (not parts or kinds & set(parts)) for kinds, model in placed
    )


def risks(
    data: Compiled,
    facts: Facts,
    placed: list[tuple[set[str], str]],
    room: list[Headroom],
    conflicted: bool,
) -> list[Risk]:
    """The design's risks with their mitigations: thin headroom first, then the framework's."""
    guide = data.framework.adr
    found = [
        Risk(id=f"headroom-{item.measure}", risk=item.text, mitigation=guide.headroom_mitigation)
        for item in room
        if any(model == "functions" for _, model in placed)
    ]
    for risk, predicate in zip(guide.risks, data.risks, strict=True):
        if _placed_on(placed, risk.placement, list(risk.parts)) and predicate(facts):
            found.append(Risk(id=risk.id, risk=risk.risk, mitigation=risk.mitigation))
    if conflicted:
        found.append(
            Risk(id="conflict", risk=guide.conflict_risk, mitigation=guide.conflict_mitigation)
        )
    return found


def rollout(framework: Framework, facts: Facts, chosen: str) -> list[str]:
    steps = framework.adr.rollout
    if facts.get("starting_point") == "monolith_migration" and "monolith_migration" in steps:
        return list(steps["monolith_migration"])
    return list(steps.get(chosen, []))


def review(
    framework: Framework,
    label: str,
    cost: CostComparison,
    room: list[Headroom],
    flips: list[Flip],
) -> ReviewPlan:
    """Review in months set by the confidence; reopen sooner on the crossover, a limit or an
    answer that would flip the advice."""
    names = {outcome.id: outcome.name for outcome in framework.outcomes}
    triggers = []
    crossover = cost.crossover_monthly_requests
    if crossover is not None and crossover > cost.monthly_requests:
        what = "runs" if cost.kind == "job" else "requests"
        triggers.append(
            f"Monthly volume passes about {in_words(crossover)} {what}, where containers "
            "start to cost less than functions."
        )
    for item in room:
        measure = MEASURES[item.measure]
        triggers.append(
            f"{measure.what} reaches the {_amount(item.limit, measure.unit)} function limit."
        )
    for flip in flips[: framework.adr.review_flips]:
        triggers.append(
            f"The answer to “{flip.label}” becomes {clause(flip.display)} "
            f"(now {clause(flip.current_display)}), "
            f"which would make it {names.get(flip.recommendation, flip.recommendation)}."
        )
    months = framework.adr.review_months[label]  # type: ignore[index]
    return ReviewPlan(months=months, triggers=triggers)


DECISIVE_REASONS = 3


def decisive(
    framework: Framework,
    chosen: str,
    hard: list[KnockoutResult],
    parts: list[Component],
    items: list[Contribution],
) -> list[str]:
    """The reasons that decided it, hard limits first, each a sentence of its own."""
    names = {outcome.id: outcome.name for outcome in framework.outcomes}
    found = [
        f"{names[k.outcome]} cannot be used: {clause(k.reason)}."
        for k in hard
        if k.outcome != chosen
    ]
    if chosen == HYBRID and parts:
        # "X goes to A and Y to B" reads right for singular and plural parts alike.
        placed = [f"{part.name} to {part.service}" for part in parts]
        placed[0] = placed[0].replace(" to ", " goes to ", 1)
        sentence = join_words(placed)
        found.append(f"{sentence[:1].upper()}{sentence[1:]}.")
    ranked = sorted(
        (item for item in items if item.outcome == chosen and item.points > 0),
        key=lambda item: -item.points,
    )
    for item in ranked:
        if len(found) >= DECISIVE_REASONS:
            break
        if item.reason not in found:
            found.append(item.reason)
    return found[:DECISIVE_REASONS]
