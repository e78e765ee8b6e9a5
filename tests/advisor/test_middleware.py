"""A NUL character anywhere in a request is a 400 before any view or query sees it.

On PostgreSQL such a request was a 500 (an admin list filter, a session cookie); these tests run
on SQLite, which stores NUL, so they check the refusal itself.
"""

from __future__ import annotations

import pytest
from django.test import Client

from advisor.middleware import NUL_REFUSED

pytestmark = pytest.mark.django_db

MIDDLEWARE = "advisor.middleware.RefuseNulMiddleware"


@pytest.fixture(autouse=True)
def refuse_nul(settings):
    # Where the settings list it: after SecurityMiddleware, before SessionMiddleware.
    if MIDDLEWARE not in settings.MIDDLEWARE:
        security, *rest = settings.MIDDLEWARE
        settings.MIDDLEWARE = [security, MIDDLEWARE, *rest]


@pytest.fixture
def admin_client(django_user_model) -> Client:
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com"))
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/advisor/assessment/?framework_version=%00",
        "/admin/advisor/assessment/?q=order%00s",
        "/admin/decisions/decision/?status__exact=%00&o=1",
        "/admin/advisor/assessment/?%00=1",
        "/decisions/?q=%00",
        "/decisions/%00/",
    ],
)
def test_it_refuses_a_nul_in_the_path_or_query_string(admin_client, url):
    response = admin_client.get(url)

    assert response.status_code == 400
    assert response.content.decode() == NUL_REFUSED


@pytest.mark.parametrize(
    "data",
    [
        {"username": "root\x00", "password": "x"},
        {"username": "root", "password": "x", "next\x00": "/"},
    ],
)
def test_it_refuses_a_nul_in_a_form_field(data):
    for client in (Client(), Client(enforce_csrf_checks=True)):
        response = client.post("/accounts/login/", data)

        assert response.status_code == 400


def test_it_refuses_a_nul_in_a_multipart_form_field(admin_client):
    response = admin_client.post("/accounts/login/", {"username": "a\x00", "file": b""})

    assert response.status_code == 400


def test_it_refuses_a_nul_in_a_cookie_before_the_session_is_looked_up():
    client = Client()
    client.cookies["sessionid"] = "abcdefgh\x00ijklmnop"

    assert client.get("/accounts/login/").status_code == 400


def test_it_lets_ordinary_requests_through(admin_client):
    # "%2500" is the text "%00", not a NUL; a JSON body is not form data and is left unread.
    assert admin_client.get("/admin/advisor/assessment/?q=%2500").status_code == 200
    assert admin_client.get("/decisions/?q=caf%C3%A9").status_code == 200
    login = Client().post("/accounts/login/", '{"a": "\\u0000"}', content_type="application/json")
    assert login.status_code == 200
