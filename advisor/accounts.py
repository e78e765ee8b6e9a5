"""Signing in and out: the password form (unless LOCAL_LOGIN is off) beside single sign-on."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from advisor.oidc import end_session_url, provider_name, sso_enabled

LOCAL_LOGIN_OFF = "Signing in with a password is switched off here. Sign in with {provider}."


def _sign_in_options() -> dict[str, Any]:
    return {
        "sso_enabled": sso_enabled(),
        "provider_name": provider_name(),
        "local_login": settings.LOCAL_LOGIN,
    }


@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponseBase:
    """Django's LoginView (and so django-axes) for the password form; with LOCAL_LOGIN off the
    page offers single sign-on alone and a posted password is refused unread."""
    if request.method == "POST" and not settings.LOCAL_LOGIN:
        next_url = request.POST.get("next", "")
        safe = url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        context = {
            **_sign_in_options(),
            "refusal": LOCAL_LOGIN_OFF.format(provider=provider_name()),
            "next": next_url if safe else "",
        }
        return render(request, "registration/login.html", context, status=403)
    view = auth_views.LoginView.as_view(
        template_name="registration/login.html", extra_context=_sign_in_options()
    )
    return view(request)


@never_cache
@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """End the session here; after single sign-on, offer to end the provider's session too (a
    link, not a redirect: the person may want to stay signed in to other applications)."""
    provider_sign_out = end_session_url(request)
    auth.logout(request)
    if not provider_sign_out:
        return redirect(settings.LOGOUT_REDIRECT_URL)
    context = {"provider_name": provider_name(), "provider_sign_out": provider_sign_out}
    return render(request, "registration/signed_out.html", context)
