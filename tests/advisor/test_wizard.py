"""The questionnaire in the browser, without JavaScript and through htmx, for three people:
alice owns the assessment, bob shares her team, charlie belongs to another team."""

from __future__ import annotations

import re
from html import escape
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from advisor.answers import WAITING_BUT_ASYNC_ADVICE
from advisor.models import Assessment, Team
from tests.conftest import BASE_ANSWERS

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse 42"


@pytest.fixture
def team(django_user_model):
    return Team.objects.create(name="Payments", slug="payments")


@pytest.fixture
def alice(django_user_model, team):
    user = django_user_model.objects.create_user(username="alice", password=PASSWORD)
    team.members.add(user)
    return user


@pytest.fixture
def bob(django_user_model, team):
    user = django_user_model.objects.create_user(username="bob", password=PASSWORD)
    team.members.add(user)
    return user


@pytest.fixture
def charlie(django_user_model):
    user = django_user_model.objects.create_user(username="charlie", password=PASSWORD)
    Team.objects.create(name="Search", slug="search").members.add(user)
    return user


def _client(user, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def _form_data(framework, section_id: str, answers: dict[str, Any]) -> dict[str, Any]:
    """What a browser posts for one step: booleans as true/false, lists as repeated fields."""
    section = next(s for s in framework.sections if s.id == section_id)
    data: dict[str, Any] = {"action": "next"}
    for question in section.questions:
        value = answers.get(question.id)
        if value is None:
            data[question.id] = ""
        elif question.type == "boolean":
            data[question.id] = "true" if value else "false"
        else:
            data[question.id] = value
    return data


def _checked(page: str, name: str, value: str) -> bool:
    """Whether the radio or checkbox `name=value` is rendered checked."""
    for tag in re.findall(r"<input[^>]*>", page):
        if f'name="{name}"' in tag and f'value="{value}"' in tag:
            return " checked" in tag
    raise AssertionError(f"no input {name}={value}")


def _start(client: Client, name: str = "Order API", team: Team | None = None) -> Assessment:
    response = client.post(
        reverse("assessment_new"), {"name": name, "team": team.pk if team else ""}
    )
    assert response.status_code == 302
    return Assessment.objects.latest("id")


def _complete(client: Client, framework, assessment: Assessment, answers: dict[str, Any]):
    for section in framework.sections:
        url = reverse("assessment_step", args=[assessment.pk, section.id])
        response = client.post(url, _form_data(framework, section.id, answers))
        assert response.status_code == 302, response.content.decode()[:2000]
    return client.post(reverse("assessment_review", args=[assessment.pk]))


@pytest.fixture
def finished(alice, team, framework) -> Assessment:
    client = _client(alice)
    assessment = _start(client, team=team)
    _complete(client, framework, assessment, BASE_ANSWERS)
    assessment.refresh_from_db()
    return assessment


# -- the flow without JavaScript --------------------------------------------------------------


def test_it_runs_the_whole_questionnaire_by_plain_posts(alice, framework):
    client = _client(alice)
    assessment = _start(client)
    assert assessment.step == framework.sections[0].id

    response = _complete(client, framework, assessment, BASE_ANSWERS)

    assert response.status_code == 302
    assert response["Location"] == reverse("assessment_result", args=[assessment.pk])
    assessment.refresh_from_db()
    assert assessment.answers == BASE_ANSWERS
    assert assessment.result["recommendation"] == "serverless"
    page = client.get(response["Location"]).content.decode()
    assert "Serverless" in page


def test_it_keeps_every_answer_when_one_is_wrong(alice, framework):
    client = _client(alice)
    assessment = _start(client)
    data = _form_data(framework, "traffic", {**BASE_ANSWERS, "monthly_requests": -5})

    response = client.post(reverse("assessment_step", args=[assessment.pk, "traffic"]), data)

    assert response.status_code == 200
    page = response.content.decode()
    field = page.split('id="q-monthly_requests"')[1].split('id="q-')[0]
    assert "Enter an integer from 0 to 1,000,000,000,000." in field
    assert 'value="-5"' in field
    assert 'value="50"' in page.split('id="q-peak_rps"')[1]
    assert _checked(page, "traffic_pattern", "spiky")
    assert not _checked(page, "traffic_pattern", "steady")
    assessment.refresh_from_db()
    assert assessment.step == "traffic"


def test_it_reports_answers_that_contradict_each_other(alice, framework):
    client = _client(alice)
    assessment = _start(client)
    data = _form_data(
        framework, "traffic", {**BASE_ANSWERS, "monthly_requests": 100_000_000, "peak_rps": 2}
    )

    response = client.post(reverse("assessment_step", args=[assessment.pk, "traffic"]), data)

    field = response.content.decode().split('id="q-peak_rps"')[1].split('id="q-')[0]
    assert "The peak cannot be lower than the average the monthly volume implies" in field
    assert "(38.1 a second)" in field  # 100 million over a 730-hour month


@pytest.mark.parametrize(
    "headers", [{}, {"HX-Request": "true"}, {"HX-Request": "true", "HX-Boosted": "true"}]
)
def test_a_step_posted_without_a_body_is_shown_again_with_errors(finished, alice, headers):
    client = _client(alice)
    answers = dict(finished.answers)

    response = client.post(
        reverse("assessment_step", args=[finished.pk, "traffic"]), headers=headers
    )

    assert response.status_code == 200
    assert "Answer this question." in response.content.decode()
    finished.refresh_from_db()
    assert finished.answers == answers
    assert finished.result is not None


def test_the_workload_name_loses_its_bidirectional_controls(alice):
    assessment = _start(_client(alice), name="\u202eOrder API\u202c \u2066v2\u2069")

    assert assessment.name == "Order API v2"


def test_a_name_of_nothing_but_controls_is_refused(alice):
    response = _client(alice).post(reverse("assessment_new"), {"name": "\u202e\u200f "})

    assert "This field is required." in response.content.decode()
    assert not Assessment.objects.exists()


def test_starting_an_assessment_without_a_body_asks_for_the_name(alice):
    response = _client(alice).post(reverse("assessment_new"))

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Assessment.objects.exists()


def test_back_saves_the_answers_of_the_step_it_leaves(alice, framework):
    client = _client(alice)
    assessment = _start(client)
    client.post(
        reverse("assessment_step", args=[assessment.pk, "traffic"]),
        _form_data(framework, "traffic", BASE_ANSWERS),
    )
    latency = {**_form_data(framework, "latency", BASE_ANSWERS), "action": "back"}

    response = client.post(reverse("assessment_step", args=[assessment.pk, "latency"]), latency)

    assert response["Location"] == reverse("assessment_step", args=[assessment.pk, "traffic"])
    assessment.refresh_from_db()
    assert assessment.answers["runtime"] == "python"
    page = client.get(reverse("assessment_step", args=[assessment.pk, "latency"]))
    assert _checked(page.content.decode(), "runtime", "python")
    assert _checked(page.content.decode(), "user_facing", "true")


def test_it_resumes_where_the_person_stopped(alice, framework):
    client = _client(alice)
    assessment = _start(client)
    for section_id in ("traffic", "latency"):
        client.post(
            reverse("assessment_step", args=[assessment.pk, section_id]),
            _form_data(framework, section_id, BASE_ANSWERS),
        )

    response = client.get(reverse("assessment_resume", args=[assessment.pk]))

    assert response["Location"] == reverse("assessment_step", args=[assessment.pk, "state"])


def test_it_does_not_skip_ahead_of_the_visited_steps(alice):
    client = _client(alice)
    assessment = _start(client)

    response = client.get(reverse("assessment_step", args=[assessment.pk, "team"]))
    review = client.get(reverse("assessment_review", args=[assessment.pk]))

    assert response["Location"] == reverse("assessment_step", args=[assessment.pk, "traffic"])
    assert review.status_code == 302


def test_the_review_lists_every_answer_with_an_edit_link(finished, alice, framework):
    response = _client(alice).get(reverse("assessment_review", args=[finished.pk]))

    page = response.content.decode()
    for question in framework.questions:
        assert question.label in page
    for section in framework.sections:
        assert reverse("assessment_step", args=[finished.pk, section.id]) in page


def test_the_result_shows_the_knockout_of_a_long_job(alice, framework):
    client = _client(alice)
    assessment = _start(client)
    _complete(client, framework, assessment, {**BASE_ANSWERS, "max_duration_minutes": 40})

    page = client.get(reverse("assessment_result", args=[assessment.pk])).content.decode()

    reason = next(k.reason for k in framework.knockouts if k.id == "job-over-function-limit")
    assert reason in page


@pytest.mark.parametrize(
    ("step", "questions"),
    [
        ("latency", ["prewarm_ok"]),
        ("duration", ["job_checkpointable", "cpu_bound"]),
        ("workload", ["workload_kind", "payload_mb", "ordering"]),
        ("team", ["existing_platform"]),
    ],
)
def test_it_asks_the_framework_2_questions_where_they_belong(finished, alice, step, questions):
    page = _client(alice).get(reverse("assessment_step", args=[finished.pk, step]))

    html = page.content.decode()
    for question in questions:
        assert f'name="{question}"' in html
        assert re.search(rf'<input[^>]*name="{question}"[^>]*required', html) is None


def test_the_review_step_flags_unlikely_answers_without_refusing_them(alice, framework):
    client = _client(alice)
    assessment = _start(client)
    answers = {**BASE_ANSWERS, "latency_target": "async", "user_facing": False, "prewarm_ok": True}
    for section in framework.sections:
        url = reverse("assessment_step", args=[assessment.pk, section.id])
        client.post(url, _form_data(framework, section.id, answers))

    review = client.get(reverse("assessment_review", args=[assessment.pk])).content.decode()

    assert "Answers to check" in review
    message = next(w.message for w in framework.warnings if w.id == "prewarm-without-waiting")
    assert message in review
    assert reverse("assessment_step", args=[assessment.pk, "latency"]) in review
    assert "Not answered: taken as No" in review  # an optional answer left to its default
    done = client.post(reverse("assessment_review", args=[assessment.pk]))
    assert done.status_code == 302
    result = client.get(done["Location"]).content.decode()
    assert message in result


def test_the_review_step_is_quiet_for_consistent_answers(finished, alice):
    review = _client(alice).get(reverse("assessment_review", args=[finished.pk]))

    assert "Answers to check" not in review.content.decode()


def test_the_result_names_where_each_part_runs(alice, framework):
    client = _client(alice)
    assessment = _start(client)
    answers = {
        **BASE_ANSWERS,
        "traffic_pattern": "steady",
        "monthly_requests": 200_000_000,
        "peak_rps": 120,
        "triggers": ["http", "file_upload", "schedule"],
        "ops_capacity": "platform_team",
        "container_experience": "strong",
        "existing_platform": "kubernetes",
    }
    _complete(client, framework, assessment, answers)

    page = client.get(reverse("assessment_result", args=[assessment.pk])).content.decode()

    assert "Hybrid" in page
    aws = framework.clouds["aws"]
    service = framework.hybrid.parts["service"]
    events = framework.hybrid.parts["events"]
    # A team on Kubernetes keeps its container core there.
    assert f"<strong>{service[0].upper()}{service[1:]}</strong> on {aws['kubernetes']}" in page
    assert f"<strong>{events[0].upper()}{events[1:]}</strong> on {aws['functions']}" in page
    assert 'id="confidence-notes"' in page


def test_changing_an_answer_drops_the_old_result(finished, alice, framework):
    client = _client(alice)
    data = _form_data(framework, "duration", {**BASE_ANSWERS, "max_duration_minutes": 40})

    client.post(reverse("assessment_step", args=[finished.pk, "duration"]), data)

    finished.refresh_from_db()
    assert finished.result is None
    response = client.get(reverse("assessment_result", args=[finished.pk]))
    assert response.status_code == 302


def test_saving_unchanged_answers_keeps_the_result(finished, alice, framework):
    client = _client(alice)

    client.post(
        reverse("assessment_step", args=[finished.pk, "duration"]),
        _form_data(framework, "duration", BASE_ANSWERS),
    )

    finished.refresh_from_db()
    assert finished.result is not None


# -- htmx ----------------------------------------------------------------------------------------


def test_next_swaps_the_step_in_place_and_pushes_its_url(alice, framework):
    client = _client(alice)
    assessment = _start(client)

    response = client.post(
        reverse("assessment_step", args=[assessment.pk, "traffic"]),
        _form_data(framework, "traffic", BASE_ANSWERS),
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert response["HX-Push-Url"] == reverse("assessment_step", args=[assessment.pk, "latency"])
    page = response.content.decode()
    title, rest = page.strip().split("\n", 1)
    assert title == "<title>Latency · Order API · Decision advisor</title>"  # htmx sets it
    assert rest.startswith('<div id="wizard"')
    assert "<html" not in page
    assert "Step 2: Latency" in page


def test_a_history_restore_gets_the_whole_page(alice):
    client = _client(alice)
    assessment = _start(client)

    response = client.get(
        reverse("assessment_step", args=[assessment.pk, "traffic"]),
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )

    assert "<html" in response.content.decode()


def test_a_changed_field_is_checked_and_the_leaning_refreshed(alice, framework):
    client = _client(alice)
    assessment = _start(client)
    url = reverse("assessment_check", args=[assessment.pk, "traffic"])
    data = _form_data(framework, "traffic", {**BASE_ANSWERS, "monthly_requests": -1})
    headers = {"HX-Request": "true", "HX-Trigger": "q-monthly_requests"}

    response = client.post(url, data, headers=headers)

    page = response.content.decode()
    assert page.lstrip().startswith('<div id="q-monthly_requests"')
    assert "Enter an integer from 0 to" in page
    assert 'id="leaning"' in page and 'hx-swap-oob="innerHTML"' in page
    assert "q-peak_rps" not in page


def test_the_leaning_follows_the_answers(alice, framework):
    client = _client(alice)
    assessment = _start(client)
    url = reverse("assessment_check", args=[assessment.pk, "traffic"])
    headers = {"HX-Request": "true", "HX-Trigger": "q-traffic_pattern"}

    def leaning(pattern: str) -> str:
        data = {"traffic_pattern": pattern, "monthly_requests": "", "peak_rps": ""}
        page = client.post(url, data, headers=headers).content.decode()
        return page.split('data-testid="leaning-outcome">')[1].split("<")[0]

    assert leaning("spiky") == "Serverless"
    assert leaning("steady") == "Containers"


def test_the_check_refuses_a_field_of_another_step(alice):
    client = _client(alice)
    assessment = _start(client)

    response = client.post(
        reverse("assessment_check", args=[assessment.pk, "traffic"]),
        {"gpu": "true"},
        headers={"HX-Request": "true", "HX-Trigger": "q-gpu"},
    )

    assert response.status_code == 400


# -- access ------------------------------------------------------------------------------------


def _urls(assessment: Assessment) -> list[tuple[str, str]]:
    pk = assessment.pk
    return [
        ("get", reverse("assessment_result", args=[pk])),
        ("get", reverse("assessment_resume", args=[pk])),
        ("get", reverse("assessment_review", args=[pk])),
        ("post", reverse("assessment_review", args=[pk])),
        ("get", reverse("assessment_step", args=[pk, "traffic"])),
        ("post", reverse("assessment_step", args=[pk, "traffic"])),
        ("post", reverse("assessment_check", args=[pk, "traffic"])),
    ]


def test_it_requires_login(finished):
    client = Client()
    for method, url in [
        *_urls(finished),
        ("get", reverse("assessment_list")),
        ("get", reverse("assessment_new")),
        ("get", reverse("assessment_delete", args=[finished.pk])),
        ("post", reverse("assessment_delete", args=[finished.pk])),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_it_checks_team(finished, charlie):
    client = _client(charlie)
    for method, url in _urls(finished):
        assert getattr(client, method)(url).status_code == 404, url
    assert finished.name not in client.get(reverse("assessment_list")).content.decode()


def test_it_shares_with_the_team(finished, bob):
    client = _client(bob)

    assert client.get(reverse("assessment_result", args=[finished.pk])).status_code == 200
    assert finished.name in client.get(reverse("assessment_list")).content.decode()


def test_it_keeps_an_assessment_without_team_to_its_owner(alice, bob):
    assessment = _start(_client(alice))
    assert assessment.team is None

    response = _client(bob).get(reverse("assessment_step", args=[assessment.pk, "traffic"]))

    assert response.status_code == 404


def test_it_offers_only_the_persons_teams(alice, charlie, team):
    client = _client(charlie)

    response = client.post(reverse("assessment_new"), {"name": "Sneaky", "team": team.pk})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Assessment.objects.filter(name="Sneaky").exists()


def test_it_enforces_csrf_on_every_post(finished, alice, framework):
    client = _client(alice, enforce_csrf_checks=True)
    data = _form_data(framework, "traffic", BASE_ANSWERS)
    posts = [url for method, url in _urls(finished) if method == "post"]
    posts.append(reverse("assessment_new"))
    for url in posts:
        assert client.post(url, data).status_code == 403, url
        htmx = {"HX-Request": "true", "HX-Trigger": "q-traffic_pattern"}
        assert client.post(url, data, headers=htmx).status_code == 403, url


def test_htmx_posts_pass_with_the_token_header(alice, framework):
    client = _client(alice, enforce_csrf_checks=True)
    page = client.get(reverse("assessment_new"))
    token = page.cookies["csrftoken"].value
    response = client.post(
        reverse("assessment_new"),
        {"name": "Order API", "team": ""},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 302


# -- lists ---------------------------------------------------------------------------------------


def test_the_list_has_an_empty_state(alice):
    page = _client(alice).get(reverse("assessment_list")).content.decode()

    assert "No assessments yet" in page


def test_the_list_is_paginated(alice, framework):
    for number in range(25):
        Assessment.objects.create(
            owner=alice,
            name=f"Workload {number:02}",
            framework_id=framework.id,
            framework_version=framework.version,
            step="traffic",
            visited=["traffic"],
        )
    client = _client(alice)

    first = client.get(reverse("assessment_list")).content.decode()
    second = client.get(reverse("assessment_list") + "?page=2").content.decode()

    assert "Page 1 of 2" in first and "Workload 24" in first and "Workload 00" not in first
    assert "Page 2 of 2" in second and "Workload 00" in second


# -- query counts --------------------------------------------------------------------------------


def _count(client: Client, method: str, url: str, data: dict | None = None, **extra: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {}, **extra)
    assert response.status_code in (200, 302)
    return len(queries)


def test_each_step_costs_the_same_queries(finished, alice, framework):
    client = _client(alice)
    counts = {
        section.id: _count(
            client, "get", reverse("assessment_step", args=[finished.pk, section.id])
        )
        for section in framework.sections
    }

    def post_every_step(**extra: Any) -> dict[str, int]:
        return {
            section.id: _count(
                client,
                "post",
                reverse("assessment_step", args=[finished.pk, section.id]),
                _form_data(framework, section.id, BASE_ANSWERS),
                **extra,
            )
            for section in framework.sections
        }

    posts = post_every_step()
    # In place (htmx): the next step, or the review after the last, rendered in the same
    # request; none of them reads the stored result it leaves in the database.
    swaps = post_every_step(headers={"HX-Request": "true"})

    assert len(set(counts.values())) == 1, counts
    assert len(set(posts.values())) == 1, posts
    assert len(set(swaps.values())) == 1, swaps
    assert max(counts.values()) <= 5
    assert max(swaps.values()) <= max(posts.values())


def test_the_result_page_costs_the_same_queries_however_much_there_is(finished, alice, framework):
    client = _client(alice)
    url = reverse("assessment_result", args=[finished.pk])
    before = _count(client, "get", url)
    for number in range(30):
        team = Team.objects.create(name=f"Team {number}", slug=f"team-{number}")
        team.members.add(alice)
        _complete(client, framework, _start(client, f"Extra {number}", team), BASE_ANSWERS)

    after = _count(client, "get", url)

    assert before == after
    assert after <= 5


# -- deleting an assessment -------------------------------------------------------------------


def test_the_owner_deletes_an_assessment_after_confirming(finished, alice):
    client = _client(alice)
    url = reverse("assessment_delete", args=[finished.pk])
    listing = client.get(reverse("assessment_list")).content.decode()

    confirm = client.get(url)
    kept_after_get = Assessment.objects.filter(pk=finished.pk).exists()
    response = client.post(url, follow=True)

    assert f'href="{url}"' in listing
    assert confirm.status_code == 200 and kept_after_get
    assert "Delete assessment</button>" in confirm.content.decode()
    assert not Assessment.objects.filter(pk=finished.pk).exists()
    assert "Deleted the assessment “Order API”." in response.content.decode()


def test_only_the_owner_deletes_and_others_cannot_even_see_it(finished, bob, charlie):
    url = reverse("assessment_delete", args=[finished.pk])

    teammate = _client(bob)
    listing = teammate.get(reverse("assessment_list")).content.decode()
    refused = teammate.post(url)

    assert f'href="{url}"' not in listing  # bob sees the assessment, not the delete link
    assert refused.status_code == 403
    assert "Only the person who started an assessment can delete it." in refused.content.decode()
    assert _client(charlie).post(url).status_code == 404
    assert Assessment.objects.filter(pk=finished.pk).exists()


def test_an_assessment_behind_a_decision_is_kept(finished, alice, framework):
    from decisions.render.context import Snapshot
    from decisions.services import decision_create

    decision = decision_create(
        author=alice,
        assessment=finished,
        snapshot=Snapshot.capture(framework, finished.recommendation),
        title="Use serverless for Order API",
        context="Orders need a home.",
        drivers=[],
        decision_makers=[],
        consulted=[],
        informed=[],
        team=finished.team,
    )
    client = _client(alice)
    url = reverse("assessment_delete", args=[finished.pk])

    page = client.get(url).content.decode()
    refused = client.post(url)

    assert f"{decision.adr_id} was recorded from this assessment" in page
    assert "Delete assessment</button>" not in page
    assert refused.status_code == 403
    assert Assessment.objects.filter(pk=finished.pk).exists()


# -- numbers with thousands separators ---------------------------------------------------------


def _field_html(page: str, question_id: str) -> str:
    return page.split(f'id="q-{question_id}"')[1].split('id="q-')[0]


@pytest.mark.parametrize(
    "typed",
    ["1,200,000", "1 200 000", "1200000", "1\u202f200\u202f000", " 1,200,000 "],
    ids=["commas", "spaces", "plain", "narrow-spaces", "padded"],
)
def test_it_reads_numbers_with_or_without_thousands_separators(alice, framework, typed):
    client = _client(alice)
    assessment = _start(client)
    data = {**_form_data(framework, "traffic", BASE_ANSWERS), "monthly_requests": typed}

    response = client.post(reverse("assessment_step", args=[assessment.pk, "traffic"]), data)

    assert response.status_code == 302, _field_html(response.content.decode(), "monthly_requests")
    assessment.refresh_from_db()
    assert assessment.answers["monthly_requests"] == 1_200_000


def test_it_reads_decimals_with_separators_in_number_questions(alice, framework):
    client = _client(alice)
    assessment = _start(client)
    _complete(client, framework, assessment, BASE_ANSWERS)
    data = {**_form_data(framework, "duration", BASE_ANSWERS), "max_duration_minutes": "1,440.5"}

    response = client.post(reverse("assessment_step", args=[assessment.pk, "duration"]), data)

    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.answers["max_duration_minutes"] == 1440.5


@pytest.mark.parametrize(
    ("question_id", "typed", "message"),
    [
        (
            "monthly_requests",
            "1.2m",
            "Enter an integer from 0 to 1,000,000,000,000, in digits (for example 1,200,000).",
        ),
        # A European decimal comma is refused, not read as 15.
        (
            "monthly_requests",
            "1,5",
            "Enter an integer from 0 to 1,000,000,000,000, in digits (for example 1,200,000).",
        ),
        (
            "peak_rps",
            "12,00",
            "Enter an integer from 0 to 100,000,000, in digits (for example 1,200,000).",
        ),
        ("monthly_requests", "-5", "Enter an integer from 0 to 1,000,000,000,000."),
        # Shown back escaped: the input is written in Python, not by Django's widget template.
        (
            "peak_rps",
            '"><script>alert(1)</script>',
            "Enter an integer from 0 to 100,000,000, in digits (for example 1,200,000).",
        ),
    ],
    ids=["words", "decimal-comma", "bad-grouping", "negative", "markup"],
)
def test_it_refuses_what_it_cannot_read_and_keeps_the_typed_text(
    alice, framework, question_id, typed, message
):
    client = _client(alice)
    assessment = _start(client)
    data = {**_form_data(framework, "traffic", BASE_ANSWERS), question_id: typed}

    response = client.post(reverse("assessment_step", args=[assessment.pk, "traffic"]), data)

    assert response.status_code == 200
    field = _field_html(response.content.decode(), question_id)
    assert message in field
    assert f'value="{escape(typed)}"' in field
    assert "<script>" not in field
    assessment.refresh_from_db()
    assert assessment.step == "traffic"
    assert question_id not in assessment.answers


def test_it_shows_numbers_back_with_thousands_separators(alice, framework):
    client = _client(alice)
    assessment = _start(client)
    answers = {**BASE_ANSWERS, "monthly_requests": 1_200_000, "memory_mb": 10_240}
    _complete(client, framework, assessment, answers)

    step = client.get(reverse("assessment_step", args=[assessment.pk, "traffic"])).content.decode()
    workload = client.get(reverse("assessment_step", args=[assessment.pk, "workload"]))
    review = client.get(reverse("assessment_review", args=[assessment.pk])).content.decode()
    result = client.get(reverse("assessment_result", args=[assessment.pk])).content.decode()

    assert 'value="1,200,000"' in _field_html(step, "monthly_requests")
    assert 'value="10,240"' in _field_html(workload.content.decode(), "memory_mb")
    assert '<dd class="col-sm-6">1,200,000 per month</dd>' in review
    assert "at 1,200,000 requests a month" in result
    assert "1200000" not in review + result


def test_a_valid_number_is_shown_grouped_when_another_answer_is_refused(alice, framework):
    client = _client(alice)
    assessment = _start(client)
    data = {
        **_form_data(framework, "traffic", BASE_ANSWERS),
        "monthly_requests": "1200000",
        "peak_rps": "lots",
    }

    page = client.post(reverse("assessment_step", args=[assessment.pk, "traffic"]), data)

    html = page.content.decode()
    assert 'value="1,200,000"' in _field_html(html, "monthly_requests")
    assert 'value="lots"' in _field_html(html, "peak_rps")


def test_the_field_check_reads_separators_and_explains_the_rate(alice, framework):
    client = _client(alice)
    assessment = _start(client)
    url = reverse("assessment_check", args=[assessment.pk, "traffic"])
    data = {**_form_data(framework, "traffic", BASE_ANSWERS), "monthly_requests": "2 628 000"}
    headers = {"HX-Request": "true", "HX-Trigger": "q-monthly_requests"}

    page = client.post(url, data, headers=headers).content.decode()

    field = page.split('id="leaning"')[0]
    assert 'value="2,628,000"' in field
    # One second in 730 hours' worth: the month the price sheets and the cost model use.
    assert "2,628,000 a month is about 1.0 a second on average" in field
    assert "is-invalid" not in field


# -- help texts speak in the unit their field asks for ----------------------------------------


def test_the_monthly_volume_is_explained_per_month(alice, framework):
    client = _client(alice)
    assessment = _start(client)
    question = framework.question("monthly_requests")

    blank = client.get(reverse("assessment_step", args=[assessment.pk, "traffic"]))
    client.post(
        reverse("assessment_step", args=[assessment.pk, "traffic"]),
        _form_data(framework, "traffic", {**BASE_ANSWERS, "monthly_requests": 5_256_000}),
    )
    answered = client.get(reverse("assessment_step", args=[assessment.pk, "traffic"]))

    assert question.unit == "per month"
    assert "a month" in question.help
    assert not re.search(r"\b(a|per) (day|week|hour|year)\b", question.help)
    assert " a second on average" not in _field_html(blank.content.decode(), "monthly_requests")
    field = _field_html(answered.content.decode(), "monthly_requests")
    assert "5,256,000 a month is about 2.0 a second on average (a month of 730 hours)." in field


# -- the cloud is asked first ------------------------------------------------------------------


def test_the_cloud_is_the_first_question_of_the_first_step(finished, alice, framework):
    client = _client(alice)

    first = client.get(reverse("assessment_step", args=[finished.pk, "traffic"])).content.decode()
    team = client.get(reverse("assessment_step", args=[finished.pk, "team"])).content.decode()

    assert first.index('name="cloud"') < first.index('name="traffic_pattern"')
    assert _checked(first, "cloud", "aws")
    assert 'name="cloud"' not in team
    assert [s.id for s in framework.sections][0] == "traffic"  # saved steps keep their ids


def test_an_assessment_saved_with_the_cloud_last_still_completes(alice, framework):
    # Saved before the cloud moved: every step but the review visited, answered up to the team
    # step, whose cloud question is now on step 1.
    client = _client(alice)
    assessment = _start(client)
    steps = [section.id for section in framework.sections]
    answers = {k: v for k, v in BASE_ANSWERS.items() if k != "cloud"}
    Assessment.objects.filter(pk=assessment.pk).update(answers=answers, step="team", visited=steps)

    to_review = client.post(
        reverse("assessment_step", args=[assessment.pk, "team"]),
        _form_data(framework, "team", answers),
    )
    review = client.get(to_review["Location"]).content.decode()
    refused = client.post(reverse("assessment_review", args=[assessment.pk]))
    client.post(
        reverse("assessment_step", args=[assessment.pk, "traffic"]),
        _form_data(framework, "traffic", BASE_ANSWERS),
    )
    done = client.post(reverse("assessment_review", args=[assessment.pk]))

    assert to_review["Location"] == reverse("assessment_review", args=[assessment.pk])
    assert "1 required question still without an answer." in review
    assert "cloud: is required" in refused.content.decode()
    assert done.status_code == 302
    assessment.refresh_from_db()
    assert assessment.answers == BASE_ANSWERS
    assert assessment.result["recommendation"] == "serverless"


# -- nobody waits, yet a person waits ----------------------------------------------------------


def test_it_refuses_a_waiting_person_when_nobody_waits(alice, framework):
    client = _client(alice)
    assessment = _start(client)
    _complete(client, framework, assessment, BASE_ANSWERS)
    url = reverse("assessment_step", args=[assessment.pk, "latency"])
    contradiction = {**BASE_ANSWERS, "latency_target": "async", "user_facing": True}

    refused = client.post(url, _form_data(framework, "latency", contradiction))
    accepted = client.post(
        url, _form_data(framework, "latency", {**contradiction, "user_facing": False})
    )

    assert refused.status_code == 200
    page = refused.content.decode()
    assert WAITING_BUT_ASYNC_ADVICE in _field_html(page, "user_facing")
    assert _checked(page, "latency_target", "async")  # both answers kept on screen to correct
    assert _checked(page, "user_facing", "true")
    assert accepted.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.answers["latency_target"], assessment.answers["user_facing"]) == (
        "async",
        False,
    )


def test_the_field_check_explains_the_contradiction_at_once(alice, framework):
    client = _client(alice)
    assessment = _start(client)
    client.post(
        reverse("assessment_step", args=[assessment.pk, "traffic"]),
        _form_data(framework, "traffic", BASE_ANSWERS),
    )
    data = _form_data(framework, "latency", {**BASE_ANSWERS, "latency_target": "async"})

    page = client.post(
        reverse("assessment_check", args=[assessment.pk, "latency"]),
        data,
        headers={"HX-Request": "true", "HX-Trigger": "q-user_facing"},
    ).content.decode()

    assert page.lstrip().startswith('<div id="q-user_facing"')
    assert WAITING_BUT_ASYNC_ADVICE in page


def test_a_contradiction_saved_before_the_rule_is_asked_again_and_nothing_else_is_lost(
    alice, framework
):
    client = _client(alice)
    assessment = _start(client)
    steps = [section.id for section in framework.sections]
    saved = {**BASE_ANSWERS, "latency_target": "async", "user_facing": True}
    Assessment.objects.filter(pk=assessment.pk).update(
        answers=saved, step="review", visited=[*steps, "review"]
    )

    latency = client.get(reverse("assessment_step", args=[assessment.pk, "latency"]))
    review = client.get(reverse("assessment_review", args=[assessment.pk])).content.decode()

    page = latency.content.decode()
    assert _checked(page, "latency_target", "async")
    assert _checked(page, "runtime", "python")
    assert not _checked(page, "user_facing", "true")
    assert not _checked(page, "user_facing", "false")
    assert "1 required question still without an answer." in review
    assert "500,000 per month" in review  # the other answers are still there


# -- the team a new assessment starts in -------------------------------------------------------


def test_a_person_in_one_team_starts_in_it_by_default(alice, team):
    client = _client(alice)
    page = client.get(reverse("assessment_new")).content.decode()
    shown = re.search(r'<select name="team".*?</select>', page, re.S)
    assert shown is not None
    chosen = re.findall(r'<option value="(\d*)" selected>', shown.group(0))

    _start(client, team=team)  # the form posted as shown

    assert chosen == [str(team.pk)]
    assert Assessment.objects.get().team == team


def test_a_person_in_two_teams_chooses_one(alice, team):
    other = Team.objects.create(name="Search", slug="search")
    other.members.add(alice)

    page = _client(alice).get(reverse("assessment_new")).content.decode()

    assert '<option value="" selected>No team yet (only you will see it)</option>' in page
    assert f'<option value="{team.pk}">Payments</option>' in page
    assert f'<option value="{other.pk}">Search</option>' in page
