"""Addresses that match no page get the portal's own 404, with DEBUG on as well as off.

With DEBUG on, Django answers an unmatched address with a page listing every URL pattern; the
catch-all route below answers first. Being a match for everything, it also takes over what
CommonMiddleware's APPEND_SLASH did: `/decisions` still leads to `/decisions/`.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import Resolver404, resolve


def unmatched(request: HttpRequest, path: str = "") -> HttpResponse:
    if settings.APPEND_SLASH and not request.path_info.endswith("/"):
        try:
            match = resolve(f"{request.path_info}/")
        except Resolver404:
            match = None
        if match is not None and match.func is not unmatched:
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    return render(request, "404.html", status=404)
