"""The notification settings in Chromium: reached from the navigation bar, worked with the
keyboard and without JavaScript, and free of serious axe-core violations, as is the review-date
form on a decision page. Sessions are made directly, so these tests do not depend on how
people sign in."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from advisor.models import Team
from decisions.roles import REVIEWERS_GROUP
from decisions.services import decision_approve
from notifications.models import Kind, OptOut
from tests.browser.conftest import serious_violations
from tests.decisions.conftest import make_decision

pytestmark = pytest.mark.browser


def _signed_in(context: BrowserContext, live_server: Any, user: User) -> BrowserContext:
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    return context


@pytest.fixture
def bob(django_user_model: Any) -> User:
    user = django_user_model.objects.create_user(username="bob", email="bob@example.test")
    Team.objects.create(name="Payments", slug="payments").members.add(user)
    return user


def test_notification_settings_work_by_keyboard_without_javascript(
    browser: Browser, live_server: Any, bob: User
) -> None:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = _signed_in(context, live_server, bob).new_page()
    page.goto("/")

    page.get_by_role("link", name="Notifications and feeds").click()
    expect(page.get_by_role("heading", name="Notifications and feeds")).to_be_visible()
    accepted = page.get_by_label(Kind.ACCEPTED.label)
    expect(accepted).to_be_checked()
    accepted.focus()
    page.keyboard.press("Space")
    expect(accepted).not_to_be_checked()
    page.keyboard.press("Tab")  # the next kinds, then Save
    for _ in range(len(Kind.values) - 3):
        page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_text("Your notification choices are saved.")).to_be_visible()
    expect(page.get_by_label(Kind.ACCEPTED.label)).not_to_be_checked()
    expect(page.get_by_label(Kind.COMMENT.label)).to_be_checked()
    assert list(OptOut.objects.filter(user=bob).values_list("kind", flat=True)) == [Kind.ACCEPTED]

    page.get_by_role("button", name="Make feed addresses").click()
    expect(page.locator("code", has_text="/teams/payments.atom")).to_be_visible()
    context.close()


def test_the_settings_page_and_the_review_date_form_pass_axe(
    anonymous_page: Page, live_server: Any, bob: User, django_user_model: Any
) -> None:
    rita = django_user_model.objects.create_user(username="rita", email="rita@example.test")
    Group.objects.get_or_create(name=REVIEWERS_GROUP)[0].user_set.add(rita)
    decision = make_decision(bob, bob.teams.get(), status="proposed")
    decision_approve(decision=decision, actor=rita)
    page = anonymous_page
    _signed_in(page.context, live_server, rita)

    page.goto("/settings/notifications/")
    page.get_by_role("button", name="Make feed addresses").click()
    expect(page.get_by_text("/feeds/")).to_have_count(1)
    assert not (found := serious_violations(page)), f"settings page:\n{found}"

    page.goto(decision.get_absolute_url())
    form = page.get_by_role("region", name="Review date")
    later = timezone.localdate() + dt.timedelta(days=400)
    form.get_by_label("New review date").fill(later.isoformat())
    form.get_by_label("Why").fill("The platform is frozen until then.")
    assert not (found := serious_violations(page)), f"decision page:\n{found}"
    form.get_by_role("button", name="Set review date").click()

    expect(page.get_by_text(f"is now to be reviewed by {later:%-d %B %Y}")).to_be_visible()
    expect(page.get_by_role("region", name="Timeline")).to_contain_text(
        "The platform is frozen until then."
    )
