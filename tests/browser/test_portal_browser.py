"""The review portal in Chromium with htmx on: the decision log's search and filters, a review
from comment to approval, who is offered the Approve button, verdicts confirmed in a dialog or,
without JavaScript, on a page, the decision page on a phone, and axe-core on the portal pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import Browser, Locator, Page, expect

from advisor.engine import evaluate_raw
from advisor.framework import default_framework
from advisor.models import Assessment, Team
from decisions.models import Decision
from decisions.render.context import Snapshot
from decisions.roles import REVIEWERS_GROUP
from decisions.services import (
    TRANSITIONS,
    decision_approve,
    decision_create,
    decision_edit,
    decision_transition,
)
from tests.browser.conftest import (
    DESKTOP,
    PASSWORD,
    PHONE,
    horizontal_overflow,
    serious_violations,
)
from tests.conftest import BASE_ANSWERS, STEADY_ANSWERS

pytestmark = pytest.mark.browser

Status = Decision.Status


@pytest.fixture
def team() -> Team:
    return Team.objects.create(name="Payments", slug="payments")


@pytest.fixture
def people(django_user_model: Any, team: Team) -> dict[str, User]:
    """alice writes for Payments, bob is her team-mate, rita and ray review architecture."""
    make = django_user_model.objects.create_user
    people = {name: make(username=name, password=PASSWORD) for name in ("alice", "bob", "rita")}
    people["ray"] = make(username="ray", password=PASSWORD)
    team.members.add(people["alice"], people["bob"])
    reviewers, _ = Group.objects.get_or_create(name=REVIEWERS_GROUP)
    reviewers.user_set.add(people["rita"], people["ray"])
    return people


@pytest.fixture
def log(people: dict[str, User], team: Team) -> dict[str, Decision]:
    """A log with a decision in each of draft, proposed (two), accepted and rejected."""
    alice, bob, ray = people["alice"], people["bob"], people["ray"]
    orders = _decision(alice, team, "Use serverless for Orders")
    billing = _decision(bob, team, "Run Billing on containers", STEADY_ANSWERS)
    ledger = _decision(alice, team, "Keep the Ledger on containers", STEADY_ANSWERS)
    decision_approve(decision=ledger, actor=ray, note="Fits the platform.")
    refunds = _decision(bob, team, "Refunds on serverless functions")
    decision_transition(decision=refunds, actor=ray, name="reject", note="Too little traffic.")
    notes = _decision(alice, team, "Release notes site", status=Status.DRAFT)
    return {
        "orders": orders,
        "billing": billing,
        "ledger": ledger,
        "refunds": refunds,
        "notes": notes,
    }


def _decision(
    author: User,
    team: Team,
    title: str,
    answers: dict[str, Any] = BASE_ANSWERS,
    status: str = Status.PROPOSED,
) -> Decision:
    framework = default_framework()
    return decision_create(
        author=author,
        assessment=None,
        snapshot=Snapshot.capture(framework, evaluate_raw(framework, answers)),
        title=title,
        context=f"{title}: the team needs a place to run it.",
        drivers=["Spiky traffic"],
        decision_makers=[author.username],
        consulted=[],
        informed=[],
        team=team,
        status=status,
    )


def _sign_in(page: Page, user: User) -> Page:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    return page


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def _open_log(page: Page) -> None:
    page.goto("/decisions/")
    expect(page.get_by_role("heading", name="Decision log")).to_be_visible()
    page.wait_for_load_state()  # htmx is deferred: the heading can show before it is ready


def _rows(page: Page) -> Locator:
    return page.locator("#decision-results tbody tr")


def _status_cells(page: Page) -> Locator:
    return _rows(page).locator("td:nth-child(3)")


def _mark(page: Page) -> None:
    page.evaluate("() => { window.__marker = 1 }")


def _assert_not_reloaded(page: Page, what: str) -> None:
    assert page.evaluate("() => window.__marker") == 1, f"{what} reloaded the page"


def _open_decision(page: Page, decision: Decision) -> None:
    page.goto(decision.get_absolute_url())
    expect(page.get_by_role("heading", name="Review", exact=True)).to_be_visible()
    page.wait_for_load_state()


def _review(page: Page) -> Locator:
    return page.get_by_role("region", name="Review", exact=True)


def _timeline(page: Page) -> Locator:
    return page.get_by_role("region", name="Timeline")


def test_it_takes_a_reviewer_from_search_to_approval(
    anonymous_page: Page, people: dict[str, User], log: dict[str, Decision]
) -> None:
    page = _sign_in(anonymous_page, people["rita"])
    billing = log["billing"]
    _open_log(page)
    expect(_rows(page)).to_have_count(4)  # rita sees everything but the team's draft
    _mark(page)

    searches: list[str] = []
    page.on("request", lambda r: searches.append(r.url) if "q=billing" in r.url else None)
    page.get_by_role("searchbox", name="Search").press_sequentially("billing")

    expect(_rows(page)).to_have_count(1)
    page.get_by_role("searchbox", name="Search").press("Enter")
    page.wait_for_timeout(500)
    assert len(searches) <= 2, f"typing and Enter sent {len(searches)} searches: {searches}"
    expect(_rows(page).first).to_contain_text("Run Billing on containers")
    expect(page).to_have_url(re.compile(r"[?&]q=billing(&|$)"))
    _assert_not_reloaded(page, "the search")

    page.get_by_role("link", name=billing.adr_id).click()
    expect(page).to_have_url(re.compile(rf"/decisions/{billing.number}/$"))
    expect(page.get_by_test_id("status")).to_have_text("Proposed")
    page.wait_for_load_state()
    _mark(page)

    timeline = _timeline(page)
    timeline.get_by_label("Comment").fill("Have we sized the **worker pool**?")
    timeline.get_by_label("Comment").press("Tab")
    page.keyboard.press("Enter")  # on the Comment button, as a keyboard user would

    comment = timeline.locator("li", has_text="rita commented")
    expect(comment).to_contain_text("Have we sized the worker pool?")
    expect(comment.locator("strong", has_text="worker pool")).to_be_visible()  # Markdown
    expect(timeline.get_by_label("Comment")).to_have_value("")
    expect(timeline.get_by_label("Comment")).to_be_focused()  # not lost to <body>
    expect(timeline.get_by_role("status")).to_have_text("Your comment is posted.")
    _assert_not_reloaded(page, "the comment")

    review = _review(page)
    review.get_by_role("button", name="Request changes").click()
    dialog = page.get_by_role("dialog", name=f"Request changes {billing.adr_id}?")
    dialog.get_by_role("button", name=f"Request changes {billing.adr_id}").click()  # no reason
    expect(dialog.get_by_role("alert")).to_have_text("Say what should change.")
    expect(dialog.get_by_label("Reason (required)")).to_be_focused()  # ready to write one
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    _assert_not_reloaded(page, "the dialog")
    review.get_by_role("textbox", name=re.compile("^Note")).fill("Sized for peak; go ahead.")
    review.get_by_role("button", name="Approve").click()
    approve = page.get_by_role("dialog", name=f"Approve {billing.adr_id}?")
    expect(approve.get_by_label("Note (optional)")).to_have_value("Sized for peak; go ahead.")
    approve.get_by_role("button", name=f"Approve {billing.adr_id}").click()

    expect(page.get_by_test_id("status")).to_have_text("Accepted")
    approval = _timeline(page).locator("li", has_text="rita approved it")
    expect(approval).to_contain_text("(proposed → accepted)")
    expect(approval).to_contain_text("Sized for peak; go ahead.")
    expect(_timeline(page)).to_contain_text("rita review: Approved (version 1)")
    expect(_review(page).get_by_role("button", name="Approve")).to_have_count(0)
    billing.refresh_from_db()
    assert billing.status == Status.ACCEPTED
    assert list(billing.audit.values_list("action", flat=True)) == ["created", "approved"]


def test_it_filters_the_log_by_status_without_a_reload_and_goes_back(
    anonymous_page: Page, people: dict[str, User], log: dict[str, Decision]
) -> None:
    page = _sign_in(anonymous_page, people["alice"])
    _open_log(page)
    expect(_rows(page)).to_have_count(5)  # alice also sees her team's draft
    _mark(page)

    page.get_by_label("Status").select_option(label="Proposed")

    expect(_rows(page)).to_have_count(2)
    expect(_status_cells(page)).to_have_text(["Proposed", "Proposed"])
    expect(page).to_have_url(re.compile(r"/decisions/\?status=proposed$"))  # no empty fields
    expect(page.get_by_test_id("count")).to_contain_text("2 decisions")
    expect(page.get_by_role("status")).to_have_text("2 decisions")  # one line, not the table
    _assert_not_reloaded(page, "the status filter")

    page.get_by_label("Status").select_option(label="Accepted")

    expect(_status_cells(page)).to_have_text(["Accepted"])
    expect(page).to_have_url(re.compile(r"[?&]status=accepted(&|$)"))
    _assert_not_reloaded(page, "the second status filter")

    page.go_back()

    expect(page).to_have_url(re.compile(r"[?&]status=proposed(&|$)"))
    expect(_status_cells(page)).to_have_text(["Proposed", "Proposed"])
    expect(page.get_by_label("Status")).to_have_value("proposed")
    # With no history cache htmx reloads the page on Back; a person waits for it to be ready.
    page.wait_for_load_state()

    page.go_back()

    expect(page).to_have_url(re.compile(r"/decisions/$"))
    expect(_rows(page)).to_have_count(5)
    expect(page.get_by_label("Status")).to_have_value("")
    expect(_status_cells(page)).to_have_text(
        ["Draft", "Rejected", "Accepted", "Proposed", "Proposed"]
    )


def test_it_offers_approve_only_to_a_reviewer_who_is_not_the_author(
    anonymous_page: Page, people: dict[str, User], team: Team, log: dict[str, Decision]
) -> None:
    orders = log["orders"]  # proposed by alice

    page = _sign_in(anonymous_page, people["bob"])  # her team-mate, not a reviewer
    _open_decision(page, orders)
    expect(page.get_by_test_id("status")).to_have_text("Proposed")
    expect(_review(page).get_by_role("button", name="Withdraw to draft")).to_be_visible()
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    expect(page.get_by_role("button", name="Reject")).to_have_count(0)
    expect(page.get_by_role("button", name="Request changes")).to_have_count(0)
    _sign_out(page)

    team.members.add(people["rita"])  # a reviewer who also writes for Payments
    own = _decision(people["rita"], team, "Rita's own serverless proposal")
    page = _sign_in(page, people["rita"])  # a reviewer, but the author of `own`
    _open_decision(page, own)
    expect(page.get_by_test_id("status")).to_have_text("Proposed")
    expect(_review(page).get_by_role("button", name="Withdraw to draft")).to_be_visible()
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    expect(page.get_by_role("button", name="Reject")).to_have_count(0)

    _open_decision(page, orders)  # the same reviewer is offered Approve on someone else's
    expect(_review(page).get_by_role("button", name="Approve")).to_be_visible()


def test_it_has_no_serious_accessibility_violations_on_the_portal(
    anonymous_page: Page, people: dict[str, User], log: dict[str, Decision]
) -> None:
    page = _sign_in(anonymous_page, people["rita"])

    _open_log(page)
    expect(_rows(page)).to_have_count(4)
    assert not (found := serious_violations(page)), f"decision log:\n{found}"

    page.get_by_label("Status").select_option(label="Accepted")
    expect(_status_cells(page)).to_have_text(["Accepted"])
    assert not (found := serious_violations(page)), f"filtered decision log:\n{found}"

    _open_decision(page, log["orders"])
    assert not (found := serious_violations(page)), f"decision page:\n{found}"

    page.goto("/")
    expect(page.get_by_role("heading", name="Architecture decisions")).to_be_visible()
    expect(page.get_by_role("region", name="Awaiting my review")).to_contain_text(
        log["orders"].adr_id
    )
    assert not (found := serious_violations(page)), f"dashboard:\n{found}"


def test_a_decision_written_by_hand_with_tags_and_a_link(
    anonymous_page: Page, people: dict[str, User], log: dict[str, Decision]
) -> None:
    page = _sign_in(anonymous_page, people["alice"])
    page.goto("/decisions/")
    page.get_by_role("link", name="Write a decision").click()
    assert not (found := serious_violations(page)), f"write page:\n{found}"

    page.get_by_label("Title").fill("Use a managed queue for order events")
    page.get_by_label("Context and problem statement").fill("Order events need a home.")
    page.get_by_label("Tags").fill("messaging")
    page.get_by_label("Options, outcome and consequences").fill(
        "## Decision Outcome\n\nChosen option: a managed queue, because nobody patches brokers."
    )
    page.get_by_role("button", name="Create ADR").click()

    expect(page.get_by_role("heading", name="Decision Outcome")).to_be_visible()
    expect(page.get_by_role("link", name="messaging")).to_be_visible()
    page.get_by_label("ADR number").fill(str(log["orders"].number))
    page.get_by_role("button", name="Link").click()
    expect(page.locator("#links")).to_contain_text(f"Relates to {log['orders'].adr_id}")
    assert not (found := serious_violations(page)), f"written decision:\n{found}"


SIZES = [DESKTOP, PHONE]
SIZE_IDS = ["desktop", "phone"]


def _box(locator: Locator) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not shown"
    return box


def _within_width(locator: Locator, width: int) -> bool:
    box = _box(locator)
    return box["x"] >= 0 and box["x"] + box["width"] <= width


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_the_log_is_a_table_on_a_desktop_and_cards_on_a_phone(
    anonymous_page: Page, people: dict[str, User], log: dict[str, Decision], size: dict[str, int]
) -> None:
    page = _sign_in(anonymous_page, people["alice"])
    page.set_viewport_size(size)
    _open_log(page)
    expect(_rows(page)).to_have_count(5)

    assert horizontal_overflow(page) == 0
    row = _rows(page).filter(has_text="Keep the Ledger on containers")
    title, status, outcome, team, author, date = (
        row.locator(f"> :nth-child({n})") for n in (2, 3, 4, 5, 6, 7)
    )
    expect(outcome).to_have_text("Containers")
    expect(team).to_have_text("Payments")
    for cell in (title, status, outcome, team, date):
        expect(cell).to_be_visible()
        assert _within_width(cell, size["width"]), f"{cell} reaches past the window"
    columns = page.get_by_role("columnheader", name="Outcome")
    if size == DESKTOP:
        expect(columns).to_be_visible()
        tops = {round(_box(cell)["y"]) for cell in (title, outcome, team, date)}
        assert len(tops) == 1, f"a table row's cells sit at {tops}"
    else:
        expect(columns).to_be_hidden()  # each cell names itself instead
        # One card: the title first, then status, outcome, team and date, one under the other.
        tops = [_box(cell)["y"] for cell in (title, status, outcome, team, date)]
        assert tops == sorted(tops) and len(set(tops)) == 5, f"the card's lines sit at {tops}"
        label = outcome.evaluate("cell => getComputedStyle(cell, '::before').content")
        assert label == '"Outcome: "'
        assert _box(title)["width"] > size["width"] / 2, "the title is squeezed into a column"
    assert not (found := serious_violations(page)), f"decision log at {size['width']}px:\n{found}"


ADDED = "Nobody wants to patch servers. <script>alert('x')</script> **Bold**."


def _edited_for_history(decision: Decision, author: User) -> None:
    """A second version whose context gains a sentence and some hostile text."""
    decision_edit(
        decision=decision,
        actor=author,
        base_version=decision.version,
        title=decision.title,
        context=f"{decision.context} {ADDED}",
        drivers=["Spiky traffic", "Cost at low volume"],
        decision_makers=decision.decision_makers,
        consulted=[],
        informed=["Finance"],
    )


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_the_history_shows_versions_side_by_side_on_a_desktop_and_stacked_on_a_phone(
    anonymous_page: Page, people: dict[str, User], log: dict[str, Decision], size: dict[str, int]
) -> None:
    orders = log["orders"]
    _edited_for_history(orders, people["alice"])
    page = _sign_in(anonymous_page, people["alice"])
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.set_viewport_size(size)
    page.goto(f"/decisions/{orders.number}/history/")
    diff = page.get_by_role("table", name=re.compile("^Version 1 beside version 2"))
    expect(diff).to_be_visible()

    assert horizontal_overflow(page) == 0
    row = diff.locator("tr.diff-change", has_text="Nobody wants to patch servers")
    old, new = row.locator("td.diff-old"), row.locator("td.diff-new")
    added = new.locator("ins")
    expect(added).to_have_count(1)
    expect(added).to_have_text(f"added: {ADDED}")  # the sentence alone, shown as text
    expect(old.locator("del")).to_have_count(0)
    assert "underline" in added.evaluate("node => getComputedStyle(node).textDecorationLine")
    removed = diff.locator("del", has_text="Use serverless")
    expect(removed).to_have_count(0)
    old_box, new_box = _box(old), _box(new)
    if size == DESKTOP:
        assert abs(old_box["y"] - new_box["y"]) < 1, "the versions are not side by side"
        assert old_box["x"] + old_box["width"] <= new_box["x"] + 1
        assert abs(old_box["width"] - new_box["width"]) < 2, "the columns differ in width"
    else:
        assert new_box["y"] >= old_box["y"] + old_box["height"] - 1, "new is not under old"
        assert abs(old_box["x"] - new_box["x"]) < 1
        for cell in (old, new):
            assert _within_width(cell, size["width"]), f"{cell} reaches past the window"
    assert not dialogs, f"text from the decision ran as a script: {dialogs}"
    assert not (found := serious_violations(page)), f"history at {size['width']}px:\n{found}"


def test_the_assessments_and_home_pages_fit_a_phone(
    anonymous_page: Page, people: dict[str, User], log: dict[str, Decision], team: Team
) -> None:
    for name in ("Orders API with a rather long workload name", "Nightly billing export"):
        Assessment.objects.create(
            owner=people["alice"],
            team=team,
            name=name,
            framework_id="default",
            framework_version="2",
            step="traffic",
        )
    page = _sign_in(anonymous_page, people["alice"])
    page.set_viewport_size(PHONE)

    page.goto("/assessments/")
    row = page.locator("tbody tr", has_text="Nightly billing export")
    team_cell = row.locator("td", has_text="Payments")
    expect(team_cell).to_be_visible()
    assert team_cell.evaluate("cell => getComputedStyle(cell, '::before').content") == '"Team: "'
    assert horizontal_overflow(page) == 0
    assert not (found := serious_violations(page)), f"assessments at 390px:\n{found}"

    page.goto("/")
    expect(page.get_by_role("heading", name="Architecture decisions")).to_be_visible()
    assert horizontal_overflow(page) == 0


VERDICTS = ("Approve", "Request changes", "Reject")


@pytest.mark.parametrize("size", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_the_decision_page_shows_status_and_review_on_the_first_screen(
    anonymous_page: Page, people: dict[str, User], log: dict[str, Decision], size: tuple[int, int]
) -> None:
    width, height = size
    anonymous_page.set_viewport_size({"width": width, "height": height})
    page = _sign_in(anonymous_page, people["rita"])
    _open_decision(page, log["orders"])

    review = _review(page)
    for name, item in [
        ("status", page.get_by_test_id("status")),
        *(
            (verdict, review.get_by_role("button", name=verdict, exact=True))
            for verdict in VERDICTS
        ),
    ]:
        expect(item).to_be_visible()
        box = item.bounding_box()
        assert box is not None and box["y"] + box["height"] <= height, f"{name} is further down"
    record = page.get_by_role("article", name="Architecture decision record").bounding_box()
    panel = review.bounding_box()
    assert record is not None and panel is not None
    if width >= 992:  # the record beside the review, as before
        assert record["x"] + record["width"] <= panel["x"] and record["y"] < panel["y"] + 100
    else:  # the record after it
        assert record["y"] >= panel["y"] + panel["height"]
    scroll_width, client_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll_width <= client_width, f"the page scrolls sideways at {width}px"
    # The scores and costs fit their column: no table hides columns or scrolls inside itself.
    tables = page.evaluate(
        """() => [...document.querySelectorAll('.adr table')].map(table => [
            table.querySelector('th').textContent, table.scrollWidth, table.clientWidth,
            table.getBoundingClientRect().right])"""
    )
    assert len(tables) >= 3
    for first, scrolled, shown, right in tables:
        assert scrolled <= shown and right <= client_width, f"the {first!r} table is cut off"
    assert not (found := serious_violations(page)), f"decision page at {width}px:\n{found}"


def test_a_verdict_is_confirmed_in_a_dialog_that_can_be_cancelled(
    anonymous_page: Page, people: dict[str, User], log: dict[str, Decision]
) -> None:
    orders = log["orders"]
    page = _sign_in(anonymous_page, people["rita"])
    _open_decision(page, orders)
    review = _review(page)
    reject = review.get_by_role("button", name="Reject", exact=True)

    reject.click()

    dialog = page.get_by_role("dialog", name=f"Reject {orders.adr_id}?")
    expect(dialog).to_contain_text(f"{orders.adr_id} becomes rejected")
    reason = dialog.get_by_label("Reason (required)")
    expect(reason).to_be_focused()
    dialog.get_by_role("button", name=f"Reject {orders.adr_id}").click()  # without a reason
    expect(dialog.get_by_role("alert")).to_have_text(TRANSITIONS["reject"].reason)
    expect(reason).to_be_focused()
    expect(reason).to_have_attribute("aria-invalid", "true")
    reason.fill("Too little traffic to matter.")
    page.keyboard.press("Escape")

    expect(dialog).to_be_hidden()
    expect(reject).to_be_focused()
    # What was typed is kept in the panel's note, and nothing happened.
    expect(review.get_by_role("textbox", name=re.compile("^Note"))).to_have_value(
        "Too little traffic to matter."
    )
    expect(page.get_by_test_id("status")).to_have_text("Proposed")
    orders.refresh_from_db()
    assert orders.status == Status.PROPOSED and not orders.reviews.exists()

    changes = review.get_by_role("button", name="Request changes", exact=True)
    changes.click()
    asked = page.get_by_role("dialog", name=f"Request changes {orders.adr_id}?")
    expect(asked).to_contain_text(f"{orders.adr_id} goes back to draft")
    asked.get_by_role("button", name="Cancel").click()
    expect(asked).to_be_hidden()
    expect(changes).to_be_focused()
    orders.refresh_from_db()
    assert orders.status == Status.PROPOSED

    reject.click()
    expect(reason).to_have_value("Too little traffic to matter.")
    dialog.get_by_role("button", name=f"Reject {orders.adr_id}").click()

    expect(page.get_by_test_id("status")).to_have_text("Rejected")
    expect(page.locator(".alert-success")).to_have_text(f"{orders.adr_id} is now rejected.")
    orders.refresh_from_db()
    assert orders.status == Status.REJECTED
    assert orders.reviews.get().body == "Too little traffic to matter."


def test_without_javascript_a_verdict_is_confirmed_on_a_page_of_its_own(
    browser: Browser, live_server: Any, people: dict[str, User], log: dict[str, Decision]
) -> None:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = _sign_in(context.new_page(), people["rita"])
    orders, billing = log["orders"], log["billing"]
    _open_decision(page, orders)

    _review(page).get_by_role("button", name="Reject", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Reject {orders.adr_id}?")
    expect(page.get_by_text(f"{orders.adr_id} becomes rejected")).to_be_visible()
    page.get_by_role("button", name=f"Reject {orders.adr_id}").click()  # without a reason
    expect(page.get_by_role("alert")).to_have_text(TRANSITIONS["reject"].reason)
    expect(page.get_by_label("Reason (required)")).to_be_focused()
    orders.refresh_from_db()
    assert orders.status == Status.PROPOSED and not orders.reviews.exists()
    page.get_by_label("Reason (required)").fill("Too little traffic to matter.")
    page.get_by_role("button", name=f"Reject {orders.adr_id}").click()
    expect(page.get_by_test_id("status")).to_have_text("Rejected")
    orders.refresh_from_db()
    assert orders.status == Status.REJECTED

    _open_decision(page, billing)
    _review(page).get_by_role("textbox", name=re.compile("^Note")).fill("Fits the platform.")
    _review(page).get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_label("Note (optional)")).to_have_value("Fits the platform.")
    page.get_by_role("link", name="Cancel").click()  # back, and nothing happened
    expect(page.get_by_test_id("status")).to_have_text("Proposed")
    _review(page).get_by_role("button", name="Approve", exact=True).click()
    page.get_by_role("button", name=f"Approve {billing.adr_id}").click()

    expect(page.get_by_test_id("status")).to_have_text("Accepted")
    billing.refresh_from_db()
    assert billing.status == Status.ACCEPTED
    context.close()
