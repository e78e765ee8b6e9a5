"""The pages this foundation serves: sign-in, home and the framework overview."""

from __future__ import annotations

import pytest
from django.urls import reverse

from advisor.models import Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user(username="alice", password="correct horse 42")


@pytest.mark.parametrize("name", ["home", "framework"])
def test_it_requires_login(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_signs_in(client, alice):
    response = client.post(
        reverse("login"), {"username": "alice", "password": "correct horse 42"}, follow=True
    )

    assert response.status_code == 200
    assert response.wsgi_request.user == alice
    assert b"Architecture decisions" in response.content


def test_it_refuses_a_wrong_password_and_keeps_the_username(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "nope"})

    assert response.status_code == 200
    assert b'value="alice"' in response.content
    assert b"alert-danger" in response.content


def test_it_pauses_sign_in_after_too_many_wrong_passwords(client, alice, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        client.post(reverse("login"), {"username": "alice", "password": "nope"})

    response = client.post(reverse("login"), {"username": "alice", "password": "correct horse 42"})

    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content
    assert b"<strong>alice</strong>" in response.content
    assert "_auth_user_id" not in client.session


def test_it_shows_every_question_from_the_framework(client, alice, framework):
    client.force_login(alice)

    response = client.get(reverse("framework"))

    assert response.status_code == 200
    page = response.content.decode()
    for question in framework.questions:
        assert question.id in page
    for entry in [*framework.patterns, *framework.anti_patterns]:
        assert entry.id in page
    assert framework.version in page


def test_it_only_answers_get(client, alice):
    client.force_login(alice)

    assert client.post(reverse("home")).status_code == 405


def test_a_person_in_one_team_starts_an_assessment_in_it(client, alice):
    team = Team.objects.create(name="Payments", slug="payments")
    team.members.add(alice)
    client.force_login(alice)

    page = client.get(reverse("assessment_new")).content.decode()

    assert f'<option value="{team.pk}" selected>Payments</option>' in page
