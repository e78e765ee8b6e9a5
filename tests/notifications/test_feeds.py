"""Atom feeds behind a per-person token: they show what the token's owner may see, escape
hostile titles, and stop working when the token is revoked or replaced."""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from decisions.models import Decision
from notifications.models import FeedToken
from tests.decisions.conftest import make_decision
from tests.migrations import migrate_to, migrate_to_latest

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE_TITLE = 'Use <script>alert("x")</script> ]]> & <![CDATA[ for Orders'


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _token(user, client: Client | None = None) -> str:
    """The feed token made the way a person makes it, and read from the settings page that
    shows it once."""
    page = (client or _client(user)).post(reverse("feed_token_create"), follow=True)
    [token] = set(re.findall(r"/feeds/([^/]+)/decisions\.atom", page.content.decode()))
    return token


def _entries(response) -> dict[str, ET.Element]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    return {entry.findtext(f"{ATOM}title", ""): entry for entry in root.iter(f"{ATOM}entry")}


def _feed(token: str, team: str | None = None):
    if team is None:
        return Client().get(reverse("decisions_feed", args=[token]))
    return Client().get(reverse("team_decisions_feed", args=[token, team]))


def test_the_settings_page_shows_the_feed_addresses_once_when_made(alice, team):
    client = _client(alice)
    before = client.get(reverse("notification_settings")).content.decode()
    assert "Make feed addresses" in before and "/feeds/" not in before

    made = client.post(reverse("feed_token_create"), follow=True).content.decode()
    [token] = set(re.findall(r"/feeds/([^/]+)/decisions\.atom", made))
    assert f"http://testserver/feeds/{token}/decisions.atom" in made
    assert f"http://testserver/feeds/{token}/teams/payments.atom" in made
    assert "only this once" in made

    # Afterwards the page says the feeds are on and offers new addresses, never the old ones.
    later = client.get(reverse("notification_settings")).content.decode()
    assert token not in later and "/feeds/" not in later
    assert "Your feeds are on" in later and "Make new addresses" in later
    assert _feed(token).status_code == 200
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("notification_settings")}"' in home


def test_a_hostile_title_is_escaped_and_reads_back_as_typed(alice, team):
    make_decision(
        alice,
        team,
        title=HOSTILE_TITLE + "\x0b",
        context="<script>alert(1)</script> ]]> in the context too",
    )

    response = _feed(_token(alice))

    assert b"<script>" not in response.content
    assert b"]]>" not in response.content
    entries = _entries(response)
    # The one character XML cannot hold is dropped; the rest is exactly what was typed.
    [title] = entries
    assert title == f"ADR-0001: {HOSTILE_TITLE}"
    summary = entries[title].findtext(f"{ATOM}summary", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; ]]&gt;" in summary
    assert "<script>" not in summary
    link = entries[title].find(f"{ATOM}link")
    assert link is not None and link.get("href") == "http://testserver/decisions/1/"


def test_a_feed_shows_only_what_its_owner_may_see(alice, bob, charlie, team):
    make_decision(alice, team, status="proposed", title="Proposed")
    make_decision(alice, team, status="draft", title="Payments draft")
    make_decision(charlie, charlie.teams.get(), status="draft", title="Search draft")

    assert set(_entries(_feed(_token(bob)))) == {"ADR-0001: Proposed", "ADR-0002: Payments draft"}
    assert set(_entries(_feed(_token(charlie)))) == {"ADR-0001: Proposed", "ADR-0003: Search draft"}
    # Another team's feed is that team's decisions, still as its reader may see them.
    assert set(_entries(_feed(_token(charlie), "payments"))) == {"ADR-0001: Proposed"}
    bobs = _token(bob)
    assert set(_entries(_feed(bobs, "search"))) == set()
    assert _feed(bobs, "nobody").status_code == 404


def test_a_revoked_or_replaced_token_gets_404(alice, team):
    make_decision(alice, team)
    client = _client(alice)
    first = _token(alice, client)
    assert _feed(first).status_code == 200

    second = _token(alice, client)
    assert second != first
    assert (_feed(first).status_code, _feed(second).status_code) == (404, 200)
    assert _feed(first, "payments").status_code == 404

    client.post(reverse("feed_token_revoke"))
    assert _feed(second).status_code == 404
    assert "Make feed addresses" in client.get(reverse("notification_settings")).content.decode()


def test_a_token_of_someone_no_longer_active_or_made_up_gets_404(alice, team):
    make_decision(alice, team)
    token = _token(alice)
    alice.is_active = False
    alice.save()

    assert _feed(token).status_code == 404
    assert _feed("not-a-token").status_code == 404


def test_a_feed_is_never_kept_by_a_shared_cache(alice, team):
    make_decision(alice, team)

    response = _feed(_token(alice))

    assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]


def test_the_newest_change_comes_first(alice, team):
    first = make_decision(alice, team, title="First")
    make_decision(alice, team, title="Second")
    Decision.objects.filter(pk=first.pk).update(title="First, edited")
    first.refresh_from_db()
    first.save()  # bumps updated_at

    assert list(_entries(_feed(_token(alice)))) == ["ADR-0001: First, edited", "ADR-0002: Second"]


def test_only_the_digest_of_a_token_is_stored(alice, team):
    token = _token(alice)

    [stored] = FeedToken.objects.filter(user=alice).values_list("digest", flat=True)
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM notifications_feedtoken")
        assert token not in repr(cursor.fetchall())


@pytest.mark.django_db(transaction=True)
def test_a_token_stored_before_digests_keeps_its_feed_working(alice, team):
    make_decision(alice, team)
    apps = migrate_to([("notifications", "0001_initial")])
    try:
        apps.get_model("notifications", "FeedToken").objects.create(
            user_id=alice.pk, token="an-address-already-in-a-feed-reader"
        )

        migrate_to([("notifications", "0002_feed_token_digest")])

        assert set(_entries(_feed("an-address-already-in-a-feed-reader"))) == {
            "ADR-0001: Use serverless for Orders"
        }
    finally:
        migrate_to_latest()
