"""A reviewer's verdict asks first: without `confirm` an approve, request-changes, reject or
deprecate shows what it would do and changes nothing; request changes and reject need a reason
(one rule, in TRANSITIONS) and a refusal keeps everything that was typed."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from decisions.models import AuditEntry, Decision, Review
from decisions.services import TRANSITIONS, decision_approve
from tests.decisions.conftest import make_decision

pytestmark = pytest.mark.django_db
Status = Decision.Status
VERDICTS = ["approve", "request_changes", "reject", "deprecate"]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(decision: Decision, action: str) -> str:
    return reverse("decision_action", args=[decision.number, action])


def _open(alice, rita, team, action: str) -> Decision:
    """A decision `action` applies to: proposed, or accepted for deprecate."""
    decision = make_decision(alice, team)
    if action == "deprecate":
        decision = decision_approve(decision=decision, actor=rita)
    return decision


def _unchanged(decision: Decision, status: str, audit: int, reviews: int) -> None:
    decision.refresh_from_db()
    assert decision.status == status
    assert AuditEntry.objects.filter(decision=decision).count() == audit
    assert Review.objects.filter(decision=decision).count() == reviews


@pytest.mark.parametrize("action", VERDICTS)
def test_a_verdict_without_confirmation_asks_and_changes_nothing(alice, rita, team, action):
    decision = _open(alice, rita, team, action)
    status, audit, reviews = decision.status, decision.audit.count(), decision.reviews.count()

    response = _client(rita).post(_url(decision, action), {"note": "Typed <first>", "version": 1})

    assert response.status_code == 200
    page = response.content.decode()
    label = TRANSITIONS[action].audit.replace("_", " ")
    assert re.search(rf"<h1[^>]*>[^<]*{decision.adr_id}\?</h1>", page), label
    # The same form, ready to confirm, with the note and the version the person had on screen.
    assert f'action="{_url(decision, action)}"' in page
    assert '<input type="hidden" name="confirm" value="1">' in page
    assert '<input type="hidden" name="version" value="1">' in page
    assert ">Typed &lt;first&gt;</textarea>" in page
    _unchanged(decision, status, audit, reviews)


def test_the_question_says_what_confirming_does(alice, rita, ravi, team, settings):
    decision = make_decision(alice, team)
    client = _client(rita)

    def question(action: str) -> str:
        return client.get(_url(decision, action)).content.decode()

    assert "ADR-0001 becomes accepted, and its text can no longer be edited." in question("approve")
    assert "ADR-0001 goes back to draft for its team to change" in question("request_changes")
    assert "ADR-0001 becomes rejected: it can no longer be edited" in question("reject")
    assert "approvals it has so far" not in question("request_changes")
    settings.DECISION_APPROVALS_REQUIRED = 3
    assert "ADR-0001 is accepted once 2 more approve this version." in question("approve")
    decision_approve(decision=decision, actor=ravi)
    assert "ADR-0001 is accepted once 1 more reviewer approves this version." in question("approve")
    assert "The approvals it has so far stop counting." in question("request_changes")


def test_a_get_asks_the_same_question_and_only_verdicts_ask(alice, rita, team):
    decision = make_decision(alice, team)

    asked = _client(rita).get(_url(decision, "reject"))
    submit = _client(alice).get(_url(decision, "withdraw"))

    assert asked.status_code == 200
    assert "Reason (required)" in asked.content.decode()
    assert submit.status_code == 405  # a move of the team's own is one click, as before
    _unchanged(decision, Status.PROPOSED, 1, 0)


@pytest.mark.parametrize("action", VERDICTS)
def test_confirming_does_it(alice, rita, team, action):
    decision = _open(alice, rita, team, action)

    response = _client(rita).post(
        _url(decision, action), {"note": "Reasoned.", "version": 1, "confirm": "1"}
    )

    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == TRANSITIONS[action].target
    assert decision.audit.last().note == "Reasoned."


@pytest.mark.parametrize("action", ["request_changes", "reject"])
def test_a_verdict_that_needs_a_reason_is_refused_without_one_and_keeps_the_question(
    alice, rita, team, action
):
    decision = make_decision(alice, team)
    client = _client(rita)

    refused = client.post(_url(decision, action), {"note": " \n ", "version": 1, "confirm": "1"})

    assert refused.status_code == 422
    page = refused.content.decode()
    error = TRANSITIONS[action].reason
    assert re.search(rf'<p [^>]*id="confirm-error" role="alert">{re.escape(error)}</p>', page)
    assert 'aria-invalid="true" aria-describedby="confirm-error"' in page
    # Still the question, ready to answer: same action, same version, confirmed once given.
    assert '<input type="hidden" name="confirm" value="1">' in page
    assert '<input type="hidden" name="version" value="1">' in page
    _unchanged(decision, Status.PROPOSED, 1, 0)

    again = client.post(_url(decision, action), {"note": "Cost.", "version": 1, "confirm": "1"})

    assert again.status_code == 302
    decision.refresh_from_db()
    assert decision.status == TRANSITIONS[action].target


def test_a_refusal_before_the_question_says_why_without_asking(alice, bob, rita, team):
    decision = make_decision(alice, team)

    own = make_decision(rita, None, title="Rita's own")
    team_mate = _client(bob).post(_url(decision, "approve"), {"note": "Mine"})
    author = _client(rita).get(_url(own, "reject"))
    decision_approve(decision=decision, actor=rita)
    late = _client(rita).post(_url(decision, "reject"), {"note": "Too late"})

    for response, question in (
        (team_mate, "Approve ADR-0001?"),
        (author, "Reject ADR-0002?"),
        (late, "Reject ADR-0001?"),
    ):
        assert response.status_code == 403
        assert question not in response.content.decode()
    assert "Only architecture reviewers can do this." in team_mate.content.decode()
    assert "Authors cannot review their own decision." in author.content.decode()
    assert "ADR-0001 is accepted; only a proposed decision can be rejected." in (
        late.content.decode()
    )


def test_an_htmx_verdict_without_confirmation_opens_the_question(alice, rita, team):
    decision = make_decision(alice, team)

    response = _client(rita).post(
        _url(decision, "approve"), {"version": 1}, headers={"HX-Request": "true"}
    )

    assert response["HX-Redirect"] == _url(decision, "approve") + "?version=1"
    _unchanged(decision, Status.PROPOSED, 1, 0)


def test_the_question_opened_from_an_old_page_keeps_its_version_and_note(alice, rita, team):
    decision = make_decision(alice, team)
    client = _client(rita)
    opened = client.post(
        _url(decision, "approve"),
        {"version": 1, "note": "Looks <b>right</b>"},
        headers={"HX-Request": "true"},
    )
    question = client.get(opened["HX-Redirect"]).content.decode()
    # Alice saves version 2 while rita reads the question.
    Decision.objects.filter(pk=decision.pk).update(version=2)
    confirmed = client.post(_url(decision, "approve"), {"version": 1, "confirm": "1"}, follow=True)

    assert 'name="version" value="1"' in question
    assert "Looks &lt;b&gt;right&lt;/b&gt;</textarea>" in question
    # Confirming what version 1 showed is refused: version 2 has not been read.
    assert "you were looking at version 1" in confirmed.content.decode()
    _unchanged(decision, Status.PROPOSED, 1, 0)


def test_a_link_with_confirm_in_it_only_asks(alice, rita, team):
    decision = make_decision(alice, team)

    response = _client(rita).get(_url(decision, "reject"), {"confirm": "1", "note": "No."})

    assert response.status_code == 200
    assert "Reason (required)" in response.content.decode()
    _unchanged(decision, Status.PROPOSED, 1, 0)


def test_asking_does_not_count_towards_the_change_limit(alice, rita, team, settings):
    settings.CHANGE_RATE_LIMIT = 1
    decision = make_decision(alice, team)
    client = _client(rita)

    for _ in range(3):
        assert client.get(_url(decision, "approve")).status_code == 200

    confirmed = client.post(_url(decision, "approve"), {"version": 1, "confirm": "1"})

    assert confirmed.status_code == 302


def test_a_reason_is_required_by_one_rule_the_page_reads(alice, rita, team):
    needs_reason = {name for name, move in TRANSITIONS.items() if move.reason}
    decision = make_decision(alice, team)

    page = _client(rita).get(decision.get_absolute_url()).content.decode()

    assert needs_reason == {"request_changes", "reject"}
    assert "Note (required to request changes or reject)" in page
    for action in ("approve", "request_changes", "reject"):
        dialog = page.split(f'<dialog class="confirm-dialog" id="confirm-{action}"')[1]
        field = re.search(r"<textarea[^>]*>", dialog.split("</dialog>")[0])
        assert field is not None
        assert ('aria-required="true"' in field.group()) == (action in needs_reason), action
