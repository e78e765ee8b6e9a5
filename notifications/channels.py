"""The two ways out: e-mail through Django's mail framework (SMTP in production), and a JSON
POST to a chat webhook. Each raises on any failure; the caller records it and retries."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from email.message import Message as EmailHeaders
from typing import IO
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

# What the far end said, kept in the delivery's last error; more is noise.
ANSWER_EXCERPT = 200


class WebhookError(Exception):
    """The webhook did not take the message."""


def send_email(*, to: str, subject: str, text: str, html: str) -> None:
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    if html:
        message.attach_alternative(html, "text/html")
    if message.send(fail_silently=False) != 1:
        raise OSError(f"the mail backend did not send the message to {to}")


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to the webhook's own scheme, host and port, posting the same
    message again there; a redirect anywhere else is refused, so a moved or hijacked endpoint
    cannot send our messages (and the secret in the address) to another server."""

    max_redirections = 3

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: EmailHeaders,
        newurl: str,
    ) -> urllib.request.Request | None:
        if _origin(newurl) != _origin(req.full_url):
            fp.close()
            raise WebhookError(
                f"HTTP {code}: redirected to another host ({urlsplit(newurl).hostname}); "
                "not followed"
            )
        return urllib.request.Request(
            newurl, data=req.data, headers=dict(req.header_items()), method="POST"
        )


def webhook_host(url: str) -> str:
    """The part of the webhook's address that can be shown; the path often holds its secret."""
    return urlsplit(url).hostname or ""


def post_webhook(*, url: str, text: str) -> None:
    """POST {"text": ...}, the body Slack and Microsoft Teams incoming webhooks accept."""
    body = json.dumps({"text": text}).encode()
    request = urllib.request.Request(
        url,
        data=body,
        headers={"Content-Type": "application/json", "User-Agent": "decision-advisor"},
        method="POST",
    )
    opener = urllib.request.build_opener(_SameOriginRedirects)
    try:
        with opener.open(request, timeout=settings.NOTIFY_WEBHOOK_TIMEOUT) as response:
            response.read(ANSWER_EXCERPT)
    except urllib.error.HTTPError as error:
        answer = _excerpt(error)
        raise WebhookError(f"HTTP {error.code}: {answer}".strip()) from None


def _excerpt(error: urllib.error.HTTPError) -> str:
    try:
        return error.read(ANSWER_EXCERPT).decode("utf-8", "replace")
    except OSError:
        return ""
    finally:
        error.close()
