"""Flash messages of every level show as a Bootstrap alert that the vendored stylesheet styles."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.shortcuts import render
from django.test import RequestFactory

BOOTSTRAP = Path(__file__).resolve().parent.parent / "static/vendor/bootstrap/bootstrap.min.css"


@pytest.mark.parametrize(
    ("level", "alert"),
    [
        (messages.DEBUG, "alert-secondary"),
        (messages.INFO, "alert-info"),
        (messages.SUCCESS, "alert-success"),
        (messages.WARNING, "alert-warning"),
        (messages.ERROR, "alert-danger"),
    ],
)
def test_every_message_level_is_a_styled_alert(settings, level: int, alert: str) -> None:
    settings.MESSAGE_LEVEL = messages.DEBUG  # debug messages are dropped unless asked for
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    SessionMiddleware(lambda request: HttpResponse()).process_request(request)
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    # Extra tags must not leak into the alert's class and unstyle it.
    messages.add_message(request, level, "Something happened.", extra_tags="sticky")

    page = render(request, "base.html").content.decode()

    assert f'<div class="alert {alert}">Something happened.</div>' in page
    assert f".{alert}{{" in BOOTSTRAP.read_text(encoding="utf-8")
