"""The ADR as a printable PDF: the print template over `build_adr`, laid out by WeasyPrint.

This module only formats what `build_adr` decided, in the Markdown renderer's section order. It
is also the one place that lets WeasyPrint touch the outside world, so it keeps that door shut:
the URL fetcher serves `data:` URLs and the project's own static files and refuses everything
else, attachments are stripped, and the layout runs in a child process that is killed when it
runs out of time, so a pathological document cannot hold a worker. The child dies with its
parent, answers SIGTERM, and closes every descriptor it inherited but its answer pipe.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import math
import mimetypes
import os
import pickle
import re
import resource
import select
import signal
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import unquote
from urllib.request import DataHandler, Request

import weasyprint
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from weasyprint.urls import URLFetcher, URLFetcherResponse

from advisor.charts import cost_chart_svg
from advisor.prose import join_words
from decisions.render.context import CHOSEN_PROS_AND_CONS, Adr, AdrDocument, build_adr
from decisions.render.html import markdown_to_html

Paper = Literal["a4", "letter"]
PAPERS: tuple[Paper, ...] = ("a4", "letter")
TEMPLATE = "decisions/adr_print.html"
FREE_FORM_TEMPLATE = "decisions/adr_print_free.html"
# Bump when this module changes the PDF in a way the rendered HTML does not show (fetcher,
# WeasyPrint options, post-processing), so cached PDFs are not served stale.
RENDERER_VERSION = "1"
# How a template names one of the project's static files: `static:css/app.css`.
STATIC_SCHEME = "static:"

UNKNOWN_PAPER = "Unknown paper size {paper!r}; expected one of: a4, letter."
TIMED_OUT = "The PDF took longer than {timeout:g} seconds to render and was stopped."
CRASHED = "The PDF renderer stopped without an answer (exit code {code})."
FAILED = "WeasyPrint could not render the PDF: {error}"
REFUSED = "The PDF renderer only loads data: URLs and the project's static files"


class PdfRenderError(Exception):
    """The PDF could not be produced in time or at all; the message says which, and `kind`
    is "timeout", "crash" (the child died without answering) or "failed" (WeasyPrint raised)."""

    def __init__(self, message: str, kind: str = "failed") -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class RenderReport:
    pdf: bytes
    refused: list[str] = field(default_factory=list)  # URLs the fetcher would not load
    seconds: float = 0.0


# -- the URL fetcher -------------------------------------------------------------------------


def _static_roots() -> list[Path]:
    """The directories the staticfiles finders serve from, with symlinks resolved."""
    roots = []
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            roots.append(Path(storage.location).resolve())
    return roots


def _static_file(path: str) -> Path | None:
    """A file the staticfiles finders serve at `path`, or None for anything else."""
    path = unquote(path)
    parts = path.split("/")
    if (
        not path
        or path.startswith("/")
        or any(character in path for character in "\\?#\x00")
        or any(part in ("", ".", "..") for part in parts)
    ):
        return None
    try:
        found = finders.find(path)
    except SuspiciousFileOperation:
        return None
    if not isinstance(found, str):
        return None
    real = Path(found).resolve()
    # A symlink inside a static directory must not lead out of it.
    if not real.is_file() or not any(real.is_relative_to(root) for root in _static_roots()):
        return None
    return real


class LockedUrlFetcher(URLFetcher):
    """Serves `data:` URLs and `static:<path>` files; refuses and records everything else.

    Nothing goes to the network or to the file system outside the static directories, and
    since nothing is fetched over HTTP there is no redirect to follow.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        if url[:5].lower() == "data:":
            response = DataHandler().data_open(Request(url))
            return URLFetcherResponse(url, body=response.read(), headers=dict(response.headers))
        if url.startswith(STATIC_SCHEME):
            path = _static_file(url.removeprefix(STATIC_SCHEME))
            if path is not None:
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    url, body=path.read_bytes(), headers={"Content-Type": content_type}
                )
        self.refused.append(url)
        # WeasyPrint catches this, logs it and renders on without the resource.
        raise ValueError(f"{REFUSED}: {url}")


# -- the print HTML --------------------------------------------------------------------------


@dataclass(frozen=True)
class _CostRow:
    name: str
    sizing: str
    monthly: str
    note: str


@dataclass(frozen=True)
class _ScoreRow:
    name: str
    points: str
    score: str
    chosen: bool


@dataclass(frozen=True)
class _FactorRow:
    label: str
    values: list[str]


def _money(value: float) -> str:
    return f"${value:,.2f}"


def _context(adr: Adr, paper: Paper) -> dict[str, object]:
    """The template's context: the Adr plus its numbers written the way the Markdown writes them."""
    result = adr.recommendation
    cost = result.cost
    return {
        "adr": adr,
        "document": adr.document,
        "paper": paper,
        "chart_svg": cost_chart_svg(cost, id_prefix="adr-cost-chart"),
        "chosen_pros_and_cons": CHOSEN_PROS_AND_CONS,
        "chosen_score": f"{result.scores[adr.chosen.id]:.1f}",
        "margin": f"{result.confidence * 100:.1f}",
        "monthly_requests": f"{cost.monthly_requests:,.0f}",
        "cost_rows": [_CostRow(o.name, o.sizing, _money(o.monthly), note) for o, note in cost.rows],
        "score_rows": [
            _ScoreRow(
                option.outcome.name,
                f"{result.points[option.outcome.id]:g}",
                f"{option.score:.1f}{', ruled out' if option.knocked_out else ''}",
                option.chosen,
            )
            for option in adr.options
        ],
        "outcome_names": [option.outcome.name for option in adr.options],
        "more_patterns": join_words(adr.more_patterns),
        "more_anti_patterns": join_words(adr.more_anti_patterns),
        # The answers side by side in two columns: half the table's height.
        "answer_pairs": [
            adr.snapshot.answers[index : index + 2]
            for index in range(0, len(adr.snapshot.answers), 2)
        ],
        "factor_rows": [
            _FactorRow(
                f"{factor.label}{' (decisive)' if factor.decisive else ''}",
                [f"{factor.points.get(option.outcome.id, 0):g}" for option in adr.options],
            )
            for factor in result.factors
        ],
    }


def _check_paper(paper: str) -> None:
    if paper not in PAPERS:
        raise ValueError(UNKNOWN_PAPER.format(paper=paper))


# What one record may put in front of the layout engine: enough for any real decision, and
# small enough that the longest record renders well inside the budget. Older or imported
# records beyond it are shortened in print, with a note; the Markdown keeps everything.
PRINT_LIMITS = {
    "context": 20_000,
    "context_lines": 300,
    "body": 40_000,
    "body_lines": 800,
    "list_items": 40,
    "item": 500,
}
SHORTENED = "[Shortened for print; the Markdown download has the full text.]"
# Characters WeasyPrint or a reader should never see: C0 and C1 controls other than tab and
# newline, the line and paragraph separators (a space before U+2029 crashes the layout), and
# the bidirectional controls that can make a title read backwards.
_UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


# Layout time grows much faster than the length of a run without a break opportunity, above
# all when it mixes scripts (20,000 alternating Latin and Hebrew letters: over a minute). A
# zero-width space every so often gives the line breaker places to cut, and reads the same.
# A free-form body is Markdown, where a table's rule or a link can be long without a space:
# its runs are cut less often.
UNBROKEN_RUN = 60
UNBROKEN_MARKDOWN_RUN = 100


def printable_text(text: str, run: int = UNBROKEN_RUN) -> str:
    """Text as it may go to WeasyPrint: NFC, separators as newlines, controls dropped, long
    unbroken runs given break opportunities."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = _UNPRINTABLE.sub("", text)
    return re.sub(rf"\S{{{run}}}", lambda match: match.group() + "\u200b", text)


def _item(text: str) -> str:
    text = printable_text(text)
    limit = PRINT_LIMITS["item"]
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _items(values: list[str]) -> list[str]:
    limit = PRINT_LIMITS["list_items"]
    kept = [_item(value) for value in values[:limit]]
    return [*kept, SHORTENED] if len(values) > limit else kept


def _print_long(text: str, chars: int, lines: int, run: int = UNBROKEN_RUN) -> str:
    text = printable_text(text, run)
    kept = text.split("\n")
    if len(text) <= chars and len(kept) <= lines:
        return text
    return "\n".join(kept[:lines])[:chars] + f"\n\n{SHORTENED}"


def printable(document: AdrDocument) -> AdrDocument:
    """The document as it is printed: clean text, within PRINT_LIMITS."""
    return document.model_copy(
        update={
            "title": _item(document.title),
            "team": _item(document.team) if document.team else document.team,
            "context": _print_long(
                document.context, PRINT_LIMITS["context"], PRINT_LIMITS["context_lines"]
            ),
            "body": _print_long(
                document.body,
                PRINT_LIMITS["body"],
                PRINT_LIMITS["body_lines"],
                UNBROKEN_MARKDOWN_RUN,
            ),
            "drivers": _items(document.drivers),
            "decision_makers": _items(document.decision_makers),
            "consulted": _items(document.consulted),
            "informed": _items(document.informed),
        }
    )


def print_html(document: AdrDocument, paper: Paper) -> str:
    """The HTML that goes to WeasyPrint: every user string cleaned and autoescaped; raw only
    the chart (built and escaped by advisor.charts) or a free-form body (sanitised HTML)."""
    _check_paper(paper)
    document = printable(document)
    if document.free_form:
        body_html = markdown_to_html(document.body) if document.body.strip() else ""
        context = {"document": document, "paper": paper, "body_html": body_html}
        return render_to_string(FREE_FORM_TEMPLATE, context)
    return render_to_string(TEMPLATE, _context(build_adr(document), paper))


def pdf_cache_key(document: AdrDocument, paper: Paper) -> str:
    """Changes with anything that changes the PDF: the HTML, the paper, WeasyPrint, this module."""
    digest = hashlib.sha256()
    for part in (print_html(document, paper), paper, weasyprint.__version__, RENDERER_VERSION):
        digest.update(part.encode())
        digest.update(b"\x00")
    return f"adr-pdf:{digest.hexdigest()}"


# -- rendering -------------------------------------------------------------------------------


def _write_pdf(html: str) -> tuple[bytes, list[str]]:
    fetcher = LockedUrlFetcher()
    rendered = weasyprint.HTML(string=html, url_fetcher=fetcher).render()
    # An ADR never carries files. The fetcher already refuses what user text could name; this
    # also drops `<link rel="attachment">` and `<a rel="attachment">` the template might grow.
    rendered.metadata.attachments = []
    for page in rendered.pages:
        page.links = [link for link in page.links if link[0] != "attachment"]
    pdf = rendered.write_pdf(attachments=[])
    assert isinstance(pdf, bytes)
    return pdf, fetcher.refused


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
# Descriptors above the standard three that a child may have inherited: sockets (the server's
# listening socket, database connections), log files, pipes of other renders.
_MAX_FD = 65536


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this process when the process that forked it dies; on other systems,
    and if the parent is already gone, leave at once."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(1)


def _become_renderer(parent: int, keep: int, cpu_seconds: int) -> None:
    """Shed what the server process gave this child: its signal handlers (a worker's SIGTERM
    handler would make it ignore SIGTERM), every inherited descriptor but the answer pipe (so
    it never holds the listening socket or a database connection), and unbounded CPU time."""
    _die_with_parent(parent)
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1):
        signal.signal(signum, signal.SIG_DFL)
    os.closerange(3, keep)
    os.closerange(keep + 1, _MAX_FD)
    # A backstop should the parent fail to kill it: the kernel stops it after its budget.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))


def _child(html: str, writer: int, parent: int, cpu_seconds: int) -> None:
    """The forked renderer: one pickled answer down the pipe, then exit without cleanup."""
    code = 0
    try:
        _become_renderer(parent, writer, cpu_seconds)
        try:
            answer: tuple[str, object, list[str]] = ("ok", *_write_pdf(html))
        except BaseException as error:  # the parent turns any failure into a PdfRenderError
            answer = ("error", f"{type(error).__name__}: {error}", [])
        with os.fdopen(writer, "wb") as pipe:
            pipe.write(pickle.dumps(answer))
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _read_answer(reader: int, deadline: float) -> bytes | None:
    """Everything the child writes before it closes the pipe, or None when time runs out."""
    chunks: list[bytes] = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        ready, _, _ = select.select([reader], [], [], remaining)
        if not ready:
            return None
        chunk = os.read(reader, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _render_with_budget(html: str, timeout: float) -> tuple[bytes, list[str]]:
    """WeasyPrint in a forked child that is killed after `timeout` seconds, dies with this
    process, and keeps no descriptor of this process but its answer pipe."""
    parent = os.getpid()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's coverage is not collected
        os.close(reader)
        _child(html, writer, parent, max(1, math.ceil(timeout)) + 1)
    os.close(writer)  # so a child that dies without answering reads as end-of-file here
    try:
        raw = _read_answer(reader, time.monotonic() + timeout)
    finally:
        os.close(reader)
        # It has answered, died or run out of time: either way it has nothing left to do.
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    if raw is None:
        raise PdfRenderError(TIMED_OUT.format(timeout=timeout), "timeout")
    if not raw:
        raise PdfRenderError(CRASHED.format(code=os.waitstatus_to_exitcode(status)), "crash")
    answer_status, payload, refused = pickle.loads(raw)
    if answer_status != "ok":
        raise PdfRenderError(FAILED.format(error=payload))
    return payload, refused


def render_pdf_report(
    document: AdrDocument, *, paper: Paper = "a4", timeout: float = 20.0
) -> RenderReport:
    """The PDF with what the fetcher refused and how long the layout took."""
    html = print_html(document, paper)
    started = time.perf_counter()
    pdf, refused = _render_with_budget(html, timeout)
    return RenderReport(pdf=pdf, refused=refused, seconds=time.perf_counter() - started)


def render_pdf(document: AdrDocument, *, paper: Paper = "a4", timeout: float = 20.0) -> bytes:
    return render_pdf_report(document, paper=paper, timeout=timeout).pdf
