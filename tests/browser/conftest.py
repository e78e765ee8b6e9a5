"""A real Chromium driving the live server: one browser per session, a fresh context per test,
signed in through the login form, and no request allowed to leave the live server."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, Route, expect, sync_playwright

# Playwright's sync API runs an event loop in this thread, and Django refuses ORM calls from a
# thread with a running loop unless told that this is deliberate.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "correct horse 42"
MISSING_CHROMIUM = (
    f"The browser tests drive Debian's Chromium at {CHROMIUM}, which is missing. "
    "Install it with `apt-get install chromium` (.ci/run does this)."
)

BLOCKING_IMPACTS = {"serious", "critical"}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}

expect.set_options(timeout=10_000)


def serious_violations(page: Page) -> str:
    """axe-core's serious and critical violations on the page as it is now, one a line."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # From the live server, as the page's own scripts are: the policy refuses inline ones.
        page.add_script_tag(url="/static/vendor/axe/axe.min.js")
    violations = page.evaluate("async () => (await axe.run(document)).violations")
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"][0]) for node in v["nodes"][:5])
        + f" [{len(v['nodes'])} node(s)]"
        for v in violations
        if v["impact"] in BLOCKING_IMPACTS
    )


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the window: 0 when nothing scrolls sideways."""
    return int(
        page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
    )


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    # Fail rather than skip: a skipped browser suite in CI would look green and test nothing.
    if not CHROMIUM.is_file() or not os.access(CHROMIUM, os.X_OK):
        pytest.fail(MISSING_CHROMIUM, pytrace=False)
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def user(django_user_model: Any, settings: Any) -> Any:
    # A fast hasher: the password is hashed here and checked again by the login form.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return django_user_model.objects.create_user(username="alice", password=PASSWORD)


@contextmanager
def watched_page(
    browser: Browser,
    base_url: str,
    origins: Sequence[str],
    *,
    ignored: Sequence[str] = (),
    script_errors: bool = True,
) -> Iterator[Page]:
    """A page in a fresh context that may only talk to `origins`; on leaving, fails on any
    request elsewhere (unless it starts with one of `ignored`), on any address the content
    security policy refused, and (with `script_errors`) on any JavaScript error."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    outside: list[str] = []

    def only_ours(route: Route) -> None:
        url = route.request.url
        if any(url == origin or url.startswith(f"{origin}/") for origin in origins):
            route.continue_()
        else:
            if not url.startswith(tuple(ignored)):
                outside.append(url)
            route.abort()

    context.route("**/*", only_ours)
    page = context.new_page()
    errors: list[str] = []
    if script_errors:
        page.on("pageerror", lambda error: errors.append(str(error)))
    # Chromium reports every script, style or image the content security policy refused.
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    assert not outside, f"the pages asked for something outside the test: {outside}"
    assert not errors, f"JavaScript errors on the pages: {errors}"
    assert not refused, f"the content security policy refused parts of the pages: {refused}"


@pytest.fixture
def anonymous_page(browser: Browser, live_server: Any) -> Iterator[Page]:
    """A page in a fresh context that may only talk to the live server."""
    with watched_page(browser, live_server.url, [live_server.url]) as page:
        yield page


@pytest.fixture
def page(anonymous_page: Page, user: Any) -> Page:
    """Signed in as `user` through the real login form."""
    anonymous_page.goto("/accounts/login/?next=/assessments/")
    anonymous_page.get_by_label("Username").fill(user.username)
    anonymous_page.get_by_label("Password").fill(PASSWORD)
    anonymous_page.get_by_role("button", name="Sign in").click()
    expect(anonymous_page.get_by_role("button", name="Sign out")).to_be_visible()
    return anonymous_page
