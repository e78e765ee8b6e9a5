"""A reviewer sets or moves an accepted decision's review date with a note, which the audit
trail keeps; a past date, a missing note, a decision not accepted and everyone who is not a
reviewer are refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from decisions.models import AuditEntry, Decision
from decisions.services import TransitionError, decision_approve, decision_set_review_by
from tests.decisions.conftest import make_decision

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _set(client: Client, decision: Decision, review_by: dt.date | str, note: str = "Why not."):
    return client.post(
        reverse("decision_review_by", args=[decision.number]),
        {"review_by": str(review_by), "note": note},
    )


@pytest.fixture
def accepted(alice, team, ravi) -> Decision:
    decision = make_decision(alice, team, status="proposed")
    return decision_approve(decision=decision, actor=ravi)


def _audit(decision: Decision) -> list[str]:
    return list(
        AuditEntry.objects.filter(decision=decision, action="review_by_set").values_list(
            "note", flat=True
        )
    )


def test_a_reviewer_sets_and_extends_the_review_date_and_the_audit_keeps_why(accepted, rita):
    client = _client(rita)
    planned = accepted.review_by
    assert planned is not None  # from the questionnaire's review plan
    page = client.get(accepted.get_absolute_url()).content.decode()
    assert 'action="/decisions/1/review-by/"' in page

    sooner = timezone.localdate() + dt.timedelta(days=40)
    later = sooner + dt.timedelta(days=90)
    first = _set(client, accepted, sooner, "The vendor contract ends.")
    second = _set(client, accepted, later, "Renewed for a quarter.")

    assert (first.status_code, second.status_code) == (302, 302)
    assert Decision.objects.get(pk=accepted.pk).review_by == later
    assert _audit(accepted) == [
        f"Review by {sooner.isoformat()} (was {planned.isoformat()}): The vendor contract ends.",
        f"Review by {later.isoformat()} (was {sooner.isoformat()}): Renewed for a quarter.",
    ]
    timeline = client.get(accepted.get_absolute_url()).content.decode()
    assert "set the review date" in timeline and "Renewed for a quarter." in timeline


def test_today_is_allowed_and_a_past_date_is_refused(accepted, rita):
    client = _client(rita)
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    refused = _set(client, accepted, yesterday)
    assert refused.status_code == 422
    assert "has passed" in refused.content.decode()
    assert _audit(accepted) == []

    assert _set(client, accepted, timezone.localdate()).status_code == 302
    assert Decision.objects.get(pk=accepted.pk).review_by == timezone.localdate()


@pytest.mark.parametrize(
    ("review_by", "note"), [("", "A note."), ("31/02/2030", "A note."), ("2030-01-01", "  ")]
)
def test_a_missing_or_bad_date_or_note_is_refused(accepted, rita, review_by, note):
    before = Decision.objects.get(pk=accepted.pk).review_by

    response = _set(_client(rita), accepted, review_by, note)

    assert response.status_code == 422
    assert Decision.objects.get(pk=accepted.pk).review_by == before
    assert _audit(accepted) == []


@pytest.mark.parametrize("who", ["alice", "bob", "charlie"])
def test_only_reviewers_set_the_review_date(request, accepted, who):
    person = request.getfixturevalue(who)
    client = _client(person)
    before = Decision.objects.get(pk=accepted.pk).review_by
    page = client.get(accepted.get_absolute_url()).content.decode()

    response = _set(client, accepted, timezone.localdate() + dt.timedelta(days=10))

    assert 'action="/decisions/1/review-by/"' not in page
    assert response.status_code == 403
    assert "Only architecture reviewers" in response.content.decode()
    assert Decision.objects.get(pk=accepted.pk).review_by == before
    assert _audit(accepted) == []


def test_a_decision_not_accepted_has_no_review_date_to_set(alice, team, rita):
    proposed = make_decision(alice, team, status="proposed")

    with pytest.raises(TransitionError, match="Only an accepted decision"):
        decision_set_review_by(
            decision=proposed,
            actor=rita,
            review_by=timezone.localdate() + dt.timedelta(days=10),
            note="Early.",
        )
    assert _set(_client(rita), proposed, "2099-01-01").status_code == 403


def test_a_reviewer_who_wrote_the_decision_may_not_put_off_its_review(rita, ravi, team):
    own = decision_approve(decision=make_decision(rita, team, status="proposed"), actor=ravi)
    before = own.review_by

    response = _set(_client(rita), own, timezone.localdate() + dt.timedelta(days=400))

    assert response.status_code == 403
    assert "Authors cannot review their own decision." in response.content.decode()
    assert Decision.objects.get(pk=own.pk).review_by == before


def test_a_review_date_more_than_five_years_away_is_refused(accepted, rita):
    far = timezone.localdate() + dt.timedelta(days=5 * 365 + 1)

    response = _set(_client(rita), accepted, far)

    assert response.status_code == 422
    assert "more than five years away" in response.content.decode()
    assert _audit(accepted) == []
    assert _set(_client(rita), accepted, far - dt.timedelta(days=1)).status_code == 302
