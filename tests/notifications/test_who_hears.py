"""Who is told what, for every step of a decision's life, through a real SMTP server: reviewers
hear of proposals, the decision's team of everything else, nobody of their own action, and
nobody of a kind they turned off."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from decisions.services import (
    decision_approve,
    decision_comment,
    decision_edit,
    decision_request_changes,
    decision_transition,
)
from notifications.models import Channel, Delivery, Kind
from tests.decisions.conftest import make_decision
from tests.notifications.conftest import SITE_URL, run_worker

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "ADR-0001 Use serverless for Orders"


def test_it_tells_the_reviewers_who_may_review_when_a_decision_is_proposed(
    mail, alice, bob, tess, charlie, rita, ravi
):
    make_decision(alice, alice.teams.get(), status="proposed")
    run_worker()

    # tess is on the team but did not write it, so she may review it; alice wrote it.
    subject = f"{TITLE}: proposed for review"
    assert mail.subjects() == {"rita": [subject], "ravi": [subject], "tess": [subject]}


def test_a_reviewer_who_wrote_part_of_the_text_is_not_asked_to_review_it(mail, alice, tess, rita):
    decision = make_decision(alice, alice.teams.get(), status="draft")
    decision_edit(
        decision=decision,
        actor=tess,
        base_version=1,
        title=decision.title,
        context="Tess adds a paragraph.",
        drivers=[],
        decision_makers=[],
        consulted=[],
        informed=[],
    )
    decision_transition(decision=decision, actor=alice, name="submit")
    run_worker()

    assert list(mail.subjects()) == ["rita"]


def test_it_tells_the_reviewers_again_when_a_decision_is_proposed_again(
    mail, alice, bob, rita, ravi
):
    decision = make_decision(alice, alice.teams.get(), status="proposed")
    decision_request_changes(decision=decision, actor=rita, note="Say how it scales.")
    run_worker()
    mail.clear()

    decision_transition(decision=decision, actor=bob, name="submit")
    run_worker()

    subject = f"{TITLE}: proposed again"
    assert mail.subjects() == {"rita": [subject], "ravi": [subject]}
    assert "bob proposed ADR-0001" in mail.to("rita")[0].get_body(("plain",)).get_content()


def test_it_tells_the_team_when_changes_are_requested(mail, alice, bob, charlie, rita, ravi):
    decision = make_decision(alice, alice.teams.get(), status="proposed")
    run_worker()
    mail.clear()

    decision_request_changes(decision=decision, actor=rita, note="Say how it scales.")
    run_worker()

    subject = f"{TITLE}: changes requested"
    assert mail.subjects() == {"alice": [subject], "bob": [subject]}
    text = mail.to("bob")[0].get_body(("plain",)).get_content()
    assert "rita requested changes to ADR-0001" in text
    assert "Say how it scales." in text


def test_it_tells_the_team_when_a_decision_is_accepted_not_at_each_approval(
    mail, settings, alice, bob, charlie, rita, ravi
):
    settings.DECISION_APPROVALS_REQUIRED = 2
    decision = make_decision(alice, alice.teams.get(), status="proposed")
    run_worker()
    mail.clear()

    decision_approve(decision=decision, actor=rita)
    run_worker()
    assert mail.subjects() == {}

    decision_approve(decision=decision, actor=ravi, note="Fine by me.")
    run_worker()
    subject = f"{TITLE}: accepted"
    assert mail.subjects() == {"alice": [subject], "bob": [subject]}


def test_it_tells_the_team_when_a_decision_is_rejected(mail, alice, bob, charlie, rita, ravi):
    decision = make_decision(alice, alice.teams.get(), status="proposed")
    run_worker()
    mail.clear()

    decision_transition(decision=decision, actor=rita, name="reject", note="Costs too much.")
    run_worker()

    subject = f"{TITLE}: rejected"
    assert mail.subjects() == {"alice": [subject], "bob": [subject]}
    assert "Costs too much." in mail.to("alice")[0].get_body(("plain",)).get_content()


def test_it_tells_the_team_of_a_comment_but_not_whoever_wrote_it(
    mail, alice, bob, charlie, rita, ravi
):
    decision = make_decision(alice, alice.teams.get(), status="draft")

    decision_comment(decision=decision, actor=bob, body="Should we ask Search?")
    run_worker()
    assert mail.subjects() == {"alice": [f"{TITLE}: new comment"]}
    mail.clear()

    decision_comment(decision=decision, actor=rita, body="Yes, please.")
    run_worker()
    assert sorted(mail.subjects()) == ["alice", "bob"]


def test_a_decision_without_a_team_tells_its_author(mail, alice, bob, rita):
    decision = make_decision(alice, None, status="proposed")
    decision_request_changes(decision=decision, actor=rita, note="A team, please.")
    decision_comment(decision=decision, actor=rita, body="Or say why none.")
    run_worker()

    assert sorted(mail.subjects()["alice"]) == [
        "ADR-0001 Use serverless for Orders: changes requested",
        "ADR-0001 Use serverless for Orders: new comment",
    ]
    assert "bob" not in mail.subjects()


def test_nobody_is_told_of_their_own_action(mail, alice, bob, tess, rita):
    """tess is both on the team and a reviewer: whatever she does, everyone else hears of it
    and she does not."""
    decision = make_decision(alice, alice.teams.get(), status="proposed")
    run_worker()
    mail.clear()

    decision_request_changes(decision=decision, actor=tess, note="One more driver.")
    decision_comment(decision=decision, actor=tess, body="Added a note.")
    decision_transition(decision=decision, actor=tess, name="submit")
    run_worker()

    assert "tess" not in mail.subjects()
    assert sorted(mail.subjects()["alice"]) == [
        f"{TITLE}: changes requested",
        f"{TITLE}: new comment",
    ]
    assert mail.subjects()["rita"] == [f"{TITLE}: proposed again"]


def test_a_kind_turned_off_on_the_settings_page_is_not_sent(mail, alice, bob, rita):
    client = Client()
    client.force_login(bob)
    page = client.get(reverse("notification_settings"))
    assert page.status_code == 200
    assert 'value="accepted" id="id_kinds_2" checked' in page.content.decode()
    kept = [kind for kind in Kind.values if kind != Kind.ACCEPTED]
    saved = client.post(reverse("notification_settings"), {"kinds": kept})
    assert saved.status_code == 302
    assert 'value="accepted" id="id_kinds_2">' in client.get(saved.url).content.decode()

    decision = make_decision(alice, alice.teams.get(), status="proposed")
    decision_approve(decision=decision, actor=rita)
    decision_comment(decision=decision, actor=rita, body="Well argued.")
    run_worker()

    assert mail.subjects()["alice"] == [f"{TITLE}: accepted", f"{TITLE}: new comment"]
    assert mail.subjects()["bob"] == [f"{TITLE}: new comment"]


def test_the_email_names_the_decision_links_to_it_and_escapes_what_people_wrote(
    mail, alice, bob, rita
):
    title = 'Use <script>alert("t")</script> for Orders & co'
    decision = make_decision(alice, alice.teams.get(), status="proposed", title=title)
    decision_comment(
        decision=decision, actor=bob, body='<img src=x onerror="alert(1)"> **bold**\nline two'
    )
    run_worker()

    [message] = mail.to("alice")
    assert message["Subject"] == f"ADR-0001 {title}: new comment"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    link = f"{SITE_URL}/decisions/1/"
    settings_link = f"{SITE_URL}/settings/notifications/"
    # Plain text carries the words as typed; the HTML shows them as text, never as markup.
    assert '<img src=x onerror="alert(1)">' in text and link in text and settings_link in text
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=" in html
    assert f'<a href="{link}">' in html and f'<a href="{settings_link}">' in html
    assert "line two" in html and "in the team Payments" in html


def test_each_message_sent_is_recorded(mail, alice, bob, rita):
    make_decision(alice, alice.teams.get(), status="proposed")
    run_worker()

    [delivery] = Delivery.objects.all()
    assert (delivery.kind, delivery.channel, delivery.recipient, delivery.address) == (
        Kind.PROPOSED,
        Channel.EMAIL,
        rita,
        "rita@example.test",
    )
    assert (delivery.attempts, delivery.last_error) == (1, "")
    assert delivery.sent_at is not None
