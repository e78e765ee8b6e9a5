"""Facts: the answers, their defaults, and what the engine derives from them.

Derived facts include the workload's parts (a service, its event handlers, its jobs, or a
monolith and the routes leaving it) and each answer measured against the chosen cloud's function
limits as a ratio, so that the data can say "more than the limit" as `gt: 1` on any cloud.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from advisor.answers import SECONDS_PER_MONTH, Answers
from advisor.engine.conditions import Facts
from advisor.framework.schema import CloudLimits, Framework, per_framework

MS_PER_MINUTE = 60_000
SYNC_TRIGGERS = ("http", "webhook")  # the caller holds a connection open for the reply
MESSAGE_TRIGGERS = ("queue", "pub_sub", "stream", "db_change")  # the event carries the body


@dataclass(frozen=True)
class Part:
    id: str  # service, events, jobs, monolith or routes (named in the framework's hybrid.parts)
    kind: str  # service, events or jobs: what catalogue entries say they concern


@dataclass(frozen=True)
class Measure:
    """An answer measured against a limit: how to word it and where the limit sits in facts."""

    question: str
    limit_fact: str
    what: str
    unit: str


# Each ratio fact, the answer it measures and the fact holding the limit it is measured against.
MEASURES: dict[str, Measure] = {
    "duration_ratio": Measure(
        "max_duration_minutes", "function_limit_minutes", "The longest run", "minutes"
    ),
    "memory_ratio": Measure("memory_mb", "function_memory_mb", "The memory needed", "MB"),
    "disk_ratio": Measure("local_disk_gb", "function_disk_gb", "The local disk needed", "GB"),
    "payload_ratio": Measure("payload_mb", "payload_limit_mb", "The largest body", "MB"),
    "response_ratio": Measure(
        "typical_duration_ms", "response_limit_ms", "A typical request", "ms"
    ),
}


def _times_limit(limit_fact: str) -> Callable[[float, Facts], float]:
    return lambda value, facts: value * facts.get(limit_fact, 0.0)


# Derived facts that stand for an answer, and how a threshold on one maps back to that answer
# (used by the sensitivity analysis). The second argument holds the facts of the evaluation.
INVERSE: dict[str, tuple[str, Callable[[float, Facts], float]]] = {
    "utilization": ("utilization_percent", lambda value, facts: value),
    "daily_requests": ("monthly_requests", lambda value, facts: value * 30),
    "avg_rps": ("monthly_requests", lambda value, facts: value * SECONDS_PER_MONTH),
    **{
        name: (measure.question, _times_limit(measure.limit_fact))
        for name, measure in MEASURES.items()
    },
}
SOURCES: dict[str, tuple[str, ...]] = {
    "utilization": ("utilization_percent", "monthly_requests", "peak_rps"),
    "daily_requests": ("monthly_requests",),
    "avg_rps": ("monthly_requests",),
    "duration_ratio": ("max_duration_minutes", "cloud"),
    "memory_ratio": ("memory_mb", "cloud"),
    "disk_ratio": ("local_disk_gb", "cloud"),
    "payload_ratio": ("payload_mb", "cloud"),
    "response_ratio": ("typical_duration_ms", "cloud"),
    "typical_over_longest": ("typical_duration_ms", "max_duration_minutes"),
    "managed_websocket": ("cloud",),
    "containers_scale_to_zero": ("cloud",),
    "components": ("workload_kind", "triggers", "starting_point"),
}


# Every derived fact and the answers it is computed from (all of them, unlike SOURCES, which
# names the answers worth citing). The sensitivity analysis uses it to know what an answer can
# move; a property test holds it to `derive`.
DEPENDS: dict[str, frozenset[str]] = {
    "avg_rps": frozenset({"monthly_requests"}),
    "daily_requests": frozenset({"monthly_requests"}),
    "utilization": frozenset({"utilization_percent", "monthly_requests", "peak_rps"}),
    "typical_over_longest": frozenset({"typical_duration_ms", "max_duration_minutes"}),
    "workload_kind": frozenset(
        {"workload_kind", "latency_target", "user_facing", "triggers", "monthly_requests"}
    ),
    "components": frozenset(
        {"workload_kind", "latency_target", "user_facing", "triggers", "monthly_requests"}
        | {"starting_point"}
    ),
    "function_limit_minutes": frozenset({"triggers", "cloud"}),
    "function_memory_mb": frozenset({"cloud"}),
    "function_disk_gb": frozenset({"cloud"}),
    "payload_limit_mb": frozenset({"triggers", "cloud"}),
    "response_limit_ms": frozenset({"triggers", "cloud"}),
    "managed_websocket": frozenset({"cloud"}),
    "containers_scale_to_zero": frozenset({"cloud"}),
    "duration_ratio": frozenset(
        {"max_duration_minutes", "typical_duration_ms", "triggers", "cloud"}
    ),
    "memory_ratio": frozenset({"memory_mb", "cloud"}),
    "disk_ratio": frozenset({"local_disk_gb", "cloud"}),
    "payload_ratio": frozenset({"payload_mb", "triggers", "cloud"}),
    "response_ratio": frozenset({"typical_duration_ms", "triggers", "cloud"}),
}


def moved_by(question: str) -> frozenset[str]:
    """The facts a change to one answer can move: itself and what is derived from it."""
    return frozenset({question, *(fact for fact, inputs in DEPENDS.items() if question in inputs)})


def cloud_of(framework: Framework, answers: Answers) -> str:
    return answers.get("cloud") or next(iter(framework.clouds))


def limits_of(framework: Framework, cloud: str) -> CloudLimits | None:
    return framework.limits.get(cloud)


def workload_kind(framework: Framework, facts: Facts) -> str | None:
    """The answer, or the contract's default when it is not given (None while unknowable)."""
    given = facts.get("workload_kind")
    if given is not None:
        return str(given)
    hybrid = framework.hybrid
    triggers = facts.get("triggers")
    monthly = facts.get("monthly_requests")
    if hybrid is None or triggers is None:
        return None
    background = facts.get("latency_target") == "async" and facts.get("user_facing") is False
    job_triggers = all(trigger in hybrid.job_triggers for trigger in triggers)
    rare = monthly is not None and monthly < hybrid.job_max_runs_per_month
    return "job" if background and job_triggers and rare else "service"


def parts_of(framework: Framework, facts: Facts) -> list[Part]:
    """The workload's parts, its core first. A hybrid needs two."""
    hybrid = framework.hybrid
    kind = facts.get("workload_kind")
    if facts.get("starting_point") == "monolith_migration":
        return [Part("monolith", "service"), Part("routes", "service")]
    if kind == "both":
        return [Part("service", "service"), Part("jobs", "jobs")]
    if kind == "job":
        return [Part("jobs", "jobs")]
    triggers = facts.get("triggers") or []
    peripheral = hybrid is not None and any(t in hybrid.peripheral_triggers for t in triggers)
    if "http" in triggers and peripheral:
        return [Part("service", "service"), Part("events", "events")]
    return [Part("service", "service")]


@per_framework
def _defaults(framework: Framework) -> dict[str, object]:
    return {q.id: q.default for q in framework.questions if q.default is not None}


def derive(framework: Framework, answers: Answers) -> Facts:
    """Answers with their defaults, plus the derived facts conditions may name.

    A derived fact is left out while an answer it needs is missing, so a half-filled
    questionnaire fires no rule on a made-up value. A payload is measured against the limit only
    when it was answered: the default is no measurement.
    """
    facts: Facts = dict(answers)
    for name, default in _defaults(framework).items():
        if facts.get(name) is None:
            facts[name] = default
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
    typical = answers.get("typical_duration_ms")
    longest = answers.get("max_duration_minutes")
    if typical is not None and longest is not None:
        facts["typical_over_longest"] = typical / (longest * MS_PER_MINUTE)
    facts["workload_kind"] = workload_kind(framework, facts)
    parts = parts_of(framework, facts)
    facts["_parts"] = parts  # not a fact conditions can name: ids start with a letter
    facts["components"] = len(parts)
    limits = limits_of(framework, cloud_of(framework, answers))
    if limits is not None:
        _measure_against(limits, answers, facts)
    return facts


def _measure_against(limits: CloudLimits, answers: Answers, facts: Facts) -> None:
    triggers = answers.get("triggers")
    if triggers is None:
        minutes = min(limits.max_minutes_http, limits.max_minutes_event)
    elif any(trigger != "http" for trigger in triggers):
        minutes = limits.max_minutes_event
    else:
        minutes = limits.max_minutes_http
    sync = triggers is not None and any(t in SYNC_TRIGGERS for t in triggers)
    facts["function_limit_minutes"] = minutes
    facts["function_memory_mb"] = limits.max_memory_mb
    if sync:
        facts["payload_limit_mb"] = limits.sync_payload_mb
    elif triggers is None or any(t in MESSAGE_TRIGGERS for t in triggers):
        facts["payload_limit_mb"] = limits.event_payload_mb
    facts["managed_websocket"] = limits.managed_websocket is not None
    facts["containers_scale_to_zero"] = limits.containers_scale_to_zero
    if limits.max_disk_gb is not None:
        facts["function_disk_gb"] = limits.max_disk_gb
    if limits.http_response_seconds is not None and triggers is not None and "http" in triggers:
        facts["response_limit_ms"] = limits.http_response_seconds * 1000
    for name, measure in MEASURES.items():
        value = answers.get(measure.question)
        limit = facts.get(measure.limit_fact)
        if value is not None and limit:
            facts[name] = value / limit
    typical = answers.get("typical_duration_ms")
    if "duration_ratio" in facts and typical is not None:
        # A single run is at least as long as a typical one, whatever the longest job says.
        facts["duration_ratio"] = max(facts["duration_ratio"], typical / MS_PER_MINUTE / minutes)
