"""Real far ends for the notification tests: an SMTP server on loopback (aiosmtpd) receiving
the mail, and an HTTP server in a thread standing in for a chat webhook. The worker that sends
is the real one (`manage.py db_worker --batch`)."""

from __future__ import annotations

import email
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth.models import Group
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from advisor.models import Team
from decisions.roles import REVIEWERS_GROUP
from tests.servers import free_port

SITE_URL = "https://advisor.example.test"


@dataclass
class Inbox:
    """What the SMTP server accepted, one entry per recipient."""

    received: list[tuple[str, EmailMessage]] = field(default_factory=list)
    # Answer this many DATA commands with a temporary failure before accepting any.
    refuse: int = 0

    def subjects(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for address, message in self.received:
            found.setdefault(address.split("@")[0], []).append(str(message["Subject"]))
        return found

    def to(self, name: str) -> list[EmailMessage]:
        return [message for address, message in self.received if address.split("@")[0] == name]

    def clear(self) -> None:
        self.received.clear()


class _Collector:
    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.inbox.refuse > 0:
            self.inbox.refuse -= 1
            return "451 4.3.0 Try again later"
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        assert isinstance(message, EmailMessage)
        for address in envelope.rcpt_tos:
            self.inbox.received.append((address, message))
        return "250 Message accepted for delivery"


@pytest.fixture
def mail(settings) -> Iterator[Inbox]:
    """An SMTP server on a free loopback port, and the portal set to send through it."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(_Collector(inbox), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.NOTIFY_EMAIL = True
    settings.NOTIFY_WEBHOOK_URL = ""
    settings.NOTIFY_RETRY_SECONDS = 0
    settings.SITE_URL = SITE_URL
    yield inbox
    controller.stop()


@dataclass
class Post:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class Receiver:
    """An HTTP server that records every POST and answers as told: a status, a redirect, or
    nothing for a while."""

    def __init__(self) -> None:
        self.posts: list[Post] = []
        self.status = 200
        self.location = ""
        self.delay = 0.0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                receiver.posts.append(Post(self.path, dict(self.headers.items()), body))
                if receiver.delay:
                    time.sleep(receiver.delay)
                redirect = receiver.location and self.path != "/moved-here"
                self.send_response(308 if redirect else receiver.status)
                if redirect:
                    self.send_header("Location", receiver.location)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook(settings) -> Iterator[Receiver]:
    receiver = Receiver()
    settings.NOTIFY_WEBHOOK_URL = f"{receiver.url}/hooks/T000/secret-part"
    yield receiver
    receiver.close()


@pytest.fixture
def other_host() -> Iterator[Receiver]:
    receiver = Receiver()
    yield receiver
    receiver.close()


def run_worker() -> None:
    """Everything queued, as `make worker` runs it, until nothing is left to do now. The PDFs
    queued for proposed and accepted decisions are dropped first: other tests cover them, and
    rendering them here would only make these slow."""
    DBTaskResult.objects.exclude(task_path__startswith="notifications.").delete()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


# The people: alice writes decisions for Payments with bob; tess is in Payments and an
# architecture reviewer; charlie is in Search; rita and ravi are reviewers.


@pytest.fixture
def team():
    return Team.objects.create(name="Payments", slug="payments")


def _person(django_user_model, name: str, team: Team | None = None, reviewer: bool = False):
    user = django_user_model.objects.create_user(
        username=name, password=f"pw-{name}-123", email=f"{name}@example.test"
    )
    if team is not None:
        team.members.add(user)
    if reviewer:
        Group.objects.get_or_create(name=REVIEWERS_GROUP)[0].user_set.add(user)
    return user


@pytest.fixture
def alice(django_user_model, team):
    user = _person(django_user_model, "alice", team)
    user.first_name, user.last_name = "Alice", "Architect"
    user.save()
    return user


@pytest.fixture
def bob(django_user_model, team):
    return _person(django_user_model, "bob", team)


@pytest.fixture
def tess(django_user_model, team):
    return _person(django_user_model, "tess", team, reviewer=True)


@pytest.fixture
def charlie(django_user_model):
    return _person(django_user_model, "charlie", Team.objects.create(name="Search", slug="search"))


@pytest.fixture
def rita(django_user_model):
    return _person(django_user_model, "rita", reviewer=True)


@pytest.fixture
def ravi(django_user_model):
    return _person(django_user_model, "ravi", reviewer=True)
