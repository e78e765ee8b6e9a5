"""The cost model, checked against tables worked out by hand from the price sheet 2026.11.30.

Each table below writes the arithmetic out, with the sheet's prices typed in as literals, so a
price change in the data shows up here as a failing figure to review rather than passing by.
Every option the model prices for the workload is listed and must land within 1%.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.costs import (
    SECONDS_PER_MONTH,
    CostComparison,
    Workload,
    compare_costs,
)
from advisor.engine import evaluate_raw
from advisor.framework import default_framework
from tests.conftest import BASE_ANSWERS

FRAMEWORK = default_framework()
MONTH_HOURS = 730
ALB_HOURS = 730 * 0.0225  # one Application Load Balancer all month: 16.425


def price(workload: Workload, cloud: str = "aws", **options: Any) -> CostComparison:
    return compare_costs(workload, FRAMEWORK.prices.clouds[cloud], FRAMEWORK.cost_model, **options)


def table(comparison: CostComparison) -> dict[str, float]:
    return {option.id: option.monthly for option in comparison.options}


def assert_table(comparison: CostComparison, expected: dict[str, float]) -> None:
    assert set(table(comparison)) == set(expected)
    for option_id, figure in expected.items():
        assert comparison.option(option_id).monthly == pytest.approx(figure, rel=0.01), option_id


def alb(avg_rps: float) -> float:
    """The load balancer: its hours plus one LCU per 25 new connections a second."""
    return ALB_HOURS + avg_rps / 25 * MONTH_HOURS * 0.008


def test_the_tables_below_were_worked_out_on_this_price_sheet():
    assert FRAMEWORK.prices.version == "2026.11.30"


# -- jobs are priced as jobs -------------------------------------------------------------------


NIGHTLY_JOB = Workload(
    monthly_requests=30,
    duration_ms=12 * 60_000,
    memory_mb=1024,
    peak_rps=1,
    traffic_pattern="spiky",
    http=False,
    kind="job",
)


def test_a_nightly_12_minute_job_costs_its_run_hours():
    # 30 runs of 720 s. Lambda: 30 x 720 s x 1 GB = 21,600 GB-s.
    # A task or an instance gets the CPU 1 GB of Lambda buys: 1024 / 1769 = 0.58 vCPU.
    # Fargate: the cheapest task with >= 0.58 vCPU and 1 GB is 1 vCPU / 2 GB; 6 hours of it.
    # EC2: the cheapest single instance sustaining 0.58 vCPU (burstables give 0.4) is
    # m7g.large at $0.0816 an hour, for the same 6 hours.
    assert_table(
        price(NIGHTLY_JOB),
        {
            "functions": 21_600 * 0.0000166667 + 30 / 1e6 * 0.20,
            "containers": 6 * 1 * 0.04048 + 6 * 2 * 0.004445,
            "vms_per_run": 6 * 0.0816,
        },
    )


def test_a_monthly_three_hour_job_is_never_a_fleet_running_all_month():
    job = replace(NIGHTLY_JOB, monthly_requests=1, duration_ms=3 * 3_600_000, memory_mb=2048)

    comparison = price(job, ruled_out=["functions"])

    # One run of 10,800 s at 2 GB; the task needs 2048 / 1769 = 1.16 vCPU: 2 vCPU / 4 GB.
    assert_table(
        comparison,
        {
            "functions": 10_800 * 2 * 0.0000166667 + 1 / 1e6 * 0.20,
            "containers": 3 * 2 * 0.04048 + 3 * 4 * 0.004445,
            "vms_per_run": 3 * 0.0816,
        },
    )
    assert comparison.cheapest == "vms_per_run"
    assert comparison.ruled_out == {"functions": "ruled out"}
    assert all(option.monthly < 1 for option in comparison.options)


# -- services ------------------------------------------------------------------------------------


SPIKY_API = Workload(
    monthly_requests=2_000_000,
    duration_ms=200,
    memory_mb=512,
    peak_rps=200,
    traffic_pattern="spiky",
    http=True,
    user_facing=True,
)


def test_a_spiky_api_sizes_every_container_option_for_its_peak():
    avg = 2_000_000 / SECONDS_PER_MONTH  # 0.77 a second
    lam = 2_000_000 * 0.2 * 0.5 * 0.0000166667 + 2 * 0.20  # 200,000 GB-s and 2M requests
    # Peak vCPU: 200 a second x 0.2 s / 4 requests per vCPU / 0.6 busy = 16.67 vCPU.
    # Fargate: every size costs the same per vCPU here, so the smallest whole-number fit wins:
    # 67 tasks of 0.25 vCPU / 0.5 GB.
    fargate = 67 * (0.25 * 0.04048 + 0.5 * 0.004445) * MONTH_HOURS
    fargate_arm = 67 * (0.25 * 0.03238 + 0.5 * 0.00356) * MONTH_HOURS
    # EC2: 42 t4g.small at their 0.4 vCPU baseline (16.67 / 0.4 = 41.7) beat 9 m7g.large.
    assert_table(
        price(SPIKY_API),
        {
            "functions_rest": lam + 2 * 3.50,
            "functions_http": lam + 2 * 1.00,
            "functions_arm64": 2_000_000 * 0.2 * 0.5 * 0.0000133334 + 2 * 0.20 + 2 * 1.00,
            "functions_alb": lam + alb(avg),
            "containers": fargate + alb(avg),
            "containers_arm64": fargate_arm + alb(avg),
            "vms_on_demand": 42 * 0.0168 * MONTH_HOURS + alb(avg),
            "vms_reserved": 42 * 0.0106 * MONTH_HOURS + alb(avg),
        },
    )


def test_a_steady_api_pays_the_gateway_by_its_volume_tiers():
    monthly = 1_500_000_000
    avg = monthly / SECONDS_PER_MONTH  # 570.8 a second over a 730-hour month
    workload = Workload(
        monthly_requests=monthly,
        duration_ms=50,
        memory_mb=256,
        peak_rps=avg * 1.3,
        traffic_pattern="steady",
        http=True,
        user_facing=True,
    )
    lam = monthly * 0.05 * 0.25 * 0.0000166667 + 1_500 * 0.20  # 18.75M GB-s
    rest = 333 * 3.50 + 667 * 2.80 + 500 * 2.38  # 1,500M calls across three REST tiers
    http = 300 * 1.00 + 1_200 * 0.90  # and two HTTP API tiers
    # Peak vCPU: 742.0 x 0.05 / 4 / 0.6 = 15.46: 62 Fargate tasks of 0.25 vCPU; on EC2,
    # 8 m7g.large (an m7g.xlarge pair costs the same; the first found is kept).
    assert_table(
        price(workload),
        {
            "functions_rest": lam + rest,
            "functions_http": lam + http,
            "functions_arm64": monthly * 0.05 * 0.25 * 0.0000133334 + 1_500 * 0.20 + http,
            "functions_alb": lam + alb(avg),
            "containers": 62 * (0.25 * 0.04048 + 0.5 * 0.004445) * MONTH_HOURS + alb(avg),
            "containers_arm64": 62 * (0.25 * 0.03238 + 0.5 * 0.00356) * MONTH_HOURS + alb(avg),
            "vms_on_demand": 8 * 0.0816 * MONTH_HOURS + alb(avg),
            "vms_reserved": 8 * 0.0514 * MONTH_HOURS + alb(avg),
        },
    )
    # Without the tiers the REST gateway alone would be 1,500 x 3.50 = 5,250, 24% more.
    assert rest < 1_500 * 3.50 * 0.81


def test_a_gpu_service_is_priced_on_gpu_instances_only():
    workload = Workload(
        monthly_requests=100_000,
        duration_ms=2_000,
        memory_mb=16_384,
        peak_rps=5,
        traffic_pattern="spiky",
        http=True,
        gpu=True,
        user_facing=True,
    )
    avg = 100_000 / SECONDS_PER_MONTH
    lam_gb_s = 100_000 * 2 * 10  # memory clamps to Lambda's 10,240 MB
    # Peak vCPU: 5 x 2 / 4 / 0.6 = 4.17. Fargate (no GPUs, priced for comparison): 16 GB
    # needs 2 vCPU or more; 3 tasks of 2 vCPU / 16 GB are cheapest. EC2: 2 g6.xlarge.
    comparison = price(workload, ruled_out=["functions"])
    assert_table(
        comparison,
        {
            "functions_rest": lam_gb_s * 0.0000166667 + 0.1 * 0.20 + 0.1 * 3.50,
            "functions_http": lam_gb_s * 0.0000166667 + 0.1 * 0.20 + 0.1 * 1.00,
            "functions_arm64": lam_gb_s * 0.0000133334 + 0.1 * 0.20 + 0.1 * 1.00,
            "functions_alb": lam_gb_s * 0.0000166667 + 0.1 * 0.20 + alb(avg),
            "containers": 3 * (2 * 0.04048 + 16 * 0.004445) * MONTH_HOURS + alb(avg),
            "containers_arm64": 3 * (2 * 0.03238 + 16 * 0.00356) * MONTH_HOURS + alb(avg),
            "vms_on_demand": 2 * 0.8048 * MONTH_HOURS + alb(avg),
            "vms_reserved": 2 * 0.507 * MONTH_HOURS + alb(avg),
        },
    )
    assert comparison.cheapest == "vms_reserved"
    assert comparison.ruled_out["containers"] == "no GPUs"
    assert "g6.xlarge" in comparison.option("vms_on_demand").sizing


def test_a_websocket_service_pays_messages_and_connection_minutes():
    workload = Workload(
        monthly_requests=10_000_000,
        duration_ms=50,
        memory_mb=512,
        peak_rps=100,
        traffic_pattern="variable",
        http=True,
        user_facing=True,
        connections=True,
    )
    avg = 10_000_000 / SECONDS_PER_MONTH
    # 100 clients connected all month: 100 x 43,800 minutes = 4.38M connection-minutes.
    socket = 10 * 1.00 + 4.38 * 0.25
    # Peak vCPU: 100 x 0.05 / 4 / 0.6 = 2.08: 9 Fargate tasks of 0.25; 6 t4g.small.
    assert_table(
        price(workload),
        {
            "functions_websocket": 10_000_000 * 0.05 * 0.5 * 0.0000166667 + 10 * 0.20 + socket,
            "containers": 9 * (0.25 * 0.04048 + 0.5 * 0.004445) * MONTH_HOURS + alb(avg),
            "containers_arm64": 9 * (0.25 * 0.03238 + 0.5 * 0.00356) * MONTH_HOURS + alb(avg),
            "vms_on_demand": 6 * 0.0168 * MONTH_HOURS + alb(avg),
            "vms_reserved": 6 * 0.0106 * MONTH_HOURS + alb(avg),
        },
    )


def test_a_hybrid_row_prices_each_part_on_its_own_model():
    workload = Workload(
        monthly_requests=1_000_000,
        duration_ms=200,
        memory_mb=512,
        peak_rps=100,
        traffic_pattern="spiky",
        http=True,
        user_facing=True,
        kind="both",
        job_minutes=120,
        split=("functions", "containers", "jobs"),
    )
    avg = 1_000_000 / SECONDS_PER_MONTH
    # The jobs: 30 runs a month of the 120-minute job, 60 hours in all.
    jobs_on_functions = 30 * 7_200 * 0.5 * 0.0000166667 + 30 / 1e6 * 0.20
    jobs_on_fargate = 60 * 0.5 * 0.04048 + 60 * 1 * 0.004445  # 512 MB buys 0.29 vCPU: 0.5 / 1
    jobs_on_ec2 = 60 * 0.0168  # one t4g.small sustains 0.4 vCPU
    lam = 1_000_000 * 0.2 * 0.5 * 0.0000166667 + 1 * 0.20
    # Peak vCPU 100 x 0.05 / 0.6 = 8.33: 34 Fargate tasks of 0.25; 21 t4g.small.
    comparison = price(workload)
    assert_table(
        comparison,
        {
            "functions_rest": lam + 3.50 + jobs_on_functions,
            "functions_http": lam + 1.00 + jobs_on_functions,
            "functions_arm64": 100_000 * 0.0000133334 + 0.20 + 1.00 + jobs_on_functions,
            "functions_alb": lam + alb(avg) + jobs_on_functions,
            "containers": 34 * (0.25 * 0.04048 + 0.5 * 0.004445) * MONTH_HOURS
            + alb(avg)
            + jobs_on_fargate,
            "containers_arm64": 34 * (0.25 * 0.03238 + 0.5 * 0.00356) * MONTH_HOURS
            + alb(avg)
            + jobs_on_fargate,
            "vms_on_demand": 21 * 0.0168 * MONTH_HOURS + alb(avg) + jobs_on_ec2,
            "vms_reserved": 21 * 0.0106 * MONTH_HOURS + alb(avg) + jobs_on_ec2,
            # The API on its cheapest function option (arm64 + HTTP API), the jobs on the
            # managed container service the recommendation names (a Fargate task per run).
            "hybrid": 100_000 * 0.0000133334 + 0.20 + 1.00 + jobs_on_fargate,
        },
    )
    assert comparison.cheapest == "hybrid"
    lines = [line.item for line in comparison.option("hybrid").lines]
    assert lines[0].startswith("Core: ") and lines[-1].startswith("Jobs: ")


MIDDLE_API = Workload(
    monthly_requests=5_000_000,
    duration_ms=200,
    memory_mb=512,
    peak_rps=20,
    traffic_pattern="variable",
    http=True,
    user_facing=True,
)


def test_azure_prices_flex_consumption_container_apps_and_vms():
    avg_vcpu = 5_000_000 / SECONDS_PER_MONTH * 0.2 / 4 / 0.6  # 0.161 vCPU on average
    # Container Apps bills active time only: the average load on 0.25 vCPU / 0.5 GiB
    # replicas is 0.159 x 730 = 115.7 vCPU-hours and twice as many GiB-hours. The older
    # Consumption plan is priced beside Flex Consumption.
    # VMs: peak 20 x 0.05 / 0.6 = 1.67 vCPU, at least two for a user-facing service:
    # 2 D2ps v5 (arm64) beat 5 B2s at their 0.4 vCPU baseline.
    comparison = price(MIDDLE_API, "azure")
    assert_table(
        comparison,
        {
            "functions": 5_000_000 * 0.2 * 0.5 * 0.000026 + 5 * 0.40,
            "functions_other_plan": 5_000_000 * 0.2 * 0.5 * 0.000016 + 5 * 0.20,
            "containers": avg_vcpu * 730 * 0.0864 + avg_vcpu * 2 * 730 * 0.0108 + 5 * 0.40,
            "vms_on_demand": 2 * 0.077 * MONTH_HOURS,
            "vms_reserved": 2 * 0.0456 * MONTH_HOURS,
        },
    )
    assert comparison.pricing.region == "East US"
    assert "Azure Functions" in comparison.option("functions").name
    assert "Container Apps" in comparison.option("containers").name


def test_google_cloud_prices_cloud_run_functions_both_billings_and_compute_engine():
    avg_vcpu = 5_000_000 / SECONDS_PER_MONTH * 0.2 / 4 / 0.6
    # Cloud Run functions: 500,000 GiB-s of memory plus the vCPU 512 MB comes with
    # (0.333): 5M x 0.2 s x 0.333 = 333,000 vCPU-s. Cloud Run request-based: the average load on
    # 1 vCPU / 0.5 GiB instances. Instance-based: two such instances all month.
    # Compute Engine: 4 e2-small at their 0.5 vCPU baseline for the 1.67 vCPU peak.
    comparison = price(MIDDLE_API, "gcp")
    assert_table(
        comparison,
        {
            "functions": 500_000 * 0.0000025 + 333_000 * 0.000024 + 5 * 0.40,
            "containers": avg_vcpu * 730 * 0.0864 + avg_vcpu * 0.5 * 730 * 0.009 + 5 * 0.40,
            "containers_always_on": 2 * (1 * 0.0648 + 0.5 * 0.0072) * MONTH_HOURS,
            "vms_on_demand": 4 * 0.016751 * MONTH_HOURS,
            "vms_reserved": 4 * 0.010553 * MONTH_HOURS,
        },
    )
    assert "Cloud Run functions" in comparison.option("functions").name


def test_pre_warmed_capacity_is_priced_when_the_design_relies_on_it():
    workload = replace(SPIKY_API, prewarm=True)

    option = price(workload).option("functions_prewarmed")

    # One environment kept warm (average concurrency 0.77 x 0.2 s rounds up to 1) at 0.5 GB
    # all month, runs billed at the provisioned rate, plus requests and the HTTP API.
    warm = 1 * 0.5 * MONTH_HOURS * 3600 * 0.0000041667
    runs = 2_000_000 * 0.2 * 0.5 * 0.0000097222 + 2 * 0.20
    assert option.monthly == pytest.approx(warm + runs + 2 * 1.00, rel=0.01)
    assert "functions_prewarmed" not in table(price(SPIKY_API))


def test_task_storage_past_the_included_20_gb_is_priced():
    workload = replace(MIDDLE_API, disk_gb=50)

    fargate = price(workload).option("containers")

    # Peak 20 x 0.05 / 0.6 = 1.67 vCPU: 7 tasks of 0.25 vCPU, each with 30 GB past the 20.
    storage = next(line for line in fargate.lines if "storage" in line.item)
    assert fargate.instances == 7
    assert storage.amount == pytest.approx(7 * 30 * MONTH_HOURS * 0.000111, rel=0.01)


def test_a_fleet_past_the_bound_comes_with_a_warning():
    huge = replace(SPIKY_API, monthly_requests=50e9, peak_rps=60_000)

    comparison = price(huge)

    assert comparison.warnings
    assert any("order of magnitude" in item for item in comparison.assumptions)
    assert not price(SPIKY_API).warnings


# -- the results show the chosen cloud -----------------------------------------------------------


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
def test_the_recommendation_prices_the_chosen_clouds_products(cloud: str):
    result = evaluate_raw(FRAMEWORK, {**BASE_ANSWERS, "cloud": cloud})

    cost = result.cost
    sheet = FRAMEWORK.prices.clouds[cloud]
    assert cost.cloud == cloud
    assert cost.pricing.region == sheet.region
    assert cost.price_sheet == FRAMEWORK.prices.version
    brand = sheet.functions.service.split(" (")[0]  # "Azure Functions", whatever the plan
    assert brand in cost.option(cost.cheapest_functions).name
    assert any(f"price sheet {FRAMEWORK.prices.version}" in item for item in cost.assumptions)
    others = {c for c in FRAMEWORK.prices.clouds if c != cloud}
    for other in others:
        foreign = FRAMEWORK.prices.clouds[other].functions.service
        assert all(foreign not in option.name for option in cost.options)


def test_a_hybrid_recommendation_carries_a_hybrid_row():
    answers = {
        **BASE_ANSWERS,
        "triggers": ["http", "schedule"],
        "max_duration_minutes": 120,
        "workload_kind": "both",
    }

    result = evaluate_raw(FRAMEWORK, answers)

    assert result.recommendation == "hybrid"
    hybrid = result.cost.option("hybrid")
    assert hybrid.model == "hybrid"
    assert result.cost.cheapest == "hybrid"


def test_the_crossover_uses_only_options_that_can_run_the_workload():
    steady = replace(MIDDLE_API, traffic_pattern="steady", peak_rps=5_000_000 / SECONDS_PER_MONTH)
    plain = price(steady)
    gpu = price(replace(steady, gpu=True))

    # With a GPU, Fargate cannot run it, so only the GPU instances stand for containers.
    assert gpu.option(gpu.cheapest_containers).id.startswith("vms_")
    assert plain.crossover_monthly_requests != gpu.crossover_monthly_requests


# -- properties ----------------------------------------------------------------------------------


@st.composite
def workloads(draw: st.DrawFn) -> Workload:
    monthly = draw(st.floats(min_value=0, max_value=5e10))
    average = monthly / SECONDS_PER_MONTH
    return Workload(
        monthly_requests=monthly,
        duration_ms=draw(st.floats(min_value=1, max_value=60_000)),
        memory_mb=draw(st.sampled_from([128, 256, 512, 1024, 2048, 4096, 8192, 20_000])),
        peak_rps=average * draw(st.floats(min_value=1, max_value=50)),
        traffic_pattern=draw(st.sampled_from(["spiky", "variable", "steady", "unknown"])),
        http=draw(st.booleans()),
        gpu=draw(st.booleans()),
        kind=draw(st.sampled_from(["service", "job", "both"])),
        user_facing=draw(st.booleans()),
        cpu_bound=draw(st.booleans()),
        job_minutes=draw(st.floats(min_value=0.1, max_value=600)),
        disk_gb=draw(st.sampled_from([0, 5, 30])),
        connections=draw(st.booleans()),
    )


CLOUDS = st.sampled_from(["aws", "azure", "gcp"])
PROPERTY = settings(max_examples=60, deadline=None)


def _valid_sizes(cloud: str) -> set[tuple[float, float]]:
    containers = FRAMEWORK.prices.clouds[cloud].containers
    return {(size.vcpu, memory) for size in containers.sizes for memory in size.memory_gb}


@PROPERTY
@given(workloads(), CLOUDS)
def test_every_task_size_emitted_is_a_valid_platform_size(work: Workload, cloud: str):
    comparison = price(work, cloud)
    sheet = FRAMEWORK.prices.clouds[cloud]
    sizes = _valid_sizes(cloud)
    names = {instance.name for instance in sheet.vms.instances}
    for option in comparison.options:
        if option.id.startswith("containers"):
            vcpu, memory = _task_of(option.sizing)
            assert (vcpu, memory) in sizes, option.sizing
        if option.id.startswith("vms_"):
            assert any(name in option.sizing for name in names), option.sizing


def _task_of(sizing: str) -> tuple[float, float]:
    """'3 x 0.25 vCPU / 0.5 GB', '0.25 vCPU / 0.5 GiB, 0-3 instances' or '1 vCPU / 2 GB per run'."""
    part = sizing.split(" x ")[-1]
    vcpu = float(part.split(" vCPU")[0])
    memory = float(part.split("/ ")[1].split(" ")[0])
    return vcpu, memory


@PROPERTY
@given(workloads(), CLOUDS, st.integers(min_value=2, max_value=20))
def test_a_jobs_cost_grows_linearly_with_its_runs(work: Workload, cloud: str, times: int):
    job = replace(work, kind="job", free_tier=False)
    once = table(price(job, cloud))
    more = table(price(replace(job, monthly_requests=job.monthly_requests * times), cloud))

    for option_id, figure in once.items():
        assert more[option_id] == pytest.approx(figure * times, rel=1e-9, abs=1e-9)


@PROPERTY
@given(workloads(), CLOUDS, st.floats(min_value=1.0, max_value=100.0))
def test_more_traffic_never_lowers_any_options_cost(work: Workload, cloud: str, factor: float):
    model = FRAMEWORK.cost_model
    lower = table(price(work, cloud))
    higher = table(price(work.at_volume(work.monthly_requests * factor, model), cloud))

    for option_id, figure in lower.items():
        assert higher[option_id] >= figure * (1 - 1e-9) - 1e-9, option_id


@PROPERTY
@given(workloads(), CLOUDS)
def test_a_user_facing_service_never_runs_on_fewer_than_two_instances(work: Workload, cloud: str):
    service = replace(work, kind="service", user_facing=True)

    comparison = price(service, cloud)

    always_on = [
        o
        for o in comparison.options
        if o.id in ("containers_always_on", "vms_on_demand", "vms_reserved")
        or (
            o.id.startswith("containers")
            and FRAMEWORK.prices.clouds[cloud].containers.billing == "running"
        )
    ]
    assert always_on
    for option in always_on:
        assert option.instances >= 2, option.sizing
        assert int(option.sizing.split(" x ")[0]) >= 2


@PROPERTY
@given(workloads(), CLOUDS)
def test_options_are_the_sum_of_their_lines_and_never_negative(work: Workload, cloud: str):
    for option in price(work, cloud).options:
        assert option.monthly == pytest.approx(sum(line.amount for line in option.lines))
        assert all(line.amount >= 0 for line in option.lines)
        assert math.isfinite(option.monthly)


def test_a_scale_to_zero_platform_stays_warm_when_the_design_needs_it():
    # A 50 ms target on Azure: Container Apps may not scale to zero, or every first request
    # starts cold. Peak 20 x 0.05 / 0.6 = 1.67 vCPU: 7 replicas of 0.25 vCPU / 0.5 GiB, active
    # all 730 hours.
    warm = price(replace(MIDDLE_API, warm=True), "azure").option("containers")

    assert warm.instances == 7
    assert warm.monthly == pytest.approx(
        7 * MONTH_HOURS * (0.25 * 0.0864 + 0.5 * 0.0108) + 5 * 0.40, rel=0.01
    )
    assert "kept warm" in warm.sizing


def test_work_behind_a_queue_is_sized_for_its_average_not_its_peak():
    consumer = Workload(
        monthly_requests=5_000_000,
        duration_ms=2_000,
        memory_mb=512,
        peak_rps=200,
        traffic_pattern="variable",
        http=False,
        queued=True,
    )
    # Average 1.93 a second x 2 s / 4 / 0.6 = 1.61 vCPU: 7 Fargate tasks of 0.25 vCPU, where
    # the peak would have needed 667.
    fargate = price(consumer).option("containers")

    assert fargate.instances == 7
    assert fargate.monthly == pytest.approx(
        7 * (0.25 * 0.04048 + 0.5 * 0.004445) * MONTH_HOURS, rel=0.01
    )


def test_functions_that_cannot_run_the_workload_have_no_crossover():
    gpu = replace(MIDDLE_API, gpu=True, traffic_pattern="steady")

    comparison = price(gpu, ruled_out=["functions"])

    assert comparison.crossover_monthly_requests is None
    assert "no crossover" in comparison.crossover_sentence
