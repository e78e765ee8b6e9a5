"""What running in production needs from the app itself: a health probe, pages that are not
cached, sign-in throttling, the portal's own error pages, errors in the log, and the reviewer
role on every install."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db.utils import OperationalError
from django.test import Client, RequestFactory
from django.urls import reverse

from advisor.models import Team
from decisions.roles import REVIEWERS_GROUP
from tests.decisions.conftest import make_decision

PASSWORD = "a-long-password-42"


@pytest.mark.django_db
def test_the_health_probe_answers_before_host_checks_and_https_redirects(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["advisor.internal"]

    response = Client().get("/healthz", HTTP_HOST="10.1.2.3:8000")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_health_probe_says_when_the_database_is_unreachable(monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("advisor.middleware.connection.cursor", unreachable)

    response = Client().get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] is False


@pytest.mark.django_db
def test_signed_in_pages_and_downloads_are_never_stored(django_user_model):
    user = django_user_model.objects.create_user("casey", password=PASSWORD)
    team = Team.objects.create(name="Payments", slug="payments")
    team.members.add(user)
    decision = make_decision(user, team)
    client = Client()
    client.force_login(user)

    for url in (
        reverse("home"),
        reverse("decision_detail", args=[decision.number]),
        reverse("decision_markdown", args=[decision.number]),
    ):
        cache_control = client.get(url)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, url


def _sign_in(client: Client, password: str):
    return client.post(reverse("login"), {"username": "casey", "password": password})


@pytest.mark.django_db
def test_sign_in_pauses_after_a_run_of_wrong_passwords(django_user_model, settings):
    django_user_model.objects.create_user("casey", password=PASSWORD)
    client = Client()

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(client, "wrong").status_code == 200  # the form again, with its error
    assert _sign_in(client, "wrong").status_code == 429  # the last one allowed pauses sign-in
    locked = _sign_in(client, PASSWORD)

    assert locked.status_code == 429
    assert "Sign-in paused" in locked.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_right_password_before_the_limit_clears_the_count(django_user_model, settings):
    django_user_model.objects.create_user("casey", password=PASSWORD)

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(Client(), "wrong")
    assert _sign_in(Client(), PASSWORD).status_code == 302
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(Client(), "wrong")

    assert _sign_in(Client(), PASSWORD).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [True, False])
def test_an_unknown_address_gets_the_portals_own_page(settings, debug):
    settings.DEBUG = debug

    response = Client().get("/no/such/page/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "This page does not exist" in page
    assert "URLconf" not in page and "assessments/<int:pk>" not in page


@pytest.mark.django_db
def test_an_address_without_its_slash_still_leads_to_the_page():
    response = Client().get("/decisions?q=lambda")

    assert response.status_code == 301
    assert response["Location"] == "/decisions/?q=lambda"


@pytest.mark.django_db
def test_an_expired_form_gets_a_page_that_says_what_to_do():
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "x"})

    assert response.status_code == 403
    assert "The form could not be accepted" in response.content.decode()


@pytest.mark.django_db
def test_the_reviewer_role_exists_on_a_fresh_install():
    group = Group.objects.get(name=REVIEWERS_GROUP)

    assert group.permissions.filter(codename="add_review").exists()


def test_with_debug_off_a_server_error_is_logged_as_json_and_the_page_says_nothing_internal():
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "settings.ROOT_URLCONF = 'tests.error_urls'\n"
        "from django.test import Client\n"
        "response = Client(raise_request_exception=False, HTTP_HOST='advisor.internal')"
        ".get('/boom/', secure=True)\n"
        "print('STATUS', response.status_code)\n"
        "print('BODY', response.content.decode().replace(chr(10), ' '))\n"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "advisor.settings",
        "DEBUG": "0",
        "SECRET_KEY": "k3y-for-tests-only-" + "abcdefghij" * 4,
        "ALLOWED_HOSTS": "advisor.internal",
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    completed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    lines = completed.stdout.splitlines()
    assert "STATUS 500" in lines
    body = next(line for line in lines if line.startswith("BODY"))
    assert "Something went wrong on our side" in body and "boom" not in body
    records = [json.loads(line) for line in lines if line.startswith("{")]
    error = next(r for r in records if r["logger"] == "django.request")
    assert error["level"] == "ERROR"
    assert error["path"] == "/boom/" and error["status"] == 500
    assert "RuntimeError: boom: the failure the log must show" in error["exception"]


@pytest.mark.django_db
def test_every_page_carries_a_strict_content_security_policy():
    policy = Client().get(reverse("login"))["Content-Security-Policy"]

    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy


@pytest.mark.django_db
def test_a_caller_cannot_claim_https_or_another_address_unless_it_is_a_trusted_proxy(settings):
    from ipaddress import ip_network

    from advisor.middleware import client_ip

    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = [ip_network("10.0.0.0/24")]
    spoofed = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}

    direct = Client(REMOTE_ADDR="127.0.0.1").get(reverse("login"), **spoofed)
    proxied = Client(REMOTE_ADDR="10.0.0.7").get(reverse("login"), **spoofed)

    assert direct.status_code == 301  # told to use HTTPS: its header was dropped
    assert proxied.status_code == 200
    factory = RequestFactory()
    cases = {
        ("127.0.0.1", "1.2.3.4"): "127.0.0.1",  # not a proxy: its header is ignored
        ("10.0.0.7", "1.2.3.4"): "1.2.3.4",
        ("10.0.0.7", "1.2.3.4, 10.0.0.9"): "1.2.3.4",  # two proxies deep
        ("10.0.0.7", "not-an-ip"): "10.0.0.7",
        ("", ""): "0.0.0.0",  # a Unix socket, nothing to go on
    }
    for (peer, forwarded), expected in cases.items():
        request = factory.get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)
        assert client_ip(request) == expected, (peer, forwarded)


@pytest.mark.django_db
def test_sign_in_throttling_holds_whatever_address_a_proxy_reports(django_user_model, settings):
    from ipaddress import ip_network

    settings.TRUSTED_PROXIES = [ip_network("127.0.0.1/32")]
    django_user_model.objects.create_user("casey", password=PASSWORD)
    client = Client(HTTP_X_FORWARDED_FOR="not-an-ip")

    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "wrong")

    assert _sign_in(client, PASSWORD).status_code == 429


def test_the_access_log_is_one_json_object_a_line_whatever_the_path_holds(capsys):
    import datetime as dt
    from types import SimpleNamespace

    from gunicorn.config import Config

    from advisor.logs import GunicornJsonLogger

    config = Config()
    config.set("accesslog", "-")
    logger = GunicornJsonLogger(config)
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": '/a\n{"forged": 1}\x00', "REMOTE_ADDR": "::1"}

    logger.access(
        SimpleNamespace(status_code=404, sent=10), None, environ, dt.timedelta(milliseconds=3)
    )

    lines = [line for line in capsys.readouterr().out.splitlines() if line]
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["path"] == '/a\n{"forged": 1}\x00' and entry["status"] == 404


@pytest.mark.django_db
def test_neither_log_shows_the_secret_in_a_feed_address(caplog, capsys):
    import datetime as dt
    from types import SimpleNamespace

    from gunicorn.config import Config

    from advisor.logs import GunicornJsonLogger, JsonFormatter

    secret = "s3cret-feed-token"
    with caplog.at_level("WARNING", logger="django.request"):
        assert Client().get(f"/feeds/{secret}/decisions.atom").status_code == 404
    [record] = [r for r in caplog.records if r.name == "django.request"]
    request_line = JsonFormatter().format(record)

    config = Config()
    config.set("accesslog", "-")
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": f"/feeds/{secret}/teams/payments.atom"}
    GunicornJsonLogger(config).access(
        SimpleNamespace(status_code=200, sent=10), None, environ, dt.timedelta(milliseconds=3)
    )
    access_line = capsys.readouterr().out.strip()

    assert secret not in request_line and secret not in access_line
    assert json.loads(request_line)["path"] == "/feeds/…/decisions.atom"
    assert json.loads(request_line)["message"] == "Not Found: /feeds/…/decisions.atom"
    assert json.loads(access_line)["path"] == "/feeds/…/teams/payments.atom"
