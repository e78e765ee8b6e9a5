"""The monthly cost model: functions against containers for one workload.

Pure Python. Every price comes from the framework's pricing data; this module only holds the
arithmetic and the sizing assumptions, each of which is stated in the result.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, replace

from pydantic import BaseModel, ConfigDict

from advisor.framework.schema import Instance, Pricing

SECONDS_PER_MONTH = 30 * 24 * 3600
MILLION = 1_000_000
LAMBDA_MIN_MB = 128
LAMBDA_MAX_MB = 10_240
CROSSOVER_RANGE = (1_000.0, 1e12)
CROSSOVER_STEPS_PER_DECADE = 6
CROSSOVER_BISECTIONS = 16
SERIES_DECADES = range(3, 12)  # 1K to 100B requests a month, for the crossover chart


@dataclass(frozen=True, slots=True)
class Workload:
    monthly_requests: float
    duration_ms: float
    memory_mb: float
    peak_rps: float
    traffic_pattern: str
    http: bool  # fronted by an HTTP endpoint, so a gateway or load balancer is billed
    free_tier: bool = False
    gpu: bool = False  # Fargate runs no GPUs, so it cannot carry this workload

    @property
    def avg_rps(self) -> float:
        return self.monthly_requests / SECONDS_PER_MONTH

    def peak(self, pricing: Pricing) -> float:
        """The peak rate; when none is known, the average times the traffic pattern's ratio."""
        if self.peak_rps > 0:
            return max(self.peak_rps, self.avg_rps)
        return self.avg_rps * self.peak_ratio(pricing)

    def peak_ratio(self, pricing: Pricing) -> float:
        if self.peak_rps > 0 and self.avg_rps > 0:
            return max(1.0, self.peak_rps / self.avg_rps)
        return pricing.peak_to_average.get(self.traffic_pattern, 1.0)

    def at_volume(self, monthly_requests: float, pricing: Pricing) -> Workload:
        """The same workload shape (duration, memory, peak-to-average) at another volume."""
        ratio = self.peak_ratio(pricing)
        peak = monthly_requests / SECONDS_PER_MONTH * ratio
        return replace(self, monthly_requests=monthly_requests, peak_rps=peak)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CostLine(_Frozen):
    item: str
    quantity: float
    unit: str
    unit_price: float
    amount: float


class CostOption(_Frozen):
    id: str
    name: str
    model: str  # "functions" or "containers"
    monthly: float
    lines: list[CostLine]
    sizing: str


class SeriesPoint(_Frozen):
    monthly_requests: float
    functions: float
    containers: float


class PricingSource(_Frozen):
    region: str
    currency: str
    source: str
    as_of: str


class CostComparison(_Frozen):
    monthly_requests: float
    free_tier: bool
    options: list[CostOption]
    cheapest: str
    cheapest_functions: str
    cheapest_containers: str
    # Monthly volume at which the cheapest container option overtakes the cheapest function
    # option for this workload's shape; None when that does not happen in the modelled range.
    crossover_monthly_requests: float | None
    series: list[SeriesPoint]
    assumptions: list[str]
    pricing: PricingSource
    # Options that cannot carry this workload (option id -> the short reason shown beside
    # them): still priced, for comparison, but never called the cheapest.
    ruled_out: dict[str, str] = {}

    def option(self, option_id: str) -> CostOption:
        for option in self.options:
            if option.id == option_id:
                return option
        raise KeyError(option_id)

    @property
    def rows(self) -> list[tuple[CostOption, str]]:
        """Each option with what the table says beside it: why it is ruled out, "cheapest",
        or nothing."""
        return [
            (
                option,
                self.ruled_out.get(option.id) or ("cheapest" if option.id == self.cheapest else ""),
            )
            for option in self.options
        ]

    @property
    def crossover_sentence(self) -> str:
        """Where containers overtake functions for this shape, in words, for every renderer."""
        if self.crossover_monthly_requests is None:
            text = (
                "For a workload of this shape, functions stay cheaper than containers across "
                "the modelled range."
            )
        else:
            text = (
                "For a workload of this shape, containers become cheaper than functions from "
                f"about {_in_words(self.crossover_monthly_requests)} requests a month."
            )
        functions = {option.id for option in self.options if option.model == "functions"}
        if functions and functions <= self.ruled_out.keys():
            text += " Functions are ruled out here, so this only shows what the limit costs."
        return text

    @property
    def ruled_out_note(self) -> str:
        """A sentence for under the table when an option cannot carry the workload, else ""."""
        if not self.ruled_out:
            return ""
        names = [option.name for option in self.options if option.id in self.ruled_out]
        return (
            f"Not possible for this workload: {', '.join(names)}. They are priced for "
            "comparison only and never marked the cheapest."
        )


def _in_words(volume: float) -> str:
    """A volume to three significant figures, large ones in words: "4.04 million"."""
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if volume >= size:
            return f"{volume / size:.3g} {word}"
    return f"{float(f'{volume:.3g}'):,.0f}"


# The crossover search prices a workload dozens of times, so the arithmetic works on plain
# dataclasses and only the final answer becomes pydantic models.
@dataclass(frozen=True, slots=True)
class _Line:
    item: str
    quantity: float
    unit: str
    unit_price: float

    @property
    def amount(self) -> float:
        return self.quantity * self.unit_price


@dataclass(frozen=True, slots=True)
class _Option:
    id: str
    name: str
    model: str
    lines: list[_Line]
    sizing: str
    monthly: float


def _line(item: str, quantity: float, unit: str, unit_price: float) -> _Line:
    return _Line(item, quantity, unit, unit_price)


def _lambda_memory_gb(workload: Workload) -> float:
    return min(max(workload.memory_mb, LAMBDA_MIN_MB), LAMBDA_MAX_MB) / 1024


def _function_lines(workload: Workload, pricing: Pricing) -> list[_Line]:
    seconds = workload.monthly_requests * workload.duration_ms / 1000
    gb_seconds = seconds * _lambda_memory_gb(workload)
    requests = workload.monthly_requests
    if workload.free_tier:
        gb_seconds = max(0.0, gb_seconds - pricing.lambda_free_gb_seconds.value)
        requests = max(0.0, requests - pricing.lambda_free_requests.value)
    return [
        _line("Function compute", gb_seconds, "GB-s", pricing.lambda_gb_second.value),
        _line(
            "Function requests",
            requests / MILLION,
            "million requests",
            pricing.lambda_per_million_requests.value,
        ),
    ]


def _alb_lines(workload: Workload, pricing: Pricing) -> list[_Line]:
    hours = pricing.hours_per_month
    lcus = workload.avg_rps / pricing.alb_new_connections_per_lcu.value
    return [
        _line("Load balancer hours", hours, "hours", pricing.alb_hourly.value),
        _line("Load balancer capacity", lcus * hours, "LCU-hours", pricing.alb_lcu_hourly.value),
    ]


def _fargate_size(workload: Workload, pricing: Pricing) -> tuple[float, float]:
    """vCPU and GB for a fleet that scales with load, sized on the average with headroom."""
    concurrency = workload.avg_rps * workload.duration_ms / 1000
    per_vcpu = pricing.concurrent_requests_per_vcpu.value * pricing.target_utilization.value
    step = pricing.fargate_min_vcpu.value
    vcpu = max(step, math.ceil(concurrency / per_vcpu / step) * step)
    memory = max(vcpu * pricing.fargate_gb_per_vcpu.value, workload.memory_mb / 1024)
    return vcpu, memory


def _ec2_fleet(workload: Workload, pricing: Pricing, reserved: bool) -> tuple[Instance, int]:
    """The cheapest fleet of one instance type that carries the peak; VMs do not scale in time."""
    concurrency = workload.peak(pricing) * workload.duration_ms / 1000
    per_vcpu = pricing.concurrent_requests_per_vcpu.value * pricing.target_utilization.value
    vcpu_needed = concurrency / per_vcpu
    memory_needed = workload.memory_mb / 1024
    best: tuple[float, Instance, int] | None = None
    for instance in pricing.ec2_instances:
        if instance.memory_gb < memory_needed:
            continue
        count = max(1, math.ceil(vcpu_needed / instance.vcpu))
        hourly = instance.reserved_hourly if reserved else instance.on_demand_hourly
        if best is None or count * hourly < best[0]:
            best = (count * hourly, instance, count)
    if best is None:  # memory beyond the largest type: use enough of the largest
        instance = max(pricing.ec2_instances, key=lambda i: i.memory_gb)
        count = max(
            math.ceil(memory_needed / instance.memory_gb),
            math.ceil(vcpu_needed / instance.vcpu),
        )
        return instance, count
    return best[1], best[2]


def _options(workload: Workload, pricing: Pricing) -> list[_Option]:
    hours = pricing.hours_per_month
    functions = _function_lines(workload, pricing)
    millions = workload.monthly_requests / MILLION
    options: list[_Option] = []

    def add(option_id: str, name: str, model: str, lines: list[_Line], sizing: str) -> None:
        total = sum(line.amount for line in lines)
        options.append(_Option(option_id, name, model, lines, sizing, total))

    memory = f"{_lambda_memory_gb(workload) * 1024:.0f} MB functions"
    if workload.http:
        rest_price = pricing.api_gateway_rest_per_million.value
        http_price = pricing.api_gateway_http_per_million.value
        rest = _line("API Gateway REST calls", millions, "million calls", rest_price)
        http = _line("API Gateway HTTP API calls", millions, "million calls", http_price)
        alb = _alb_lines(workload, pricing)
        add(
            "functions_rest_api",
            "Functions + API Gateway (REST)",
            "functions",
            [*functions, rest],
            memory,
        )
        add(
            "functions_http_api",
            "Functions + API Gateway (HTTP API)",
            "functions",
            [*functions, http],
            memory,
        )
        add("functions_alb", "Functions + load balancer", "functions", [*functions, *alb], memory)
    else:
        add("functions_events", "Functions on event triggers", "functions", functions, memory)

    front = _alb_lines(workload, pricing) if workload.http else []
    vcpu, gb = _fargate_size(workload, pricing)
    fargate = [
        _line("Fargate vCPU", vcpu * hours, "vCPU-hours", pricing.fargate_vcpu_hourly.value),
        _line("Fargate memory", gb * hours, "GB-hours", pricing.fargate_gb_hourly.value),
    ]
    sizing = f"{vcpu:g} vCPU, {gb:g} GB"
    add("fargate", "Fargate containers", "containers", [*fargate, *front], sizing)
    for reserved in (False, True):
        instance, count = _ec2_fleet(workload, pricing, reserved)
        hourly = instance.reserved_hourly if reserved else instance.on_demand_hourly
        kind = "reserved" if reserved else "on-demand"
        lines = [_line(f"EC2 {instance.name} ({kind})", count * hours, "instance-hours", hourly)]
        add(
            f"ec2_{'reserved' if reserved else 'on_demand'}",
            f"EC2 {kind}",
            "containers",
            [*lines, *front],
            f"{count} x {instance.name}",
        )
    return options


def _platform_gap(option: _Option, workload: Workload) -> str:
    """Why this option's platform cannot run the workload at all, or ""."""
    if workload.gpu and option.id == "fargate":
        return "no GPUs"
    return ""


def _cheapest(options: list[_Option], workload: Workload, model: str | None = None) -> _Option:
    """The cheapest option (of one family) whose platform can run the workload."""
    pool = [option for option in options if model is None or option.model == model]
    runnable = [option for option in pool if not _platform_gap(option, workload)] or pool
    return min(runnable, key=lambda option: option.monthly)


def _gap(workload: Workload, pricing: Pricing) -> tuple[float, float, float]:
    """(cheapest functions, cheapest containers, functions minus containers) at this volume."""
    options = _options(workload, pricing)
    functions = _cheapest(options, workload, "functions").monthly
    containers = _cheapest(options, workload, "containers").monthly
    return functions, containers, functions - containers


def _crossover(workload: Workload, pricing: Pricing) -> float | None:
    """The volume from which on containers stay cheaper than functions, for this shape.

    Container cost rises in whole instances, so near the crossing the two can swap places more
    than once; the answer is the last swap, found on a log grid and refined by bisection.
    """
    low, high = CROSSOVER_RANGE
    steps = int(round(math.log10(high / low) * CROSSOVER_STEPS_PER_DECADE))
    volumes = [low * 10 ** (step / CROSSOVER_STEPS_PER_DECADE) for step in range(steps + 1)]
    containers_cheaper = [_gap(workload.at_volume(v, pricing), pricing)[2] > 0 for v in volumes]
    if not containers_cheaper[-1]:
        return None
    last_functions = max(
        (index for index, cheaper in enumerate(containers_cheaper) if not cheaper), default=None
    )
    if last_functions is None:
        return low
    below, above = volumes[last_functions], volumes[last_functions + 1]
    for _ in range(CROSSOVER_BISECTIONS):
        middle = math.sqrt(below * above)
        if _gap(workload.at_volume(middle, pricing), pricing)[2] > 0:
            above = middle
        else:
            below = middle
    return above


def _assumptions(workload: Workload, pricing: Pricing) -> list[str]:
    per_vcpu = pricing.concurrent_requests_per_vcpu.value
    target = pricing.target_utilization.value
    items = [
        f"Prices: {pricing.region}, {pricing.currency}, {pricing.source}, as of {pricing.as_of}.",
        *(
            [
                "The workload needs a GPU: Fargate runs none, and EC2 is priced here on "
                "general-purpose instances; the GPU instances it needs cost several times more."
            ]
            if workload.gpu
            else []
        ),
        f"A month is {pricing.hours_per_month:g} hours; requests are spread over 30 days.",
        f"Each request runs {workload.duration_ms:g} ms with "
        f"{_lambda_memory_gb(workload) * 1024:.0f} MB of function memory "
        f"(clamped to {LAMBDA_MIN_MB} MB - {LAMBDA_MAX_MB:,} MB).",
        (
            f"Free tier deducted ({pricing.lambda_free_requests.value:,.0f} requests and "
            f"{pricing.lambda_free_gb_seconds.value:,.0f} GB-s a month)."
            if workload.free_tier
            else "Free tier not deducted (it is shared by every function in an account)."
        ),
        f"One vCPU serves {per_vcpu:g} requests at once and is scaled out at {target:.0%} busy.",
        "Fargate scales with load, so its cost follows the average rate; "
        f"tasks come in steps of {pricing.fargate_min_vcpu.value:g} vCPU with "
        f"{pricing.fargate_gb_per_vcpu.value:g} GB per vCPU.",
        "EC2 is sized for the peak on one instance type, with no spare for redundancy; "
        "reserved means a one-year commitment with no upfront payment.",
        "Data transfer, logs, storage and databases are left out: they cost the same either way "
        "or depend on choices this model does not know.",
    ]
    if workload.http:
        items.append(
            "HTTP workloads pay for a front door: API Gateway or a load balancer for functions, "
            "a load balancer for containers; load-balancer capacity assumes one new connection "
            f"per request and {pricing.alb_new_connections_per_lcu.value:g} per second per LCU."
        )
    else:
        items.append("No HTTP front door: events reach the functions or containers directly.")
    return items


def _public(option: _Option) -> CostOption:
    return CostOption(
        id=option.id,
        name=option.name,
        model=option.model,
        monthly=option.monthly,
        sizing=option.sizing,
        lines=[
            CostLine(
                item=line.item,
                quantity=line.quantity,
                unit=line.unit,
                unit_price=line.unit_price,
                amount=line.amount,
            )
            for line in option.lines
        ],
    )


def compare_costs(
    workload: Workload, pricing: Pricing, ruled_out: Collection[str] = ()
) -> CostComparison:
    """Every option priced. `ruled_out` names families ("functions", "containers") a hard
    limit excludes; with a GPU, Fargate is excluded too. Neither is ever called the cheapest."""
    options = _options(workload, pricing)
    unfit: dict[str, str] = {}
    for option in options:
        reason = "ruled out" if option.model in ruled_out else _platform_gap(option, workload)
        if reason:
            unfit[option.id] = reason
    viable = [option for option in options if option.id not in unfit] or options
    series = []
    for decade in SERIES_DECADES:
        functions, containers, _ = _gap(workload.at_volume(10.0**decade, pricing), pricing)
        series.append(
            SeriesPoint(monthly_requests=10.0**decade, functions=functions, containers=containers)
        )
    return CostComparison(
        monthly_requests=workload.monthly_requests,
        free_tier=workload.free_tier,
        options=[_public(option) for option in options],
        cheapest=_cheapest(viable, workload).id,
        cheapest_functions=_cheapest(options, workload, "functions").id,
        cheapest_containers=_cheapest(options, workload, "containers").id,
        crossover_monthly_requests=_crossover(workload, pricing),
        ruled_out=unfit,
        series=series,
        assumptions=_assumptions(workload, pricing),
        pricing=PricingSource(
            region=pricing.region,
            currency=pricing.currency,
            source=pricing.source,
            as_of=pricing.as_of,
        ),
    )
