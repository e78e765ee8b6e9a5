"""Creating an ADR from an assessment, reading it, and downloading it, for alice (author),
bob (her team), charlie (another team) and anonymous visitors."""

from __future__ import annotations

import datetime as dt
import io
import threading

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from advisor.engine import evaluate_raw
from advisor.framework import default_framework
from advisor.models import Assessment
from decisions.models import Decision
from decisions.render.context import Snapshot
from decisions.services import decision_approve, decision_create
from tests.conftest import BASE_ANSWERS
from tests.decisions.conftest import BIDI_CONTROLS, BIDI_TITLE

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def assessment(alice, team):
    framework = default_framework()
    result = evaluate_raw(framework, BASE_ANSWERS)
    return Assessment.objects.create(
        owner=alice,
        team=team,
        name="Orders",
        framework_id=framework.id,
        framework_version=framework.version,
        answers=BASE_ANSWERS,
        step="review",
        visited=["traffic", "review"],
        result=result.model_dump(mode="json"),
    )


def _create(user, assessment, status="proposed", title="Use serverless for Orders") -> Decision:
    framework = default_framework()
    return decision_create(
        author=user,
        assessment=assessment,
        snapshot=Snapshot.capture(framework, assessment.recommendation),
        title=title,
        context="Orders needs a home.",
        drivers=["Spiky traffic"],
        decision_makers=["Alice"],
        consulted=[],
        informed=[],
        team=assessment.team,
        status=status,
    )


def test_the_form_is_prefilled_from_the_assessment(alice, assessment):
    response = _client(alice).get(reverse("decision_new", args=[assessment.pk]))

    page = response.content.decode()
    assert 'value="Use serverless for Orders"' in page
    assert "Orders handles about 500,000 requests or events a month" in page
    assert "Who runs the infrastructure? Nobody in particular" in page
    assert 'value="Alice Architect"' in page


def test_it_creates_a_numbered_decision(alice, assessment, team):
    response = _client(alice).post(
        reverse("decision_new", args=[assessment.pk]),
        {
            "title": "Use serverless for Orders",
            "context": "Orders needs a home.",
            "drivers": "Spiky traffic\n\nNo ops staff\n",
            "decision_makers": "Alice, Bob ,",
            "consulted": "",
            "informed": "Ops",
            "team": team.pk,
            "status": "proposed",
        },
    )

    decision = Decision.objects.get()
    assert response["Location"] == reverse("decision_detail", args=[decision.number])
    assert decision.number == 1
    assert decision.slug == "use-serverless-for-orders"
    assert decision.drivers == ["Spiky traffic", "No ops staff"]
    assert decision.decision_makers == ["Alice", "Bob"]
    assert decision.snapshot["recommendation"]["recommendation"] == "serverless"


def test_it_keeps_the_typed_text_when_the_title_is_missing(alice, assessment):
    response = _client(alice).post(
        reverse("decision_new", args=[assessment.pk]),
        {"title": "  ", "context": "Kept context", "status": "proposed"},
    )

    assert response.status_code == 200
    assert "Kept context" in response.content.decode()
    assert not Decision.objects.exists()


def test_a_form_posted_without_a_body_is_shown_again_with_errors(alice, assessment):
    client = _client(alice)
    decision = _create(alice, assessment)

    created = client.post(reverse("decision_new", args=[assessment.pk]))
    edited = client.post(reverse("decision_edit", args=[decision.number]))

    for response in (created, edited):
        assert response.status_code == 200
        assert "This field is required." in response.content.decode()
    assert Decision.objects.get() == decision
    decision.refresh_from_db()
    assert decision.version == 1


def test_it_drops_bidirectional_controls_from_what_people_type(alice, assessment, team):
    client = _client(alice)
    client.post(
        reverse("decision_new", args=[assessment.pk]),
        {
            "title": BIDI_TITLE,
            "context": f"Orders\u202e needs a home.{BIDI_CONTROLS}",
            "drivers": f"\u2067Spiky traffic\u2069\n{BIDI_CONTROLS}\n",
            "decision_makers": "\u202eAlice, Bob\u200f",
            "consulted": BIDI_CONTROLS,
            "informed": "",
            "team": team.pk,
            "status": "proposed",
        },
    )

    decision = Decision.objects.get()
    assert decision.title == "Use serverless for Orders"
    assert decision.context == "Orders needs a home."
    assert decision.drivers == ["Spiky traffic"]
    assert decision.decision_makers == ["Alice", "Bob"]
    assert decision.consulted == []
    for url in ("decision_detail", "decision_markdown"):
        text = client.get(reverse(url, args=[decision.number])).content.decode()
        assert not set(BIDI_CONTROLS) & set(text), url


def test_numbers_follow_each_other(alice, assessment):
    numbers = [_create(alice, assessment).number for _ in range(3)]

    assert numbers == [1, 2, 3]


@pytest.mark.django_db(transaction=True)
def test_two_creations_at_the_same_instant_get_consecutive_numbers(alice, assessment):
    barrier = threading.Barrier(2)
    numbers: list[int] = []
    errors: list[BaseException] = []

    def create() -> None:
        try:
            barrier.wait()
            numbers.append(_create(alice, assessment).number)
        except BaseException as exc:  # reported below, on the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors
    assert sorted(numbers) == [1, 2]


def test_the_page_shows_the_adr_as_safe_html(alice, assessment):
    decision = _create(alice, assessment, title='<script>alert("x")</script> Orders')

    page = _client(alice).get(reverse("decision_detail", args=[decision.number])).content
    text = page.decode()

    assert "<script>alert" not in text
    assert "&lt;script&gt;alert" in text
    assert "Context and Problem Statement" in text
    assert reverse("decision_markdown", args=[decision.number]) in text
    assert reverse("decision_pdf", args=[decision.number]) in text


def test_it_downloads_markdown(alice, assessment):
    decision = _create(alice, assessment)

    response = _client(alice).get(reverse("decision_markdown", args=[decision.number]))

    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="0001-use-serverless-for-orders.md"'
    )
    assert response.content.decode().startswith('---\nstatus: "proposed"')


def test_it_downloads_a_pdf_and_serves_the_second_from_the_cache(alice, assessment):
    decision = _create(alice, assessment)
    client = _client(alice)
    url = reverse("decision_pdf", args=[decision.number])

    first = client.get(url)
    second = client.get(url)
    letter = client.get(url + "?paper=letter")

    assert first["Content-Type"] == "application/pdf"
    assert first["Content-Disposition"] == (
        'attachment; filename="0001-use-serverless-for-orders.pdf"'
    )
    assert (first["X-ADR-Cache"], second["X-ADR-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    assert letter["X-ADR-Cache"] == "miss"
    assert letter["Content-Disposition"].endswith('-letter.pdf"')
    reader = PdfReader(io.BytesIO(first.content))
    assert "ADR-0001" in reader.pages[0].extract_text()


def test_a_failed_render_shows_an_error_page(alice, assessment, settings):
    settings.ADR_PDF_TIMEOUT = 0.001  # no real render finishes this fast
    decision = _create(alice, assessment)

    response = _client(alice).get(reverse("decision_pdf", args=[decision.number]))

    assert response.status_code == 503
    assert "could not be produced" in response.content.decode()
    assert reverse("decision_markdown", args=[decision.number]) in response.content.decode()


# -- access ------------------------------------------------------------------------------------


def _urls(decision: Decision) -> list[str]:
    return [
        reverse("decision_detail", args=[decision.number]),
        reverse("decision_markdown", args=[decision.number]),
        reverse("decision_pdf", args=[decision.number]),
    ]


def test_it_requires_login(alice, assessment):
    decision = _create(alice, assessment)
    client = Client()
    for url in [*_urls(decision), reverse("decision_new", args=[assessment.pk])]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_it_hides_another_teams_draft(alice, charlie, assessment):
    draft = _create(alice, assessment, status="draft")
    client = _client(charlie)

    for url in _urls(draft):
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("decision_new", args=[assessment.pk])).status_code == 404


def test_it_shows_a_proposed_decision_to_everyone_signed_in(alice, charlie, assessment):
    decision = _create(alice, assessment, status="proposed")

    response = _client(charlie).get(reverse("decision_detail", args=[decision.number]))

    assert response.status_code == 200


def test_it_shares_a_draft_with_the_team(alice, bob, assessment):
    draft = _create(alice, assessment, status="draft")

    response = _client(bob).get(reverse("decision_detail", args=[draft.number]))

    assert response.status_code == 200


def test_it_enforces_csrf_when_creating(alice, assessment):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    response = client.post(reverse("decision_new", args=[assessment.pk]), {"title": "x"})

    assert response.status_code == 403


def _accepted(alice, rita, assessment) -> tuple[Decision, str]:
    """A proposed decision written on 2 January, approved by rita through the page."""
    decision = _create(alice, assessment)
    Decision.objects.filter(pk=decision.pk).update(decided_on=dt.date(2026, 1, 2))
    response = _client(rita).post(
        reverse("decision_action", args=[decision.number, "approve"]),
        {"version": "1", "confirm": "1"},
        follow=True,
    )
    assert response.redirect_chain[0][1] == 302
    decision.refresh_from_db()
    return decision, response.content.decode()


def test_accepting_says_so_and_dates_the_decision_today(alice, rita, assessment):
    decision, page = _accepted(alice, rita, assessment)

    assert decision.status == Decision.Status.ACCEPTED
    assert decision.decided_on == timezone.localdate()
    assert "ADR-0001 is now accepted." in page


def test_a_reassessment_is_named_after_the_workload_not_the_adr_title(alice, rita, assessment):
    old, _ = _accepted(alice, rita, assessment)

    _client(alice).post(reverse("decision_reassess", args=[old.number]))

    assert Assessment.objects.get(reassesses_number=old.number).name == "Orders"


def test_a_reassessment_of_a_decision_superseded_meanwhile_replaces_nothing(
    alice, rita, assessment
):
    old, _ = _accepted(alice, rita, assessment)
    client = _client(alice)
    client.post(reverse("decision_reassess", args=[old.number]))
    late = Assessment.objects.get(reassesses_number=old.number)
    late.result = assessment.result
    late.save()
    newer = _create(alice, assessment, title="Orders, reassessed first")
    Decision.objects.filter(pk=newer.pk).update(replaces=old)
    decision_approve(decision=Decision.objects.get(pk=newer.pk), actor=rita)

    form = client.get(reverse("decision_new", args=[late.pk])).content.decode()
    client.post(
        reverse("decision_new", args=[late.pk]),
        {"title": "Orders, reassessed late", "context": "x", "status": "proposed"},
    )

    assert "once accepted, the new decision supersedes" not in form
    assert f"(by {newer.adr_id}); the new decision will not replace anything" in form
    assert Decision.objects.get(title="Orders, reassessed late").replaces is None
