"""Single sign-on in Chromium: from the portal's sign-in page through the test provider's pages
and back, with the keyboard, under the portal's content security policy, with axe-core on the
portal's sign-in and signed-out pages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect

from advisor.models import Team
from decisions.roles import is_reviewer
from tests.browser.conftest import serious_violations, watched_page

pytestmark = pytest.mark.browser

# The provider's own pages ask for a web font, which has nowhere to come from here.
PROVIDER_EXTRAS = ("https://fonts.googleapis.com/",)


@pytest.fixture
def sso_page(browser: Browser, live_server: Any, sso: Any) -> Iterator[Page]:
    """A fresh context that may talk to the live server and the provider, nothing else; the
    provider's own pages are not ours, so their scripts are not checked."""
    with watched_page(
        browser,
        live_server.url,
        [live_server.url, sso.issuer],
        ignored=PROVIDER_EXTRAS,
        script_errors=False,
    ) as page:
        yield page


def test_it_signs_in_with_the_provider_using_the_keyboard(
    sso_page: Page, sso: Any, live_server: Any
):
    Team.objects.create(name="Payments", slug="payments")
    sso.steer(accounts={"noor": {"sub": "n-42", "groups": ["architects", "pay-team"]}})
    page = sso_page

    page.goto("/decisions/")
    # The provider comes first on the page, so it is the first thing Tab reaches after the
    # skip link and the site name.
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/decisions/")
    for _ in range(3):
        page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Sign in with Example ID")).to_be_focused()
    violations = serious_violations(page)
    assert not violations, violations
    page.keyboard.press("Enter")

    page.get_by_placeholder("Enter any login").fill("noor")
    page.get_by_placeholder("and password").fill("anything")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(f"{live_server.url}/decisions/")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_text("n-42")).to_be_visible()
    noor = User.objects.get(username="n-42")
    assert is_reviewer(noor)
    assert list(noor.teams.values_list("slug", flat=True)) == ["payments"]

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()
    expect(page.get_by_role("link", name="Sign out of Example ID too")).to_be_visible()
    violations = serious_violations(page)
    assert not violations, violations
