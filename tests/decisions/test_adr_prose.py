"""The decision reads as written by a person: whole sentences from the answers, the decisive
reasons first, directions on drivers, and user lines that cannot change the structure."""

from __future__ import annotations

import re

import pytest

from advisor.engine import evaluate_raw
from advisor.framework import default_framework
from advisor.prose import join_words
from decisions.render.context import (
    Snapshot,
    build_adr,
    default_context,
    default_drivers,
)
from decisions.render.html import BALLOT_BOX, markdown_to_html
from decisions.render.markdown import render_markdown
from decisions.render.pdf import print_html
from tests.conftest import BASE_ANSWERS
from tests.decisions.conftest import make_document

FRAMEWORK = default_framework()


def _snapshot(**answers: object) -> Snapshot:
    return Snapshot.capture(FRAMEWORK, evaluate_raw(FRAMEWORK, {**BASE_ANSWERS, **answers}))


def test_it_joins_lists_as_people_do():
    assert join_words([]) == ""
    assert join_words(["a"]) == "a"
    assert join_words(["a", "b"]) == "a and b"
    assert join_words(["a", "b", "c"]) == "a, b and c"


def test_the_context_says_nobody_waits_once_and_in_a_sentence_of_its_own():
    context = default_context("the ledger", _snapshot(latency_target="async", user_facing=False))

    assert context.startswith("The ledger handles about 500,000 requests")
    assert "Nobody waits on the answer" in context
    assert context.count("nobody waits") + context.count("Nobody waits") == 1


def test_the_context_puts_answer_labels_inside_sentences():
    context = default_context(
        "orders", _snapshot(runtime="other", triggers=["http", "schedule", "file_upload"])
    )

    assert "It is written in another language" in context
    assert "Other" not in context
    assert "Work starts from HTTP requests, file uploads and a schedule." in context
    assert "A person waits on each response, which must come under 1 second." in context


def test_drivers_say_whether_they_favour_the_choice():
    snapshot = _snapshot(runtime="java", latency_target="under_200ms", traffic_pattern="steady")
    result = snapshot.recommendation

    drivers = default_drivers(snapshot)

    assert len(drivers) == len(result.drivers)
    for text, driver in zip(drivers, result.drivers, strict=True):
        direction = "for" if driver.net > 0 else "against"
        assert text.endswith(f"({direction} {result.recommendation_name})")


def test_the_chosen_option_names_the_hard_limit_first():
    document = make_document(snapshot=_snapshot(max_duration_minutes=40))

    adr = build_adr(document)

    assert adr.chosen.id != "serverless"
    assert adr.because.startswith("serverless cannot be used: the longest job runs past")


def test_a_hybrid_says_where_each_part_runs():
    snapshot = _snapshot(
        max_duration_minutes=120, workload_kind="both", triggers=["http", "schedule"]
    )

    adr = build_adr(make_document(snapshot=snapshot))

    assert adr.chosen.id == "hybrid"
    assert "the request-serving service goes to AWS Lambda and the jobs to Amazon ECS" in (
        adr.because
    )
    assert adr.parts[0].startswith("The request-serving service: AWS Lambda")


def test_every_rejected_option_says_why_it_lost():
    adr = build_adr(make_document())

    for option in adr.options:
        assert bool(option.lost) != option.chosen
    containers = next(o for o in adr.options if o.outcome.id == "containers")
    assert containers.lost.startswith("it scores ")


def test_confirmation_keeps_ten_checks_and_the_record_has_a_review_date():
    adr = build_adr(make_document())

    assert 1 <= len(adr.confirmation) <= 10
    assert adr.review_by is not None and adr.review_by > adr.document.date
    assert adr.rollout


@pytest.mark.parametrize(
    "hostile",
    ["# heading", "## also a heading", "1. a list", "2) another", "- item", "+ item", "---", "==="],
)
def test_a_driver_line_cannot_change_the_structure(hostile: str):
    plain = render_markdown(make_document(drivers=["fine"]))
    markdown = render_markdown(make_document(drivers=[hostile]))

    html = markdown_to_html(markdown)
    assert html.count("<h1") == markdown_to_html(plain).count("<h1")
    assert html.count("<h2") == markdown_to_html(plain).count("<h2")
    assert html.count("<hr") == markdown_to_html(plain).count("<hr") == 0
    assert html.count("<ol") == markdown_to_html(plain).count("<ol")
    drivers = markdown.split("## Decision Drivers")[1].split("\n## ")[0]
    assert len(re.findall(r"^- ", drivers, flags=re.MULTILINE)) == 1


def test_checklist_items_show_as_boxes_on_the_page_but_user_brackets_do_not():
    markdown = render_markdown(make_document(drivers=["[ ] not a task"]))

    html = markdown_to_html(markdown)

    confirmation = html.split("Confirmation")[1]
    assert f"<li>{BALLOT_BOX}" in confirmation
    assert "<li>[ ] " not in confirmation
    assert "<li>[ ] not a task" in html


USER_FIELDS = ["title", "context", "drivers", "decision_makers", "consulted", "informed", "team"]
LIST_FIELDS = {"drivers", "decision_makers", "consulted", "informed"}
HOSTILE_LINE = "# <script>alert(1)</script> | `x` ---\n1. [link](http://127.0.0.1:9/)"


@pytest.mark.parametrize("field", USER_FIELDS)
def test_every_user_field_stays_text_in_markdown_html_and_print(field: str):
    value: object = [HOSTILE_LINE] if field in LIST_FIELDS else HOSTILE_LINE
    plain = render_markdown(make_document())
    markdown = render_markdown(make_document(**{field: value}))

    html = markdown_to_html(markdown)
    printed = print_html(make_document(**{field: value}), "a4")

    assert "<script>" not in html and "<script>" not in printed
    assert "&lt;script&gt;" in printed
    assert 'href="http://127.0.0.1' not in html and 'href="http://127.0.0.1' not in printed
    for tag in ("<h1", "<h2", "<h3", "<hr", "<ol", "<table"):
        assert html.count(tag) == markdown_to_html(plain).count(tag), (field, tag)
