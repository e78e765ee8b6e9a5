"""The PDF renderer: a readable, paginated ADR, and a WeasyPrint that reaches nothing outside."""

from __future__ import annotations

import base64
import datetime as dt
import io
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from pypdf import PdfReader

from advisor.engine import evaluate_raw
from advisor.framework import default_framework
from decisions.render import pdf as pdf_module
from decisions.render.context import AdrDocument, Snapshot, default_context, default_drivers
from decisions.render.markdown import render_markdown
from decisions.render.pdf import (
    LockedUrlFetcher,
    PdfRenderError,
    pdf_cache_key,
    print_html,
    render_pdf,
    render_pdf_report,
)
from tests.conftest import BASE_ANSWERS
from tests.decisions.conftest import make_document as outcome_document

EXAMPLES = Path(settings.BASE_DIR) / "examples"
TITLE = "Use serverless for the payments API"
HOSTILE = (
    '<img src="file:///etc/passwd"> <link rel="attachment" href="file:///etc/passwd"> '
    '<script>alert(1)</script> <img src="http://127.0.0.1:9/x.png"> </style>'
)
PASSWD = Path("/etc/passwd")
# One line of the file, as it would appear if the renderer ever read it.
PASSWD_LINE = PASSWD.read_text().splitlines()[0] if PASSWD.exists() else "root:x:0:0"


def make_document(**overrides: Any) -> AdrDocument:
    framework = default_framework()
    snapshot = Snapshot.capture(framework, evaluate_raw(framework, BASE_ANSWERS))
    fields: dict[str, Any] = {
        "number": 7,
        "title": TITLE,
        "status": "proposed",
        "date": dt.date(2026, 11, 23),
        "team": "Payments",
        "decision_makers": ["Ada Lovelace", "Grace Hopper"],
        "consulted": ["Platform team"],
        "informed": ["Finance"],
        "context": "The payments API takes card payments.\n\nIt must stay up on sale days.",
        "drivers": ["Nobody runs infrastructure", "Spiky traffic"],
        "snapshot": snapshot,
        **overrides,
    }
    return AdrDocument(**fields)


def hostile_document() -> AdrDocument:
    return make_document(
        title=f"Payments {HOSTILE}",
        context=f"Context {HOSTILE}\n\nMore {HOSTILE}",
        team=HOSTILE,
        decision_makers=[HOSTILE],
        drivers=[HOSTILE],
    )


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def assert_no_attachments(pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    names = reader.trailer["/Root"].get("/Names")
    assert names is None or "/EmbeddedFiles" not in names.get_object()
    assert dict(reader.attachments) == {}
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            assert annotation.get_object().get("/Subtype") != "/FileAttachment"


@pytest.fixture(scope="module")
def a4_pdf() -> bytes:
    return render_pdf(make_document())


def test_it_renders_the_adr_with_its_id_title_and_a_page_footer(a4_pdf: bytes) -> None:
    texts = page_texts(a4_pdf)

    # A typical ADR runs to 11 A4 pages; the range allows for framework edits.
    assert 3 <= len(texts) <= 15
    everything = "\n".join(texts)
    assert TITLE in everything
    assert "ADR-0007" in everything
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {len(texts)}" in text
        assert "ADR-0007" in text  # the running header


def test_it_renders_every_section_in_the_markdown_order(a4_pdf: bytes) -> None:
    everything = re.sub(r"\s+", " ", " ".join(page_texts(a4_pdf)))
    sections = [
        "Context and Problem Statement",
        "Decision Drivers",
        "Considered Options",
        "Decision Outcome",
        "Consequences",
        "Confirmation",
        "Pros and Cons of the Options",
        "Recommended Patterns",
        "Anti-Patterns to Avoid",
        "Cost Estimate",
        "More Information",
        "Review Date",
        "Appendix: Implementation Checklist",
        "Appendix: Scoring",
        "Points and Scores",
    ]
    positions = [everything.find(section) for section in sections]

    assert -1 not in positions
    assert positions == sorted(positions)


def test_it_draws_the_cost_chart_inline() -> None:
    html = print_html(make_document(), "a4")

    assert html.count("<svg") == 1
    assert 'id="adr-cost-chart-title"' in html


def test_it_sizes_pages_for_a4_and_letter(a4_pdf: bytes) -> None:
    letter = render_pdf(make_document(), paper="letter")

    a4_box = PdfReader(io.BytesIO(a4_pdf)).pages[0].mediabox
    letter_box = PdfReader(io.BytesIO(letter)).pages[0].mediabox
    assert (round(float(a4_box.width)), round(float(a4_box.height))) == (595, 842)
    assert (round(float(letter_box.width)), round(float(letter_box.height))) == (612, 792)


def test_it_rejects_an_unknown_paper_size() -> None:
    with pytest.raises(ValueError, match="Unknown paper size"):
        render_pdf(make_document(), paper="a3")  # type: ignore[arg-type]


# -- hostile input ---------------------------------------------------------------------------


def test_it_escapes_hostile_text_in_the_print_html() -> None:
    html = print_html(hostile_document(), "a4")

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html
    assert "<img" not in html
    assert '<link rel="attachment"' not in html
    assert html.count("</style>") == 1  # the template's own


def test_it_prints_hostile_text_as_text_and_fetches_nothing() -> None:
    report = render_pdf_report(hostile_document())

    everything = " ".join(page_texts(report.pdf))
    assert "<script>alert(1)</script>" in everything
    assert PASSWD_LINE not in everything
    assert "root:x:0:0" not in everything
    assert_no_attachments(report.pdf)
    # Escaped markup is text, so WeasyPrint never even asked for a URL.
    assert report.refused == []


def test_it_refuses_urls_and_attachments_even_in_raw_markup(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As if the template itself let markup through: the fetcher and the attachment stripping
    # are the second line of defence.
    raw = (
        "<html><head>"
        '<link rel="attachment" href="file:///etc/passwd">'
        '<link rel="attachment" href="static:css/app.css">'
        '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
        "</head><body><p>Raw</p>"
        '<img src="file:///etc/passwd"><img src="http://127.0.0.1:9/x.png">'
        '<a rel="attachment" href="static:css/app.css">static file</a>'
        '<a rel="attachment" href="file:///etc/passwd">passwd</a>'
        "</body></html>"
    )
    monkeypatch.setattr(pdf_module, "print_html", lambda document, paper: raw)

    report = render_pdf_report(make_document())

    assert "file:///etc/passwd" in report.refused
    assert "http://127.0.0.1:9/x.png" in report.refused
    assert "http://127.0.0.1:9/x.css" in report.refused
    assert_no_attachments(report.pdf)
    assert PASSWD_LINE not in " ".join(page_texts(report.pdf))


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://example.com/style.css",
        "ftp://example.com/x.png",
        "css/app.css",
        "/etc/passwd",
        "static:../manage.py",
        "static:css/../../manage.py",
        "static:%2e%2e/manage.py",
        "static:/etc/passwd",
        "static:css/missing.css",
        "static:css/app.css?x=1",
    ],
)
def test_it_refuses_urls_outside_data_and_static_files(url: str) -> None:
    fetcher = LockedUrlFetcher()

    with pytest.raises(ValueError, match="only loads data: URLs"):
        fetcher.fetch(url)

    assert fetcher.refused == [url]


def test_it_serves_data_urls_and_static_files() -> None:
    fetcher = LockedUrlFetcher()
    encoded = base64.b64encode(b"hello").decode()

    data = fetcher.fetch(f"data:text/plain;base64,{encoded}")
    static = fetcher.fetch("static:css/app.css")

    assert data.read() == b"hello"
    assert static.read() == (Path(settings.BASE_DIR) / "static/css/app.css").read_bytes()
    assert static.content_type == "text/css"
    assert fetcher.refused == []


# -- cache key, time budget and failures -----------------------------------------------------


def test_it_keys_the_cache_on_the_document_and_the_paper(monkeypatch: pytest.MonkeyPatch) -> None:
    key = pdf_cache_key(make_document(), "a4")

    assert pdf_cache_key(make_document(), "a4") == key
    assert pdf_cache_key(make_document(title="Use containers"), "a4") != key
    assert pdf_cache_key(make_document(), "letter") != key
    monkeypatch.setattr(pdf_module, "RENDERER_VERSION", "next")
    assert pdf_cache_key(make_document(), "a4") != key


def test_it_stops_a_render_that_runs_out_of_time() -> None:
    with pytest.raises(PdfRenderError, match="longer than 0.001 seconds"):
        render_pdf(make_document(), timeout=0.001)


def test_it_reports_a_weasyprint_failure_as_a_render_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("no layout today")

    monkeypatch.setattr(pdf_module.weasyprint, "HTML", broken)

    with pytest.raises(PdfRenderError, match="no layout today"):
        render_pdf(make_document())


def test_it_reports_a_renderer_that_dies_as_a_render_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def dies(**kwargs: Any) -> None:
        os._exit(3)  # as a segfault or the OOM killer would, without a word

    monkeypatch.setattr(pdf_module.weasyprint, "HTML", dies)

    with pytest.raises(PdfRenderError, match="without an answer"):
        render_pdf(make_document())


@pytest.mark.parametrize("outcome", ["serverless", "containers", "hybrid"])
def test_no_page_ends_on_a_heading_and_the_record_stays_short(outcome: str) -> None:
    document = outcome_document(outcome)
    pdf = render_pdf(document)
    markdown = render_markdown(document)
    headings = {
        re.sub(r"\\(.)", r"\1", line.lstrip("#").strip())
        for line in markdown.splitlines()
        if line.startswith("## ") or line.startswith("### ")
    }

    texts = page_texts(pdf)

    # A board reads it in one sitting: four A4 pages, appendix included.
    assert len(texts) <= 4
    for number, text in enumerate(texts[:-1], 1):
        lines = [
            line.strip()
            for line in text.splitlines()
            if line.strip()
            and not re.match(r"^(Page \d+ of \d+|Proposed · )", line.strip())
            and document.adr_id not in line
            and document.title not in line
        ]
        assert lines[-1] not in headings, f"page {number} ends with the heading {lines[-1]!r}"


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda path: path.stem)
def test_every_shipped_example_fits_in_four_pages(example: Path) -> None:
    framework = default_framework()
    result = evaluate_raw(framework, yaml.safe_load(example.read_text()))
    snapshot = Snapshot.capture(framework, result)
    workload = example.stem.replace("-", " ")
    document = make_document(
        title=f"Use {result.recommendation} for {workload}",
        context=default_context(workload, snapshot),
        drivers=default_drivers(snapshot),
        snapshot=snapshot,
    )

    assert len(page_texts(render_pdf(document))) <= 4


@pytest.mark.parametrize(
    "text",
    ["A \u2029B", "A\u2028B", "Tab\tand\x0bvertical\x0cfeed", "\u202eesrever", "Bell\x07\x85"],
    ids=["space-paragraph-separator", "line-separator", "c0-controls", "bidi-override", "c1"],
)
def test_it_prints_text_with_separators_and_controls(text: str) -> None:
    document = make_document(title=f"Title {text}", context=f"Before {text} after", drivers=[text])

    pdf = render_pdf(document)

    everything = "\n".join(page_texts(pdf))
    assert "Before" in everything and "after" in everything
    assert "\u202e" not in everything and "\u2029" not in everything


def test_it_shortens_a_record_too_long_to_print_and_says_so() -> None:
    # 140 pages and several seconds of layout before the limits.
    document = make_document(context="a\n\n" * 6666, drivers=["driver"] * 2500)

    report = render_pdf_report(document)

    texts = page_texts(report.pdf)
    assert len(texts) <= 20
    assert "Shortened for print" in "\n".join(texts)
    assert pdf_module.SHORTENED not in render_markdown(document)


def test_long_unbroken_text_gets_break_opportunities_before_layout() -> None:
    # 20,000 alternating Latin and Hebrew letters took over a minute to lay out in one run.
    document = make_document(title="a\u05d0" * 100, context="a\u05d0" * 10_000)

    printed = pdf_module.printable(document)

    for text in (printed.title, printed.context):
        assert not re.search(r"[^\s\u200b]{61}", text)
        assert text.replace("\u200b", "").startswith("a\u05d0a\u05d0")
