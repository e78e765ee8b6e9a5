"""What the engine returns: plain, frozen pydantic models, stored as JSON on assessments and ADRs.

Fields added since the first framework have defaults, so results stored before them still load.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from advisor.costs import CostComparison


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
    points: float  # after the factor's cap: a factor's contributions never add up past it
    reason: str
    facts: dict[str, Any]
    factor: str = ""


class KnockoutResult(_Out):
    id: str
    outcome: str
    reason: str
    because: list[Because]
    scope: str = "all"


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
    placement: str = "any"  # the compute model the entry is about


class Flip(_Out):
    question: str
    label: str
    current: Any
    current_display: str
    value: Any
    display: str
    recommendation: str


class FactorScore(_Out):
    id: str
    label: str
    cap: float
    decisive: bool
    points: dict[str, float]  # per outcome, after the cap


class Component(_Out):
    """One part of the workload and the compute model the recommendation places it on."""

    id: str
    kind: str
    name: str
    placement: str  # functions or containers
    service: str  # the chosen cloud's product for that model
    why: str


class Headroom(_Out):
    """An answer measured against the chosen cloud's function limit."""

    measure: str
    question: str
    value: float
    limit: float
    share: float
    text: str


class AnswerWarning(_Out):
    id: str
    questions: list[str]
    message: str


class Risk(_Out):
    id: str
    risk: str
    mitigation: str


class ReviewPlan(_Out):
    """When to look at the decision again, and what should reopen it sooner."""

    months: int
    triggers: list[str]


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
    factors: list[FactorScore] = []
    components: list[Component] = []
    headroom: list[Headroom] = []
    confidence_notes: list[str] = []
    warnings: list[AnswerWarning] = []
    # Outcomes that do not apply to this workload (a hybrid of a single part), apart from the
    # hard limits in `knockouts`.
    inapplicable: list[KnockoutResult] = []
    risks: list[Risk] = []
    rollout: list[str] = []
    review: ReviewPlan | None = None
    # The two or three reasons that decided it, as sentences: hard limits on the rejected
    # options first, then where each part goes, then the chosen option's strongest reasons.
    reasons: list[str] = []


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
