"""Comments on a decision: rendered once when posted, limited per person, hidden by their author
or by staff. People as in the portal tests: alice wrote the decision, bob is on her team,
charlie is on another team, rita reviews and sam is staff."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from decisions.models import Comment
from tests.decisions.conftest import make_decision

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _page(client: Client, decision) -> str:
    response = client.get(decision.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_it_renders_a_comment_once_when_it_is_posted(alice, bob, team):
    decision = make_decision(alice, team)
    client = _client(bob)
    client.post(reverse("decision_comment", args=[decision.number]), {"body": "Cost the **peak**"})
    comment = decision.comments.get()
    assert comment.body_html == "<p>Cost the <strong>peak</strong></p>\n"

    # Were the page to render the Markdown again, it would show the body, not this.
    Comment.objects.filter(pk=comment.pk).update(body_html="<p>Shown as stored</p>")
    page = _page(client, decision)

    assert "<p>Shown as stored</p>" in page
    assert "<strong>peak</strong>" not in page


def test_the_stored_html_is_sanitised(alice, bob, team):
    decision = make_decision(alice, team)
    body = "<script>alert(1)</script> ![pixel](https://tracker.example/p.gif)"

    _client(bob).post(reverse("decision_comment", args=[decision.number]), {"body": body})

    stored = decision.comments.get().body_html
    assert "<script" not in stored and "<img" not in stored
    assert "&lt;script&gt;" in stored


class Clock:
    """time.time() under the test's control; the comment counter and the cache both read it."""

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock(start=60 * 29_000_000 + 50)  # ten seconds before a minute ends
    monkeypatch.setattr("decisions.throttle._now", clock)
    return clock


def _comment(client: Client, decision, body: str, **headers):
    return client.post(
        reverse("decision_comment", args=[decision.number]), {"body": body}, headers=headers
    )


def test_one_comment_too_many_is_refused_with_its_text_kept(alice, bob, team, settings, clock):
    settings.COMMENT_RATE_LIMIT = 2
    decision = make_decision(alice, team)
    client = _client(bob)
    assert _comment(client, decision, "One").status_code == 302
    assert _comment(client, decision, "Two").status_code == 302

    refused = _comment(client, decision, "Three, typed with care")

    assert refused.status_code == 429
    assert refused["Retry-After"] == "10"
    page = refused.content.decode()
    assert "You have posted 2 comments this minute, the most allowed." in page
    assert "post it again in 10 seconds." in page
    assert ">\nThree, typed with care</textarea>" in page
    assert decision.comments.count() == 2


def test_an_htmx_comment_too_many_swaps_the_timeline_with_the_reason(
    alice, bob, team, settings, clock
):
    settings.COMMENT_RATE_LIMIT = 1
    decision = make_decision(alice, team)
    client = _client(bob)
    _comment(client, decision, "One", HX_Request="true")

    refused = _comment(client, decision, "Two", HX_Request="true")

    assert refused.status_code == 429
    page = refused.content.decode()
    assert page.lstrip().startswith('<section id="timeline"')
    assert "post it again in 10 seconds." in page
    assert ">\nTwo</textarea>" in page


def test_the_limit_is_per_person_and_per_minute(alice, bob, charlie, team, settings, clock):
    settings.COMMENT_RATE_LIMIT = 1
    decision = make_decision(alice, team)
    bobs, charlies = _client(bob), _client(charlie)
    assert _comment(bobs, decision, "One").status_code == 302
    assert _comment(bobs, decision, "Two").status_code == 429

    assert _comment(charlies, decision, "Mine").status_code == 302
    clock.now += 10
    assert _comment(bobs, decision, "Two, a minute later").status_code == 302
    assert decision.comments.count() == 3


def test_the_default_limit_stops_a_flood(alice, bob, team, clock):
    decision = make_decision(alice, team)
    client = _client(bob)

    statuses = [_comment(client, decision, f"Spam {n}").status_code for n in range(50)]

    assert statuses.count(302) == 5
    assert set(statuses[5:]) == {429}


@pytest.fixture
def sam(django_user_model):
    return django_user_model.objects.create_user(
        username="sam", password="pw-sam-1234", is_staff=True
    )


def _hide(client: Client, comment: Comment):
    url = reverse("comment_hide", args=[comment.decision.number, comment.pk])
    return client.post(url)


def _posted_by(user, decision, body: str = "Cost the **peak** first") -> Comment:
    assert _comment(_client(user), decision, body).status_code == 302
    return decision.comments.filter(author=user).latest("id")


@pytest.mark.parametrize("hider", ["bob", "sam"])
def test_the_author_or_staff_hides_a_comment_for_everyone(
    alice, bob, charlie, rita, sam, team, hider
):
    decision = make_decision(alice, team)
    comment = _posted_by(bob, decision)
    people = {"alice": alice, "bob": bob, "charlie": charlie, "rita": rita, "sam": sam}
    assert "Hide comment" in _page(_client(people[hider]), decision)

    response = _hide(_client(people[hider]), comment)

    assert response.status_code == 302
    assert response["Location"] == f"{decision.get_absolute_url()}#timeline"
    comment.refresh_from_db()
    assert comment.hidden_by == people[hider] and comment.hidden_at is not None
    shown = f"Comment hidden by {hider} on "
    for viewer in people.values():
        page = _page(_client(viewer), decision)
        assert shown in page
        assert "<strong>peak</strong>" not in page and "Hide comment" not in page
    entry = decision.audit.get(action="comment_hidden")
    assert entry.actor == people[hider]
    assert entry.note.startswith("A comment by bob posted ")
    assert f"<strong>{hider}</strong> hid a comment" in _page(_client(alice), decision)


@pytest.mark.parametrize("viewer", ["alice", "charlie", "rita"])
def test_nobody_else_may_hide_a_comment(alice, bob, charlie, rita, team, viewer):
    # alice wrote the decision and rita reviews it; neither wrote the comment.
    decision = make_decision(alice, team)
    comment = _posted_by(bob, decision)
    client = _client({"alice": alice, "charlie": charlie, "rita": rita}[viewer])
    assert "Hide comment" not in _page(client, decision)

    response = _hide(client, comment)

    assert response.status_code == 403
    assert "Only the comment&#x27;s author or staff can hide it." in response.content.decode()
    comment.refresh_from_db()
    assert comment.hidden_at is None
    assert not decision.audit.filter(action="comment_hidden").exists()


def test_a_team_mate_may_not_hide_a_comment_of_the_author(alice, bob, team):
    decision = make_decision(alice, team)
    comment = _posted_by(alice, decision)

    assert _hide(_client(bob), comment).status_code == 403
    comment.refresh_from_db()
    assert comment.hidden_at is None


def test_hiding_needs_a_signed_in_person_and_a_post(alice, bob, team):
    decision = make_decision(alice, team)
    comment = _posted_by(bob, decision)
    url = reverse("comment_hide", args=[decision.number, comment.pk])

    anonymous = _client().post(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/")
    assert _client(bob).get(url).status_code == 405
    csrf_checked = Client(enforce_csrf_checks=True)
    csrf_checked.force_login(bob)
    assert csrf_checked.post(url).status_code == 403
    comment.refresh_from_db()
    assert comment.hidden_at is None


def test_a_comment_on_a_draft_others_cannot_see_is_not_found(alice, charlie, sam, team):
    draft = make_decision(alice, team, status="draft")
    comment = _posted_by(alice, draft)

    assert _hide(_client(charlie), comment).status_code == 404
    other = make_decision(alice, team)
    wrong_decision = reverse("comment_hide", args=[other.number, comment.pk])
    assert _client(alice).post(wrong_decision).status_code == 404


def test_a_comment_is_hidden_once(alice, bob, sam, team):
    decision = make_decision(alice, team)
    comment = _posted_by(bob, decision)
    _hide(_client(bob), comment)

    again = _hide(_client(sam), comment)

    assert again.status_code == 403
    assert "This comment is already hidden." in again.content.decode()
    comment.refresh_from_db()
    assert comment.hidden_by == bob
    assert decision.audit.filter(action="comment_hidden").count() == 1


def test_a_flood_of_lifecycle_moves_with_notes_is_refused_with_the_note_kept(
    alice, team, settings, clock
):
    settings.CHANGE_RATE_LIMIT = 4
    decision = make_decision(alice, team)
    client = _client(alice)
    moves = ["withdraw", "submit", "withdraw", "submit"]
    for move in moves:
        response = client.post(
            reverse("decision_action", args=[decision.number, move]), {"note": "x" * 4800}
        )
        assert response.status_code == 302, move

    refused = client.post(
        reverse("decision_action", args=[decision.number, "withdraw"]),
        {"note": "A note typed with care"},
    )

    assert refused.status_code == 429
    assert refused["Retry-After"] == "10"
    page = refused.content.decode()
    assert "4 changes to decisions this minute" in page
    assert "A note typed with care" in page
    decision.refresh_from_db()
    assert decision.status == "proposed"
    assert decision.audit.filter(action__in=["withdrawn", "submitted"]).count() == 4


def test_an_edit_beyond_the_change_limit_is_refused_with_the_text_kept(
    alice, team, settings, clock
):
    settings.CHANGE_RATE_LIMIT = 1
    decision = make_decision(alice, team)
    client = _client(alice)
    url = reverse("decision_edit", args=[decision.number])

    def edit(title: str, version: int):
        fields = {"title": title, "context": "Orders needs a home.", "base_version": version}
        return client.post(url, fields)

    assert edit("First rename", 1).status_code == 302
    refused = edit("Second rename, typed with care", 2)

    assert refused.status_code == 429
    assert refused["Retry-After"] == "10"
    assert 'value="Second rename, typed with care"' in refused.content.decode()
    decision.refresh_from_db()
    assert decision.title == "First rename"
