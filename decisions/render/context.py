"""What an ADR says, decided once, for every renderer (Markdown, PDF, the decision page).

The renderers only format this: every sentence that is drawn from the recommendation is chosen
here, so the Markdown and the PDF can never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from advisor.answers import format_answer
from advisor.engine import EntryResult, Recommendation
from advisor.framework import Framework


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
                    display=format_answer(question, recommendation.answers.get(question.id)),
                )
                for question in framework.questions
            ],
        )


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
    snapshot: Snapshot
    # File names of the ADRs this one replaces and of the one that replaced it; only an export,
    # where those files sit beside it, links them.
    supersedes: list[str] = []
    superseded_by: list[str] = []

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

    @property
    def snapshot(self) -> Snapshot:
        return self.document.snapshot


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _lower_first(text: str) -> str:
    """A sentence made to follow "because": "A new system" reads "a new system", but acronyms
    ("API calls"), "I" and "I/O" keep their capitals."""
    if text[1:2].isupper() or text[:2] in ("I ", "I'") or text[:3] == "I/O":
        return text
    return text[:1].lower() + text[1:]


def build_adr(document: AdrDocument) -> Adr:
    snapshot = document.snapshot
    result = snapshot.recommendation
    outcomes = {outcome.id: outcome for outcome in snapshot.outcomes}
    chosen = outcomes[result.recommendation]
    reasons = [driver.reasons[0] for driver in result.drivers if driver.net > 0 and driver.reasons]
    because = (
        "; ".join(_lower_first(reason.rstrip(".")) for reason in reasons[:3])
        if reasons
        else f"it scores highest ({result.scores[chosen.id]:.0f} of 100) on the answers given"
    )
    options = []
    for outcome in snapshot.outcomes:
        knocked = [
            k.reason for k in [*result.knockouts, *result.inapplicable] if k.outcome == outcome.id
        ]
        good: list[str] = []
        bad: list[str] = []
        for item in result.trace:
            if item.outcome != outcome.id:
                continue
            target = good if item.points > 0 else bad
            reason = _lower_first(item.reason)
            if reason not in target:
                target.append(reason)
        options.append(
            OptionView(
                outcome=outcome,
                score=result.scores[outcome.id],
                chosen=outcome.id == chosen.id,
                knocked_out=knocked,
                good=good,
                bad=[*(_lower_first(reason) for reason in knocked), *bad],
            )
        )
    bad_consequences = [_lower_first(con) for con in chosen.cons]
    for entry in result.anti_patterns:
        bad_consequences.append(
            f"this workload is exposed to the anti-pattern “{entry.name}”: "
            f"{_lower_first(entry.why)}"
        )
    return Adr(
        document=document,
        chosen=chosen,
        because=_sentence(because),
        options=options,
        good_consequences=[_lower_first(pro) for pro in chosen.pros],
        bad_consequences=bad_consequences,
        confirmation=result.checklist,
        patterns=result.patterns,
        anti_patterns=result.anti_patterns,
        recommendation=result,
    )


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
    """A first draft of the problem statement, written from the answers."""
    shown = {row.id: row.display for row in snapshot.answers}
    answers = snapshot.recommendation.answers
    monthly = answers.get("monthly_requests")
    volume = f"{monthly:,}" if isinstance(monthly, int) else "an unknown number of"
    waits = "a person waits on each response" if answers.get("user_facing") else "nobody waits"
    subject = workload[:1].upper() + workload[1:]
    parts = [
        f"{subject} handles about {volume} requests or events a month "
        f"({shown.get('traffic_pattern', 'unknown').lower()} traffic, "
        f"peaking at {shown.get('peak_rps', 'an unknown rate')}).",
        f"It needs responses {shown.get('latency_target', 'unknown').lower()} and {waits}; "
        f"it is written in {shown.get('runtime', 'an unknown runtime')} and "
        f"{_state_phrase(answers.get('state'), shown.get('state', 'unknown'))}.",
        f"A typical request takes {shown.get('typical_duration_ms', 'unknown')} and the longest "
        f"job {shown.get('max_duration_minutes', 'unknown')}; work starts from: "
        f"{shown.get('triggers', 'unknown')}.",
        "We need to decide where it runs: on functions, on containers, or on a container core "
        "with functions around it.",
    ]
    return " ".join(parts)


def default_drivers(snapshot: Snapshot) -> list[str]:
    return [
        f"{driver.label} {driver.display}".strip()
        if driver.label.endswith("?")
        else f"{driver.label}: {driver.display}"
        for driver in snapshot.recommendation.drivers
    ]
