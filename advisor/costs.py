"""The monthly cost model: functions against containers for one workload, on one cloud.

Pure Python. Every price comes from the chosen cloud's price sheet and every sizing assumption
from the framework's `cost_model`; this module holds the arithmetic, and the result states each
assumption it made.

Services are priced as services (capacity for the peak, or active time on platforms that scale
to zero) and jobs as jobs (their runs). One sizing rule serves every container option: the
peak rate, the same target utilisation, valid platform sizes only, at least two tasks or
instances for a user-facing service, and function memory translated into the vCPU it buys.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace

from pydantic import BaseModel, ConfigDict

from advisor.framework.schema import (
    CloudPrices,
    ContainerPrices,
    CostModel,
    FunctionPrices,
    Instance,
    Price,
    Size,
    Tier,
)

# One month for volume and capacity alike: the price sheets' 730 hours (a year over twelve).
SECONDS_PER_MONTH = 730 * 3600
MILLION = 1_000_000
CROSSOVER_RANGE = (1_000.0, 1e12)
CROSSOVER_STEPS_PER_DECADE = 2
CROSSOVER_BISECTIONS = 7  # the grid step is half a decade: to within 1%
SERIES_DECADES = range(3, 12)  # 1K to 100B a month, for the crossover chart
FUNCTIONS, CONTAINERS, HYBRID = "functions", "containers", "hybrid"


@dataclass(frozen=True, slots=True)
class Workload:
    monthly_requests: float  # requests or events a month; for a job, its runs
    duration_ms: float  # one request, or one run of a job
    memory_mb: float
    peak_rps: float
    traffic_pattern: str
    http: bool  # fronted by an HTTP endpoint, so a gateway or load balancer is billed
    free_tier: bool = False
    gpu: bool = False
    kind: str = "service"  # service, job, or both (a service plus jobs of its own)
    user_facing: bool = False
    cpu_bound: bool = False
    job_minutes: float = 0.0  # the longest job, for the jobs of a service with jobs
    disk_gb: float = 0.0
    connections: bool = False  # held-open connections through a WebSocket gateway
    prewarm: bool = False  # pre-warmed function capacity is part of the design
    # Instances must stay warm (strict latency, state or connections held in the process), so
    # a platform that scales to zero keeps its fleet running all month.
    warm: bool = False
    # Nobody waits: a queue absorbs the peaks, so capacity follows the average rate.
    queued: bool = False
    # A hybrid's placement: (core model, other model, other part's kind), or None.
    split: tuple[str, str, str] | None = None

    @property
    def avg_rps(self) -> float:
        return self.monthly_requests / SECONDS_PER_MONTH

    @property
    def seconds(self) -> float:
        return self.duration_ms / 1000

    def peak_ratio(self, model: CostModel) -> float:
        if self.peak_rps > 0 and self.avg_rps > 0:
            return max(1.0, self.peak_rps / self.avg_rps)
        return model.peak_to_average.get(self.traffic_pattern, 1.0)

    def peak(self, model: CostModel) -> float:
        if self.peak_rps > 0:
            return max(self.peak_rps, self.avg_rps)
        return self.avg_rps * self.peak_ratio(model)

    def at_volume(self, monthly_requests: float, model: CostModel) -> Workload:
        """The same shape (duration, memory, peak over average) at another volume."""
        peak = monthly_requests / SECONDS_PER_MONTH * self.peak_ratio(model)
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
    model: str  # functions, containers or hybrid
    monthly: float
    lines: list[CostLine]
    sizing: str
    instances: int = 0  # tasks or instances kept for the peak (0: none always on)


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
    cloud: str = "aws"
    price_sheet: str = ""  # the price book's version
    kind: str = "service"
    # Figures to treat with care, such as a fleet past the model's bound.
    warnings: list[str] = []
    # The option that prices the recommended design, and the cheapest that follows another
    # model ("" when none can run the workload), set by the engine once it has decided.
    recommended: str = ""
    alternative: str = ""

    def with_recommendation(self, model: str) -> CostComparison:
        """This comparison with the recommended design (functions, containers or hybrid) and
        its cheapest alternative on another model marked."""
        viable = [o for o in self.options if o.id not in self.ruled_out]
        own = [o for o in viable if o.model == model]
        # Containers are priced on the managed service the recommendation names, when it can.
        named = [o for o in own if o.id == "containers"] if model == CONTAINERS else []
        chosen = (named or sorted(own, key=lambda o: o.monthly))[:1]
        others = [o for o in viable if o.model not in (model, HYBRID)] or [
            o for o in viable if chosen and o.id != chosen[0].id
        ]
        return self.model_copy(
            update={
                "recommended": chosen[0].id if chosen else "",
                "alternative": min(others, key=lambda o: o.monthly).id if others else "",
            }
        )

    def option(self, option_id: str) -> CostOption:
        found = self._option_or_none(option_id)
        if found is None:
            raise KeyError(option_id)
        return found

    def _option_or_none(self, option_id: str) -> CostOption | None:
        return next((option for option in self.options if option.id == option_id), None)

    @property
    def recommended_option(self) -> CostOption | None:
        """The recommended design's option; None when none (or one no longer listed) is named."""
        return self._option_or_none(self.recommended)

    @property
    def alternative_option(self) -> CostOption | None:
        return self._option_or_none(self.alternative)

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
        what = "runs" if self.kind == "job" else "requests"
        functions = {option.id for option in self.options if option.model == FUNCTIONS}
        if functions and functions <= self.ruled_out.keys():
            return (
                "Functions cannot run this workload, so there is no crossover; their figures "
                "only show what the limit costs."
            )
        crossover = self.crossover_monthly_requests
        if crossover is not None and crossover <= CROSSOVER_RANGE[0]:
            return (
                "For a workload of this shape, containers are cheaper than functions across the "
                "modelled range."
            )
        if crossover is None:
            return (
                "For a workload of this shape, functions stay cheaper than containers across "
                "the modelled range."
            )
        return (
            "For a workload of this shape, containers become cheaper than functions from "
            f"about {in_words(crossover)} {what} a month."
        )

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


def in_words(volume: float) -> str:
    """A volume to three significant figures, large ones in words: "4.04 million"."""
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if volume >= size:
            return f"{volume / size:.3g} {word}"
    return f"{float(f'{volume:.3g}'):,.0f}"


# The crossover search prices a workload dozens of times, so the arithmetic works on plain
# slotted dataclasses and only the final answer becomes pydantic models.
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
    gap: str = ""  # why this platform cannot run the workload at all, or ""
    fleet: int = 0  # tasks or instances it needs, for the fleet warning

    @property
    def monthly(self) -> float:
        return sum(line.amount for line in self.lines)


@dataclass(frozen=True, slots=True)
class _Context:
    prices: CloudPrices
    model: CostModel


def _tiered(item: str, millions: float, tiers: list[Tier], unit: str) -> list[_Line]:
    """One line per volume band a tiered price reaches."""
    lines: list[_Line] = []
    below = 0.0
    for tier in tiers:
        top = tier.up_to_millions if tier.up_to_millions is not None else math.inf
        share = max(0.0, min(millions, top) - below)
        if share > 0 or not lines:
            band = "" if len(tiers) == 1 else f" ({_band(below, top)})"
            lines.append(_Line(f"{item}{band}", share, unit, tier.per_million))
        below = top
        if millions <= top:
            break
    return lines


def _band(below: float, top: float) -> str:
    if top == math.inf:
        return f"past {below:,.0f} million"
    return f"up to {top:,.0f} million" if below == 0 else f"{below:,.0f}-{top:,.0f} million"


# -- functions -------------------------------------------------------------------------------


def function_memory_mb(functions: FunctionPrices, memory_mb: float) -> float:
    """The memory a function is given: within the plan's range, on one of its sizes if any."""
    wanted = min(max(memory_mb, functions.min_memory_mb), functions.max_memory_mb)
    for size in sorted(functions.memory_sizes_mb):
        if size >= wanted:
            return size
    return wanted


def function_vcpu(functions: FunctionPrices, memory_mb: float) -> float:
    """The vCPU a function of this memory gets: the plan's pairing, or its memory ratio."""
    paired = functions.vcpu_by_memory_mb.get(int(memory_mb))
    return paired if paired is not None else memory_mb / functions.mb_per_vcpu.value


def _function_runs(
    ctx: _Context,
    work: Workload,
    runs: float,
    seconds: float,
    arch: str,
    prewarmed: bool = False,
    plan: FunctionPrices | None = None,
) -> list[_Line]:
    """Compute and requests for `runs` invocations of `seconds` each, on the cloud's main
    function plan or on `plan`."""
    functions = plan or ctx.prices.functions
    memory_gb = function_memory_mb(functions, work.memory_mb) / 1024
    gb_seconds = runs * seconds * memory_gb
    vcpu_seconds = runs * seconds * function_vcpu(functions, memory_gb * 1024)
    requests = runs
    if work.free_tier and not prewarmed:
        gb_seconds = max(0.0, gb_seconds - functions.free_gb_seconds.value)
        requests = max(0.0, requests - functions.free_requests.value)
        if functions.free_vcpu_seconds is not None:
            vcpu_seconds = max(0.0, vcpu_seconds - functions.free_vcpu_seconds.value)
    rate: Price = functions.gb_second
    if prewarmed and functions.prewarm_execution_gb_second is not None:
        rate = functions.prewarm_execution_gb_second
    elif arch == "arm64" and functions.gb_second_arm64 is not None:
        rate = functions.gb_second_arm64
    lines = [_Line("Function compute", gb_seconds, "GB-s", rate.value)]
    if functions.vcpu_second is not None:
        lines.append(_Line("Function CPU", vcpu_seconds, "vCPU-s", functions.vcpu_second.value))
    lines.append(
        _Line(
            "Function requests", requests / MILLION, "million", functions.per_million_requests.value
        )
    )
    return lines


def _prewarm_lines(ctx: _Context, work: Workload) -> tuple[list[_Line], int]:
    """Pre-warmed capacity for the average concurrency, around the clock."""
    functions = ctx.prices.functions
    memory_gb = function_memory_mb(functions, work.memory_mb) / 1024
    warm = max(1, math.ceil(work.avg_rps * work.seconds))
    seconds = ctx.prices.hours_per_month * 3600
    assert functions.prewarm_gb_second is not None
    line = _Line(
        f"Pre-warmed capacity ({warm} at {memory_gb * 1024:.0f} MB)",
        warm * memory_gb * seconds,
        "GB-s",
        functions.prewarm_gb_second.value,
    )
    return [line], warm


def _front_door(ctx: _Context, work: Workload, gateway: str) -> list[_Line]:
    prices = ctx.prices
    millions = work.monthly_requests / MILLION
    if gateway == "alb":
        return _load_balancer(ctx, work)
    found = prices.gateways[gateway]
    return _tiered(f"{found.name} calls", millions, found.tiers, "million")


def _load_balancer(ctx: _Context, work: Workload) -> list[_Line]:
    balancer = ctx.prices.load_balancer
    if balancer is None or not work.http:
        return []
    hours = ctx.prices.hours_per_month
    lcus = work.avg_rps / balancer.new_connections_per_lcu.value
    return [
        _Line(f"{balancer.name} hours", hours, "hours", balancer.hourly.value),
        _Line(f"{balancer.name} capacity", lcus * hours, "LCU-hours", balancer.lcu_hourly.value),
    ]


def connected_clients(work: Workload) -> float:
    """Connections held open at once: one per message a second at the peak (stated)."""
    return max(1.0, work.peak_rps)


def _websocket_lines(ctx: _Context, work: Workload) -> list[_Line]:
    socket = ctx.prices.websocket
    assert socket is not None
    millions = work.monthly_requests / MILLION
    clients = connected_clients(work)
    if socket.unit_daily is not None:
        assert socket.connections_per_unit is not None and socket.messages_per_unit_day is not None
        units = max(1, math.ceil(clients / socket.connections_per_unit.value))
        included = units * socket.messages_per_unit_day.value * 30 / MILLION
        return [
            _Line(f"{socket.name} units", units * 30, "unit-days", socket.unit_daily.value),
            *_tiered(
                f"{socket.name} messages beyond the units'",
                max(0.0, millions - included),
                socket.message_tiers,
                "million",
            ),
        ]
    minutes = clients * SECONDS_PER_MONTH / 60
    lines = _tiered(f"{socket.name} messages", millions, socket.message_tiers, "million")
    if socket.per_million_connection_minutes is not None:
        lines.append(
            _Line(
                f"{socket.name} connection time",
                minutes / MILLION,
                "million minutes",
                socket.per_million_connection_minutes.value,
            )
        )
    return lines


def _function_options(ctx: _Context, work: Workload) -> list[_Option]:
    prices = ctx.prices
    functions = prices.functions
    memory = f"{function_memory_mb(functions, work.memory_mb):.0f} MB functions"
    if work.kind == "job":
        lines = _function_runs(ctx, work, work.monthly_requests, work.seconds, "x86")
        return [_Option("functions", f"{functions.service} runs", FUNCTIONS, lines, memory)]
    jobs = _function_job_lines(ctx, work)
    options: list[_Option] = []

    computed: dict[str, list[_Line]] = {}

    def add(option_id: str, name: str, lines: list[_Line], arch: str = "x86") -> None:
        if arch not in computed:
            computed[arch] = _function_runs(ctx, work, work.monthly_requests, work.seconds, arch)
        compute = computed[arch]
        sizing = memory if arch == "x86" else f"{memory} (arm64)"
        options.append(_Option(option_id, name, FUNCTIONS, [*compute, *lines, *jobs], sizing))

    service = functions.service
    doors = {gateway: _front_door(ctx, work, gateway) for gateway in prices.gateways}
    cheapest_door = min(doors, key=lambda g: sum(x.amount for x in doors[g])) if doors else ""
    if work.connections and prices.websocket is not None:
        add(
            "functions_websocket",
            f"{service} + {prices.websocket.name}",
            _websocket_lines(ctx, work),
        )
    elif work.http and prices.gateways:
        for gateway_id, gateway in prices.gateways.items():
            add(f"functions_{gateway_id}", f"{service} + {gateway.name}", doors[gateway_id])
        if functions.gb_second_arm64 is not None:
            add(
                "functions_arm64",
                f"{service} (arm64) + {prices.gateways[cheapest_door].name}",
                doors[cheapest_door],
                "arm64",
            )
        if prices.load_balancer is not None:
            add(
                "functions_alb",
                f"{service} + {prices.load_balancer.name}",
                _load_balancer(ctx, work),
            )
    else:
        trigger = "HTTP endpoint" if work.http else "event triggers"
        add("functions", f"{service} on {trigger}", [])
        if functions.gb_second_arm64 is not None:
            add("functions_arm64", f"{service} (arm64) on {trigger}", [], "arm64")
    other = prices.functions_other_plan
    if other is not None and not work.connections:
        compute = _function_runs(ctx, work, work.monthly_requests, work.seconds, "x86", plan=other)
        plan_memory = f"{function_memory_mb(other, work.memory_mb):.0f} MB functions"
        options.append(
            _Option(
                "functions_other_plan", other.service, FUNCTIONS, [*compute, *jobs], plan_memory
            )
        )
    if work.prewarm and functions.prewarm_gb_second is not None:
        warm, count = _prewarm_lines(ctx, work)
        compute = _function_runs(ctx, work, work.monthly_requests, work.seconds, "x86", True)
        front = doors[cheapest_door] if work.http and doors and not work.connections else []
        options.append(
            _Option(
                "functions_prewarmed",
                f"{service} with pre-warmed capacity",
                FUNCTIONS,
                [*warm, *compute, *front, *jobs],
                f"{memory}, {count} kept warm",
            )
        )
    return options


def _function_job_lines(ctx: _Context, work: Workload) -> list[_Line]:
    if work.kind != "both":
        return []
    runs = ctx.model.job_runs_per_month
    lines = _function_runs(ctx, replace(work, free_tier=False), runs, work.job_minutes * 60, "x86")
    return [replace(line, item=f"Jobs: {line.item.lower()}") for line in lines]


# -- containers and virtual machines ----------------------------------------------------------


def cpu_seconds_per_request(ctx: _Context, work: Workload) -> float:
    """vCPU-seconds one request keeps busy: a share of a core for its whole duration when
    CPU-bound (the share its function memory would buy), else a 1/N share for I/O-bound work."""
    if work.cpu_bound:
        functions = ctx.prices.functions
        share = function_vcpu(functions, function_memory_mb(functions, work.memory_mb))
        return work.seconds * min(1.0, share)
    return work.seconds / ctx.model.concurrent_requests_per_vcpu


def vcpu_needed(ctx: _Context, work: Workload, rate: float) -> float:
    return rate * cpu_seconds_per_request(ctx, work) / ctx.model.target_utilization


def sizing_rate(ctx: _Context, work: Workload) -> float:
    """The rate always-on capacity is sized for: the peak, or the average behind a queue."""
    return work.avg_rps if work.queued else work.peak(ctx.model)


def minimum_fleet(ctx: _Context, work: Workload) -> int:
    waiting = work.user_facing and work.kind != "job"
    return ctx.model.user_facing_minimum if waiting else 1


def _fitting_memory(size: Size, needed_gb: float) -> float | None:
    for memory in sorted(size.memory_gb):
        if memory >= needed_gb:
            return memory
    return None


_FITS: dict[tuple[int, float, bool], tuple[ContainerPrices, list[tuple[Size, float, float]]]] = {}


def _fitting_sizes(
    containers: ContainerPrices, memory_mb: float, arm64: bool
) -> list[tuple[Size, float, float]]:
    """Each size with room for `memory_mb`, its smallest such memory and one task's hourly
    price; the same for every volume, so the crossover search asks once."""
    key = (id(containers), memory_mb, arm64)
    hit = _FITS.get(key)
    if hit is not None and hit[0] is containers:
        return hit[1]
    vcpu_rate = containers.vcpu_hour_arm64 if arm64 else containers.vcpu_hour
    gib_rate = containers.gib_hour_arm64 if arm64 else containers.gib_hour
    assert vcpu_rate is not None and gib_rate is not None
    fits = []
    for size in containers.sizes:
        memory = _fitting_memory(size, memory_mb / 1024)
        if memory is not None:
            fits.append((size, memory, size.vcpu * vcpu_rate.value + memory * gib_rate.value))
    _FITS[key] = (containers, fits)
    return fits


def task_size(
    containers: ContainerPrices,
    work: Workload,
    vcpu: float,
    floor: int,
    arm64: bool = False,
    min_vcpu: float = 0.0,
) -> tuple[Size, float, int, float]:
    """The cheapest valid (size, memory, count) for `vcpu` of load, and its hourly cost."""
    best: tuple[float, Size, float, int] | None = None
    for size, memory, each in _fitting_sizes(containers, work.memory_mb, arm64):
        if size.vcpu < min_vcpu:
            continue
        count = max(floor, math.ceil(vcpu / size.vcpu - 1e-9))
        hourly = count * each
        if best is None or hourly < best[0] - 1e-12:
            best = (hourly, size, memory, count)
    if best is None:
        vcpu_rate = containers.vcpu_hour_arm64 if arm64 else containers.vcpu_hour
        gib_rate = containers.gib_hour_arm64 if arm64 else containers.gib_hour
        assert vcpu_rate is not None and gib_rate is not None
        needed_gb = (
            work.memory_mb / 1024
        )  # more memory than any task offers: the largest, as many as needed
        size = max(containers.sizes, key=lambda s: max(s.memory_gb))
        memory = max(size.memory_gb)
        count = max(floor, math.ceil(needed_gb / memory), math.ceil(vcpu / size.vcpu))
        hourly = count * (size.vcpu * vcpu_rate.value + memory * gib_rate.value)
        return size, memory, count, hourly
    return best[1], best[2], best[3], best[0]


_POOLS: dict[tuple[int, float, bool], tuple[list[Instance], list[tuple[Instance, float]]]] = {}


def _vm_pool(instances: list[Instance], work: Workload) -> list[tuple[Instance, float]]:
    """The instance types that fit a workload (GPU types for GPU work only, enough memory),
    each with the vCPU it sustains; the same at every volume, so asked once per shape."""
    key = (id(instances), work.memory_mb, work.gpu)
    hit = _POOLS.get(key)
    if hit is not None and hit[0] is instances:
        return hit[1]
    needed_gb = work.memory_mb / 1024
    pool = [i for i in instances if bool(i.gpu) == work.gpu] or instances
    fitting = [(i, i.vcpu * i.baseline) for i in pool if i.memory_gb >= needed_gb]
    _POOLS[key] = (instances, fitting)
    return fitting


def vm_fleet(
    instances: list[Instance], work: Workload, vcpu: float, floor: int, reserved: bool
) -> tuple[Instance, int]:
    """The cheapest fleet of one instance type for `vcpu` of load; burstable types count only
    their baseline. A GPU workload takes GPU types only, and other workloads never do."""
    best: tuple[float, Instance, int] | None = None
    for instance, sustained in _vm_pool(instances, work):
        count = max(floor, math.ceil(vcpu / sustained - 1e-9))
        hourly = count * (instance.reserved_hourly if reserved else instance.on_demand_hourly)
        if best is None or hourly < best[0] - 1e-12:
            best = (hourly, instance, count)
    if best is None:
        needed_gb = work.memory_mb / 1024
        pool = [i for i in instances if bool(i.gpu) == work.gpu] or instances
        instance = max(pool, key=lambda i: i.memory_gb)
        count = max(
            floor, math.ceil(needed_gb / instance.memory_gb), math.ceil(vcpu / instance.vcpu)
        )
        return instance, count
    return best[1], best[2]


def _container_options(ctx: _Context, work: Workload) -> list[_Option]:
    if work.kind == "job":
        return _job_container_options(ctx, work)
    prices = ctx.prices
    containers, hours = prices.containers, prices.hours_per_month
    floor = minimum_fleet(ctx, work)
    peak_vcpu = vcpu_needed(ctx, work, sizing_rate(ctx, work))
    front = _load_balancer(ctx, work)
    jobs = _container_job_lines(ctx, work)
    gap = "no GPUs" if work.gpu and not containers.gpu else ""
    options: list[_Option] = []
    if containers.billing == "running":  # billed while tasks run: sized for the peak
        for arm64 in (False, True):
            if arm64 and containers.vcpu_hour_arm64 is None:
                continue
            size, memory, count, hourly = task_size(containers, work, peak_vcpu, floor, arm64)
            arch = " (arm64)" if arm64 else ""
            vcpu_rate = containers.vcpu_hour_arm64 if arm64 else containers.vcpu_hour
            gib_rate = containers.gib_hour_arm64 if arm64 else containers.gib_hour
            assert vcpu_rate is not None and gib_rate is not None
            lines = [
                _Line(
                    f"{containers.service}{arch} vCPU",
                    count * size.vcpu * hours,
                    "vCPU-hours",
                    vcpu_rate.value,
                ),
                _Line(
                    f"{containers.service}{arch} memory",
                    count * memory * hours,
                    "GB-hours",
                    gib_rate.value,
                ),
                *_task_disk(containers, work, count, hours),
            ]
            sizing = f"{count} x {size.vcpu:g} vCPU / {memory:g} GB"
            options.append(
                _Option(
                    f"containers{'_arm64' if arm64 else ''}",
                    f"{containers.service}{arch}",
                    CONTAINERS,
                    [*lines, *front, *jobs],
                    sizing,
                    gap,
                    count,
                )
            )
    else:  # billed only while serving; GPUs need the always-on billing below
        options.append(_active_option(ctx, work, jobs, "no GPUs" if work.gpu else ""))
    if prices.always_on is not None:
        options.append(_always_on_option(ctx, work, peak_vcpu, floor, jobs))
    for reserved in (False, True):
        instance, count = vm_fleet(prices.vms.instances, work, peak_vcpu, floor, reserved)
        hourly = instance.reserved_hourly if reserved else instance.on_demand_hourly
        term = "one-year reserved" if reserved else "on-demand"
        lines = [
            _Line(
                f"{prices.vms.service} {instance.name} ({term})",
                count * hours,
                "instance-hours",
                hourly,
            ),
            *_vm_disk(ctx, work, count),
        ]
        options.append(
            _Option(
                f"vms_{'reserved' if reserved else 'on_demand'}",
                f"{prices.vms.service} {term}",
                CONTAINERS,
                [*lines, *front, *_vm_job_lines(ctx, work)],
                f"{count} x {instance.name}",
                "",
                count,
            )
        )
    return options


def _task_disk(
    containers: ContainerPrices, work: Workload, count: int, hours: float
) -> list[_Line]:
    extra = max(0.0, work.disk_gb - containers.free_disk_gb)
    if not extra or containers.disk_gb_hour is None:
        return []
    return [
        _Line(
            "Task storage beyond the included",
            count * extra * hours,
            "GB-hours",
            containers.disk_gb_hour.value,
        )
    ]


def _vm_disk(ctx: _Context, work: Workload, count: int) -> list[_Line]:
    if work.disk_gb <= 0:
        return []
    price = ctx.prices.vms.disk_gb_month
    return [_Line("Block storage", count * work.disk_gb, "GB-months", price.value)]


def _active_option(ctx: _Context, work: Workload, jobs: list[_Line], gap: str) -> _Option:
    """A platform that bills only while instances serve requests and scales to zero; a
    workload that needs warm instances keeps its sized fleet active all month instead."""
    containers = ctx.prices.containers
    if work.warm:
        fleet_vcpu = vcpu_needed(ctx, work, sizing_rate(ctx, work))
        size, memory, count, _ = task_size(containers, work, fleet_vcpu, minimum_fleet(ctx, work))
        instance_seconds = count * ctx.prices.hours_per_month * 3600
    else:
        average = vcpu_needed(ctx, work, work.avg_rps)
        size, memory, _, _ = task_size(containers, work, average, 1)
        count = 0
        instance_seconds = average / size.vcpu * SECONDS_PER_MONTH
    vcpu_seconds = instance_seconds * size.vcpu
    gib_seconds = instance_seconds * memory
    requests = work.monthly_requests
    if work.free_tier:
        vcpu_seconds = max(0.0, vcpu_seconds - _value(containers.free_vcpu_seconds))
        gib_seconds = max(0.0, gib_seconds - _value(containers.free_gib_seconds))
        requests = max(0.0, requests - _value(containers.free_requests))
    lines = [
        _Line(
            f"{containers.service} vCPU while serving",
            vcpu_seconds / 3600,
            "vCPU-hours",
            containers.vcpu_hour.value,
        ),
        _Line(
            f"{containers.service} memory while serving",
            gib_seconds / 3600,
            "GiB-hours",
            containers.gib_hour.value,
        ),
    ]
    if containers.per_million_requests is not None:
        lines.append(
            _Line(
                f"{containers.service} requests",
                requests / MILLION,
                "million",
                containers.per_million_requests.value,
            )
        )
    if work.warm:
        sizing = f"{count} x {size.vcpu:g} vCPU / {memory:g} GiB, kept warm"
        return _Option(
            "containers", containers.service, CONTAINERS, [*lines, *jobs], sizing, gap, count
        )
    peak = max(1, math.ceil(vcpu_needed(ctx, work, work.peak(ctx.model)) / size.vcpu - 1e-9))
    sizing = f"{size.vcpu:g} vCPU / {memory:g} GiB, 0-{peak} instances"
    return _Option("containers", containers.service, CONTAINERS, [*lines, *jobs], sizing, gap, peak)


def _always_on_option(
    ctx: _Context, work: Workload, peak_vcpu: float, floor: int, jobs: list[_Line]
) -> _Option:
    """The same platform billed for whole instance lifetimes, kept at the peak's count."""
    prices = ctx.prices
    always = prices.always_on
    assert always is not None
    containers, hours = prices.containers, prices.hours_per_month
    min_vcpu = 4.0 if work.gpu else 0.0
    size, memory, count, _ = task_size(containers, work, peak_vcpu, floor, min_vcpu=min_vcpu)
    if work.gpu:
        memory = max(memory, 16.0)
    lines = [
        _Line(
            f"{always.service} vCPU",
            count * size.vcpu * hours,
            "vCPU-hours",
            always.vcpu_hour.value,
        ),
        _Line(
            f"{always.service} memory", count * memory * hours, "GiB-hours", always.gib_hour.value
        ),
    ]
    if work.gpu and containers.gpu_hour is not None:
        lines.append(
            _Line("GPU (one per instance)", count * hours, "GPU-hours", containers.gpu_hour.value)
        )
    gap = "no GPUs" if work.gpu and not containers.gpu else ""
    return _Option(
        "containers_always_on",
        always.service,
        CONTAINERS,
        [*lines, *jobs],
        f"{count} x {size.vcpu:g} vCPU / {memory:g} GiB",
        gap,
        count,
    )


def _value(price: Price | None) -> float:
    return price.value if price is not None else 0.0


# -- jobs --------------------------------------------------------------------------------------


def job_vcpu(ctx: _Context, work: Workload) -> float:
    """A job task gets the CPU its function memory would buy, so it runs as fast there."""
    functions = ctx.prices.functions
    return function_vcpu(functions, function_memory_mb(functions, work.memory_mb))


def _billed_seconds(seconds: float, minimum: float) -> float:
    return max(seconds, minimum)


def _task_runs(
    ctx: _Context, work: Workload, runs: float, seconds: float, label: str
) -> tuple[list[_Line], str]:
    containers = ctx.prices.containers
    size, memory, _, _ = task_size(containers, work, 0.0, 1, min_vcpu=job_vcpu(ctx, work))
    billed = _billed_seconds(seconds, containers.minimum_billed_seconds) * runs / 3600
    lines = [
        _Line(f"{label} vCPU", billed * size.vcpu, "vCPU-hours", containers.vcpu_hour.value),
        _Line(f"{label} memory", billed * memory, "GB-hours", containers.gib_hour.value),
    ]
    return lines, f"{size.vcpu:g} vCPU / {memory:g} GB per run"


def single_vm(instances: list[Instance], work: Workload, vcpu: float) -> Instance:
    """The cheapest one instance that sustains `vcpu` with the memory a run needs."""
    needed_gb = work.memory_mb / 1024
    pool = [i for i in instances if bool(i.gpu) == work.gpu] or instances
    fitting = [i for i in pool if i.memory_gb >= needed_gb and i.vcpu * i.baseline >= vcpu - 1e-9]
    if not fitting:
        return max(pool, key=lambda i: (i.memory_gb, i.vcpu))
    return min(fitting, key=lambda i: i.on_demand_hourly)


def _vm_runs(
    ctx: _Context, work: Workload, runs: float, seconds: float, label: str
) -> tuple[list[_Line], str]:
    vms = ctx.prices.vms
    instance = single_vm(vms.instances, work, job_vcpu(ctx, work))
    billed = _billed_seconds(seconds, vms.minimum_billed_seconds) * runs / 3600
    return (
        [
            _Line(
                f"{label} {instance.name} (on-demand)",
                billed,
                "instance-hours",
                instance.on_demand_hourly,
            )
        ],
        f"one {instance.name} per run",
    )


def _job_container_options(ctx: _Context, work: Workload) -> list[_Option]:
    runs, seconds = work.monthly_requests, work.seconds
    containers, vms = ctx.prices.containers, ctx.prices.vms
    gap = "no GPUs" if work.gpu and not containers.gpu else ""
    tasks, task_sizing = _task_runs(ctx, work, runs, seconds, f"{containers.service} task")
    machine, vm_sizing = _vm_runs(ctx, work, runs, seconds, vms.service)
    return [
        _Option(
            "containers", f"{containers.service} task per run", CONTAINERS, tasks, task_sizing, gap
        ),
        _Option("vms_per_run", f"{vms.service} instance per run", CONTAINERS, machine, vm_sizing),
    ]


def _container_job_lines(ctx: _Context, work: Workload) -> list[_Line]:
    if work.kind != "both":
        return []
    label = f"Jobs: {ctx.prices.containers.service} task"
    return _task_runs(ctx, work, ctx.model.job_runs_per_month, work.job_minutes * 60, label)[0]


def _vm_job_lines(ctx: _Context, work: Workload) -> list[_Line]:
    if work.kind != "both":
        return []
    label = f"Jobs: {ctx.prices.vms.service}"
    return _vm_runs(ctx, work, ctx.model.job_runs_per_month, work.job_minutes * 60, label)[0]


# -- the comparison ------------------------------------------------------------------------------


def _options(ctx: _Context, work: Workload) -> list[_Option]:
    return [*_function_options(ctx, work), *_container_options(ctx, work)]


def _cheapest(
    options: list[_Option], unfit: Callable[[_Option], str], model: str | None = None
) -> _Option:
    """The cheapest option (of one family) that can run the workload; any, if none can."""
    pool = [option for option in options if model is None or option.model == model]
    runnable = [option for option in pool if not unfit(option)] or pool
    return min(runnable, key=lambda option: option.monthly)


def _hybrid(
    ctx: _Context, work: Workload, options: list[_Option], unfit: Callable[[_Option], str]
) -> _Option | None:
    """The core on its model at its share of the volume, the other part on the other model."""
    if work.split is None:
        return None
    core_model, other_model, other_kind = work.split
    share = ctx.model.periphery_share
    if other_kind == "jobs":
        core = replace(work, kind="service")
        other = replace(
            work,
            kind="job",
            monthly_requests=ctx.model.job_runs_per_month,
            duration_ms=work.job_minutes * 60_000,
            http=False,
            user_facing=False,
        )
    else:
        core = work.at_volume(work.monthly_requests * (1 - share), ctx.model)
        core = replace(core, peak_rps=work.peak(ctx.model) * (1 - share))
        other = replace(
            work.at_volume(work.monthly_requests * share, ctx.model),
            peak_rps=work.peak(ctx.model) * share,
            http=work.http and other_kind == "routes",
            connections=False,
        )
    first = _part_option(_options(ctx, core), unfit, core_model)
    second = _part_option(_options(ctx, other), unfit, other_model)
    lines = [
        *(replace(line, item=f"Core: {line.item}") for line in first.lines),
        *(replace(line, item=f"{other_kind.capitalize()}: {line.item}") for line in second.lines),
    ]
    return _Option(
        HYBRID,
        f"Hybrid: {first.name} with {second.name}",
        HYBRID,
        lines,
        f"core {first.sizing}; {other_kind} {second.sizing}",
        fleet=first.fleet,
    )


def _part_option(options: list[_Option], unfit: Callable[[_Option], str], model: str) -> _Option:
    """A hybrid part on the product the recommendation names: the managed container service
    for containers (when it can run the part), the cheapest function option for functions."""
    if model == CONTAINERS:
        managed = [o for o in options if o.id == "containers" and not unfit(o)]
        if managed:
            return managed[0]
    return _cheapest(options, unfit, model)


def _family_gap(options: list[_Option], unfit: Callable[[_Option], str]) -> float:
    functions = _cheapest(options, unfit, FUNCTIONS).monthly
    containers = _cheapest(options, unfit, CONTAINERS).monthly
    return functions - containers


def _crossover(
    ctx: _Context, work: Workload, unfit: Callable[[_Option], str]
) -> tuple[float | None, list[SeriesPoint]]:
    """The volume from which on containers stay cheaper than functions, and the chart's points.

    Container cost rises in whole instances, so near the crossing the two can swap places more
    than once; the answer is the last swap, found on a log grid and refined by bisection.
    """
    low, high = CROSSOVER_RANGE
    steps = int(round(math.log10(high / low) * CROSSOVER_STEPS_PER_DECADE))
    volumes = [low * 10 ** (step / CROSSOVER_STEPS_PER_DECADE) for step in range(steps + 1)]
    series: list[SeriesPoint] = []
    cheaper: list[bool] = []
    for index, volume in enumerate(volumes):
        options = _options(ctx, work.at_volume(volume, ctx.model))
        functions = _cheapest(options, unfit, FUNCTIONS).monthly
        containers = _cheapest(options, unfit, CONTAINERS).monthly
        cheaper.append(functions - containers > 0)
        if index % CROSSOVER_STEPS_PER_DECADE == 0:
            series.append(
                SeriesPoint(monthly_requests=volume, functions=functions, containers=containers)
            )
    if not cheaper[-1]:
        return None, series
    last = max((index for index, flag in enumerate(cheaper) if not flag), default=None)
    if last is None:
        return low, series
    below, above = volumes[last], volumes[last + 1]
    for _ in range(CROSSOVER_BISECTIONS):
        middle = math.sqrt(below * above)
        if _family_gap(_options(ctx, work.at_volume(middle, ctx.model)), unfit) > 0:
            above = middle
        else:
            below = middle
    return above, series


def _assumptions(ctx: _Context, work: Workload, book_version: str, currency: str) -> list[str]:
    prices, model = ctx.prices, ctx.model
    functions, containers = prices.functions, prices.containers
    memory = function_memory_mb(functions, work.memory_mb)
    items = [
        f"Prices: price sheet {book_version} for {prices.region} in {currency}, as of "
        f"{prices.as_of} ({prices.source}).",
        f"A month is {prices.hours_per_month:g} hours, for volume and capacity alike.",
        f"Functions run with {memory:.0f} MB of memory ({functions.service} allows "
        f"{functions.min_memory_mb:,.0f}-{functions.max_memory_mb:,.0f} MB), which buys "
        f"{function_vcpu(functions, memory):.2g} of a vCPU.",
        (
            "Free allowances deducted."
            if work.free_tier
            else "Free allowances not deducted (they are shared by every function in an account)."
        ),
    ]
    if work.kind == "job":
        items.append(
            f"Priced as a job: {work.monthly_requests:,.0f} runs a month of {work.seconds:,.0f} s "
            f"each; a container task or an instance exists only while a run lasts (a task is "
            f"billed for at least {containers.minimum_billed_seconds:g} s, an instance for at "
            f"least {prices.vms.minimum_billed_seconds:g} s) and gets the vCPU the function "
            "memory buys."
        )
    else:
        per_request = (
            "a CPU-bound request keeps the vCPU share its function memory buys busy for its whole "
            "duration"
            if work.cpu_bound
            else f"one vCPU serves {model.concurrent_requests_per_vcpu:g} I/O-bound requests "
            "at once"
        )
        items.append(
            f"Containers and VMs are sized for the peak ({work.peak(model):,.3g} a second) at "
            f"{model.target_utilization:.0%} busy; {per_request}. Only valid task sizes and "
            f"instance shapes are used, burstable instances count only their CPU baseline, and "
            + (
                f"a user-facing service keeps at least {model.user_facing_minimum} across zones."
                if minimum_fleet(ctx, work) > 1
                else "a service nobody waits on may run a single task or instance."
            )
        )
        if work.queued:
            items.append(
                "Nobody waits on this work, so a queue absorbs its peaks and always-on capacity "
                "is sized for the average rate instead."
            )
        if containers.billing == "active" and work.warm:
            items.append(
                f"{containers.service} could scale to zero, but this design needs warm "
                "instances (strict latency, or state or connections held in the process), so its "
                "fleet is priced active all month."
            )
        elif containers.billing == "active":
            items.append(
                f"{containers.service} bills only while instances serve and scales to zero; it "
                "is priced at the average load, with no minimum instance kept warm."
            )
    if work.kind == "both":
        items.append(
            f"The service's jobs are priced as {model.job_runs_per_month:g} runs a month of the "
            f"longest job ({work.job_minutes:g} minutes), on the same model as the service."
        )
    if work.split is not None and work.split[2] != "jobs":
        items.append(
            f"The hybrid row puts {model.periphery_share:.0%} of the volume on the "
            f"{work.split[2]} and the rest on the core."
        )
    if work.connections:
        items.append(
            "Each message is one request; clients hold one connection each, as many at once as "
            "the peak's messages a second."
        )
    if work.prewarm:
        items.append(
            "Pre-warmed capacity covers the average concurrency around the clock; bursts above it "
            "start cold."
        )
    if work.http and not prices.gateways:
        items.append(
            f"{functions.service} and {containers.service} come with HTTPS endpoints; a load "
            f"balancer in front of {prices.vms.service} is not priced."
        )
    items.append(
        "Reserved means a one-year commitment with no upfront payment. Data transfer, logs, "
        "databases and support plans are left out: they depend on choices this model does not know."
    )
    return items


def compare_costs(
    workload: Workload,
    prices: CloudPrices,
    model: CostModel,
    ruled_out: Collection[str] = (),
    *,
    book_version: str = "",
    currency: str = "USD",
    cloud: str = "aws",
) -> CostComparison:
    """Every option priced on one cloud. `ruled_out` names families ("functions",
    "containers") a hard limit excludes; a platform without GPUs is excluded for a GPU
    workload. Neither is ever called the cheapest."""
    ctx = _Context(prices, model)

    def unfit(option: _Option) -> str:
        if option.model in ruled_out:
            return "ruled out"
        return option.gap

    options = _options(ctx, workload)
    hybrid = _hybrid(ctx, workload, options, unfit)
    if hybrid is not None:
        options.append(hybrid)
    viable = [option for option in options if not unfit(option)] or options
    crossover, series = _crossover(ctx, workload, unfit)
    if all(unfit(option) for option in options if option.model == FUNCTIONS):
        crossover = None  # no crossing with an option that cannot run the workload
    warnings = [
        f"{option.name} needs {option.fleet:,} tasks or instances at the peak; past "
        f"{model.fleet_bound} the figure is an order of magnitude, not a plan."
        for option in options
        if option.fleet > model.fleet_bound
    ]
    return CostComparison(
        monthly_requests=workload.monthly_requests,
        free_tier=workload.free_tier,
        options=[_public(option) for option in options],
        cheapest=min(viable, key=lambda option: option.monthly).id,
        cheapest_functions=_cheapest(options, unfit, FUNCTIONS).id,
        cheapest_containers=_cheapest(options, unfit, CONTAINERS).id,
        crossover_monthly_requests=crossover,
        ruled_out={option.id: unfit(option) for option in options if unfit(option)},
        series=series,
        assumptions=[*warnings, *_assumptions(ctx, workload, book_version, currency)],
        pricing=PricingSource(
            region=prices.region, currency=currency, source=prices.source, as_of=prices.as_of
        ),
        cloud=cloud,
        price_sheet=book_version,
        kind=workload.kind,
        warnings=warnings,
    )


def _public(option: _Option) -> CostOption:
    return CostOption(
        id=option.id,
        name=option.name,
        model=option.model,
        monthly=option.monthly,
        sizing=option.sizing,
        instances=option.fleet,
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
