"""Request plumbing that every page shares: the health probe, requests refused before any view
sees them, private caching of signed-in pages, and the client address behind a proxy."""

from __future__ import annotations

from collections.abc import Callable
from ipaddress import IPv4Address, IPv6Address, ip_address

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.utils.datastructures import MultiValueDict

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


NUL = "\x00"
NUL_REFUSED = "The request holds a NUL character, which no field accepts."


def _has_nul(data: MultiValueDict[str, str]) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in data.lists())


class RefuseNulMiddleware:
    """Answer 400 to a request whose path, query string, form fields or cookies hold NUL.

    PostgreSQL cannot store or compare text containing NUL, so one `%00` in an admin search, a
    list filter, a login form or a session cookie was a 500 wherever it reached a query. Django
    has already decoded the percent-encoding in `request.GET` and `request.POST`. Sits before
    SessionMiddleware so that a hostile session cookie is never looked up.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            NUL in request.path
            or _has_nul(request.GET)
            or (request.method == "POST" and _has_nul(request.POST))
            or any(NUL in key + value for key, value in request.COOKIES.items())
        ):
            return HttpResponseBadRequest(NUL_REFUSED, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


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


FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST")
# Where no address can be read (a Unix socket with no proxy): one shared stand-in, so sign-in
# throttling still counts per username rather than not at all.
UNKNOWN_ADDRESS = "0.0.0.0"


def _address(text: str) -> IPv4Address | IPv6Address | None:
    try:
        return ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address: IPv4Address | IPv6Address | None) -> bool:
    return address is not None and any(address in net for net in settings.TRUSTED_PROXIES)


class ForwardedHeadersMiddleware:
    """Drop X-Forwarded-For/-Proto/-Host unless the request comes from a trusted proxy, so a
    caller cannot claim HTTPS or another address by sending them itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _trusted(_address(str(request.META.get("REMOTE_ADDR", "")))):
            for header in FORWARDED_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)


def client_ip(request: HttpRequest) -> str:
    """The caller's address: walking back from the peer through X-Forwarded-For, the first hop
    that is not a trusted proxy (entries before it can be forged). Always a valid address."""
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    hops.append(str(request.META.get("REMOTE_ADDR", "")))
    nearest = None
    for text in reversed(hops):
        address = _address(text)
        if address is None:
            break
        nearest = address
        if not _trusted(address):
            break
    return str(nearest) if nearest is not None else UNKNOWN_ADDRESS
