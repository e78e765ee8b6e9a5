from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest

from advisor.charts import (
    AXIS_COLOUR,
    CONTAINERS_COLOUR,
    FUNCTIONS_COLOUR,
    NARROW,
    SVG_NAMESPACE,
    TEXT_COLOUR,
    WIDE,
    cost_chart_svg,
)
from advisor.costs import SECONDS_PER_MONTH, CostComparison, SeriesPoint, Workload, compare_costs
from advisor.framework import default_framework

NS = {"svg": SVG_NAMESPACE}


def comparison(monthly_requests: float = 500_000) -> CostComparison:
    """The costs of a steady HTTP API (peaks 1.3 times its average) at one volume."""
    workload = Workload(
        monthly_requests=monthly_requests,
        duration_ms=200,
        memory_mb=512,
        peak_rps=monthly_requests / SECONDS_PER_MONTH * 1.3,
        traffic_pattern="steady",
        http=True,
    )
    framework = default_framework()
    return compare_costs(workload, framework.prices.clouds["aws"], framework.cost_model)


@pytest.fixture(scope="module")
def cost() -> CostComparison:
    return comparison()


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def group(root: ET.Element, name: str) -> ET.Element | None:
    return root.find(f".//svg:g[@class='{name}']", NS)


def contrast(colour: str) -> float:
    """WCAG contrast ratio of a #rrggbb colour against white."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


def test_it_renders_an_accessible_svg_image(cost: CostComparison) -> None:
    root = parse(cost_chart_svg(cost))

    assert root.tag == f"{{{SVG_NAMESPACE}}}svg"
    assert root.get("role") == "img"
    title = root.find("svg:title", NS)
    desc = root.find("svg:desc", NS)
    assert title is not None and title.text
    assert desc is not None and desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_it_summarises_the_crossover_in_the_description(cost: CostComparison) -> None:
    desc = parse(cost_chart_svg(cost)).find("svg:desc", NS)

    assert cost.crossover_monthly_requests is not None
    assert desc is not None and desc.text is not None
    assert "Containers become cheaper from about" in desc.text
    assert "500K requests a month" in desc.text


def test_it_draws_one_polyline_per_model_with_a_point_per_volume(cost: CostComparison) -> None:
    polylines = parse(cost_chart_svg(cost)).findall(".//svg:polyline", NS)

    assert len(polylines) == 2
    for polyline in polylines:
        assert len(polyline.get("points", "").split()) == len(cost.series)
    assert {polyline.get("stroke") for polyline in polylines} == {
        FUNCTIONS_COLOUR,
        CONTAINERS_COLOUR,
    }


def test_it_labels_the_axes_in_short_units(cost: CostComparison) -> None:
    texts = {
        element.text for element in parse(cost_chart_svg(cost)).iter(f"{{{SVG_NAMESPACE}}}text")
    }

    assert {"1K", "1M", "1B", "$1", "$100", "$10K"} <= texts
    assert {"Requests per month", "USD per month"} <= texts


def test_it_marks_the_crossover_when_there_is_one(cost: CostComparison) -> None:
    marker = group(parse(cost_chart_svg(cost)), "marker-crossover")

    assert marker is not None
    label = marker.find("svg:text", NS)
    assert label is not None and label.text == "crossover"
    assert marker.find("svg:line", NS) is not None


def test_it_leaves_out_the_crossover_marker_when_there_is_none(cost: CostComparison) -> None:
    never = cost.model_copy(update={"crossover_monthly_requests": None})
    svg = cost_chart_svg(never)

    assert group(parse(svg), "marker-crossover") is None
    assert "crossover" not in svg
    desc = parse(svg).find("svg:desc", NS)
    assert desc is not None and "do not overtake functions" in (desc.text or "")


def test_it_marks_the_workloads_own_volume(cost: CostComparison) -> None:
    marker = group(parse(cost_chart_svg(cost)), "marker-you")

    assert marker is not None
    label = marker.find("svg:text", NS)
    assert label is not None and label.text == "you"


def test_it_leaves_out_the_you_marker_without_a_volume(cost: CostComparison) -> None:
    nothing = cost.model_copy(update={"monthly_requests": 0.0})

    assert group(parse(cost_chart_svg(nothing)), "marker-you") is None


def test_it_moves_the_you_marker_right_as_volume_grows() -> None:
    positions = []
    for volume in (10_000, 1_000_000, 100_000_000, 10_000_000_000):
        marker = group(parse(cost_chart_svg(comparison(volume))), "marker-you")
        assert marker is not None
        line = marker.find("svg:line", NS)
        assert line is not None
        positions.append(float(line.get("x1", "nan")))

    assert positions == sorted(positions)
    assert len(set(positions)) == len(positions)


def test_it_references_nothing_outside_itself(cost: CostComparison) -> None:
    svg = cost_chart_svg(cost)

    assert "<script" not in svg.lower()
    assert "foreignObject" not in svg
    assert "@import" not in svg and "var(--" not in svg
    assert re.findall(r"https?://[^\s\"'<>]+", svg) == [SVG_NAMESPACE]
    assert "href" not in svg


def test_it_is_deterministic(cost: CostComparison) -> None:
    again = CostComparison.model_validate(cost.model_dump())

    assert cost_chart_svg(cost) == cost_chart_svg(again)
    assert cost_chart_svg(cost) == cost_chart_svg(comparison())


def test_it_clamps_costs_that_a_log_axis_cannot_show(cost: CostComparison) -> None:
    free = [
        SeriesPoint(monthly_requests=point.monthly_requests, functions=0.0, containers=-1.0)
        for point in cost.series
    ]
    svg = cost_chart_svg(cost.model_copy(update={"series": free}))

    assert "nan" not in svg and "inf" not in svg
    for polyline in parse(svg).findall(".//svg:polyline", NS):
        for pair in polyline.get("points", "").split():
            x, y = (float(value) for value in pair.split(","))
            assert math.isfinite(x) and 0 <= x <= 640
            assert math.isfinite(y) and 0 <= y <= 320


def test_it_escapes_text_it_inserts(cost: CostComparison) -> None:
    renamed = [
        option.model_copy(update={"name": "Functions <b>&</b>"})
        if option.id == cost.cheapest_functions
        else option
        for option in cost.options
    ]
    svg = cost_chart_svg(cost.model_copy(update={"options": renamed}))

    assert "<b>" not in svg
    desc = parse(svg).find("svg:desc", NS)
    assert desc is not None and "Functions <b>&</b>" in (desc.text or "")


def test_it_keeps_ids_unique_with_a_prefix(cost: CostComparison) -> None:
    root = parse(cost_chart_svg(cost, id_prefix="other"))

    assert root.get("aria-labelledby") == "other-title other-desc"


def test_it_scales_to_the_requested_size(cost: CostComparison) -> None:
    root = parse(cost_chart_svg(cost, width=800, height=400))

    assert root.get("viewBox") == "0 0 800 400"


def test_it_uses_colours_with_enough_contrast_on_white() -> None:
    assert contrast(FUNCTIONS_COLOUR) >= 3
    assert contrast(CONTAINERS_COLOUR) >= 3
    assert contrast(TEXT_COLOUR) >= 4.5
    assert contrast(AXIS_COLOUR) >= 4.5  # the crossover label is drawn in it


def test_the_narrow_drawing_keeps_its_text_large_and_apart(cost: CostComparison) -> None:
    root = parse(cost_chart_svg(cost, layout=NARROW, id_prefix="narrow"))

    assert root.get("viewBox") == f"0 0 {NARROW.width} {NARROW.height}"
    assert "cost-chart-narrow" in (root.get("class") or "").split()
    assert root.get("aria-labelledby") == "narrow-title narrow-desc"
    # Drawn near the width a phone shows it at, its type is larger than the wide drawing's.
    assert NARROW.tick_font_size > WIDE.tick_font_size and NARROW.width < WIDE.width
    ticks = root.find(f".//svg:g[@font-size='{NARROW.tick_font_size}']", NS)
    assert ticks is not None
    x_labels = sorted(
        (float(text.get("x", "nan")), text.text or "")
        for text in ticks.findall("svg:text", NS)
        if text.get("text-anchor") == "middle"  # under the x axis; the y axis's end there
    )
    assert 3 <= len(x_labels) <= NARROW.max_ticks + 1
    # Labels at least their own width apart (a digit is about 0.65 em wide), so none overlap.
    for (x1, first), (x2, second) in zip(x_labels, x_labels[1:], strict=False):
        widest = max(len(first), len(second)) * 0.65 * NARROW.tick_font_size
        assert x2 - x1 > widest, (first, second)
    legend = [group(root, f"legend-{model}") for model in ("functions", "containers")]
    rows = {line.get("y1") for g in legend if g is not None for line in g.findall("svg:line", NS)}
    assert len(rows) == 2  # one entry above the other
