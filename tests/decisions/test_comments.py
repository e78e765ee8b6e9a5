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
