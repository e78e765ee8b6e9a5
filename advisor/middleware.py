"""Requests refused before any view sees them."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.datastructures import MultiValueDict

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
