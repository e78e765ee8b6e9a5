"""What an ADR says, decided once, for every renderer (Markdown, PDF, the decision page).

The renderers only format this: every sentence that is drawn from the recommendation is chosen
here, so the Markdown and the PDF can never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict

from advisor.answers import format_answer
from advisor.engine import EntryResult, Recommendation
from advisor.engine.result import Risk
from advisor.framework import Framework
from advisor.framework.schema import Question
from advisor.prose import clause, join_words, lower_first, sentence


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class OutcomeInfo(_Frozen):
    id: str
    name: str
    summary: str
    pros: list[str]
    cons: list[str]


class AnswerRow(_Frozen):
    id: str
    label: str
    display: str


class Snapshot(_Frozen):
    """Everything an ADR needs from the framework and the engine, frozen when it is created."""

    framework_id: str
    framework_version: str
    framework_title: str
    recommendation: Recommendation
    outcomes: list[OutcomeInfo]
    answers: list[AnswerRow]

    @classmethod
    def capture(cls, framework: Framework, recommendation: Recommendation) -> Snapshot:
        return cls(
            framework_id=recommendation.framework.id,
            framework_version=recommendation.framework.version,
            framework_title=framework.title,
            recommendation=recommendation,
            outcomes=[
                OutcomeInfo(
                    id=outcome.id,
                    name=outcome.name,
                    summary=outcome.summary,
                    pros=outcome.pros,
                    cons=outcome.cons,
                )
                for outcome in framework.outcomes
            ],
            answers=[
                AnswerRow(
                    id=question.id,
                    label=question.label,
                    display=_shown_answer(question, recommendation.answers.get(question.id)),
                )
                for question in framework.questions
            ],
        )


def _shown_answer(question: Question, value: object) -> str:
    """An answer as recorded; an optional one left out shows what stood in for it."""
    if value is not None:
        return format_answer(question, value)
    if question.default is not None:
        return f"{format_answer(question, question.default)} (default)"
    if not question.required:
        return "Not answered (derived)"
    return format_answer(question, value)


class AdrLink(_Frozen):
    """A relation to another decision: "Relates to", "Amends", "Depends on" or their inverse."""

    label: str
    number: int
    adr_id: str
    title: str
    filename: str = ""  # set in an export, where the other file sits beside this one


class AdrDocument(_Frozen):
    """The editable fields of an ADR plus its snapshot: the renderers' only input."""

    number: int | None
    title: str
    status: str
    date: dt.date
    team: str | None
    decision_makers: list[str]
    consulted: list[str]
    informed: list[str]
    context: str
    drivers: list[str]
    # None for a free-form decision (imported or written by hand): its `body` holds the
    # sections after the drivers, as Markdown.
    snapshot: Snapshot | None
    body: str = ""
    # A free-form decision's own review date (a questionnaire-made one derives it).
    review_by: dt.date | None = None
    tags: list[str] = []
    links: list[AdrLink] = []

    @property
    def free_form(self) -> bool:
        return self.snapshot is None

    @property
    def adr_id(self) -> str:
        return f"ADR-{self.number:04d}" if self.number is not None else "ADR (unnumbered)"


@dataclass(frozen=True)
class OptionView:
    outcome: OutcomeInfo
    score: float
    chosen: bool
    knocked_out: list[str]
    good: list[str]
    bad: list[str]
    lost: str = ""  # for a rejected option: why it lost, in one clause


@dataclass(frozen=True)
class ChecklistGroup:
    title: str
    items: list[str]


@dataclass(frozen=True)
class Adr:
    """The ADR's content, ready to format."""

    document: AdrDocument
    chosen: OutcomeInfo
    because: str
    options: list[OptionView]
    good_consequences: list[str]
    bad_consequences: list[str]
    confirmation: list[str]
    patterns: list[EntryResult]
    anti_patterns: list[EntryResult]
    recommendation: Recommendation
    parts: list[str] = field(default_factory=list)  # "the jobs: Fargate. Why …"
    risks: list[Risk] = field(default_factory=list)
    rollout: list[str] = field(default_factory=list)
    review_by: dt.date | None = None
    review_triggers: list[str] = field(default_factory=list)
    checklist: list[ChecklistGroup] = field(default_factory=list)  # the appendix, by model
    # Each anti-pattern with what to do instead, as "name", "instead, ..." clauses.
    avoid: list[tuple[str, str]] = field(default_factory=list)
    # Entries that apply but are not described in the body, by name.
    more_patterns: list[str] = field(default_factory=list)
    more_anti_patterns: list[str] = field(default_factory=list)

    @property
    def snapshot(self) -> Snapshot:
        snapshot = self.document.snapshot
        assert snapshot is not None  # build_adr refuses a free-form document
        return snapshot


# How many items each list of the decision carries: the record is read in minutes.
CONFIRMATION_ITEMS = 10
# The chosen option's pros and cons are its consequences; the record says them once.
CHOSEN_PROS_AND_CONS = "Chosen: what it brings and what it costs are the Consequences above."
CONSEQUENCES = 3
OPTION_REASONS = 2
# Patterns and anti-patterns described in the body; the rest are named in one line each.
SHOWN_PATTERNS = 6
SHOWN_ANTI_PATTERNS = 5
CHECKLIST_TITLES = {
    "any": "Whole workload",
    "functions": "Parts on functions",
    "containers": "Parts on containers",
}


def _reasons_for(result: Recommendation, outcome: str) -> list[str]:
    """An outcome's own reasons, strongest first, each once (mirrored hybrid points included)."""
    ranked = sorted(
        (item for item in result.trace if item.outcome == outcome and item.points > 0),
        key=lambda item: -item.points,
    )
    found: list[str] = []
    for item in ranked:
        if item.reason not in found:
            found.append(item.reason)
    return found


def _because(result: Recommendation) -> str:
    """The engine's decisive reasons as one sentence after "because"."""
    if not result.reasons:  # a record made before the engine named them
        reasons = [d.reasons[0] for d in result.drivers if d.net > 0 and d.reasons][:3]
    else:
        reasons = result.reasons
    if not reasons:
        chosen = result.recommendation
        return f"it scores highest ({result.scores[chosen]:.0f} of 100) on the answers given."
    return sentence("; ".join(clause(reason) for reason in reasons))


def _confirmation(result: Recommendation) -> list[str]:
    """The checks that matter most, at most ten: the general ones, then the first of each
    pattern's and anti-pattern's."""
    items: list[str] = []
    firsts = [
        entry.confirm[0] for entry in [*result.patterns, *result.anti_patterns] if entry.confirm
    ]
    general = [
        item
        for item in result.checklist
        if all(item not in e.confirm for e in [*result.patterns, *result.anti_patterns])
    ]
    for item in [*general, *firsts]:
        if item not in items:
            items.append(item)
    return items[:CONFIRMATION_ITEMS]


def _checklist(entries: list[EntryResult], confirmed: list[str]) -> list[ChecklistGroup]:
    """The checks of the entries the record describes, grouped by the model they concern,
    leaving out the ones Confirmation already lists."""
    groups: dict[str, list[str]] = {key: [] for key in CHECKLIST_TITLES}
    for entry in entries:
        target = groups.setdefault(entry.placement, [])
        for item in entry.confirm:
            if item not in target and item not in confirmed:
                target.append(item)
    return [
        ChecklistGroup(CHECKLIST_TITLES.get(key, key), items)
        for key, items in groups.items()
        if items
    ]


def _by_specificity(entries: list[EntryResult]) -> list[EntryResult]:
    """Entries brought in by this workload's answers first, the ones every design gets last."""
    return sorted(entries, key=lambda entry: not entry.because)


def build_adr(document: AdrDocument) -> Adr:
    """The content of a questionnaire-made ADR (a free-form one has no snapshot to build from)."""
    snapshot = document.snapshot
    if snapshot is None:
        raise ValueError(f"{document.adr_id} is free-form: it has no assessment to build from")
    result = snapshot.recommendation
    outcomes = {outcome.id: outcome for outcome in snapshot.outcomes}
    chosen = outcomes[result.recommendation]
    standing = [
        o for o in snapshot.outcomes if o.id != chosen.id and result.scores.get(o.id, 0.0) > 0
    ]
    runner_up = max(standing, key=lambda o: result.scores[o.id], default=None)
    winning = _reasons_for(result, chosen.id)
    options = []
    for outcome in snapshot.outcomes:
        knocked = [
            k.reason for k in [*result.knockouts, *result.inapplicable] if k.outcome == outcome.id
        ]
        own = [lower_first(reason) for reason in _reasons_for(result, outcome.id)]
        if outcome.id == chosen.id:
            against = (
                [lower_first(r) for r in _reasons_for(result, runner_up.id)] if runner_up else []
            )
            lost = ""
        else:
            against = [
                lower_first(reason)
                for reason in winning
                if reason not in _reasons_for(result, outcome.id)
            ]
            lost = (
                clause(knocked[0])
                if knocked
                else (
                    f"it scores {result.scores[outcome.id]:.0f} of 100 against "
                    f"{result.scores[chosen.id]:.0f} for {chosen.name}"
                    + (f", mainly because {clause(against[0])}" if against else "")
                )
            )
        options.append(
            OptionView(
                outcome=outcome,
                score=result.scores[outcome.id],
                chosen=outcome.id == chosen.id,
                knocked_out=knocked,
                good=own[:OPTION_REASONS],
                # The first hard limit is already the "not chosen" line.
                # The first hard limit, or the first reason against, is already the "not
                # chosen" line.
                bad=[
                    *(lower_first(reason) for reason in knocked[1 if lost else 0 :]),
                    *against[0 if knocked or not lost else 1 :][:OPTION_REASONS],
                ],
                lost=lost,
            )
        )
    good = [lower_first(reason) for reason in winning[:CONSEQUENCES]]
    bad = (
        [
            f"it gives up what favoured {runner_up.name.lower()}: {clause(reason)}."
            for reason in [r for r in _reasons_for(result, runner_up.id) if r not in winning][:2]
        ]
        if runner_up
        else []
    )
    shown_anti_patterns = _by_specificity(result.anti_patterns)[:SHOWN_ANTI_PATTERNS]
    if shown_anti_patterns:
        bad.append(
            "the design must steer clear of "
            + join_words([f"“{entry.name}”" for entry in shown_anti_patterns])
            + ", listed with what to do instead below."
        )
    review = result.review
    confirmation = _confirmation(result)
    return Adr(
        document=document,
        chosen=chosen,
        because=_because(result),
        options=options,
        good_consequences=good,
        bad_consequences=bad,
        confirmation=confirmation,
        patterns=_by_specificity(result.patterns)[:SHOWN_PATTERNS],
        anti_patterns=_by_specificity(result.anti_patterns)[:SHOWN_ANTI_PATTERNS],
        recommendation=result,
        parts=[
            f"{part.name[:1].upper()}{part.name[1:]}: {part.service}" for part in result.components
        ],
        risks=result.risks,
        rollout=result.rollout,
        review_by=document.review_by or snapshot_review_by(document.snapshot, document.date),
        review_triggers=review.triggers if review else [],
        checklist=_checklist(
            [
                *_by_specificity(result.patterns)[:SHOWN_PATTERNS],
                *_by_specificity(result.anti_patterns)[:SHOWN_ANTI_PATTERNS],
            ],
            confirmation,
        ),
        avoid=[
            (entry.name, lower_first(entry.instead or ""))
            for entry in _by_specificity(result.anti_patterns)[:SHOWN_ANTI_PATTERNS]
        ],
        more_patterns=[e.name for e in _by_specificity(result.patterns)[SHOWN_PATTERNS:]],
        more_anti_patterns=[
            e.name for e in _by_specificity(result.anti_patterns)[SHOWN_ANTI_PATTERNS:]
        ],
    )


def snapshot_review_by(snapshot: Snapshot | None, decided_on: dt.date) -> dt.date | None:
    """When a questionnaire-made decision is due for review: its review plan's months after it
    was decided. The decision stores this date (decisions.services), so lists and reminders can
    query it and a reviewer can move it."""
    if snapshot is None or snapshot.recommendation.review is None:
        return None
    return _add_months(decided_on, snapshot.recommendation.review.months)


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (day.day, 30, 29, 28):  # the 31st of a shorter month falls back
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def default_title(workload: str, outcome_name: str) -> str:
    return f"Use {outcome_name.lower()} for {workload}"


STATE_PHRASES = {
    "stateless": "holds no state between requests",
    "connections": "holds long-lived connections",
}


def _state_phrase(value: object, shown: str) -> str:
    """How the workload keeps its state, as the end of a sentence."""
    if isinstance(value, str) and value in STATE_PHRASES:
        return STATE_PHRASES[value]
    return f"keeps its state {shown[:1].lower()}{shown[1:]}"


def default_context(workload: str, snapshot: Snapshot) -> str:
    """A first draft of the problem statement, written from the answers in whole sentences."""
    shown = {row.id: row.display for row in snapshot.answers}
    answers = snapshot.recommendation.answers
    monthly = answers.get("monthly_requests")
    volume = f"{monthly:,}" if isinstance(monthly, int) else "an unknown number of"
    subject = workload[:1].upper() + workload[1:]
    traffic = lower_first(shown.get("traffic_pattern", "unknown"))
    sentences = [
        f"{subject} handles about {volume} requests or events a month; its traffic is "
        f"{traffic}, peaking at {shown.get('peak_rps', 'an unknown rate')}."
    ]
    latency = answers.get("latency_target")
    if latency == "async":
        sentences.append("Nobody waits on the answer: the work happens in the background.")
    else:
        who = "A person" if answers.get("user_facing") else "Another system"
        target = lower_first(shown.get("latency_target", "an unknown time"))
        sentences.append(f"{who} waits on each response, which must come {target}.")
    runtime = answers.get("runtime")
    language = (
        "another language" if runtime == "other" else shown.get("runtime", "an unknown language")
    )
    sentences.append(
        f"It is written in {language} and "
        f"{_state_phrase(answers.get('state'), shown.get('state', 'unknown'))}."
    )
    sentences.append(
        f"A typical request takes {shown.get('typical_duration_ms', 'an unknown time')} and the "
        f"longest run {shown.get('max_duration_minutes', 'an unknown time')}."
    )
    triggers = [t for t in shown.get("triggers", "").split(", ") if t and t != "not given"]
    if triggers:
        sentences.append("Work starts from " + join_words([lower_first(t) for t in triggers]) + ".")
    sentences.append(
        "We need to decide where it runs: on functions, on containers, or split between the two."
    )
    return " ".join(sentences)


def default_drivers(snapshot: Snapshot) -> list[str]:
    """The answers that weighed most, each saying whether it favours the recommendation."""
    result = snapshot.recommendation
    drivers = []
    for driver in result.drivers:
        answer = (
            f"{driver.label} {driver.display}"
            if driver.label.endswith("?")
            else f"{driver.label}: {driver.display}"
        )
        direction = "for" if driver.net > 0 else "against"
        drivers.append(f"{answer} ({direction} {result.recommendation_name})")
    return drivers
