"""A decision's PDF as the portal serves it: from the shared cache when any instance or the
worker has rendered it, otherwise rendered here within the budget.

Renders are the one costly thing a signed-in person can ask for, so they are bounded: at most
ADR_PDF_CONCURRENCY run at once across every instance (slots in the shared cache), and a render
that failed or ran out of time is remembered for that exact input, so asking again costs
nothing until the decision changes. Two requests for the same PDF render it once: the second
waits up to PEER_WAIT_SECONDS for the first's, then is asked to come back. So renders hold at
most ADR_PDF_CONCURRENCY workers for long; keep that below the number of web workers.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.core.cache import caches

from decisions.render.context import AdrDocument
from decisions.render.pdf import Paper, PdfRenderError, pdf_cache_key, render_pdf

log = logging.getLogger(__name__)

# A rendered PDF stays as long as its input does not change (the key is a hash of it); the
# expiry only lets an unused one go. How long a failure is remembered depends on how likely
# the same input is to fail again: WeasyPrint raising is certain to (until a fix changes the
# renderer version and so the key); running out of time may be a busy moment; a child killed
# from outside (the out-of-memory killer, an operator) is remembered only long enough to stop
# a retry loop.
KEEP_PDF_SECONDS = 60 * 60 * 24 * 30
REMEMBER_FAILURE_SECONDS = {"failed": 60 * 60 * 24, "timeout": 60 * 60, "crash": 60 * 10}
SLOT_KEY = "adr-pdf-slot:{}"
# How long a request waits for the same PDF another request is rendering.
PEER_WAIT_SECONDS = 3.0
RENDERING_KEY = "{}:rendering"

Outcome = Literal["hit", "rendered", "failed", "busy"]


@dataclass(frozen=True)
class PdfResult:
    outcome: Outcome
    pdf: bytes | None = None


def _failure_key(key: str) -> str:
    return f"{key}:failed"


@contextmanager
def render_slot(wait_seconds: float = 0.0) -> Iterator[bool]:
    """One of the ADR_PDF_CONCURRENCY render slots, or False when none frees up in time. A
    slot expires on its own shortly after the render budget, should its holder die."""
    cache = caches["default"]
    token = secrets.token_hex(8)
    expiry = int(settings.ADR_PDF_TIMEOUT) + 15
    deadline = time.monotonic() + wait_seconds
    held = None
    while held is None:
        for index in range(settings.ADR_PDF_CONCURRENCY):
            if cache.add(SLOT_KEY.format(index), token, timeout=expiry):
                held = SLOT_KEY.format(index)
                break
        if held is None:
            if time.monotonic() >= deadline:
                yield False
                return
            time.sleep(0.2)
    try:
        yield True
    finally:
        if cache.get(held) == token:
            cache.delete(held)


def decision_pdf(document: AdrDocument, paper: Paper, *, wait_seconds: float = 0.0) -> PdfResult:
    """The PDF for this document and paper: cached, rendered now, known to fail, or not
    renderable now because every slot is taken."""
    cache = caches["pdf"]
    key = pdf_cache_key(document, paper)
    pdf = cache.get(key)
    if pdf is not None:
        return PdfResult("hit", pdf)
    if cache.get(_failure_key(key)) is not None:
        return PdfResult("failed")
    claim = RENDERING_KEY.format(key)
    locks = caches["default"]
    if not locks.add(claim, 1, timeout=int(settings.ADR_PDF_TIMEOUT) + 15):
        # Someone is rendering this very PDF: wait a moment for theirs (a typical render takes
        # well under a second), then ask to come back rather than hold this worker longer.
        return _wait_for(key, PEER_WAIT_SECONDS)
    try:
        with render_slot(wait_seconds) as got_slot:
            if not got_slot:
                return PdfResult("busy")
            # Another instance may have finished it while this one waited for a slot.
            pdf = cache.get(key)
            if pdf is not None:
                return PdfResult("hit", pdf)
            try:
                pdf = render_pdf(document, paper=paper, timeout=settings.ADR_PDF_TIMEOUT)
            except PdfRenderError as error:
                log.error(
                    "ADR PDF render failed",
                    extra={"adr": document.adr_id, "error": str(error), "kind": error.kind},
                )
                remember = REMEMBER_FAILURE_SECONDS.get(error.kind, 60 * 10)
                cache.set(_failure_key(key), str(error), timeout=remember)
                return PdfResult("failed")
        cache.set(key, pdf, timeout=KEEP_PDF_SECONDS)
        return PdfResult("rendered", pdf)
    finally:
        locks.delete(claim)


def _wait_for(key: str, seconds: float) -> PdfResult:
    """The PDF another request is rendering, if it lands in the cache within `seconds`."""
    cache = caches["pdf"]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.1)
        pdf = cache.get(key)
        if pdf is not None:
            return PdfResult("hit", pdf)
        if cache.get(_failure_key(key)) is not None:
            return PdfResult("failed")
    return PdfResult("busy")
