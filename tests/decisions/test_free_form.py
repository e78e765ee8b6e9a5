"""Decisions without an assessment behind them, tags and links, and search over the whole ADR:
everything the portal does for questionnaire-made decisions works for written ones too."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from decisions.documents import adr_document
from decisions.forms import BODY_TEMPLATE
from decisions.models import AuditEntry, Decision, DecisionLink, Revision
from decisions.render.markdown import render_markdown
from decisions.roles import reassess_refusal
from decisions.services import (
    TransitionError,
    decision_approve,
    decision_create,
    decision_link,
    decision_transition,
)
from tests.decisions.conftest import make_decision

pytestmark = pytest.mark.django_db

BODY = """## Considered Options

- Kafka on our own brokers
- A managed queue

## Decision Outcome

Chosen option: "A managed queue", because nobody wants to patch brokers.

<script>alert("body")</script>

### Consequences

- Good, because the retention question goes away.
"""


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _write(client: Client, **fields):
    data = {
        "title": "Use a managed queue for order events",
        "context": "Order events need a home.",
        "drivers": "Nobody on call for brokers\nOrdering per customer",
        "decision_makers": "Alice",
        "consulted": "",
        "informed": "",
        "tags": "Messaging, payments, messaging",
        "body": BODY,
        "status": "proposed",
        **fields,
    }
    return client.post(reverse("decision_write"), data)


def _edit(client: Client, decision: Decision, **fields):
    data = {
        "title": decision.title,
        "context": decision.context,
        "drivers": "\n".join(decision.drivers),
        "decision_makers": "Alice",
        "tags": "messaging",
        "base_version": decision.version,
        **fields,
    }
    return client.post(reverse("decision_edit", args=[decision.number]), data)


def _free_form(author, team, **fields) -> Decision:
    values = {
        "title": "Use a managed queue for order events",
        "context": "Order events need a home.",
        "drivers": ["Nobody on call for brokers"],
        "decision_makers": ["Alice"],
        "consulted": [],
        "informed": [],
        "body": BODY,
        "tags": ["messaging"],
        **fields,
    }
    return decision_create(author=author, assessment=None, snapshot=None, team=team, **values)


def test_the_write_page_starts_from_madrs_sections(alice, team):
    page = _client(alice).get(reverse("decision_write")).content.decode()

    assert "## Considered Options" in page and "### Consequences" in page
    assert "selected>Payments</option>" in page  # her only team is chosen for her


def test_a_written_decision_is_stored_rendered_and_sanitised(alice, team):
    response = _write(_client(alice), team=team.pk)

    decision = Decision.objects.get()
    assert response.status_code == 302 and response["Location"] == decision.get_absolute_url()
    assert decision.free_form and decision.outcome == ""
    assert [tag.name for tag in decision.tags.all()] == ["messaging", "payments"]
    assert decision.revisions.get().body == BODY.strip()
    page = _client(alice).get(decision.get_absolute_url()).content.decode()
    assert "Kafka on our own brokers" in page
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert f'href="{reverse("decision_list")}?tag=messaging"' in page
    markdown = render_markdown(adr_document(decision))
    assert 'tags: ["messaging", "payments"]' in markdown
    assert markdown.count("## Decision Outcome") == 1


def test_a_written_decision_has_a_pdf(alice, team):
    decision = _free_form(alice, team)

    response = _client(alice).get(reverse("decision_pdf", args=[decision.number]))

    assert response.status_code == 200
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Kafka on our own brokers" in text and "ADR-0001" in text
    assert 'alert("body")' in text  # shown as text, never run


def test_a_written_decision_goes_through_review_like_any_other(alice, rita, team):
    decision = _free_form(alice, team, status="draft")

    decision_transition(decision=decision, actor=alice, name="submit")
    decision_approve(decision=decision, actor=rita)

    decision.refresh_from_db()
    assert decision.status == Decision.Status.ACCEPTED
    assert "no answers to reassess" in reassess_refusal(decision, alice)
    home = _client(rita).get(reverse("home"))
    assert home.status_code == 200


def test_editing_a_written_decision_keeps_its_body_in_the_history(alice, team):
    decision = _free_form(alice, team)
    client = _client(alice)
    form = client.get(reverse("decision_edit", args=[decision.number])).content.decode()
    assert "Kafka on our own brokers" in form and 'value="messaging"' in form

    _edit(
        client,
        decision,
        tags="messaging, events",
        body=BODY.replace("Kafka on our own brokers", "Self-run Kafka"),
        note="Named the option plainly",
    )

    decision.refresh_from_db()
    assert "Self-run Kafka" in decision.body
    assert [r.body.count("Kafka") for r in Revision.objects.filter(decision=decision)] == [1, 1]
    assert {tag.name for tag in decision.tags.all()} == {"messaging", "events"}


@pytest.mark.parametrize("word", ["Lambda", "SQS", "idempotent", "Alice"])
def test_the_log_finds_words_from_anywhere_in_a_questionnaire_adr(alice, team, word):
    found = make_decision(alice, team, title="Orders")
    _free_form(alice, team, title="Unrelated", body="Nothing here.", decision_makers=["Zed"])

    page = _client(alice).get(reverse("decision_list"), {"q": word}).content.decode()

    assert found.get_absolute_url() in page
    assert "Unrelated" not in page


def test_the_log_finds_words_in_a_written_body_and_filters_by_tag_and_kind(alice, team):
    written = _free_form(alice, team)
    made = make_decision(alice, team, title="Orders")
    client = _client(alice)

    by_word = client.get(reverse("decision_list"), {"q": "brokers"}).content.decode()
    by_tag = client.get(reverse("decision_list"), {"tag": "messaging"}).content.decode()
    by_kind = client.get(reverse("decision_list"), {"outcome": "none"}).content.decode()

    for page in (by_word, by_tag, by_kind):
        assert written.get_absolute_url() in page
        assert made.get_absolute_url() not in page


def test_links_show_both_ways_and_are_audited(alice, bob, team):
    older = make_decision(alice, team, title="Orders on functions")
    newer = _free_form(alice, team)
    client = _client(bob)  # a team-mate

    response = client.post(
        reverse("decision_link", args=[newer.number]),
        {"kind": "depends_on", "number": older.number},
    )

    assert response.status_code == 302
    link = DecisionLink.objects.get()
    assert (link.source, link.target, link.kind) == (newer, older, "depends_on")
    assert "Depends on" in client.get(newer.get_absolute_url()).content.decode()
    assert "Needed by" in client.get(older.get_absolute_url()).content.decode()
    assert "- Depends on ADR-0001: Orders on functions" in render_markdown(adr_document(newer))
    assert AuditEntry.objects.filter(decision=newer, action="linked").exists()

    client.post(reverse("decision_unlink", args=[newer.number, link.pk]))

    assert not DecisionLink.objects.exists()
    assert AuditEntry.objects.filter(decision=newer, action="unlinked").exists()


def test_links_are_refused_to_outsiders_to_itself_and_to_what_one_cannot_see(
    alice, charlie, rita, team
):
    decision = make_decision(alice, team)
    draft = make_decision(alice, team, status="draft", title="Secret draft")
    url = reverse("decision_link", args=[decision.number])

    outsider = _client(charlie).post(url, {"kind": "relates_to", "number": 1})
    itself = _client(alice).post(url, {"kind": "relates_to", "number": decision.number})
    hidden = _client(rita).post(  # a reviewer, who may link, but not see the team's drafts
        reverse("decision_link", args=[decision.number]),
        {"kind": "relates_to", "number": draft.number},
    )

    assert outsider.status_code == 403
    assert itself.status_code == 400
    assert hidden.status_code == 400 and "Secret draft" not in hidden.content.decode()
    assert not DecisionLink.objects.exists()
    with pytest.raises(TransitionError):
        decision_link(decision=decision, actor=charlie, target=draft, kind="relates_to")


def test_the_body_template_is_valid_madr_markdown():
    assert BODY_TEMPLATE.startswith("## Considered Options")
    assert "## Decision Outcome" in BODY_TEMPLATE


def test_the_history_and_the_home_page_show_written_decisions(alice, team):
    decision = _free_form(alice, team)
    client = _client(alice)
    _edit(client, decision, body=BODY.replace("A managed queue", "A hosted queue"))

    history = client.get(
        reverse("decision_history", args=[decision.number]), {"from": 1, "to": 2}
    ).content.decode()
    home = client.get(reverse("home")).content.decode()

    # Only the changed word is marked, on both lines that hold it.
    assert history.count('<span class="visually-hidden">removed: </span>managed</del>') == 2
    assert history.count('<span class="visually-hidden">added: </span>hosted</ins>') == 2
    assert "?outcome=none" in home and "Written by hand or imported" in home


def test_a_link_never_shows_the_title_of_a_draft_the_reader_cannot_see(alice, charlie, team):
    proposed = make_decision(alice, team, title="Orders on functions")
    draft = make_decision(alice, team, status="draft", title="Secret draft")
    DecisionLink.objects.create(source=draft, target=proposed, kind="amends")
    outsider = _client(charlie)

    page = outsider.get(proposed.get_absolute_url()).content.decode()
    markdown = outsider.get(reverse("decision_markdown", args=[proposed.number])).content.decode()

    assert "Secret draft" not in page and "Secret draft" not in markdown
    assert "Amended by ADR-0002: Secret draft" in render_markdown(
        adr_document(proposed, viewer=alice)
    )
