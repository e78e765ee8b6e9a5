"""Sending never fails the change that caused it: a mail server that is down or refuses, or a
webhook that errs, redirects away or hangs, leaves the decision moved, the failure logged and
kept on the delivery, and the message tried again a bounded number of times."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from markdown_it import MarkdownIt

from decisions.models import Decision
from decisions.services import decision_comment, decision_request_changes
from notifications.models import Channel, Delivery
from tests.decisions.conftest import make_decision
from tests.notifications.conftest import SITE_URL, run_worker
from tests.servers import free_port

pytestmark = pytest.mark.django_db(transaction=True)


def _notification_logs(caplog) -> list[tuple[str, str, int]]:
    return [
        (record.levelname, record.getMessage(), record.attempt)  # type: ignore[attr-defined]
        for record in caplog.records
        if record.name == "notifications"
    ]


def test_a_mail_server_down_leaves_the_change_done_and_logs_a_bounded_number_of_tries(
    mail, settings, caplog, alice, bob, rita
):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    settings.EMAIL_PORT = free_port()  # nothing listens there
    decision = make_decision(alice, alice.teams.get(), status="proposed")
    # The reviewers' messages about the proposal are not this test's business.
    Delivery.objects.all().delete()
    DBTaskResult.objects.all().delete()
    client = Client()
    client.force_login(rita)

    answer = client.post(
        reverse("decision_action", args=[decision.number, "request_changes"]),
        {"note": "Say how it scales.", "version": decision.version, "confirm": "1"},
    )
    with caplog.at_level(logging.INFO, logger="notifications"):
        run_worker()

    assert answer.status_code == 302
    assert Decision.objects.get(pk=decision.pk).status == Decision.Status.DRAFT
    deliveries = list(Delivery.objects.order_by("address"))
    assert [d.address for d in deliveries] == ["alice@example.test", "bob@example.test"]
    for delivery in deliveries:
        assert (delivery.attempts, delivery.sent_at) == (3, None)
        assert "ConnectionRefusedError" in delivery.last_error
    # Two warnings and then an error for each message; the worker ran each try as a task.
    logs = _notification_logs(caplog)
    assert sorted(logs) == sorted(
        [("WARNING", "Notification not sent; it will be tried again", n) for n in (1, 2)] * 2
        + [("ERROR", "Notification not sent; no tries left", 3)] * 2
    )
    tries = DBTaskResult.objects.filter(task_path="notifications.tasks.deliver")
    assert tries.count() == 6
    assert mail.received == []


def test_a_message_refused_for_now_is_sent_on_a_later_try(mail, caplog, alice, bob, rita):
    mail.refuse = 1
    decision = make_decision(alice, None, status="draft")
    decision_comment(decision=decision, actor=bob, body="First!")

    with caplog.at_level(logging.INFO, logger="notifications"):
        run_worker()

    delivery = Delivery.objects.get()
    assert (delivery.attempts, delivery.last_error) == (2, "")
    assert delivery.sent_at is not None
    assert [address for address, _ in mail.received] == ["alice@example.test"]
    [(level, _, attempt)] = _notification_logs(caplog)
    assert (level, attempt) == ("WARNING", 1)


def test_a_retry_waits_longer_each_time(mail, settings, alice, rita):
    decision = make_decision(alice, None, status="proposed")
    run_worker()  # rita hears of the proposal; from now on the mail server is down
    settings.NOTIFY_RETRY_SECONDS = 60
    settings.EMAIL_PORT = free_port()
    decision_request_changes(decision=decision, actor=rita, note="More.")

    delays = []
    for _ in range(2):
        run_worker()  # the try fails; the retry is due later, so the worker stops
        tries = DBTaskResult.objects.filter(task_path="notifications.tasks.deliver")
        last = tries.filter(status="SUCCESSFUL").latest("finished_at")
        retry = tries.get(status="READY")
        delays.append((retry.run_after - last.finished_at).total_seconds())
        retry.run_after = last.finished_at  # as if that time had passed
        retry.save()

    assert 55 < delays[0] <= 60 and 115 < delays[1] <= 120
    assert Delivery.objects.get(recipient=alice).attempts == 2


def test_the_chat_webhook_hears_of_proposals_and_decisions_as_json(mail, webhook, alice, bob, rita):
    title = "Use <script>x</script> & <@here> for Orders"
    decision = make_decision(alice, alice.teams.get(), status="proposed", title=title)
    decision_comment(decision=decision, actor=bob, body="A comment stays in e-mail.")
    decision_request_changes(decision=decision, actor=rita, note="So do requests on drafts.")
    run_worker()

    [post] = webhook.posts
    assert post.path == "/hooks/T000/secret-part"
    assert post.headers["Content-Type"] == "application/json"
    text = post.json["text"]
    assert text == (
        "Alice Architect proposed ADR-0001 “Use &lt;script&gt;x&lt;/script&gt; &amp; "
        "&lt;@here&gt; for Orders” for review; it waits for your review.\n"
        f"{SITE_URL}/decisions/1/"
    )
    # The record shows the webhook's host, never the secret in its path.
    hook = Delivery.objects.get(channel=Channel.WEBHOOK)
    assert (hook.address, hook.recipient, hook.attempts) == ("127.0.0.1", None, 1)


def test_markdown_in_a_title_reaches_the_chat_as_text_never_as_a_link(mail, webhook, alice):
    title = "[Pay here](https://evil.example) *now* `x` _y_ \\ # done"
    make_decision(alice, alice.teams.get(), status="proposed", title=title)
    run_worker()

    [post] = webhook.posts
    first_line = post.json["text"].splitlines()[0]
    # Teams renders the text as Markdown: rendered, the title is the characters as typed.
    rendered = MarkdownIt("commonmark").renderInline(first_line)
    assert "<a" not in rendered and "<em>" not in rendered and "<code>" not in rendered
    assert f"ADR-0001 “{title}”" in rendered.replace("&quot;", '"')


def test_the_webhook_follows_a_redirect_on_its_own_host_and_no_other(
    mail, webhook, other_host, settings, alice, rita
):
    settings.NOTIFY_MAX_ATTEMPTS = 2
    webhook.location = f"{webhook.url}/moved-here"
    make_decision(alice, None, status="proposed")
    run_worker()
    assert [post.path for post in webhook.posts] == ["/hooks/T000/secret-part", "/moved-here"]
    assert webhook.posts[0].body == webhook.posts[1].body
    assert Delivery.objects.get(channel=Channel.WEBHOOK).sent_at is not None

    webhook.posts.clear()
    webhook.location = f"{other_host.url}/collect"
    make_decision(alice, None, status="proposed", title="Another")
    run_worker()

    assert other_host.posts == []
    assert len(webhook.posts) == 2  # each try reached only our webhook
    refused = Delivery.objects.get(channel=Channel.WEBHOOK, sent_at__isnull=True)
    assert refused.attempts == 2
    assert "redirected to another host" in refused.last_error


def test_a_webhook_that_errs_or_hangs_is_given_up_after_its_tries(
    mail, webhook, settings, alice, rita
):
    settings.NOTIFY_MAX_ATTEMPTS = 2
    settings.NOTIFY_WEBHOOK_TIMEOUT = 0.5
    webhook.status = 500
    make_decision(alice, None, status="proposed")
    run_worker()
    failed = Delivery.objects.get(channel=Channel.WEBHOOK)
    assert (failed.attempts, failed.sent_at) == (2, None)
    assert failed.last_error.startswith("WebhookError: HTTP 500")

    webhook.status, webhook.delay = 200, 3.0
    make_decision(alice, None, status="proposed", title="Slow")
    run_worker()
    slow = Delivery.objects.filter(channel=Channel.WEBHOOK).exclude(pk=failed.pk).get()
    assert (slow.attempts, slow.sent_at) == (2, None)
    assert "timed out" in slow.last_error
    # Mail to the reviewer went out all the same.
    assert len(mail.to("rita")) == 2
