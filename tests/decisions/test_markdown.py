"""The ADR as MADR 4 Markdown: structure, determinism and hostile text."""

from __future__ import annotations

import re

import pytest
import yaml

from advisor.engine import evaluate_raw
from advisor.framework import default_framework
from decisions.render.context import Snapshot, build_adr
from decisions.render.html import markdown_to_html
from decisions.render.markdown import inline, render_markdown
from tests.decisions.conftest import (
    BIDI_CONTROLS,
    BIDI_TITLE,
    HOSTILE,
    OUTCOME_ANSWERS,
    make_document,
)

MADR_SECTIONS = [
    "## Context and Problem Statement",
    "## Decision Drivers",
    "## Considered Options",
    "## Decision Outcome",
    "### Consequences",
    "### Confirmation",
    "## Pros and Cons of the Options",
    "## Recommended Patterns",
    "## Anti-Patterns to Avoid",
    "## Cost Estimate",
    "## More Information",
    "## Appendix: Scoring",
]


def _front_matter(markdown: str) -> dict:
    assert markdown.startswith("---\n")
    return yaml.safe_load(markdown.split("---\n")[1])


def _headings(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("#")]


@pytest.mark.parametrize("outcome", list(OUTCOME_ANSWERS))
def test_it_follows_madr(outcome):
    document = make_document(outcome)
    markdown = render_markdown(document)

    assert document.snapshot.recommendation.recommendation == outcome
    front = _front_matter(markdown)
    review_by = front.pop("review-by")
    assert front == {
        "status": "proposed",
        "date": document.date,
        "decision-makers": ["Alice Architect", "Bob Builder"],
        "consulted": ["Security"],
        "informed": ["Operations"],
    }
    months = document.snapshot.recommendation.review.months
    assert (review_by.year - document.date.year) * 12 + review_by.month - document.date.month == (
        months
    )
    headings = _headings(markdown)
    assert headings[0] == f"# ADR-0007: Use {outcome} for Orders"
    assert [h for h in headings if h in MADR_SECTIONS] == MADR_SECTIONS
    assert len([h for h in headings if h.startswith("# ")]) == 1
    assert len(headings) == len(set(headings)), "markdownlint refuses duplicate headings"
    chosen = document.snapshot.recommendation.recommendation_name
    assert f"Chosen option: {chosen}, because " in markdown
    options = markdown.split("## Considered Options")[1].split("##")[0]
    assert [line.split(":")[0] for line in options.strip().splitlines()] == [
        "- Serverless",
        "- Containers",
        "- Hybrid",
    ]


def test_it_renders_byte_identical_text(document):
    assert render_markdown(document) == render_markdown(document.model_copy())


def test_it_lists_every_pattern_and_anti_pattern_with_why_and_instead(document):
    markdown = render_markdown(document)
    adr = build_adr(document)
    result = document.snapshot.recommendation

    # The most specific entries are described; every other one is still named.
    patterns = markdown.split("## Recommended Patterns")[1].split("\n## ")[0]
    for entry in adr.patterns:
        assert f"- **{inline(entry.name)}**: {inline(entry.why)}" in patterns
    for entry in result.patterns:
        assert inline(entry.name) in patterns
    avoid = markdown.split("## Anti-Patterns to Avoid")[1].split("\n## ")[0]
    for entry in adr.anti_patterns:
        assert f"- **{inline(entry.name)}**: instead, " in avoid
    for entry in result.anti_patterns:
        assert inline(entry.name) in avoid
    assert len(adr.patterns) <= 6 and len(adr.anti_patterns) <= 5
    # The decision carries at most ten checks; the described entries' other checks are in the
    # appendix, grouped by the model they concern, and no check is listed twice.
    confirmation = markdown.split("### Confirmation")[1].split("\n## ")[0]
    assert 1 <= confirmation.count("- [ ] ") <= 10
    appendix = markdown.split("## Appendix: Implementation Checklist")[1].split("\n## Appendix")[0]
    for entry in [*adr.patterns, *adr.anti_patterns]:
        for item in entry.confirm:
            line = f"- [ ] {inline(item)}"
            assert (line in appendix) != (line in confirmation)


def test_it_keeps_the_cost_table_and_the_framework_version(document):
    markdown = render_markdown(document)

    assert "| Option | Sizing | Monthly (USD) |" in markdown
    assert "(cheapest)" in markdown
    snapshot = document.snapshot
    assert snapshot.framework_id in markdown
    assert f"version {snapshot.framework_version}" in markdown


def test_it_escapes_pipes_in_table_cells():
    assert inline("a | b") == "a \\| b"


def test_hostile_text_cannot_change_the_structure():
    safe = make_document()
    hostile = make_document(title=HOSTILE, context=HOSTILE, drivers=[HOSTILE])

    markdown = render_markdown(hostile)

    assert _headings(markdown)[1:] == _headings(render_markdown(safe))[1:]
    assert not re.search(r"(?<!\\)<", markdown), "every < is escaped"
    assert "\n---\n# Not a heading" not in markdown
    assert not re.search(r"^1\. not a list", markdown, re.MULTILINE)
    assert "http://127.0.0.1" not in markdown  # no bare link for renderers to follow


def test_no_bidirectional_control_reaches_the_markdown():
    hostile = make_document(
        title=BIDI_TITLE,
        context=f"Orders {BIDI_CONTROLS} needs a home.\n\n\u202e2. paragraph",
        drivers=[BIDI_TITLE, f"\u2066- {BIDI_CONTROLS}"],
        decision_makers=[BIDI_TITLE],
        consulted=[BIDI_CONTROLS],
        informed=["\u202eOps"],
        team=BIDI_TITLE,
    )

    markdown = render_markdown(hostile)

    assert not set(BIDI_CONTROLS) & set(markdown)
    assert "# ADR-0007: Use serverless for Orders\n" in markdown
    assert _front_matter(markdown)["decision-makers"] == ["Use serverless for Orders"]
    # What a control hid at the start of a line is escaped once the control is gone.
    assert "\n2\\. paragraph\n" in markdown
    assert "\n- \\-\n" in markdown


def test_hostile_text_shows_escaped_on_the_page():
    html = markdown_to_html(render_markdown(make_document(title=HOSTILE, context=HOSTILE)))

    assert "<script" not in html and "<img" not in html and "<link" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<h1>" in html and "<h2>" in html


def test_front_matter_survives_hostile_names():
    names = ['Eve"\n---\nstatus: accepted', "Mallory: #1"]
    markdown = render_markdown(make_document(decision_makers=names))

    front = _front_matter(markdown)
    assert front["status"] == "proposed"
    assert front["decision-makers"] == names


def test_front_matter_escapes_what_yaml_refuses_and_keeps_names_readable():
    names = ["Bob\x7f", "Zoë\x85 Smith", "Line\u2028Separator", "Ünïcödé"]
    markdown = render_markdown(make_document(decision_makers=names, consulted=["Nul\x00"]))

    front = _front_matter(markdown)
    assert front["decision-makers"] == names
    assert front["consulted"] == ["Nul\x00"]
    assert '"Ünïcödé"' in markdown, "plain non-ASCII letters stay as they are"


@pytest.mark.parametrize("outcome", list(OUTCOME_ANSWERS))
def test_reasons_read_as_one_sentence_after_because(outcome):
    markdown = render_markdown(make_document(outcome))

    assert not re.search(r"because [A-Z][a-z]*\b(?! [A-Z])", markdown.replace("because I/O", ""))
    assert "state stateless" not in markdown


def test_a_ruled_out_option_is_marked_in_the_cost_and_score_tables():
    answers = {**OUTCOME_ANSWERS["serverless"], "gpu": True}
    framework = default_framework()
    snapshot = Snapshot.capture(framework, evaluate_raw(framework, answers))
    markdown = render_markdown(make_document(snapshot=snapshot))

    cost = markdown.split("## Cost Estimate")[1].split("##")[0]
    assert "| AWS Lambda + API Gateway (HTTP API) (ruled out) |" in cost
    assert "(cheapest)" in cost and "(ruled out) (cheapest)" not in cost
    assert "Not possible for this workload: AWS Lambda" in cost
    assert "| Fargate (no GPUs) |" in cost
    assert re.search(r"\| Serverless \| [-\d.]+ \| 0\.0 \(ruled out\) \|", markdown)
