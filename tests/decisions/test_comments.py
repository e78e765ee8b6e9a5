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
    monkeypatch.setattr("time.time", clock)
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
