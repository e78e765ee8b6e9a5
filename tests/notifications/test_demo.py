"""The demo's decisions are made up: loading it tells no one, by mail or in the chat, while
what people do in the demo afterwards is notified as usual."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from decisions.models import Decision
from decisions.services import decision_comment
from notifications.models import Delivery
from tests.notifications.conftest import run_worker

pytestmark = pytest.mark.django_db(transaction=True)


def test_loading_the_demo_sends_nothing_to_mail_or_chat(mail, webhook, settings, tmp_path):
    settings.DEBUG = True
    settings.DEMO_LOGINS_FILE = tmp_path / "demo-logins.json"

    call_command("seed_demo", stdout=io.StringIO())
    run_worker()

    assert Decision.objects.filter(status=Decision.Status.PROPOSED).exists()
    assert (Delivery.objects.count(), webhook.posts, mail.received) == (0, [], [])

    # Once loaded, the demo is a portal like any other: a comment tells the decision's team.
    decision = Decision.objects.get(title__icontains="notification fan-out")
    decision_comment(decision=decision, actor=User.objects.get(username="alice"), body="Later.")
    run_worker()
    assert "bob" in mail.subjects()
