"""Request plumbing that every page shares: the health probe, private caching of signed-in
pages, and the client address behind a proxy."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers

HEALTH_PATH = "/healthz"


def database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any driver error means the same thing here: not reachable
        return False


class HealthCheckMiddleware:
    """Answers `/healthz` before anything else runs: no Host check, no HTTPS redirect, no
    session. 200 when the database answers, 503 when it does not."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path != HEALTH_PATH:
            return self.get_response(request)
        healthy = database_reachable()
        response = JsonResponse(
            {"status": "ok" if healthy else "unavailable", "database": healthy},
            status=200 if healthy else 503,
        )
        add_never_cache_headers(response)
        return response


class PrivateCacheMiddleware:
    """Pages and downloads for a signed-in person are never stored by a browser or a proxy
    (a shared machine's Back button, a caching proxy), unless the view said otherwise."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


def client_ip(request: HttpRequest) -> str:
    """The caller's address: the peer, or with TRUSTED_PROXY_COUNT proxies in front, the entry
    the outermost trusted proxy appended to X-Forwarded-For (earlier entries can be forged)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return str(request.META.get("REMOTE_ADDR", ""))
