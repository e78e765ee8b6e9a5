"""The cost chart: cheapest functions against cheapest containers as monthly volume grows.

Pure Python, no Django. The result is one self-contained SVG string with inline attributes only
(no script, no stylesheet, no fonts, no foreignObject), so the same markup renders in a browser
and in WeasyPrint. Output is deterministic: every number is written with fixed precision.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from html import escape

from advisor.costs import CostComparison

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
FONT_FAMILY = "DejaVu Sans, Arial, sans-serif"

# Contrast against white: lines need 3:1 and text 4.5:1 (WCAG 2.1 AA). The two series also
# differ by marker shape, so colour is never the only cue.
FUNCTIONS_COLOUR = "#0b5cad"  # 6.7:1
CONTAINERS_COLOUR = "#b35900"  # 4.8:1
TEXT_COLOUR = "#212529"  # 15.4:1
AXIS_COLOUR = "#595959"  # 7.0:1, also the crossover marker and its label
GRID_COLOUR = "#e9ecef"  # decorative only

COST_FLOOR = 0.01  # a zero cost cannot sit on a log axis; it is drawn at one cent
SUFFIXES = ((12, "T"), (9, "B"), (6, "M"), (3, "K"))


@dataclass(frozen=True)
class ChartLayout:
    """One way to draw the chart, in the drawing's own units. A browser scales the drawing to
    the width it is shown at, text included, so a layout suits the widths near its own."""

    width: int
    height: int
    margin_left: int
    margin_right: int
    margin_top: int
    margin_bottom: int
    font_size: int  # axis titles, the legend and the marker labels
    tick_font_size: int
    max_ticks: int
    legend_rows: bool  # the legend's two entries one above the other instead of side by side
    css_class: str


# For a page or a PDF: shown at up to 640 pixels wide.
WIDE = ChartLayout(640, 320, 64, 20, 40, 48, 12, 11, 10, False, "cost-chart")
# For a phone, where the wide drawing would shrink its text to about 6 pixels: drawn about as
# wide as a phone shows it, so text keeps its size; larger type, every other decade labelled
# so the labels do not collide, and the legend in two rows. app.css shows one of the two.
NARROW = ChartLayout(360, 300, 64, 16, 56, 50, 13, 13, 5, True, "cost-chart cost-chart-narrow")


def _decade_label(exponent: int) -> str:
    """10**exponent as a short label: 1K, 10M, 1B; 0.01 below one."""
    if exponent < 0:
        return f"{10.0**exponent:.{-exponent}f}"
    for power, suffix in SUFFIXES:
        if exponent >= power:
            return f"{10 ** (exponent - power)}{suffix}"
    return str(10**exponent)


def _short(value: float) -> str:
    """Any positive number in three significant figures with a suffix: 12.3M, 450K, 12."""
    for power, suffix in SUFFIXES:
        if value >= 10.0**power:
            return f"{value / 10.0**power:.3g}{suffix}"
    return f"{value:.3g}"


def _money(value: float) -> str:
    return f"${value:,.2f}"


def _decades(values: Sequence[float], default: tuple[int, int]) -> tuple[int, int]:
    """The whole decades that enclose the values, at least one decade wide."""
    positive = [value for value in values if value > 0]
    if not positive:
        return default
    low = math.floor(math.log10(min(positive)))
    high = math.ceil(math.log10(max(positive)))
    return low, max(high, low + 1)


def _ticks(low: int, high: int, most: int) -> list[int]:
    step = max(1, math.ceil((high - low) / most))
    return list(range(low, high + 1, step))


def _n(value: float) -> str:
    return f"{value:.1f}"


def _text(x: float, y: float, content: str, **attributes: str) -> str:
    extra = "".join(f' {name.replace("_", "-")}="{value}"' for name, value in attributes.items())
    return f'<text x="{_n(x)}" y="{_n(y)}"{extra}>{escape(content)}</text>'


@dataclass(frozen=True)
class _Frame:
    """The plot area in pixels and the decades its two log axes span."""

    left: float
    right: float
    top: float
    bottom: float
    x_decades: tuple[int, int]
    y_decades: tuple[int, int]
    layout: ChartLayout

    def x(self, requests: float) -> float:
        low, high = self.x_decades
        return self.left + (math.log10(requests) - low) / (high - low) * (self.right - self.left)

    def y(self, dollars: float) -> float:
        low, high = self.y_decades
        value = max(dollars, COST_FLOOR)
        return self.bottom - (math.log10(value) - low) / (high - low) * (self.bottom - self.top)


def _description(cost: CostComparison) -> str:
    parts = ["Estimated monthly cost in US dollars of functions and containers."]
    if cost.series:
        first, last = cost.series[0].monthly_requests, cost.series[-1].monthly_requests
        parts = [
            "Estimated monthly cost in US dollars of the cheapest functions option and the "
            f"cheapest containers option, from {_short(first)} to {_short(last)} requests a "
            "month, both axes on a log scale."
        ]
    crossover = cost.crossover_monthly_requests
    if crossover is None:
        parts.append("Containers do not overtake functions within the modelled range.")
    else:
        parts.append(f"Containers become cheaper from about {_short(crossover)} requests a month.")
    if cost.monthly_requests > 0:
        functions = cost.option(cost.cheapest_functions)
        containers = cost.option(cost.cheapest_containers)
        parts.append(
            f"This workload, at {_short(cost.monthly_requests)} requests a month: "
            f"{functions.name} {_money(functions.monthly)}, "
            f"{containers.name} {_money(containers.monthly)}."
        )
    return " ".join(parts)


def cost_chart_svg(
    cost: CostComparison,
    *,
    layout: ChartLayout = WIDE,
    width: int | None = None,
    height: int | None = None,
    id_prefix: str = "cost-chart",
) -> str:
    """The crossover chart for one cost comparison as an accessible SVG string.

    `layout` (WIDE or NARROW) sets sizes, type and spacing; `width` and `height` replace its
    drawing's coordinates and largest size. On a narrower page it shrinks, keeping its
    proportions. `id_prefix` keeps the title and description ids unique when a page holds
    several charts.
    """
    layout = replace(layout, width=width or layout.width, height=height or layout.height)
    width, height = layout.width, layout.height
    volumes = [point.monthly_requests for point in cost.series]
    markers = [cost.crossover_monthly_requests or 0.0, cost.monthly_requests]
    frame = _Frame(
        left=layout.margin_left,
        right=width - layout.margin_right,
        top=layout.margin_top,
        bottom=height - layout.margin_bottom,
        x_decades=_decades([*volumes, *markers], default=(3, 11)),
        y_decades=_decades(
            [max(p.functions, COST_FLOOR) for p in cost.series]
            + [max(p.containers, COST_FLOOR) for p in cost.series],
            default=(0, 3),
        ),
        layout=layout,
    )
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    return "\n".join(
        [
            # Full width up to its natural size (app.css caps it; no style attribute, which the
            # content security policy would refuse), height from the viewBox: a fixed height
            # would leave a gap under a shrunken chart in WeasyPrint.
            f'<svg xmlns="{SVG_NAMESPACE}" width="100%" class="{layout.css_class}" '
            f'viewBox="0 0 {width} {height}" role="img" '
            f'aria-labelledby="{title_id} {desc_id}" font-family="{FONT_FAMILY}" '
            f'font-size="{layout.font_size}" fill="{TEXT_COLOUR}">',
            f'<title id="{title_id}">Monthly cost: functions against containers</title>',
            f'<desc id="{desc_id}">{escape(_description(cost))}</desc>',
            f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
            *_axes(frame, height),
            *_markers(frame, cost),
            *_series(frame, cost),
            *_legend(frame),
            "</svg>",
        ]
    )


def _axes(frame: _Frame, height: int) -> list[str]:
    layout = frame.layout
    x_ticks = _ticks(*frame.x_decades, layout.max_ticks)
    y_ticks = _ticks(*frame.y_decades, layout.max_ticks)
    top, bottom, left, right = (_n(v) for v in (frame.top, frame.bottom, frame.left, frame.right))
    out = [f'<g stroke="{GRID_COLOUR}" stroke-width="1">']
    for exponent in x_ticks:
        x = _n(frame.x(10.0**exponent))
        out.append(f'<line x1="{x}" y1="{top}" x2="{x}" y2="{bottom}"/>')
    for exponent in y_ticks:
        y = _n(frame.y(10.0**exponent))
        out.append(f'<line x1="{left}" y1="{y}" x2="{right}" y2="{y}"/>')
    out.append("</g>")
    out.append(
        f'<path d="M{left} {top}V{bottom}H{right}" fill="none" '
        f'stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    out.append(f'<g font-size="{layout.tick_font_size}">')
    for exponent in x_ticks:
        out.append(
            _text(
                frame.x(10.0**exponent),
                frame.bottom + layout.tick_font_size + 5,
                _decade_label(exponent),
                text_anchor="middle",
            )
        )
    # Half the height of a digit below the tick, so the label is centred on its line.
    centring = round(layout.tick_font_size * 0.36)
    for exponent in y_ticks:
        out.append(
            _text(
                frame.left - 6,
                frame.y(10.0**exponent) + centring,
                "$" + _decade_label(exponent),
                text_anchor="end",
            )
        )
    out.append("</g>")
    centre_x, centre_y = (frame.left + frame.right) / 2, (frame.top + frame.bottom) / 2
    out.append(_text(centre_x, height - 10, "Requests per month", text_anchor="middle"))
    out.append(
        _text(
            14,
            centre_y,
            "USD per month",
            text_anchor="middle",
            transform=f"rotate(-90 14 {_n(centre_y)})",
        )
    )
    return out


def _label_beside(frame: _Frame, x: float, y: float, content: str, **attributes: str) -> str:
    """A marker's label to the right of its line, or to the left near the right edge."""
    if x > frame.right - 8 * len(content) * frame.layout.font_size / WIDE.font_size:
        return _text(x - 4, y, content, text_anchor="end", **attributes)
    return _text(x + 4, y, content, text_anchor="start", **attributes)


def _markers(frame: _Frame, cost: CostComparison) -> list[str]:
    """The crossover (dashed) and this workload's volume (solid), drawn under the lines."""
    out = []
    top, bottom = _n(frame.top), _n(frame.bottom)
    crossover = cost.crossover_monthly_requests
    if crossover is not None and crossover > 0:
        x = frame.x(crossover)
        out.append(
            f'<g class="marker-crossover"><line x1="{_n(x)}" y1="{top}" x2="{_n(x)}" '
            f'y2="{bottom}" stroke="{AXIS_COLOUR}" stroke-width="1.5" stroke-dasharray="6 4"/>'
            + _label_beside(frame, x, frame.top + 12, "crossover", fill=AXIS_COLOUR)
            + "</g>"
        )
    if cost.monthly_requests > 0:
        x = frame.x(cost.monthly_requests)
        out.append(
            f'<g class="marker-you"><line x1="{_n(x)}" y1="{top}" x2="{_n(x)}" y2="{bottom}" '
            f'stroke="{TEXT_COLOUR}" stroke-width="1.5"/>'
            f'<path d="M{_n(x)} {_n(frame.bottom - 7)}l-5 7h10z" fill="{TEXT_COLOUR}"/>'
            + _label_beside(frame, x, frame.bottom - 10, "you", font_weight="bold")
            + "</g>"
        )
    return out


def _series(frame: _Frame, cost: CostComparison) -> list[str]:
    out = []
    for model, colour in (("functions", FUNCTIONS_COLOUR), ("containers", CONTAINERS_COLOUR)):
        points = [
            (frame.x(point.monthly_requests), frame.y(getattr(point, model)))
            for point in cost.series
        ]
        joined = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
        out.append(
            f'<g class="series-{model}"><polyline points="{joined}" fill="none" '
            f'stroke="{colour}" stroke-width="2.5" stroke-linejoin="round"/>'
        )
        out.extend(_point(model, x, y) for x, y in points)
        out.append("</g>")
    return out


def _point(model: str, x: float, y: float) -> str:
    """A circle for functions and a square for containers, so colour is not the only cue."""
    if model == "functions":
        return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3.5" fill="{FUNCTIONS_COLOUR}"/>'
    return (
        f'<rect x="{_n(x - 3.5)}" y="{_n(y - 3.5)}" width="7" height="7" '
        f'fill="{CONTAINERS_COLOUR}"/>'
    )


def _legend(frame: _Frame) -> list[str]:
    out = []
    for index, (model, colour, label) in enumerate(
        (
            ("functions", FUNCTIONS_COLOUR, "Cheapest functions option"),
            ("containers", CONTAINERS_COLOUR, "Cheapest containers option"),
        )
    ):
        if frame.layout.legend_rows:
            x, y = frame.left, 18 + 20 * index
        else:
            x, y = frame.left + 210 * index, 18
        out.append(
            f'<g class="legend-{model}"><line x1="{_n(x)}" y1="{y}" x2="{_n(x + 28)}" y2="{y}" '
            f'stroke="{colour}" stroke-width="2.5"/>'
            + _point(model, x + 14, y)
            + _text(x + 34, y + 4, label)
            + "</g>"
        )
    return out
