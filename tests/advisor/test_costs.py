from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest

from advisor.costs import SECONDS_PER_MONTH, CostComparison, CostOption, Workload, compare_costs
from advisor.framework import Framework
from advisor.framework.schema import Pricing

FUNCTION_OPTIONS_HTTP = {"functions_rest_api", "functions_http_api", "functions_alb"}
LOAD_BALANCER_ITEMS = ("Load balancer hours", "Load balancer capacity")


@pytest.fixture
def pricing(framework: Framework) -> Pricing:
    return framework.pricing


def workload(
    pricing: Pricing,
    monthly_requests: float,
    *,
    duration_ms: float = 200,
    memory_mb: float = 512,
    traffic_pattern: str = "steady",
    peak_ratio: float | None = None,
    http: bool = True,
    free_tier: bool = False,
) -> Workload:
    """A workload whose peak is `peak_ratio` times its average, or the pattern's usual ratio."""
    ratio = peak_ratio or pricing.peak_to_average[traffic_pattern]
    return Workload(
        monthly_requests=monthly_requests,
        duration_ms=duration_ms,
        memory_mb=memory_mb,
        peak_rps=monthly_requests / SECONDS_PER_MONTH * ratio,
        traffic_pattern=traffic_pattern,
        http=http,
        free_tier=free_tier,
    )


def compare(pricing: Pricing, monthly_requests: float, **shape: Any) -> CostComparison:
    return compare_costs(workload(pricing, monthly_requests, **shape), pricing)


def amount(option: CostOption, item: str) -> float:
    found = [line.amount for line in option.lines if line.item == item]
    assert len(found) == 1, f"{option.id} has {len(found)} lines named {item!r}"
    return found[0]


def cheapest(comparison: CostComparison, model: str) -> float:
    return min(option.monthly for option in comparison.options if option.model == model)


# -- arithmetic ------------------------------------------------------------------------------


def test_it_prices_function_compute_and_requests_by_hand(pricing: Pricing) -> None:
    comparison = compare(pricing, 100_000_000, duration_ms=200, memory_mb=512, peak_ratio=1.3)

    for option_id in FUNCTION_OPTIONS_HTTP:
        option = comparison.option(option_id)
        # 100M x 0.2 s x 0.5 GB = 10M GB-s at $0.0000166667; 100 million requests at $0.20.
        assert amount(option, "Function compute") == pytest.approx(166.67, abs=0.01)
        assert amount(option, "Function requests") == pytest.approx(20.00, abs=0.01)


def test_it_adds_the_api_gateway_on_top_of_the_functions(pricing: Pricing) -> None:
    comparison = compare(pricing, 100_000_000, peak_ratio=1.3)

    rest = comparison.option("functions_rest_api")
    http = comparison.option("functions_http_api")
    assert amount(rest, "API Gateway REST calls") == pytest.approx(350.00, abs=0.01)
    assert amount(http, "API Gateway HTTP API calls") == pytest.approx(100.00, abs=0.01)
    assert rest.monthly == pytest.approx(166.67 + 20.00 + 350.00, abs=0.01)
    assert http.monthly == pytest.approx(166.67 + 20.00 + 100.00, abs=0.01)


def test_it_makes_option_totals_the_sum_of_their_lines(pricing: Pricing) -> None:
    comparison = compare(pricing, 100_000_000, peak_ratio=1.3)

    for option in comparison.options:
        assert option.monthly == pytest.approx(sum(line.amount for line in option.lines))
        for line in option.lines:
            assert line.amount == pytest.approx(line.quantity * line.unit_price)


# -- free tier -------------------------------------------------------------------------------


def test_it_zeroes_small_function_bills_under_the_free_tier(pricing: Pricing) -> None:
    shape = {"duration_ms": 200, "memory_mb": 128, "traffic_pattern": "spiky", "http": False}
    free = compare(pricing, 500_000, free_tier=True, **shape)
    paid = compare(pricing, 500_000, free_tier=False, **shape)

    assert free.free_tier is True
    assert amount(free.option("functions_events"), "Function compute") == 0
    assert amount(free.option("functions_events"), "Function requests") == 0
    assert amount(paid.option("functions_events"), "Function compute") > 0
    assert amount(paid.option("functions_events"), "Function requests") > 0


def test_it_deducts_exactly_the_free_allowance_at_high_volume(pricing: Pricing) -> None:
    free = compare(pricing, 100_000_000, free_tier=True).option("functions_alb")
    paid = compare(pricing, 100_000_000, free_tier=False).option("functions_alb")

    saved_compute = amount(paid, "Function compute") - amount(free, "Function compute")
    saved_requests = amount(paid, "Function requests") - amount(free, "Function requests")
    assert saved_compute == pytest.approx(400_000 * pricing.lambda_gb_second.value)
    assert saved_requests == pytest.approx(1 * pricing.lambda_per_million_requests.value)


def test_it_leaves_container_costs_alone_with_the_free_tier(pricing: Pricing) -> None:
    free = compare(pricing, 100_000_000, free_tier=True)
    paid = compare(pricing, 100_000_000, free_tier=False)

    for option in paid.options:
        if option.model == "containers":
            assert free.option(option.id).monthly == pytest.approx(option.monthly)


# -- the seeds' worked figures ---------------------------------------------------------------


def test_it_makes_functions_cheapest_for_small_spiky_volume(pricing: Pricing) -> None:
    small = workload(pricing, 500_000, memory_mb=128, traffic_pattern="spiky", http=False)
    comparison = compare_costs(small, pricing)

    cheapest_option = comparison.option(comparison.cheapest)
    assert cheapest_option.model == "functions"
    assert cheapest_option.monthly < 10  # "a few dollars"
    fargate = comparison.option("fargate")
    assert 8 < fargate.monthly < 10
    assert fargate.sizing.startswith(f"{pricing.fargate_min_vcpu.value:g} vCPU")
    on_demand = comparison.option("ec2_on_demand")
    assert 14 < on_demand.monthly < 16
    assert on_demand.sizing == "1 x t3.small"


def test_it_makes_functions_cheapest_for_small_spiky_http_volume(pricing: Pricing) -> None:
    small = workload(pricing, 500_000, memory_mb=128, traffic_pattern="spiky", http=True)
    comparison = compare_costs(small, pricing)

    assert comparison.option(comparison.cheapest).model == "functions"
    assert comparison.option(comparison.cheapest).monthly < 10


def test_it_never_calls_a_ruled_out_model_the_cheapest(pricing: Pricing) -> None:
    small = workload(pricing, 500_000, memory_mb=128, traffic_pattern="spiky", http=True)

    comparison = compare_costs(small, pricing, ruled_out=["functions"])

    assert comparison.option(comparison.cheapest).model == "containers"
    notes = {option.model: [] for option in comparison.options}
    for option, note in comparison.rows:
        notes[option.model].append(note)
    assert set(notes["functions"]) == {"ruled out"}
    assert sorted(notes["containers"]) == ["", "", "cheapest"]
    assert comparison.ruled_out_note.startswith("Not possible for this workload: Functions")
    # Prices are unchanged: functions are still the lower bill, only not a choice.
    assert (
        min(o.monthly for o in comparison.options)
        == compare_costs(small, pricing).option(compare_costs(small, pricing).cheapest).monthly
    )
    assert compare_costs(small, pricing).ruled_out_note == ""


@pytest.mark.parametrize("http", [True, False])
def test_it_makes_containers_several_times_cheaper_at_100m_steady(
    pricing: Pricing, http: bool
) -> None:
    busy = workload(pricing, 100_000_000, peak_ratio=1.3, http=http)
    comparison = compare_costs(busy, pricing)

    assert comparison.option(comparison.cheapest).model == "containers"
    assert cheapest(comparison, "functions") >= 3 * cheapest(comparison, "containers")
    assert comparison.option(comparison.cheapest_functions).monthly == cheapest(
        comparison, "functions"
    )
    assert comparison.option(comparison.cheapest_containers).monthly == cheapest(
        comparison, "containers"
    )


# -- crossover -------------------------------------------------------------------------------

CROSSING_SHAPES: dict[str, dict[str, Any]] = {
    "steady-http-512mb": {"monthly_requests": 100_000_000, "peak_ratio": 1.3},
    "steady-events-512mb": {"monthly_requests": 100_000_000, "peak_ratio": 1.3, "http": False},
    "variable-http-1gb": {
        "monthly_requests": 20_000_000,
        "memory_mb": 1024,
        "traffic_pattern": "variable",
    },
    "unknown-events-slow": {
        "monthly_requests": 5_000_000,
        "duration_ms": 1000,
        "traffic_pattern": "unknown",
        "http": False,
    },
    "steady-events-free-tier": {"monthly_requests": 50_000_000, "http": False, "free_tier": True},
}


@pytest.mark.parametrize("shape", CROSSING_SHAPES.values(), ids=CROSSING_SHAPES.keys())
def test_it_finds_where_containers_overtake_functions(
    pricing: Pricing, shape: dict[str, Any]
) -> None:
    busy = workload(pricing, **shape)
    crossover = compare_costs(busy, pricing).crossover_monthly_requests
    assert crossover is not None

    below = compare_costs(busy.at_volume(crossover * 0.5, pricing), pricing)
    above = compare_costs(busy.at_volume(crossover * 2, pricing), pricing)
    assert cheapest(below, "functions") < cheapest(below, "containers")
    assert cheapest(above, "containers") < cheapest(above, "functions")


def test_it_reports_a_crossover_below_a_volume_already_past_it(pricing: Pricing) -> None:
    busy = workload(pricing, 100_000_000, peak_ratio=1.3)
    comparison = compare_costs(busy, pricing)

    assert comparison.crossover_monthly_requests is not None
    assert comparison.crossover_monthly_requests < busy.monthly_requests
    # The crossover belongs to the shape, not the volume it was asked at.
    quiet = compare_costs(busy.at_volume(1_000_000, pricing), pricing)
    assert quiet.crossover_monthly_requests == pytest.approx(
        comparison.crossover_monthly_requests, rel=1e-3
    )


def test_it_reports_no_crossover_when_functions_always_win(pricing: Pricing) -> None:
    # Small, quick, spiky calls: per-request billing beats capacity at every modelled volume.
    spiky = workload(pricing, 500_000, memory_mb=128, traffic_pattern="spiky", http=False)
    comparison = compare_costs(spiky, pricing)

    assert comparison.crossover_monthly_requests is None
    assert all(point.functions < point.containers for point in comparison.series)


# -- options ---------------------------------------------------------------------------------


def test_it_offers_one_event_function_option_without_a_front_door(pricing: Pricing) -> None:
    comparison = compare(pricing, 10_000_000, http=False)

    functions = [option.id for option in comparison.options if option.model == "functions"]
    assert functions == ["functions_events"]
    assert {o.id for o in comparison.options if o.model == "containers"} == {
        "fargate",
        "ec2_on_demand",
        "ec2_reserved",
    }
    items = {line.item for option in comparison.options for line in option.lines}
    assert not items & set(LOAD_BALANCER_ITEMS)
    assert not any(item.startswith("API Gateway") for item in items)


def test_it_offers_gateway_and_load_balancer_options_for_http(pricing: Pricing) -> None:
    comparison = compare(pricing, 10_000_000, http=True)

    functions = {option.id for option in comparison.options if option.model == "functions"}
    assert functions == FUNCTION_OPTIONS_HTTP
    for option_id in ("functions_alb", "fargate", "ec2_on_demand", "ec2_reserved"):
        items = {line.item for line in comparison.option(option_id).lines}
        assert set(LOAD_BALANCER_ITEMS) <= items, option_id


def test_it_raises_key_error_for_an_unknown_option(pricing: Pricing) -> None:
    comparison = compare(pricing, 10_000_000, http=False)

    with pytest.raises(KeyError):
        comparison.option("functions_rest_api")


# -- memory ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("asked", "billed"), [(64, 128), (1, 128), (20_480, 10_240)])
def test_it_clamps_function_memory_to_the_platform_limits(
    pricing: Pricing, asked: int, billed: int
) -> None:
    clamped = compare(pricing, 10_000_000, memory_mb=asked, http=False)
    limit = compare(pricing, 10_000_000, memory_mb=billed, http=False)

    compute = amount(clamped.option("functions_events"), "Function compute")
    assert compute == pytest.approx(amount(limit.option("functions_events"), "Function compute"))
    assert compute == pytest.approx(
        10_000_000 * 0.2 * billed / 1024 * pricing.lambda_gb_second.value
    )
    assert clamped.option("functions_events").sizing == f"{billed} MB functions"


def test_it_prices_function_compute_in_proportion_to_memory(pricing: Pricing) -> None:
    small = compare(pricing, 10_000_000, memory_mb=512, http=False)
    large = compare(pricing, 10_000_000, memory_mb=2048, http=False)

    assert amount(large.option("functions_events"), "Function compute") == pytest.approx(
        4 * amount(small.option("functions_events"), "Function compute")
    )


# -- assumptions and chart data --------------------------------------------------------------


def test_it_states_the_region_and_price_date(pricing: Pricing) -> None:
    comparison = compare(pricing, 10_000_000)

    text = " ".join(comparison.assumptions)
    assert pricing.region in text
    assert pricing.as_of in text
    assert comparison.pricing.region == pricing.region
    assert comparison.pricing.as_of == pricing.as_of


def test_it_states_whether_the_free_tier_was_deducted(pricing: Pricing) -> None:
    free = compare(pricing, 10_000_000, free_tier=True)
    paid = compare(pricing, 10_000_000, free_tier=False)

    assert any("Free tier deducted" in item for item in free.assumptions)
    assert any("Free tier not deducted" in item for item in paid.assumptions)


@pytest.mark.parametrize("http", [True, False])
def test_it_charts_costs_in_ascending_volume(pricing: Pricing, http: bool) -> None:
    comparison = compare(pricing, 10_000_000, http=http)
    series = comparison.series

    volumes = [point.monthly_requests for point in series]
    assert len(volumes) >= 5
    assert volumes == sorted(volumes)
    assert len(set(volumes)) == len(volumes)
    functions = [point.functions for point in series]
    assert all(low < high for low, high in zip(functions, functions[1:], strict=False))
    containers = [point.containers for point in series]
    assert all(low <= high for low, high in zip(containers, containers[1:], strict=False))


def test_it_charts_the_same_costs_as_a_direct_comparison(pricing: Pricing) -> None:
    shape = workload(pricing, 10_000_000, traffic_pattern="variable")
    series = compare_costs(shape, pricing).series

    for point in series[::3]:
        direct = compare_costs(shape.at_volume(point.monthly_requests, pricing), pricing)
        assert point.functions == pytest.approx(cheapest(direct, "functions"))
        assert point.containers == pytest.approx(cheapest(direct, "containers"))


def test_it_reports_the_crossover_after_which_containers_stay_cheaper(pricing: Pricing) -> None:
    # Container cost rises one instance at a time, so the two bills swap places more than once
    # on the way up; the crossover is the last swap.
    shape = Workload(
        monthly_requests=1e6,
        duration_ms=100,
        memory_mb=64,
        peak_rps=0,
        traffic_pattern="variable",
        http=False,
    )
    crossover = compare_costs(shape, pricing).crossover_monthly_requests
    assert crossover is not None

    for factor in (1.05, 1.5, 2, 5, 10, 100):
        above = compare_costs(shape.at_volume(crossover * factor, pricing), pricing)
        assert cheapest(above, "containers") < cheapest(above, "functions"), factor


def test_it_sizes_vms_from_the_pattern_when_no_peak_is_known(pricing: Pricing) -> None:
    unknown_peak = Workload(1e10, 200, 512, 0, "steady", http=False)
    known_peak = Workload(1e10, 200, 512, 1e10 / SECONDS_PER_MONTH * 1.3, "steady", http=False)

    guessed = compare_costs(unknown_peak, pricing).option("ec2_reserved")
    measured = compare_costs(known_peak, pricing).option("ec2_reserved")

    assert guessed.sizing == measured.sizing
    assert guessed.monthly == pytest.approx(measured.monthly)


def test_it_rules_out_fargate_for_a_gpu_and_says_what_ec2_leaves_out(pricing: Pricing) -> None:
    plain = workload(pricing, 5_000_000, traffic_pattern="steady")
    gpu = replace(plain, gpu=True)

    comparison = compare_costs(gpu, pricing)

    assert comparison.ruled_out == {"fargate": "no GPUs"}
    assert comparison.option(comparison.cheapest).id != "fargate"
    # The chart and the crossover compare functions with containers that can run it: EC2.
    assert comparison.option(comparison.cheapest_containers).id.startswith("ec2_")
    ec2 = min(o.monthly for o in comparison.options if o.id.startswith("ec2_"))
    point = next(p for p in comparison.series if p.monthly_requests == 1e7)
    at_10m = compare_costs(gpu.at_volume(1e7, pricing), pricing)
    assert point.containers == min(o.monthly for o in at_10m.options if o.id.startswith("ec2_"))
    assert ec2 > comparison.option("fargate").monthly  # so the choice of line matters
    assert {o.id: note for o, note in comparison.rows}["fargate"] == "no GPUs"
    assert any("needs a GPU" in item for item in comparison.assumptions)
    assert compare_costs(plain, pricing).ruled_out == {}


def test_it_states_the_crossover_in_words_and_flags_ruled_out_functions(pricing: Pricing) -> None:
    busy = workload(pricing, 100_000_000, traffic_pattern="steady")

    plain = compare_costs(busy, pricing)
    limited = compare_costs(busy, pricing, ruled_out=["functions"])

    assert plain.crossover_monthly_requests is not None
    sentence = plain.crossover_sentence
    assert sentence.startswith("For a workload of this shape, containers become cheaper")
    assert re.search(r"about \d(\.\d+)? (million|billion)|about [\d,]+ requests", sentence)
    assert "ruled out" not in sentence
    assert limited.crossover_sentence.endswith("so this only shows what the limit costs.")
