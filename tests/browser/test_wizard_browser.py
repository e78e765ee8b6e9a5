"""The questionnaire in Chromium with htmx on: filled in like a person would, by label and role,
and checked with axe-core for serious accessibility problems."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, Route, expect

from advisor.answers import WAITING_BUT_ASYNC_ADVICE
from advisor.digits import group_digits
from advisor.framework import Framework, default_framework
from advisor.framework.schema import Choice, Question, Section
from advisor.models import Assessment, Team
from advisor.services import assessment_create, assessment_finish
from tests.browser.conftest import PASSWORD, serious_violations
from tests.conftest import BASE_ANSWERS, STEADY_ANSWERS

pytestmark = pytest.mark.browser

FIRST_STEP = default_framework().sections[0].title


def _starts(text: str) -> re.Pattern[str]:
    """An accessible name that begins with `text`: labels carry an asterisk, a unit or help."""
    return re.compile(rf"^{re.escape(text)}(\W|$)")


def _choice(group: Locator, role: str, choice: Choice) -> Locator:
    return group.get_by_role(role, name=_starts(choice.label))


def _group(page: Page, question: Question) -> Locator:
    return page.get_by_role("group", name=_starts(question.label))


def _number(page: Page, label: str) -> Locator:
    # A text box, not a spin button: it takes "1,200,000" as people write it.
    return page.get_by_role("textbox", name=_starts(label))


def _section(framework: Framework, section_id: str) -> Section:
    return next(section for section in framework.sections if section.id == section_id)


def _step_heading(page: Page, number: int, title: str) -> Locator:
    return page.get_by_role("heading", name=f"Step {number}: {title}")


def _settled(page: Page) -> None:
    """Wait, as a person would, until the field check htmx sent has come back and been swapped in.

    The in-memory SQLite of the tests refuses a write (Next) that runs beside another request
    ("database table is locked") where a real database would wait, so steps never overlap.
    """
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def _tick(page: Page, control: Locator, checked: bool = True) -> None:
    if control.is_checked() != checked:
        control.set_checked(checked)
        _settled(page)


def _answer(page: Page, question: Question, value: Any) -> None:
    if question.type == "choice":
        _tick(page, _choice(_group(page, question), "radio", _by_value(question, value)))
    elif question.type == "boolean":
        yes_no = _group(page, question).get_by_role("radio", name="Yes" if value else "No")
        _tick(page, yes_no)
    elif question.type == "multi_choice":
        group = _group(page, question)
        for choice in question.choices:
            _tick(page, _choice(group, "checkbox", choice), choice.value in value)
    else:
        field = _number(page, question.label)
        field.fill("" if value is None else group_digits(value))  # "500,000", as people type
        field.press("Tab")  # the check runs on change, which a number field sends on leaving
        _settled(page)


def _by_value(question: Question, value: Any) -> Choice:
    return next(choice for choice in question.choices if choice.value == value)


def _answer_step(page: Page, section: Section, answers: dict[str, Any]) -> None:
    for question in section.questions:
        value = answers.get(question.id)
        if value is None and question.type in ("choice", "boolean"):
            continue  # an optional question left unanswered, as a person may
        _answer(page, question, value)


def _start(page: Page, name: str = "Order API") -> Assessment:
    page.goto("/assessments/new/")
    page.get_by_label("Workload name").fill(name)
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", name=f"Step 1: {FIRST_STEP}")).to_be_visible()
    page.wait_for_load_state()  # htmx is deferred: the heading can show before it is ready
    return Assessment.objects.get(name=name)


def _next(page: Page, framework: Framework, section: Section) -> None:
    """Press Next and wait for the following step (or the review) to be swapped in."""
    index = framework.sections.index(section)
    page.get_by_role("button", name="Next").click()
    if index + 1 < len(framework.sections):
        following = framework.sections[index + 1]
        expect(_step_heading(page, index + 2, following.title)).to_be_visible()
        expect(page).to_have_url(re.compile(f"/steps/{following.id}/$"))
    else:
        expect(_step_heading(page, index + 2, "Review your answers")).to_be_visible()
        expect(page).to_have_url(re.compile("/review/$"))


def _complete(page: Page, framework: Framework, answers: dict[str, Any]) -> None:
    """From step 1, through every step and the review, to the results page."""
    for section in framework.sections:
        _answer_step(page, section, answers)
        _next(page, framework, section)
    page.get_by_role("button", name="See the recommendation").click()
    expect(page).to_have_url(re.compile(r"/assessments/\d+/$"))


def _hold_checks(page: Page) -> list[Route]:
    """A slow network: field checks wait until `_release_checks`."""
    held: list[Route] = []

    def hold(route: Route) -> None:
        held.append(route)

    page.route("**/check/", hold)
    return held


def _release_checks(page: Page, held: list[Route]) -> None:
    assert held, "no field check was sent"
    for route in held:
        route.continue_()
    page.unroute("**/check/")
    for route in held:  # answered, so the database is left alone when the test ends
        route.request.response()


def _expect_recommendation(page: Page, name: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Order API: {name}")
    expect(page.get_by_text("Recommended:")).to_contain_text(f"Recommended: {name},")


def test_it_recommends_serverless_for_a_spiky_workload(page: Page, framework: Framework) -> None:
    _start(page)

    _complete(page, framework, BASE_ANSWERS)

    _expect_recommendation(page, "Serverless")


def test_it_recommends_containers_for_a_steady_busy_workload(
    page: Page, framework: Framework
) -> None:
    _start(page)

    _complete(page, framework, {**STEADY_ANSWERS, "utilization_percent": 80})

    _expect_recommendation(page, "Containers")


def test_it_updates_the_leaning_while_answering_without_a_reload(
    page: Page, framework: Framework
) -> None:
    _start(page)
    traffic_pattern = framework.question("traffic_pattern")
    pattern = _group(page, traffic_pattern)
    leaning = page.get_by_role("complementary", name="Leaning so far")
    outcome = leaning.get_by_test_id("leaning-outcome")
    expect(leaning).to_contain_text("Answer a question to see where the workload leans.")
    page.evaluate("() => { window.__marker = 1 }")

    _tick(page, _choice(pattern, "radio", _by_value(traffic_pattern, "spiky")))
    expect(outcome).to_have_text("Serverless")
    _tick(page, _choice(pattern, "radio", _by_value(traffic_pattern, "steady")))
    _answer(page, framework.question("utilization_percent"), 90)

    expect(outcome).to_have_text("Containers")
    assert page.evaluate("() => window.__marker") == 1, "the page was reloaded"


def test_it_keeps_the_answers_when_going_back(page: Page, framework: Framework) -> None:
    _start(page)
    traffic, latency = _section(framework, "traffic"), _section(framework, "latency")
    _answer_step(page, traffic, BASE_ANSWERS)
    _next(page, framework, traffic)
    _answer_step(page, latency, {**BASE_ANSWERS, "latency_target": "under_200ms"})

    page.get_by_role("button", name="Back").click()
    expect(_step_heading(page, 1, FIRST_STEP)).to_be_visible()
    expect(page).to_have_url(re.compile("/steps/traffic/$"))
    _next(page, framework, traffic)

    question = framework.question("latency_target")
    target = _choice(_group(page, question), "radio", _by_value(question, "under_200ms"))
    expect(target).to_be_checked()
    expect(
        _group(page, framework.question("user_facing")).get_by_role("radio", name="Yes")
    ).to_be_checked()
    runtime = _group(page, framework.question("runtime"))
    expect(runtime.get_by_role("radio", name="Python", exact=True)).to_be_checked()


def test_it_resumes_on_reload_and_follows_the_back_button(page: Page, framework: Framework) -> None:
    _start(page)
    traffic, latency, state = (_section(framework, s) for s in ("traffic", "latency", "state"))
    _answer_step(page, traffic, BASE_ANSWERS)
    _next(page, framework, traffic)
    _answer_step(page, latency, BASE_ANSWERS)
    _next(page, framework, latency)

    page.reload()

    expect(page).to_have_url(re.compile("/steps/state/$"))
    expect(_step_heading(page, 3, "State")).to_be_visible()

    _answer_step(page, state, BASE_ANSWERS)
    page.evaluate("() => { window.__marker = 1 }")
    _next(page, framework, state)
    assert page.evaluate("() => window.__marker") == 1, "the step change reloaded the page"

    page.go_back()

    expect(page).to_have_url(re.compile("/steps/state/$"))
    expect(_step_heading(page, 3, "State")).to_be_visible()
    where = _group(page, framework.question("state"))
    expect(where.get_by_role("radio", name=_starts("In a database or cache"))).to_be_checked()


def test_it_shows_the_saved_answers_after_the_browser_back_button(
    page: Page, framework: Framework
) -> None:
    _start(page)
    traffic, latency = _section(framework, "traffic"), _section(framework, "latency")
    _answer_step(page, traffic, BASE_ANSWERS)
    _next(page, framework, traffic)
    held = _hold_checks(page)  # the checks of step 2 come back only after Next has moved on
    target = framework.question("latency_target")
    _choice(_group(page, target), "radio", _by_value(target, "under_1s")).check()
    _group(page, framework.question("user_facing")).get_by_role("radio", name="Yes").check()
    python = _group(page, framework.question("runtime")).get_by_role("radio", name="Python")
    python.check()
    _next(page, framework, latency)
    _release_checks(page, held)
    assert Assessment.objects.get(name="Order API").answers["runtime"] == "python"

    page.go_back()

    expect(_step_heading(page, 2, "Latency")).to_be_visible()
    expect(python).to_be_checked(timeout=2_000)


def test_it_keeps_a_change_made_while_the_previous_one_is_checked(
    page: Page, framework: Framework
) -> None:
    _start(page)
    question = framework.question("traffic_pattern")
    group = _group(page, question)
    steady = _choice(group, "radio", _by_value(question, "steady"))
    held = _hold_checks(page)

    _choice(group, "radio", _by_value(question, "spiky")).check()
    steady.check()
    page.evaluate("() => { document.querySelector('#q-traffic_pattern').dataset.old = '1' }")
    _release_checks(page, held)

    expect(page.locator("#q-traffic_pattern[data-old]")).to_have_count(0)
    expect(steady).to_be_checked(timeout=2_000)


def test_it_shows_the_knockout_of_a_40_minute_job(page: Page, framework: Framework) -> None:
    reason = next(k.reason for k in framework.knockouts if k.id == "job-over-function-limit")
    _start(page)

    _complete(page, framework, {**BASE_ANSWERS, "max_duration_minutes": 40})

    expect(page.get_by_role("region", name="Ruled out")).to_contain_text(reason)


def test_it_shows_a_field_error_beside_the_field_on_change(
    page: Page, framework: Framework
) -> None:
    _start(page)
    _answer(page, framework.question("traffic_pattern"), "spiky")
    _answer(page, framework.question("peak_rps"), 50)
    monthly = _number(page, framework.question("monthly_requests").label)

    monthly.fill("-5")
    monthly.press("Tab")

    expect(page.locator("#q-monthly_requests")).to_contain_text(
        "Enter an integer from 0 to 1,000,000,000,000."
    )
    _settled(page)
    expect(page.locator("#q-peak_rps")).not_to_contain_text("Enter")
    expect(monthly).to_have_value("-5")
    expect(_number(page, framework.question("peak_rps").label)).to_have_value("50")
    pattern = _group(page, framework.question("traffic_pattern"))
    expect(pattern.get_by_role("radio", name=_starts("Spiky"))).to_be_checked()


def test_it_has_no_serious_accessibility_violations(page: Page, framework: Framework) -> None:
    _start(page)
    assert not (found := serious_violations(page)), f"first step:\n{found}"

    for section in framework.sections:
        _answer_step(page, section, BASE_ANSWERS)
        _next(page, framework, section)
    assert not (found := serious_violations(page)), f"review step:\n{found}"

    page.get_by_role("button", name="See the recommendation").click()
    _expect_recommendation(page, "Serverless")
    assert not (found := serious_violations(page)), f"results page:\n{found}"


@pytest.mark.parametrize("size", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_the_first_screen_shows_the_answer_its_reasons_and_its_cost(
    page: Page, framework: Framework, size: tuple[int, int]
) -> None:
    _start(page)
    _complete(page, framework, {**BASE_ANSWERS, "max_duration_minutes": 40})
    _expect_recommendation(page, "Containers")
    width, height = size
    page.set_viewport_size({"width": width, "height": height})
    page.reload()

    for selector in ("#verdict", "#decisive-reasons", "#cost-summary"):
        box = page.locator(selector).bounding_box()
        assert box is not None, selector
        assert box["y"] + box["height"] <= height, f"{selector} is below the first screen"
    expect(page.locator("#decisive-reasons li").first).to_contain_text("cannot be used")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    assert not (found := serious_violations(page)), f"results page at {width}px:\n{found}"


def test_without_javascript_the_wizard_shows_no_saving_notice(
    browser: Browser, live_server: Any, user: Any
) -> None:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/accounts/login/?next=/assessments/new/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    _start(page)

    expect(page.get_by_role("button", name="Next")).to_be_visible()
    expect(page.get_by_text("Saving…")).not_to_be_visible()
    context.close()


# -- layout at a desktop and a phone size --------------------------------------------------------

SIZES = [(1280, 800), (390, 844)]
SIZE_IDS = ["desktop", "phone"]


def _box(locator: Locator) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not laid out"
    return box


def _assert_reachable(page: Page, button: Locator, width: int) -> None:
    """The button can be scrolled to, lies inside the page's width and nothing covers it."""
    button.scroll_into_view_if_needed()
    expect(button).to_be_visible()
    expect(button).to_be_enabled()
    box = _box(button)
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"{button} is off the side"
    on_top = button.evaluate(
        "el => { const r = el.getBoundingClientRect();"
        " return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === el }"
    )
    assert on_top, f"{button} is covered"


# Where the panel, the step's heading (as wide as its questions) and a button lie on the page,
# read in one go: Bootstrap scrolls smoothly, so boxes read one after another can straddle a
# scroll still under way.
PLACES = """([panel, main, button]) => [panel, main, button].map(el => {
  const r = el.getBoundingClientRect();
  return {top: r.top + scrollY, bottom: r.bottom + scrollY, left: r.left, right: r.right};
})"""


def _check_layout(page: Page, primary: str, size: tuple[int, int], where: str) -> None:
    width, _ = size
    assert page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    ), f"{where} scrolls sideways at {width}px"
    button = page.get_by_role("button", name=primary)
    parts = [
        page.get_by_role("complementary", name="Leaning so far").element_handle(),
        page.locator("#step-title").element_handle(),
        button.element_handle(),
    ]
    leaning, questions, primary_box = page.evaluate(PLACES, parts)
    if width < 992:
        # One column: the panel is read (and seen) before the step's buttons.
        assert leaning["bottom"] <= primary_box["top"], f"{where}: the panel is below {primary}"
        assert questions["bottom"] <= leaning["top"], f"{where}: the panel is above the step"
    else:
        assert leaning["left"] >= questions["right"], f"{where}: the panel is not beside them"
    _assert_reachable(page, button, width)
    assert not (found := serious_violations(page)), f"{where} at {width}px:\n{found}"


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_every_step_fits_shows_the_leaning_before_next_and_passes_axe(
    page: Page, framework: Framework, size: tuple[int, int]
) -> None:
    width, height = size
    page.set_viewport_size({"width": width, "height": height})
    page.emulate_media(reduced_motion="reduce")  # no smooth scrolling under the measurements
    _start(page)

    for number, section in enumerate(framework.sections, start=1):
        _check_layout(page, "Next", size, f"step {number} (empty)")
        _answer_step(page, section, BASE_ANSWERS)
        _check_layout(page, "Next", size, f"step {number} (answered)")
        _next(page, framework, section)
    _check_layout(page, "See the recommendation", size, "the review")
    page.get_by_role("button", name="See the recommendation").click()
    _expect_recommendation(page, "Serverless")


# -- numbers, units and answers that contradict each other ---------------------------------------


def test_it_reads_separators_and_shows_the_number_grouped(page: Page, framework: Framework) -> None:
    _start(page)
    monthly = _number(page, framework.question("monthly_requests").label)
    peak = _number(page, framework.question("peak_rps").label)

    monthly.fill("2 628 000")
    monthly.press("Tab")
    _settled(page)
    expect(monthly).to_have_value("2,628,000")
    expect(page.locator("#q-monthly_requests")).to_contain_text(
        "2,628,000 a month is about 1.0 a second on average"
    )
    peak.fill("a lot")
    peak.press("Tab")
    _settled(page)

    expect(page.locator("#q-peak_rps")).to_contain_text("Enter an integer from 0 to 100,000,000")
    expect(peak).to_have_value("a lot")
    expect(monthly).to_have_value("2,628,000")


def test_it_explains_why_a_person_cannot_wait_when_nobody_waits(
    page: Page, framework: Framework
) -> None:
    _start(page)
    traffic, latency = _section(framework, "traffic"), _section(framework, "latency")
    _answer_step(page, traffic, BASE_ANSWERS)
    _next(page, framework, traffic)
    _answer(page, framework.question("latency_target"), "async")
    _answer(page, framework.question("runtime"), "python")

    _answer(page, framework.question("user_facing"), True)

    waiting = page.locator("#q-user_facing")
    expect(waiting).to_contain_text(WAITING_BUT_ASYNC_ADVICE)
    page.get_by_role("button", name="Next").click()
    _settled(page)
    expect(_step_heading(page, 2, latency.title)).to_be_visible()
    expect(waiting).to_contain_text(WAITING_BUT_ASYNC_ADVICE)
    _answer(page, framework.question("user_facing"), False)
    expect(waiting).not_to_contain_text(WAITING_BUT_ASYNC_ADVICE)
    _next(page, framework, latency)


# -- the team, and the whole questionnaire without JavaScript ------------------------------------


def test_a_person_in_one_team_starts_in_it_without_choosing(page: Page, user: Any) -> None:
    team = Team.objects.create(name="Payments", slug="payments")
    team.members.add(user)
    page.goto("/assessments/new/")

    expect(page.get_by_label("Team")).to_have_value(str(team.pk))
    assessment = _start(page)

    assert assessment.team == team


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_without_javascript_the_wizard_completes(
    browser: Browser, live_server: Any, user: Any, framework: Framework, size: tuple[int, int]
) -> None:
    width, height = size
    context = browser.new_context(
        base_url=live_server.url,
        java_script_enabled=False,
        viewport={"width": width, "height": height},
    )
    page = context.new_page()
    page.goto("/accounts/login/?next=/assessments/new/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    _start(page)
    monthly = _number(page, framework.question("monthly_requests").label)
    monthly.fill("1.2 million")
    page.get_by_role("button", name="Next").click()
    expect(page.locator("#q-monthly_requests")).to_contain_text("in digits")
    expect(monthly).to_have_value("1.2 million")

    _complete(page, framework, {**BASE_ANSWERS, "monthly_requests": 1_200_000})

    _expect_recommendation(page, "Serverless")
    expect(page.get_by_text("at 1,200,000 requests a month")).to_be_attached()
    assert Assessment.objects.get().answers["monthly_requests"] == 1_200_000
    context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_cost_chart_labels_keep_a_legible_size(
    page: Page, user: Any, framework: Framework, width: int
) -> None:
    assessment = assessment_create(owner=user, name="Order API", team=None, framework=framework)
    assessment.answers = dict(BASE_ANSWERS)
    assessment.save()
    assessment_finish(assessment=assessment, framework=framework)
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(assessment.get_absolute_url())

    page.get_by_text("Cost estimate for every option").click()

    chart = page.get_by_role("img", name=re.compile("^Monthly cost: functions against containers"))
    expect(chart).to_be_visible()
    # The size text is drawn at: its font size times the drawing's scale on screen.
    drawn = chart.evaluate(
        """svg => [...svg.querySelectorAll('text')].map(text => {
            const m = text.getScreenCTM(), size = parseFloat(getComputedStyle(text).fontSize);
            return [text.textContent, size * Math.hypot(m.a, m.b)];
        })"""
    )
    assert len(drawn) >= 10
    label, smallest = min(drawn, key=lambda pair: pair[1])
    assert smallest >= 11, f"{label!r} is drawn {smallest:.1f}px high at {width}px wide"
    assert page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
