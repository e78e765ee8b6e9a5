"""The shape of a decision framework file, validated once when it is loaded.

The framework is data: questions, scoring rules, knockouts, the pattern catalogue, cloud service
names and prices. Everything here is pure pydantic so the engine, the CLI and the web app share
one definition, and a broken file is reported with the path of the bad field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$", max_length=64)]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]

# A condition compares one fact with a value. The operator names are the keys of a leaf.
LEAF_OPERATORS = (
    "eq",
    "ne",
    "in",
    "not_in",
    "gt",
    "gte",
    "lt",
    "lte",
    "contains",
    "contains_any",
    "is_set",
)
Scalar = str | int | float | bool


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Condition(_Strict):
    """A small declarative predicate over answers (and the engine's derived facts).

    A leaf names a fact with `q` and exactly one operator: `{q: gpu, eq: true}`. A compound is
    exactly one of `all`, `any` or `not`. There is no expression evaluation of any kind.
    """

    q: Identifier | None = None
    eq: Scalar | None = None
    ne: Scalar | None = None
    in_: list[Scalar] | None = Field(default=None, alias="in")
    not_in: list[Scalar] | None = None
    gt: float | None = None
    gte: float | None = None
    lt: float | None = None
    lte: float | None = None
    contains: str | None = None
    contains_any: list[str] | None = None
    is_set: bool | None = None
    all: list[Condition] | None = None
    any: list[Condition] | None = None
    not_: Condition | None = Field(default=None, alias="not")

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        operators = [name for name in LEAF_OPERATORS if self.operand(name) is not None]
        compounds = [name for name in ("all", "any", "not") if self.operand(name) is not None]
        if self.q is not None:
            if compounds:
                raise ValueError("a condition with 'q' cannot also hold all/any/not")
            if len(operators) != 1:
                raise ValueError(
                    f"a condition on '{self.q}' needs exactly one operator of "
                    f"{', '.join(LEAF_OPERATORS)}; found {operators or 'none'}"
                )
        else:
            if operators:
                raise ValueError(f"operator {operators[0]!r} needs 'q' to name a question")
            if len(compounds) != 1:
                raise ValueError("a condition needs 'q' and an operator, or one of all/any/not")
            children = self.all if self.all is not None else self.any
            if children is not None and not children:
                raise ValueError("all/any needs at least one condition")
        return self

    def operand(self, name: str) -> Any:
        return getattr(self, {"in": "in_", "not": "not_"}.get(name, name))

    @property
    def operator(self) -> str:
        for name in LEAF_OPERATORS:
            if self.operand(name) is not None:
                return name
        raise ValueError("not a leaf condition")

    def leaves(self) -> list[Condition]:
        if self.q is not None:
            return [self]
        children = self.all or self.any or ([self.not_] if self.not_ else [])
        return [leaf for child in children for leaf in child.leaves()]


class Choice(_Strict):
    value: Identifier
    label: Text
    help: str = ""


QuestionType = Literal["choice", "multi_choice", "integer", "number", "boolean"]


class Question(_Strict):
    id: Identifier
    type: QuestionType
    label: Text
    help: Text  # why we ask, shown beside the field
    required: bool = True
    unit: str = ""
    choices: list[Choice] = Field(default_factory=list)
    min: float | None = None
    max: float | None = None
    exclusive_min: bool = False
    # What an optional question's absence means; None leaves it unanswered (or derived).
    default: Scalar | None = None

    @model_validator(mode="after")
    def _fits_type(self) -> Question:
        has_choices = self.type in ("choice", "multi_choice")
        if has_choices and not self.choices:
            raise ValueError(f"a {self.type} question needs choices")
        if not has_choices and self.choices:
            raise ValueError(f"a {self.type} question takes no choices")
        values = [choice.value for choice in self.choices]
        if len(values) != len(set(values)):
            raise ValueError("choice values must be unique")
        numeric = self.type in ("integer", "number")
        if not numeric and (self.min is not None or self.max is not None):
            raise ValueError(f"a {self.type} question takes no min or max")
        if numeric and self.min is not None and self.max is not None and self.min >= self.max:
            raise ValueError("min must be below max")
        if self.default is not None:
            if self.required:
                raise ValueError("only an optional question takes a default")
            if not _fits(self, self.default):
                raise ValueError(f"default {self.default!r} is not an allowed answer")
        return self

    @property
    def choice_values(self) -> list[str]:
        return [choice.value for choice in self.choices]

    def choice_label(self, value: str) -> str:
        for choice in self.choices:
            if choice.value == value:
                return choice.label
        return value


def _fits(question: Question, value: Scalar) -> bool:
    if question.type == "choice":
        return value in question.choice_values
    if question.type == "boolean":
        return isinstance(value, bool)
    if question.type in ("integer", "number"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        return (question.min is None or value >= question.min) and (
            question.max is None or value <= question.max
        )
    return False


class Section(_Strict):
    id: Identifier
    title: Text
    intro: str = ""
    questions: list[Question]


class Outcome(_Strict):
    id: Identifier
    name: Text
    summary: Text
    pros: list[Text] = Field(default_factory=list)
    cons: list[Text] = Field(default_factory=list)


class DerivedFact(_Strict):
    """A value the engine computes from answers; conditions may name it like a question."""

    id: Identifier
    label: Text
    help: Text


class Factor(_Strict):
    """One concern of the decision. An outcome's points from one factor never exceed `cap`."""

    id: Identifier
    label: Text
    cap: float = Field(gt=0)
    # A decisive factor's cap is larger than all non-decisive caps together.
    decisive: bool = False
    source: Text  # the seed fact or dated public source behind the factor's weights


class Rule(_Strict):
    """When the condition holds, each outcome in `points` moves by that many points."""

    id: Slug
    factor: Identifier
    question: Identifier  # the answer this contribution is credited to in the trace
    when: Condition
    points: dict[Identifier, float]
    reason: Text

    @model_validator(mode="after")
    def _moves_something(self) -> Rule:
        if not self.points or all(value == 0 for value in self.points.values()):
            raise ValueError("a rule must move at least one outcome")
        return self


class Knockout(_Strict):
    id: Slug
    outcome: Identifier
    # Which part of the workload the limit concerns: the request-serving core, the jobs (all of
    # the workload when it has no separate jobs), or everything.
    scope: Literal["all", "core", "jobs"] = "all"
    # False for an outcome that does not apply to the workload (a hybrid of one part) rather
    # than one a platform limit forbids; results list those apart from the hard limits.
    hard: bool = True
    when: Condition
    reason: Text


PART_IDS = ("service", "events", "jobs", "monolith", "routes")
PartId = Literal["service", "events", "jobs", "monolith", "routes"]


class Hybrid(_Strict):
    """How a workload is divided into parts, and what splitting them across models costs."""

    overhead: float = Field(gt=0)  # the price of two deployment and operations models
    split_factor: Identifier  # the factor whose rules score what a split gains
    job_triggers: list[Identifier] = Field(min_length=1)
    job_max_runs_per_month: float = Field(ge=0)
    no_split_reason: Text
    peripheral_triggers: list[Identifier] = Field(min_length=1)
    parts: dict[PartId, Text]

    @model_validator(mode="after")
    def _every_part_named(self) -> Hybrid:
        missing = [part for part in PART_IDS if part not in self.parts]
        if missing:
            raise ValueError(f"parts: no name for '{missing[0]}'")
        return self


class CloudLimits(_Strict):
    """The function plan's limits on one cloud, with where they come from."""

    functions_plan: Text
    max_minutes_http: float = Field(gt=0)
    max_minutes_event: float = Field(gt=0)
    http_response_seconds: float | None = Field(default=None, gt=0)
    max_memory_mb: float = Field(gt=0)
    max_disk_gb: float | None = Field(default=None, gt=0)
    sync_payload_mb: float = Field(gt=0)
    event_payload_mb: float = Field(gt=0)
    managed_websocket: Text | None = None
    containers_scale_to_zero: bool
    source: Text
    as_of: Text


class Warning(_Strict):
    """Answers that are allowed one by one but unlikely together."""

    id: Slug
    questions: list[Identifier] = Field(min_length=1)
    when: Condition
    message: Text


class Scoring(_Strict):
    # Scores are a softmax of the points: temperature sets how sharply a lead shows.
    temperature: float = Field(gt=0)
    confidence_high: float = Field(gt=0, le=100)
    confidence_medium: float = Field(gt=0, le=100)
    headroom_margin: float = Field(default=0.8, gt=0, lt=1)
    conflict_ratio: float = Field(default=0.6, gt=0, le=1)
    # The outcome that can never be knocked out, so every answer set has a recommendation.
    fallback: Identifier

    @model_validator(mode="after")
    def _ordered(self) -> Scoring:
        if self.confidence_medium >= self.confidence_high:
            raise ValueError("confidence_medium must be below confidence_high")
        return self


class CatalogueEntry(_Strict):
    id: Slug
    name: Text
    summary: Text
    # Outcomes whose design this entry belongs to; empty means any outcome.
    outcomes: list[Identifier] = Field(default_factory=list)
    # The compute model the entry is about, and the parts of a workload it concerns (empty:
    # any part). An entry is shown only when some part of that kind is placed on that model.
    placement: Literal["functions", "containers", "any"] = "any"
    parts: list[Literal["service", "events", "jobs"]] = Field(default_factory=list)
    when: Condition | None = None  # None: applies to every workload of those outcomes
    why: Text  # why this workload gets this entry, completed by the answers that triggered it
    facts: list[Text] = Field(min_length=1)
    services: list[Identifier] = Field(default_factory=list)
    confirm: list[Text] = Field(default_factory=list)


class Pattern(CatalogueEntry):
    kind: Literal["pattern"] = "pattern"


class AntiPattern(CatalogueEntry):
    kind: Literal["anti_pattern"] = "anti_pattern"
    instead: Text


class Price(_Strict):
    value: float = Field(ge=0)
    unit: Text


class Tier(_Strict):
    """One volume band of a tiered price: up to `up_to_millions` a month (None: no end)."""

    up_to_millions: float | None = Field(default=None, gt=0)
    per_million: float = Field(ge=0)


def _ordered_tiers(tiers: list[Tier], where: str) -> list[Tier]:
    bounds = [tier.up_to_millions for tier in tiers]
    if not tiers or bounds[-1] is not None or None in bounds[:-1]:
        raise ValueError(f"{where}: only the last tier is open-ended, and it must be")
    if bounds[:-1] != sorted(bounds[:-1]):  # type: ignore[type-var]
        raise ValueError(f"{where}: tiers must rise")
    return tiers


class Gateway(_Strict):
    name: Text
    unit: Text
    tiers: list[Tier]

    @model_validator(mode="after")
    def _tiers(self) -> Gateway:
        _ordered_tiers(self.tiers, "tiers")
        return self


class LoadBalancer(_Strict):
    name: Text
    hourly: Price
    lcu_hourly: Price
    new_connections_per_lcu: Price


class WebSocketPrices(_Strict):
    """A managed WebSocket gateway: per message and per connection-minute, or per unit."""

    name: Text
    message_tiers: list[Tier]
    per_million_connection_minutes: Price | None = None
    unit_daily: Price | None = None
    connections_per_unit: Price | None = None
    messages_per_unit_day: Price | None = None

    @model_validator(mode="after")
    def _tiers(self) -> WebSocketPrices:
        _ordered_tiers(self.message_tiers, "message_tiers")
        return self


class FunctionPrices(_Strict):
    service: Text
    gb_second: Price
    gb_second_arm64: Price | None = None
    vcpu_second: Price | None = None  # charged beside memory where the CPU is billed apart
    per_million_requests: Price
    free_requests: Price
    free_gb_seconds: Price
    free_vcpu_seconds: Price | None = None
    # Pre-warmed capacity, where the plan offers it (provisioned concurrency, always ready).
    prewarm_gb_second: Price | None = None
    prewarm_execution_gb_second: Price | None = None
    mb_per_vcpu: Price
    min_memory_mb: float = Field(gt=0)
    max_memory_mb: float = Field(gt=0)
    memory_sizes_mb: list[float] = Field(default_factory=list)  # empty: any size in between
    # The vCPU each memory size comes with, where the plan pairs them (else mb_per_vcpu).
    vcpu_by_memory_mb: dict[int, float] = Field(default_factory=dict)


class Size(_Strict):
    vcpu: float = Field(gt=0)
    memory_gb: list[float] = Field(min_length=1)


class ContainerPrices(_Strict):
    """A managed container service: billed while tasks run, or only while they serve."""

    service: Text
    billing: Literal["running", "active"]
    vcpu_hour: Price
    gib_hour: Price
    vcpu_hour_arm64: Price | None = None
    gib_hour_arm64: Price | None = None
    per_million_requests: Price | None = None
    free_requests: Price | None = None
    free_vcpu_seconds: Price | None = None
    free_gib_seconds: Price | None = None
    free_disk_gb: float = 0
    disk_gb_hour: Price | None = None
    minimum_billed_seconds: float = Field(ge=0)
    gpu: bool
    gpu_hour: Price | None = None
    sizes: list[Size] = Field(min_length=1)


class AlwaysOnPrices(_Strict):
    service: Text
    vcpu_hour: Price
    gib_hour: Price


class Instance(_Strict):
    name: Text
    vcpu: float = Field(gt=0)
    memory_gb: float = Field(gt=0)
    arch: Literal["x86", "arm64"]
    on_demand_hourly: float = Field(gt=0)
    reserved_hourly: float = Field(gt=0)
    # Share of each vCPU a burstable instance sustains; 1 for a full core.
    baseline: float = Field(default=1.0, gt=0, le=1)
    gpu: Text | None = None


class VmPrices(_Strict):
    service: Text
    disk_gb_month: Price
    minimum_billed_seconds: float = Field(ge=0)
    instances: list[Instance] = Field(min_length=1)


class CloudPrices(_Strict):
    region: Text
    as_of: Text
    source: Text
    hours_per_month: float = Field(gt=0)
    functions: FunctionPrices
    # A second function plan priced beside the main one (Azure's older Consumption plan).
    functions_other_plan: FunctionPrices | None = None
    gateways: dict[Identifier, Gateway] = Field(default_factory=dict)
    load_balancer: LoadBalancer | None = None
    websocket: WebSocketPrices | None = None
    containers: ContainerPrices
    always_on: AlwaysOnPrices | None = None
    vms: VmPrices


class PriceBook(_Strict):
    """The price sheets, one per cloud; versioned apart from the framework."""

    version: Text
    currency: Literal["USD"]
    clouds: dict[Identifier, CloudPrices]


class CostModel(_Strict):
    """How the cost model sizes and spreads a workload: assumptions, not prices."""

    concurrent_requests_per_vcpu: float = Field(gt=0)
    target_utilization: float = Field(gt=0, le=1)
    peak_to_average: dict[Identifier, float]
    user_facing_minimum: int = Field(ge=1)  # tasks or instances, across zones
    fleet_bound: int = Field(ge=1)  # beyond this many, the figure comes with a warning
    job_runs_per_month: float = Field(gt=0)  # for the jobs of a service with jobs
    # Workloads whose instances must stay warm, and whose peaks a queue absorbs.
    warm_when: Condition
    queued_when: Condition
    periphery_share: float = Field(gt=0, lt=1)  # of the volume, for a hybrid's other part

    @model_validator(mode="after")
    def _sane(self) -> CostModel:
        for pattern, ratio in self.peak_to_average.items():
            if ratio < 1:
                raise ValueError(f"peak_to_average for {pattern} must be at least 1")
        return self


class AdrRisk(_Strict):
    """A risk of the recommended design, with what keeps it in check."""

    id: Slug
    placement: Literal["functions", "containers", "any"] = "any"
    parts: list[Literal["service", "events", "jobs"]] = Field(default_factory=list)
    when: Condition
    risk: Text
    mitigation: Text


class AdrGuide(_Strict):
    """What an ADR says beyond the scores: review, rollout and risks."""

    review_months: dict[Literal["high", "medium", "low"], int]
    review_flips: int = Field(ge=0)
    headroom_mitigation: Text
    conflict_risk: Text
    conflict_mitigation: Text
    rollout: dict[Identifier, list[Text]]
    risks: list[AdrRisk] = Field(default_factory=list)

    @model_validator(mode="after")
    def _complete(self) -> AdrGuide:
        for level in ("high", "medium", "low"):
            if level not in self.review_months:
                raise ValueError(f"review_months: no period for '{level}' confidence")
        return self


class Framework(_Strict):
    id: Slug
    version: Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+$")]
    title: Text
    description: Text
    outcomes: list[Outcome] = Field(min_length=2)
    sections: list[Section] = Field(min_length=1)
    derived: list[DerivedFact] = Field(default_factory=list)
    scoring: Scoring
    factors: list[Factor] = Field(min_length=1)
    hybrid: Hybrid | None = None
    limits: dict[Identifier, CloudLimits] = Field(default_factory=dict)
    warnings: list[Warning] = Field(default_factory=list)
    rules: list[Rule] = Field(min_length=1)
    knockouts: list[Knockout] = Field(default_factory=list)
    patterns: list[Pattern]
    anti_patterns: list[AntiPattern]
    checklist: list[Text] = Field(default_factory=list)
    clouds: dict[Identifier, dict[Identifier, Text]]
    adr: AdrGuide
    cost_model: CostModel
    prices: PriceBook

    @model_validator(mode="after")
    def _references_resolve(self) -> Framework:
        _check_references(self)
        return self

    @property
    def questions(self) -> list[Question]:
        return [question for section in self.sections for question in section.questions]

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    @property
    def outcome_ids(self) -> list[str]:
        return [outcome.id for outcome in self.outcomes]

    def outcome(self, outcome_id: str) -> Outcome:
        for outcome in self.outcomes:
            if outcome.id == outcome_id:
                return outcome
        raise KeyError(outcome_id)

    def factor(self, factor_id: str) -> Factor:
        for factor in self.factors:
            if factor.id == factor_id:
                return factor
        raise KeyError(factor_id)


T = TypeVar("T")


def per_framework(build: Callable[[Framework], T]) -> Callable[[Framework], T]:
    """Memoise something derived from a framework (frameworks hold lists, so are not hashable).

    The cache keeps the framework it was built for, so an id reused after garbage collection
    can never return another framework's value.
    """
    cache: dict[int, tuple[Framework, T]] = {}

    def cached(framework: Framework) -> T:
        hit = cache.get(id(framework))
        if hit is not None and hit[0] is framework:
            return hit[1]
        value = build(framework)
        cache[id(framework)] = (framework, value)
        return value

    return cached


def _unique(ids: list[str], field: str) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise ValueError(f"{field}: duplicate id '{item}'")
        seen.add(item)


def _check_condition(condition: Condition, where: str, facts: dict[str, Question | None]) -> None:
    for leaf in condition.leaves():
        assert leaf.q is not None
        if leaf.q not in facts:
            raise ValueError(f"{where}: unknown question '{leaf.q}'")
        question = facts[leaf.q]
        if question is None:  # a derived fact: numeric or boolean, checked by the engine
            continue
        operator = leaf.operator
        operand = leaf.operand(operator)
        values = operand if isinstance(operand, list) else [operand]
        if question.type in ("choice", "multi_choice") and operator not in (
            "gt",
            "gte",
            "lt",
            "lte",
            "is_set",
        ):
            unknown = [v for v in values if v not in question.choice_values]
            if unknown:
                raise ValueError(
                    f"{where}: '{leaf.q}' has no choice {unknown[0]!r} "
                    f"(allowed: {', '.join(question.choice_values)})"
                )
        if operator in ("contains", "contains_any") and question.type != "multi_choice":
            raise ValueError(f"{where}: '{operator}' needs a multi_choice question, not '{leaf.q}'")
        numeric = question.type in ("integer", "number")
        if operator in ("gt", "gte", "lt", "lte") and not numeric:
            raise ValueError(f"{where}: '{operator}' needs a number question, not '{leaf.q}'")


def _check_factors(framework: Framework, facts: dict[str, Question | None]) -> None:
    """Rules name a known factor and stay inside its cap; decisive factors can outweigh the rest.

    The split factor only scores the hybrid (what a peripheral part gains on the other model)
    and no other factor does, so a hybrid is only ever a split of two components.
    """
    _unique([f.id for f in framework.factors], "factors")
    factors = {factor.id: factor for factor in framework.factors}
    split = framework.hybrid.split_factor if framework.hybrid else None
    if split is not None and split not in factors:
        raise ValueError(f"hybrid.split_factor: unknown factor '{split}'")
    weak = sum(f.cap for f in framework.factors if not f.decisive and f.id != split)
    for factor in framework.factors:
        if factor.decisive and factor.cap <= weak:
            raise ValueError(
                f"factors: decisive factor '{factor.id}' has cap {factor.cap:g}, which must be "
                f"above the {weak:g} that all other factors can add up to"
            )
    hybrid = "hybrid" if "hybrid" in framework.outcome_ids else None
    for index, rule in enumerate(framework.rules):
        where = f"rules[{index}]"
        if rule.question not in facts:
            raise ValueError(f"{where}.question: unknown question '{rule.question}'")
        _check_condition(rule.when, f"{where}.when", facts)
        for outcome in rule.points:
            if outcome not in framework.outcome_ids:
                raise ValueError(f"{where}.points: unknown outcome '{outcome}'")
        if rule.factor not in factors:
            raise ValueError(f"{where}.factor: unknown factor '{rule.factor}'")
        cap = factors[rule.factor].cap
        for outcome, value in rule.points.items():
            if abs(value) > cap:
                raise ValueError(
                    f"{where}.points: {value:g} for '{outcome}' is beyond the cap {cap:g} of "
                    f"factor '{rule.factor}'"
                )
        if split is not None and hybrid is not None:
            in_split = rule.factor == split
            if in_split != bool(rule.points.get(hybrid)) or (
                in_split and set(rule.points) != {hybrid}
            ):
                raise ValueError(
                    f"{where}: only rules of the split factor '{split}' score '{hybrid}', and "
                    "they score nothing else"
                )


def _check_references(framework: Framework) -> None:
    outcome_ids = framework.outcome_ids
    _unique(outcome_ids, "outcomes")
    _unique([s.id for s in framework.sections], "sections")
    question_ids = [q.id for q in framework.questions]
    _unique(question_ids + [d.id for d in framework.derived], "sections.questions")
    _unique([r.id for r in framework.rules], "rules")
    _unique([k.id for k in framework.knockouts], "knockouts")
    entry_ids = [p.id for p in framework.patterns] + [a.id for a in framework.anti_patterns]
    _unique(entry_ids, "catalogue")

    facts: dict[str, Question | None] = {q.id: q for q in framework.questions}
    facts.update({d.id: None for d in framework.derived})

    def known_outcome(outcome: str, where: str) -> None:
        if outcome not in outcome_ids:
            raise ValueError(f"{where}: unknown outcome '{outcome}'")

    known_outcome(framework.scoring.fallback, "scoring.fallback")
    _check_factors(framework, facts)
    for index, risk in enumerate(framework.adr.risks):
        _check_condition(risk.when, f"adr.risks[{index}].when", facts)
    _check_condition(framework.cost_model.warm_when, "cost_model.warm_when", facts)
    _check_condition(framework.cost_model.queued_when, "cost_model.queued_when", facts)
    for outcome in framework.outcome_ids:
        if outcome not in framework.adr.rollout:
            raise ValueError(f"adr.rollout: no outline for '{outcome}'")
    for index, warning in enumerate(framework.warnings):
        where = f"warnings[{index}]"
        _check_condition(warning.when, f"{where}.when", facts)
        for question in warning.questions:
            if question not in facts:
                raise ValueError(f"{where}.questions: unknown question '{question}'")
    for index, knockout in enumerate(framework.knockouts):
        where = f"knockouts[{index}]"
        known_outcome(knockout.outcome, f"{where}.outcome")
        if knockout.outcome == framework.scoring.fallback:
            raise ValueError(
                f"{where}.outcome: the fallback outcome '{knockout.outcome}' cannot be ruled out"
            )
        _check_condition(knockout.when, f"{where}.when", facts)
    cloud_question = facts.get("cloud")
    if cloud_question is not None and framework.limits:
        for value in cloud_question.choice_values:
            if value not in framework.limits:
                raise ValueError(f"limits: no function limits for cloud '{value}'")
    if cloud_question is not None:
        for value in cloud_question.choice_values:
            if value not in framework.prices.clouds:
                raise ValueError(f"prices: no price sheet for cloud '{value}'")
    service_keys = {key for names in framework.clouds.values() for key in names}
    for cloud, names in framework.clouds.items():
        missing = sorted(service_keys - set(names))
        if missing:
            raise ValueError(f"clouds.{cloud}: no name for service '{missing[0]}'")
    cloud_question = facts.get("cloud")
    if cloud_question is not None:
        for value in cloud_question.choice_values:
            if value not in framework.clouds:
                raise ValueError(f"clouds: no service names for cloud '{value}'")
    catalogue: list[tuple[str, list[Pattern] | list[AntiPattern]]] = [
        ("patterns", framework.patterns),
        ("anti_patterns", framework.anti_patterns),
    ]
    for field, entries in catalogue:
        for index, entry in enumerate(entries):
            where = f"{field}[{index}]"
            for outcome in entry.outcomes:
                known_outcome(outcome, f"{where}.outcomes")
            if entry.when is not None:
                _check_condition(entry.when, f"{where}.when", facts)
            for service in entry.services:
                if service not in service_keys:
                    raise ValueError(f"{where}.services: unknown service '{service}'")
    traffic = facts.get("traffic_pattern")
    if traffic is not None:
        ratios = framework.cost_model.peak_to_average
        missing = [v for v in traffic.choice_values if v not in ratios]
        if missing:
            raise ValueError(f"cost_model.peak_to_average: no ratio for '{missing[0]}'")
