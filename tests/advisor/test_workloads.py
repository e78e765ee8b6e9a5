"""Realistic workloads with the outcome an architecture board would expect, written down before
the engine was run on them, each with the one-line reason a reviewer would give.

None of these is a seed article's example. Every class of failure seen in review has cases here:
correlated weak rules against a decisive one, hybrid by default, a monolith lifted into
functions, AWS limits applied to other clouds, knockouts blunter than the facts, and
contradictory answers passing silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from advisor.answers import AnswersError
from advisor.engine import Recommendation, evaluate_raw

# A middle-of-the-road HTTP service; every case below says what makes it different.
NEUTRAL: dict[str, Any] = {
    "traffic_pattern": "variable",
    "monthly_requests": 5_000_000,
    "peak_rps": 20,
    "latency_target": "under_1s",
    "user_facing": True,
    "runtime": "python",
    "state": "external",
    "local_disk_gb": 0,
    "typical_duration_ms": 200,
    "max_duration_minutes": 1,
    "triggers": ["http"],
    "workflow": "none",
    "gpu": False,
    "memory_mb": 512,
    "endpoints": 5,
    "ops_capacity": "some",
    "container_experience": "some",
    "starting_point": "greenfield",
    "cloud": "aws",
}

# A background job that runs a few times a month.
JOB: dict[str, Any] = {
    **NEUTRAL,
    "traffic_pattern": "spiky",
    "monthly_requests": 4,
    "peak_rps": 1,
    "latency_target": "async",
    "user_facing": False,
    "triggers": ["schedule"],
    "typical_duration_ms": 60_000,
    "endpoints": 0,
}


@dataclass(frozen=True)
class Case:
    name: str
    answers: dict[str, Any]
    expected: str
    why: str
    # Optional further expectations a reviewer would check.
    knockouts: set[str] = field(default_factory=set)
    warnings: set[str] = field(default_factory=set)
    patterns: set[str] = field(default_factory=set)
    absent: set[str] = field(default_factory=set)  # entries that must not be offered
    placement: dict[str, str] = field(default_factory=dict)  # part id -> model
    confidence: set[str] = field(default_factory=lambda: {"low", "medium", "high"})
    headroom: set[str] = field(default_factory=set)


def case(name: str, expected: str, why: str, base: dict[str, Any] | None = None, **kw: Any) -> Case:
    extras = {
        key: kw.pop(key)
        for key in list(kw)
        if key
        in ("knockouts", "warnings", "patterns", "absent", "placement", "confidence", "headroom")
    }
    return Case(name, {**(base or NEUTRAL), **kw}, expected, why, **extras)


CASES = [
    # -- Load and team favour functions, and nothing decisive argues against them.
    case(
        "spiky signup API for a small team",
        "serverless",
        "Bursty, low-volume HTTP with nobody to run servers is the function sweet spot.",
        traffic_pattern="spiky",
        monthly_requests=300_000,
        peak_rps=100,
        runtime="node",
        ops_capacity="none",
        container_experience="none",
        patterns={"api-backend"},
        confidence={"high"},
    ),
    case(
        "thumbnailer on file uploads",
        "serverless",
        "Occasional uploads, short CPU bursts and nobody waiting map one-to-one onto functions.",
        JOB,
        triggers=["file_upload"],
        monthly_requests=200_000,
        peak_rps=50,
        typical_duration_ms=1_500,
        max_duration_minutes=1,
        patterns={"file-processing"},
        absent={"container-service"},
    ),
    case(
        "payment webhooks and a nightly reconciliation",
        "serverless",
        "A trickle of third-party webhooks and one short nightly run pay nothing between events.",
        traffic_pattern="spiky",
        monthly_requests=60_000,
        peak_rps=30,
        triggers=["webhook", "schedule"],
        latency_target="under_1s",
        user_facing=False,
        ops_capacity="none",
        container_experience="none",
        patterns={"webhook-receiver"},
    ),
    case(
        "event pipeline on Google Cloud",
        "serverless",
        "Independent stages fed by published events, with nobody waiting, suit triggered functions.",
        cloud="gcp",
        latency_target="async",
        user_facing=False,
        triggers=["pub_sub", "queue"],
        workflow="pipeline",
        patterns={"event-pipeline", "fan-out"},
    ),
    case(
        "small spiky API on Azure with nobody on operations",
        "serverless",
        "Scale-to-zero containers narrow the gap, but tiny bursty load still favours functions.",
        cloud="azure",
        traffic_pattern="spiky",
        monthly_requests=300_000,
        peak_rps=80,
        runtime="node",
        ops_capacity="none",
        container_experience="none",
    ),
    # -- A decisive concern against a pile of weak ones (class 1).
    case(
        "Java checkout API with a 50 ms target, spiky, small team",
        "containers",
        "Cold starts of seconds cannot meet a 50 ms target a shopper waits on; load and team do not change that.",
        traffic_pattern="spiky",
        monthly_requests=2_000_000,
        peak_rps=200,
        latency_target="under_50ms",
        runtime="java",
        triggers=["http", "queue"],
        ops_capacity="none",
        container_experience="none",
        absent={"ignoring-cold-starts", "api-backend"},
    ),
    case(
        "the same checkout API when the team pays for pre-warmed capacity",
        "serverless",
        "Provisioned concurrency removes the cold starts, so load and team decide again.",
        traffic_pattern="spiky",
        monthly_requests=2_000_000,
        peak_rps=200,
        latency_target="under_50ms",
        runtime="java",
        triggers=["http", "queue"],
        ops_capacity="none",
        container_experience="none",
        prewarm_ok=True,
        patterns={"provisioned-concurrency"},
    ),
    case(
        ".NET pricing API under 50 ms on Azure",
        "containers",
        "A .NET cold start is half a second or more; a 50 ms target needs warm processes.",
        cloud="azure",
        latency_target="under_50ms",
        runtime="dotnet",
        ops_capacity="none",
        container_experience="none",
        traffic_pattern="spiky",
        monthly_requests=800_000,
        peak_rps=60,
    ),
    case(
        "game lobby holding shared state in memory",
        "containers",
        "Lobby state shared between requests needs a process that stays alive, whatever the load.",
        traffic_pattern="spiky",
        monthly_requests=1_000_000,
        peak_rps=500,
        runtime="go",
        state="in_memory",
        latency_target="under_200ms",
        ops_capacity="none",
        container_experience="none",
        absent={"state-in-memory"},
    ),
    case(
        "pricing cache answering under 10 ms",
        "containers",
        "No function platform guarantees single-digit milliseconds through a cold start.",
        latency_target="under_10ms",
        runtime="rust",
        traffic_pattern="steady",
        knockouts={"latency-under-10ms"},
    ),
    # -- Volume past the break-even.
    case(
        "steady public API at ten thousand requests a second",
        "containers",
        "Around-the-clock thousands of requests a second cost several times more per request on functions.",
        traffic_pattern="steady",
        monthly_requests=26_000_000_000,
        peak_rps=12_000,
        ops_capacity="none",
        container_experience="none",
        runtime="node",
    ),
    case(
        "telemetry ingest at 150,000 events a second",
        "containers",
        "Sustained six-figure event rates are a streaming job for long-running consumers.",
        traffic_pattern="steady",
        monthly_requests=390_000_000_000,
        peak_rps=200_000,
        latency_target="async",
        user_facing=False,
        triggers=["stream"],
        typical_duration_ms=5,
    ),
    case(
        "steady busy internal API run by a platform team",
        "containers",
        "Flat load busy most of the time on an existing cluster is where always-on capacity is cheapest.",
        traffic_pattern="steady",
        monthly_requests=150_000_000,
        peak_rps=70,
        ops_capacity="platform_team",
        container_experience="strong",
        existing_platform="kubernetes",
        user_facing=False,
        absent={"api-backend", "serverless-at-steady-load"},
    ),
    case(
        "steady moderate API on Azure with nobody on operations",
        "containers",
        "Busy steady load is cheaper always-on, and Container Apps take the operations work away.",
        cloud="azure",
        traffic_pattern="steady",
        monthly_requests=30_000_000,
        peak_rps=15,
        ops_capacity="none",
        container_experience="none",
    ),
    # -- Jobs: a single job is never a hybrid (class 2), and limits are the cloud's (class 4).
    case(
        "weekly 40-minute report on AWS",
        "containers",
        "One job past Lambda's 15 minutes that cannot resume runs as a scheduled container task.",
        JOB,
        max_duration_minutes=40,
        knockouts={"job-over-function-limit"},
        absent={"container-service"},
    ),
    case(
        "monthly three-hour compaction on Azure",
        "containers",
        "Three hours is past what Flex Consumption can dependably run, and the job cannot resume.",
        JOB,
        cloud="azure",
        max_duration_minutes=180,
        monthly_requests=1,
        knockouts={"job-over-function-limit"},
        absent={"container-service"},
    ),
    case(
        "queue-fed 30-minute rebuild with uploads on AWS",
        "containers",
        "A background job on a queue and uploads is still one job; past the limit it is a container task.",
        JOB,
        triggers=["queue", "file_upload"],
        max_duration_minutes=30,
        monthly_requests=500,
        knockouts={"job-over-function-limit"},
    ),
    case(
        "nightly 16-minute export that checkpoints",
        "serverless",
        "A job that resumes from checkpoints runs as short steps under an orchestrator (class 5).",
        JOB,
        max_duration_minutes=16,
        job_checkpointable=True,
        monthly_requests=30,
        patterns={"chunked-batch"},
    ),
    case(
        "nightly 14-minute clean-up on AWS",
        "serverless",
        "It fits inside Lambda's 15 minutes, but with one minute to spare the advice cannot be sure.",
        JOB,
        max_duration_minutes=14,
        monthly_requests=30,
        confidence={"low", "medium"},
        headroom={"duration_ratio"},
    ),
    case(
        "20-minute queue consumer on Google Cloud",
        "containers",
        "Event-driven Cloud Run functions stop at 9 minutes; 20 minutes needs a container job.",
        JOB,
        cloud="gcp",
        triggers=["queue"],
        max_duration_minutes=20,
        monthly_requests=3_000,
        knockouts={"job-over-function-limit"},
    ),
    case(
        "30-minute HTTP-started report on Google Cloud",
        "serverless",
        "HTTP Cloud Run functions may run an hour, so the AWS limit must not rule this out.",
        JOB,
        cloud="gcp",
        triggers=["http"],
        max_duration_minutes=30,
        monthly_requests=300,
    ),
    case(
        "API whose requests take five minutes on Azure",
        "containers",
        "The Azure front end cuts an HTTP response at 230 seconds; five-minute requests need another host.",
        cloud="azure",
        typical_duration_ms=300_000,
        max_duration_minutes=6,
        traffic_pattern="spiky",
        monthly_requests=20_000,
        peak_rps=5,
        knockouts={"response-over-http-limit"},
    ),
    case(
        "API taking 50 MB uploads through its handlers",
        "containers",
        "Bodies far past Lambda's 6 MB synchronous cap cannot pass through a function call as answered.",
        payload_mb=50,
        traffic_pattern="spiky",
        monthly_requests=100_000,
        peak_rps=10,
        knockouts={"payload-over-limit"},
    ),
    case(
        "GPU image-generation API, spiky",
        "containers",
        "No function platform offers GPUs.",
        gpu=True,
        traffic_pattern="spiky",
        monthly_requests=200_000,
        peak_rps=20,
        memory_mb=16_384,
        typical_duration_ms=4_000,
        knockouts={"gpu-required"},
    ),
    # -- Connections (class 5): a strong penalty where a managed gateway exists.
    case(
        "simple chat fan-out for a small team on AWS",
        "serverless",
        "API Gateway WebSocket APIs handle simple broadcast; a tiny spiky load and no ops staff tip it.",
        state="connections",
        traffic_pattern="spiky",
        monthly_requests=400_000,
        peak_rps=150,
        runtime="node",
        ops_capacity="none",
        container_experience="none",
        confidence={"low", "medium"},
    ),
    case(
        "the same chat on Google Cloud",
        "containers",
        "Google Cloud has no managed WebSocket gateway for functions; Cloud Run holds the sockets.",
        state="connections",
        traffic_pattern="spiky",
        monthly_requests=400_000,
        peak_rps=150,
        runtime="node",
        ops_capacity="none",
        container_experience="none",
        cloud="gcp",
        knockouts={"long-lived-connections"},
    ),
    case(
        "live collaboration with WebSockets run by a platform team",
        "containers",
        "Held-open sessions with a team that already runs containers belong on servers.",
        state="connections",
        traffic_pattern="steady",
        monthly_requests=50_000_000,
        peak_rps=40,
        ops_capacity="platform_team",
        container_experience="strong",
    ),
    # -- Real hybrids: two parts with different needs (class 2) and monoliths (class 3).
    case(
        "steady API on the cluster with uploads and schedules",
        "hybrid",
        "The busy API stays on the existing cluster; uploads and timed jobs are bursty side work for functions.",
        traffic_pattern="steady",
        monthly_requests=200_000_000,
        peak_rps=120,
        latency_target="under_200ms",
        triggers=["http", "file_upload", "schedule"],
        ops_capacity="platform_team",
        container_experience="strong",
        existing_platform="kubernetes",
        placement={"service": "containers", "events": "functions"},
        patterns={"hybrid-split", "container-service", "file-processing"},
        absent={"api-backend", "ignoring-cold-starts"},
    ),
    case(
        "the same API with only a queue beside it",
        "containers",
        "Queue workers next to a busy containerised API run on the same cluster; a second model buys nothing.",
        traffic_pattern="steady",
        monthly_requests=200_000_000,
        peak_rps=120,
        latency_target="under_200ms",
        triggers=["http", "queue"],
        ops_capacity="platform_team",
        container_experience="strong",
        existing_platform="kubernetes",
    ),
    case(
        "spiky API with a two-hour nightly batch",
        "hybrid",
        "The bursty API suits functions; the long batch cannot run there and goes to a container task.",
        traffic_pattern="spiky",
        monthly_requests=1_000_000,
        peak_rps=100,
        triggers=["http", "schedule"],
        max_duration_minutes=120,
        workload_kind="both",
        ops_capacity="none",
        container_experience="none",
        knockouts={"job-over-function-limit"},
        placement={"service": "functions", "jobs": "containers"},
        # The batch runs on containers: no function advice about it, but the API's stays; it
        # cannot resume, so there is no chunking to advise either.
        patterns={"api-backend"},
        absent={"long-running-function", "scheduled-task", "schedule-rules", "chunked-batch"},
    ),
    case(
        "busy cluster service with a short nightly job",
        "containers",
        "A team on Kubernetes runs a ten-minute nightly job as a CronJob beside the service.",
        traffic_pattern="steady",
        monthly_requests=150_000_000,
        peak_rps=70,
        triggers=["http", "schedule"],
        max_duration_minutes=10,
        workload_kind="both",
        ops_capacity="platform_team",
        container_experience="strong",
        existing_platform="kubernetes",
    ),
    case(
        "40-route monolith leaving its servers on Azure",
        "hybrid",
        "The monolith keeps serving from a container while routes move out one by one (strangler fig).",
        cloud="azure",
        traffic_pattern="variable",
        monthly_requests=20_000_000,
        peak_rps=60,
        endpoints=40,
        starting_point="monolith_migration",
        triggers=["http", "schedule"],
        placement={"monolith": "containers", "routes": "functions"},
        patterns={"strangler-fig"},
    ),
    case(
        "small spiky monolith, nobody on operations",
        "hybrid",
        "Even where functions suit the load, a monolith moves there route by route, not lifted whole.",
        traffic_pattern="spiky",
        monthly_requests=500_000,
        peak_rps=50,
        endpoints=25,
        starting_point="monolith_migration",
        ops_capacity="none",
        container_experience="none",
        patterns={"strangler-fig"},
    ),
    case(
        "busy monolith with in-memory sessions on a platform",
        "containers",
        "Flat busy load and in-process sessions keep the whole monolith on containers; functions save nothing.",
        traffic_pattern="steady",
        monthly_requests=300_000_000,
        peak_rps=150,
        endpoints=120,
        state="in_memory",
        starting_point="monolith_migration",
        ops_capacity="platform_team",
        container_experience="strong",
    ),
    case(
        "steady .NET monolith whose users wait 200 ms",
        "containers",
        "Routes moved out would meet the same .NET cold starts the monolith is kept off functions for; they go to containers too.",
        traffic_pattern="steady",
        monthly_requests=50_000_000,
        peak_rps=80,
        utilization_percent=45,
        latency_target="under_200ms",
        runtime="dotnet",
        memory_mb=2048,
        endpoints=120,
        triggers=["http", "schedule", "queue"],
        starting_point="monolith_migration",
        existing_platform="vms",
        absent={"ignoring-cold-starts"},
    ),
    case(
        "steady globally ordered ledger consumer",
        "containers",
        "One global order means one busy consumer around the clock, which an always-on worker does best.",
        traffic_pattern="steady",
        monthly_requests=50_000_000,
        peak_rps=25,
        latency_target="async",
        user_facing=False,
        triggers=["queue"],
        ordering="global",
        typical_duration_ms=20,
    ),
    # -- Unlikely answers are flagged, not refused (class 6); answers that cannot both be true
    # are refused where they enter (test_it_refuses_answers_that_cannot_both_be_true).
    case(
        "warm capacity paid for work nobody waits on",
        "serverless",
        "Pre-warming buys nothing in the background; the advice stands but the review must say so.",
        latency_target="async",
        user_facing=False,
        prewarm_ok=True,
        traffic_pattern="spiky",
        monthly_requests=100_000,
        peak_rps=20,
        warnings={"prewarm-without-waiting"},
    ),
    case(
        "steady traffic that is idle 98% of the time",
        "serverless",
        "Steady and 2% busy cannot both be true; small volume makes functions right either way.",
        traffic_pattern="steady",
        monthly_requests=50_000,
        peak_rps=1,
        utilization_percent=2,
        ops_capacity="none",
        warnings={"steady-but-idle"},
    ),
    case(
        "a typical request longer than the longest job",
        "containers",
        "A 20-minute typical request is implausible next to a 5-minute longest job; flag it and still advise.",
        typical_duration_ms=1_200_000,
        max_duration_minutes=5,
        traffic_pattern="steady",
        monthly_requests=100_000,
        peak_rps=1,
        user_facing=False,
        latency_target="async",
        warnings={"typical-longer-than-longest"},
    ),
]


def _evaluate(framework, answers: dict[str, Any]) -> Recommendation:
    return evaluate_raw(framework, answers, with_sensitivity=False)


def test_the_table_covers_every_cloud_and_outcome():
    clouds = {c.answers["cloud"] for c in CASES}
    outcomes = {c.expected for c in CASES}

    assert len(CASES) >= 30
    assert clouds == {"aws", "azure", "gcp"}
    assert outcomes == {"serverless", "containers", "hybrid"}


@pytest.mark.parametrize("item", CASES, ids=[c.name for c in CASES])
def test_it_advises_as_a_review_board_would(framework, item: Case):
    result = _evaluate(framework, item.answers)

    summary = f"{item.name}: expected {item.expected} because {item.why}"
    assert result.recommendation == item.expected, summary
    assert item.knockouts <= {k.id for k in result.knockouts}, summary
    assert item.warnings <= {w.id for w in result.warnings}, summary
    offered = {entry.id for entry in [*result.patterns, *result.anti_patterns]}
    assert item.patterns <= offered, summary
    assert not item.absent & offered, summary
    placed = {component.id: component.placement for component in result.components}
    assert item.placement.items() <= placed.items(), summary
    assert result.confidence_label in item.confidence, summary
    assert item.headroom <= {room.measure for room in result.headroom}, summary


def test_it_refuses_answers_that_cannot_both_be_true(framework):
    # "Nobody waits" and "a person waits on the response" is a contradiction, not advice to give.
    answers = {**NEUTRAL, "latency_target": "async", "user_facing": True}

    with pytest.raises(AnswersError) as refused:
        _evaluate(framework, answers)

    assert [(p.question, p.kind) for p in refused.value.problems] == [("user_facing", "conflict")]
    assert str(refused.value).startswith("user_facing: is true, but latency_target is async")
    assert _evaluate(framework, {**answers, "user_facing": False}).recommendation
