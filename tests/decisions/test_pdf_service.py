"""PDF downloads that cannot hurt the site: a bounded number of renders at once, a failed
render remembered for that exact input, and PDFs made ahead of time by the worker."""

from __future__ import annotations

import io
import os
import threading

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from decisions.documents import adr_document
from decisions.models import Decision
from decisions.pdfs import RENDERING_KEY, render_slot
from decisions.pdfs import decision_pdf as cached_pdf
from decisions.render.pdf import pdf_cache_key
from decisions.services import decision_edit
from tests.decisions.conftest import make_decision

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _pdf_url(decision: Decision) -> str:
    return reverse("decision_pdf", args=[decision.number])


def test_a_failed_render_is_remembered_for_that_input_and_says_nothing_internal(
    alice, team, settings
):
    decision = make_decision(alice, team)
    client = _client(alice)
    settings.ADR_PDF_TIMEOUT = 0.001  # no real render finishes this fast

    failed = client.get(_pdf_url(decision))
    settings.ADR_PDF_TIMEOUT = 30  # now a render would succeed...
    again = client.get(_pdf_url(decision))

    # ...but the same input is not tried again: the second answer comes from memory.
    assert (failed.status_code, again.status_code) == (503, 503)
    page = again.content.decode()
    assert "could not be produced" in page
    assert "seconds to render" not in page and "WeasyPrint" not in page
    # A changed decision is new input, and renders.
    decision_edit(
        decision=decision,
        actor=alice,
        base_version=decision.version,
        title="Use serverless for Orders, revised",
        context=decision.context,
        drivers=decision.drivers,
        decision_makers=decision.decision_makers,
        consulted=decision.consulted,
        informed=decision.informed,
    )
    decision.refresh_from_db()
    rendered = client.get(_pdf_url(decision))
    assert rendered.status_code == 200
    assert rendered.content.startswith(b"%PDF")


def test_a_download_beyond_the_render_limit_is_asked_to_retry(alice, team, settings):
    settings.ADR_PDF_CONCURRENCY = 2
    decision = make_decision(alice, team)
    client = _client(alice)

    with render_slot() as first, render_slot() as second, render_slot() as third:
        assert (first, second, third) == (True, True, False)
        busy = client.get(_pdf_url(decision))

    assert busy.status_code == 503
    assert busy["Retry-After"] == "10"
    assert "not ready yet" in busy.content.decode()
    # With the slots free again, the same download renders.
    assert client.get(_pdf_url(decision)).status_code == 200


def test_a_slot_is_released_when_the_render_fails(alice, team, settings):
    settings.ADR_PDF_CONCURRENCY = 1
    settings.ADR_PDF_TIMEOUT = 0.001
    decision = make_decision(alice, team)

    assert _client(alice).get(_pdf_url(decision)).status_code == 503

    with render_slot() as free:
        assert free


# The worker closes its database connections between tasks, as a long-lived process should;
# that needs data committed for real rather than a test transaction.
@pytest.mark.django_db(transaction=True)
def test_the_worker_renders_a_proposed_decision_before_anyone_asks(alice, team):
    decision = make_decision(alice, team, status="proposed")
    key = pdf_cache_key(adr_document(decision), "a4")
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert caches["pdf"].get(key) is None

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert caches["pdf"].get(key) is not None
    download = _client(alice).get(_pdf_url(decision))
    assert download["X-ADR-Cache"] == "hit"
    assert "ADR-0001" in PdfReader(io.BytesIO(download.content)).pages[0].extract_text()


def test_a_draft_is_not_queued_for_the_worker(alice, team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_decision(alice, team, status="draft")

    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_second_request_for_a_pdf_being_rendered_waits_a_moment_for_it(alice, team):
    decision = make_decision(alice, team)
    document = adr_document(decision)
    key = pdf_cache_key(document, "a4")
    # Another request holds the claim on this PDF and finishes it half a second later.
    assert caches["default"].add(RENDERING_KEY.format(key), 1)
    finisher = threading.Timer(0.5, lambda: caches["pdf"].set(key, b"%PDF-theirs"))
    finisher.start()

    result = cached_pdf(document, "a4")

    finisher.join()
    assert (result.outcome, result.pdf) == ("hit", b"%PDF-theirs")


def test_a_second_request_is_asked_to_come_back_when_the_first_takes_long(alice, team, monkeypatch):
    monkeypatch.setattr("decisions.pdfs.PEER_WAIT_SECONDS", 0.3)
    decision = make_decision(alice, team)
    document = adr_document(decision)
    assert caches["default"].add(RENDERING_KEY.format(pdf_cache_key(document, "a4")), 1)

    result = cached_pdf(document, "a4")

    assert (result.outcome, result.pdf) == ("busy", None)


def test_a_render_killed_from_outside_is_remembered_briefly_a_timeout_longer(
    alice, team, settings, monkeypatch
):
    decision = make_decision(alice, team)
    document = adr_document(decision)
    key = pdf_cache_key(document, "a4")
    remembered: dict[str, int] = {}
    real_set = caches["pdf"].set

    def note_expiry(cache_key, value, timeout=None):
        remembered[cache_key] = timeout
        real_set(cache_key, value, timeout=timeout)

    monkeypatch.setattr(caches["pdf"], "set", note_expiry)
    # The child dies without a word, as if the out-of-memory killer took it.
    monkeypatch.setattr("decisions.render.pdf._write_pdf", lambda html: os._exit(9))
    crashed = cached_pdf(document, "a4")
    crash_expiry = remembered[f"{key}:failed"]
    caches["pdf"].delete(f"{key}:failed")
    monkeypatch.undo()
    monkeypatch.setattr(caches["pdf"], "set", note_expiry)
    settings.ADR_PDF_TIMEOUT = 0.001
    timed_out = cached_pdf(document, "a4")

    assert (crashed.outcome, timed_out.outcome) == ("failed", "failed")
    assert crash_expiry == 600
    assert remembered[f"{key}:failed"] == 3600
