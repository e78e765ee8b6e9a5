"""The result page template, rendered straight from a real `Recommendation`: no database."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from html import escape
from types import SimpleNamespace
from typing import Any

import pytest
from django.template.loader import render_to_string

from advisor.charts import cost_chart_svg
from advisor.engine import Recommendation, evaluate_raw
from advisor.framework import Framework
from tests.conftest import BASE_ANSWERS, STEADY_ANSWERS

TEMPLATE = "advisor/assessment_result.html"
# A busy GPU service: nothing a single answer could change would move it off containers.
STABLE_ANSWERS: dict[str, Any] = {
    **STEADY_ANSWERS,
    "monthly_requests": 2_000_000_000,
    "peak_rps": 2000,
    "gpu": True,
}

Render = Callable[..., str]


@pytest.fixture
def render(framework: Framework) -> Render:
    def render(result: Recommendation, **extra: Any) -> str:
        assessment = SimpleNamespace(
            name="Orders <script>",
            team=None,
            pk=1,
            updated_at=datetime(2025, 3, 1, 12, 0, tzinfo=UTC),
        )
        context = {
            "assessment": assessment,
            "result": result,
            "framework": framework,
            "chart_svg": cost_chart_svg(result.cost),
            "edit_url": "/assessments/1/steps/workload/",
            "outcome_names": {outcome.id: outcome.name for outcome in framework.outcomes},
            "cost_rows": [],
            **extra,
        }
        return render_to_string(TEMPLATE, context)

    return render


@pytest.fixture
def result(framework: Framework) -> Recommendation:
    return evaluate_raw(framework, BASE_ANSWERS)


def test_it_escapes_the_workload_name(render: Render, result: Recommendation) -> None:
    html = render(result)

    assert "Orders &lt;script&gt;" in html
    assert "Orders <script>" not in html


def test_it_heads_the_page_with_the_recommendation(render: Render, result: Recommendation) -> None:
    html = render(result)

    assert html.count("<h1") == 1
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert h1 is not None
    assert result.recommendation_name in h1.group(1)
    assert f"{result.confidence_label} confidence" in html
    # Confidence is explained in words, not as a bare percentage beside the score.
    assert f"({round(result.confidence * 100)}%)" not in html
    assert escape(result.confidence_notes[0]) in html


def test_it_leads_with_the_decisive_reasons_and_the_cost(
    render: Render, result: Recommendation
) -> None:
    html = render(result)

    reasons = html.split('id="decisive-reasons"')[1].split("</ol>")[0]
    assert [escape(r) in reasons for r in result.reasons] == [True] * len(result.reasons)
    summary = html.split('id="cost-summary"')[1].split("</p>")[0]
    recommended = result.cost.option(result.cost.recommended)
    assert escape(recommended.name) in summary
    assert "cheapest alternative" in summary
    # Everything else waits behind a summary a reader opens.
    first_details = html.index("<details")
    assert html.index('id="decisive-reasons"') < first_details
    assert html.index('id="cost-heading"') > first_details


def test_it_draws_an_accessible_bar_per_outcome(
    render: Render, result: Recommendation, framework: Framework
) -> None:
    html = render(result)

    assert html.count('<progress class="score-bar') == len(result.scores)
    for outcome in framework.outcomes:
        assert f'aria-label="{outcome.name} score"' in html
    winner = framework.outcome(result.recommendation).name
    assert f'{winner} <span class="badge text-bg-success">recommended</span>' in html


def test_it_lists_every_pattern_and_anti_pattern(render: Render, result: Recommendation) -> None:
    html = render(result)

    assert result.patterns and result.anti_patterns
    for entry in [*result.patterns, *result.anti_patterns]:
        assert escape(entry.name) in html
    for entry in result.anti_patterns:
        assert entry.instead is not None
        assert escape(entry.instead) in html
    for service in result.patterns[0].services:
        assert escape(service.name) in html


def test_it_explains_a_knockout_with_the_answer_behind_it(
    render: Render, framework: Framework
) -> None:
    result = evaluate_raw(framework, {**BASE_ANSWERS, "max_duration_minutes": 40})
    html = render(result)

    [knockout] = result.knockouts
    assert escape(knockout.reason) in html
    assert "Longest single job: 40 minutes" in html
    assert html.count("(ruled out)") == 1
    assert "No option is ruled out" not in html


def test_it_says_when_nothing_is_ruled_out(render: Render, result: Recommendation) -> None:
    assert not result.knockouts
    assert "No option is ruled out by a hard limit." in render(result)


def test_a_stored_cost_naming_an_option_it_no_longer_has_still_renders(
    render: Render, result: Recommendation
) -> None:
    gone = result.cost.model_copy(update={"recommended": "gone", "alternative": "gone too"})

    html = render(result.model_copy(update={"cost": gone}))

    assert 'id="cost-summary"' not in html
    assert html.count('<th scope="row"') == len(gone.options)


def test_it_shows_the_cost_table_with_the_cheapest_badge(
    render: Render, result: Recommendation
) -> None:
    html = render(result)

    cheapest = result.cost.option(result.cost.cheapest)
    assert f'{escape(cheapest.name)} <span class="badge text-bg-success">cheapest</span>' in html
    assert html.count(">cheapest</span>") == 1
    for option in result.cost.options:
        assert escape(option.name) in html
        assert f"${option.monthly:,.2f}<" in html
    assert result.cost.pricing.region in html
    assert result.cost.pricing.as_of in html


def test_it_states_the_crossover_volume_in_words(render: Render, framework: Framework) -> None:
    # A steady service: sized for a peak near its average, containers overtake functions.
    result = evaluate_raw(framework, STEADY_ANSWERS)
    html = render(result)

    crossover = result.cost.crossover_monthly_requests
    assert crossover is not None and crossover >= 1e6
    assert f"from about {crossover / 1e6:.3g} million requests a month." in html


def test_it_says_when_there_is_no_crossover(render: Render, result: Recommendation) -> None:
    cost = result.cost.model_copy(update={"crossover_monthly_requests": None})
    html = render(result.model_copy(update={"cost": cost}))

    assert "functions stay cheaper than containers across the modelled range" in html


def test_it_embeds_the_chart_unescaped(render: Render, result: Recommendation) -> None:
    html = render(result)

    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert 'role="img"' in html
    assert "&lt;svg" not in html
    assert re.search(r"<figure[^>]*>\s*<svg", html)
    assert "<figcaption" in html


def test_it_lists_what_would_change_the_recommendation(
    render: Render, result: Recommendation, framework: Framework
) -> None:
    html = render(result)

    assert result.sensitivity
    flip = result.sensitivity[0]
    outcome = framework.outcome(flip.recommendation).name
    assert (
        f"If <strong>{escape(flip.label)}</strong> were <strong>{escape(flip.display)}</strong> "
        f"(now {escape(flip.current_display)}), the recommendation would be "
        f"<strong>{outcome}</strong>."
    ) in html
    assert "The recommendation is stable" not in html


def test_it_says_when_the_recommendation_is_stable(render: Render, framework: Framework) -> None:
    result = evaluate_raw(framework, STABLE_ANSWERS)
    html = render(result)

    assert result.sensitivity == []
    assert "The recommendation is stable" in html


def test_it_lists_drivers_assumptions_and_the_checklist(
    render: Render, result: Recommendation
) -> None:
    html = render(result)

    for driver in result.drivers:
        assert escape(driver.label) in html
        for reason in driver.reasons:
            assert escape(reason) in html
    assert "<details>" in html
    for assumption in result.cost.assumptions:
        assert escape(assumption) in html
    for item in result.checklist:
        assert escape(item) in html


def test_it_links_to_edit_and_only_offers_an_adr_when_it_can(
    render: Render, result: Recommendation
) -> None:
    without = render(result)
    with_adr = render(result, create_adr_url="/decisions/new/?assessment=1")

    assert 'href="/assessments/1/steps/workload/">Edit answers</a>' in without
    assert "Create ADR" not in without
    assert 'href="/decisions/new/?assessment=1">Create ADR</a>' in with_adr


def test_it_keeps_a_heading_per_section_and_header_cells_scoped(
    render: Render, result: Recommendation
) -> None:
    html = render(result)

    for heading in (
        "Scores",
        "Ruled out",
        "What weighed most",
        "Recommended patterns",
        "Anti-patterns to avoid",
        "What would change this",
        "Cost estimate",
        "Checklist to confirm",
    ):
        assert re.search(rf"<h2[^>]*>{heading}</h2>", html), heading
    assert html.count("<h3") == len(result.patterns) + len(result.anti_patterns)
    assert "<th>" not in html
    assert html.count('<th scope="row"') == len(result.cost.options)


def test_the_cards_and_lists_written_in_python_escape_what_they_show() -> None:
    from django.template import Context, Template

    from advisor.engine.result import Because, Driver, EntryResult, Flip, Service

    hostile = '<script>alert("x")</script>'
    because = [Because(question="q", label=hostile, answer=1, display=hostile)]
    entry = EntryResult(
        id='p"1',
        name=hostile,
        summary=hostile,
        why=hostile,
        because=because,
        facts=[hostile],
        services=[Service(role="r", name=hostile)],
        confirm=[],
        instead=hostile,
    )
    driver = Driver(
        question="q", label=hostile, answer=1, display=hostile, net=1.0, reasons=[hostile]
    )
    flip = Flip(
        question="q",
        label=hostile,
        current=1,
        current_display=hostile,
        value=2,
        display=hostile,
        recommendation="<b>",
    )
    html = Template(
        "{% load results %}{% entry_cards entries 'pattern' %}"
        "{% entry_cards entries 'anti-pattern' %}"
        "{% driver_items drivers name %}{% flip_items flips names %}{% because because %}"
        "{% outcome_name names 'serverless' %}"
    ).render(
        Context(
            {
                "entries": [entry],
                "drivers": [driver],
                "flips": [flip],
                "because": because,
                "name": hostile,
                "names": {"serverless": hostile},
            }
        )
    )

    assert "<script>" not in html and "<b>" not in html
    # Each value shows once per place it is written, escaped.
    # pattern card 7, anti-pattern card 5, driver 4, flip 3, because 2, outcome name 1
    assert html.count(escape(hostile)) == 22
    assert 'id="pattern-p&quot;1"' in html


def test_the_cost_rows_and_plain_lists_escape_what_they_show(
    result: Recommendation, framework: Framework
) -> None:
    from django.template import Context, Template

    hostile = '<script>alert("x")</script>'
    cost = result.cost
    options = [o.model_copy(update={"name": hostile, "sizing": hostile}) for o in cost.options]
    ruled_out, cheapest = cost.options[0].id, cost.options[1].id
    cost = cost.model_copy(
        update={"options": options, "ruled_out": {ruled_out: hostile}, "cheapest": cheapest}
    )
    html = Template(
        "{% load results %}{% cost_rows cost %}|{% list_items items %}"
        "|{% list_items empty none_yet %}|{% list_items empty %}"
        "|{% outcome_summary framework 'no-such-outcome' %}|{% outcome_summary framework chosen %}"
    ).render(
        Context(
            {
                "cost": cost,
                "items": [hostile, hostile],
                "empty": [],
                "none_yet": "Nothing <yet>",
                "framework": framework,
                "chosen": result.recommendation,
            }
        )
    )

    rows, items, nothing_yet, nothing, unknown, summary = html.split("|")
    assert "<script>" not in html
    # Each option's name and sizing, and the one reason an option is ruled out.
    assert rows.count(escape(hostile)) == 2 * len(options) + 1
    assert rows.count("<tr>") == len(options) and rows.count(">cheapest</span>") == 1
    assert f"${cost.options[1].monthly:,.2f}<" in rows
    assert items == f"<li>{escape(hostile)}</li>" * 2
    assert nothing_yet == "<li>Nothing &lt;yet&gt;</li>" and nothing == "" and unknown == ""
    outcome = next(o for o in framework.outcomes if o.id == result.recommendation)
    assert summary == escape(outcome.summary) and summary
