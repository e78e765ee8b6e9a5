"""Sign-in with an OpenID Connect provider, on top of mozilla-django-oidc.

The library runs the authorization code flow: state and nonce kept in the session, PKCE, the
code exchanged at the token endpoint and the ID token's RS256 signature checked against the
provider's JWKS. This module adds what it leaves out: the endpoints read from the issuer's
discovery document, the ID token's issuer, audience and lifetime checked, the user info tied to
the same subject, and accounts found by issuer and subject (advisor.services.sso_sign_in)
rather than by e-mail address. Failures send the person back to the sign-in page with a reason.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from advisor.addresses import provider_url_refusal
from advisor.services import SignInRefused, sso_sign_in

logger = logging.getLogger(__name__)

DISCOVERY_PATH = "/.well-known/openid-configuration"
# The provider's endpoints rarely move; an hour keeps a sign-in from fetching them twice.
DISCOVERY_CACHE_SECONDS = 3600
REQUIRED_ENDPOINTS = ("authorization_endpoint", "token_endpoint", "jwks_uri")
OPTIONAL_ENDPOINTS = ("userinfo_endpoint", "end_session_endpoint")

SIGN_IN_FAILED = "Signing in with {provider} did not work. Please try again."
PROVIDER_UNAVAILABLE = "{provider} cannot be reached just now. Please try again in a minute."


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be fetched or does not describe it."""


@dataclass(frozen=True)
class ProviderEndpoints:
    authorization: str
    token: str
    jwks: str
    userinfo: str
    end_session: str


def sso_enabled() -> bool:
    return bool(settings.OIDC_ISSUER)


def provider_name() -> str:
    return str(settings.OIDC_PROVIDER_NAME)


def _discovery_document(issuer: str) -> dict[str, Any]:
    """The issuer's discovery document, checked to be its own (OpenID Connect Discovery 4.3)."""
    key = "oidc-discovery:" + hashlib.sha256(issuer.encode()).hexdigest()
    document: dict[str, Any] | None = cache.get(key)
    if document is not None:
        return document
    url = issuer.rstrip("/") + DISCOVERY_PATH
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT, allow_redirects=False)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"{url}: {error}") from None
    if not isinstance(document, dict):
        raise ProviderUnavailable(f"{url} is not a JSON object")
    if document.get("issuer") != issuer:
        raise ProviderUnavailable(
            f"{url} names the issuer {document.get('issuer')!r}, not OIDC_ISSUER {issuer!r}"
        )
    cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return document


def provider_endpoints() -> ProviderEndpoints:
    """The configured endpoints, the rest from discovery (fetched only when one is missing)."""
    found: dict[str, str] = dict(settings.OIDC_ENDPOINTS)
    if not all(found[name] for name in REQUIRED_ENDPOINTS):
        document = _discovery_document(settings.OIDC_ISSUER)
        for name in (*REQUIRED_ENDPOINTS, *OPTIONAL_ENDPOINTS):
            if found[name]:
                continue
            value = document.get(name)
            if value is None and name in OPTIONAL_ENDPOINTS:
                continue
            if not isinstance(value, str) or provider_url_refusal(value):
                raise ProviderUnavailable(f"the discovery document's {name} {value!r} is unusable")
            found[name] = value
    return ProviderEndpoints(
        authorization=found["authorization_endpoint"],
        token=found["token_endpoint"],
        jwks=found["jwks_uri"],
        userinfo=found["userinfo_endpoint"],
        end_session=found["end_session_endpoint"],
    )


def _login_url(request: HttpRequest) -> str:
    """The sign-in page, keeping where the person was going (checked again when used)."""
    next_url = request.session.get("oidc_login_next") or request.GET.get("next")
    url = reverse("login")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class ProviderBackend(OIDCAuthenticationBackend):
    """Authenticates only the sign-in callback, for the provider in the settings.

    Django builds a backend for every signed-in request (to load the user), so nothing here
    touches the network until a sign-in is being completed.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Not the library's __init__: it reads the endpoints from settings, and ours may come
        # from discovery, which is fetched only in authenticate().
        self.UserModel = get_user_model()

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        # The callback passes the nonce and the PKCE verifier it took from the session after
        # checking the state; any other caller (the password form, say) is not completing a
        # sign-in with the provider, whatever its query string holds.
        if (
            request is None
            or not sso_enabled()
            or request.path != reverse("oidc_authentication_callback")
            or not kwargs.get("nonce")
            or not kwargs.get("code_verifier")
        ):
            return None
        endpoints = provider_endpoints()
        self.OIDC_OP_TOKEN_ENDPOINT = endpoints.token
        self.OIDC_OP_USER_ENDPOINT = endpoints.userinfo
        self.OIDC_OP_JWKS_ENDPOINT = endpoints.jwks
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        user: User | None = super().authenticate(request, **kwargs)
        return user

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """The library checks the signature, expiry and nonce; OpenID Connect Core 3.1.3.7 asks
        for the issuer, the audience (and azp when there are several) and an expiry too."""
        try:
            payload: dict[str, Any] = super().verify_token(token, **kwargs)
        except jwt.InvalidTokenError as error:
            # The library turns a bad signature into SuspiciousOperation, but lets an expired
            # or not-yet-valid token through as PyJWT's own error (a server error).
            raise SuspiciousOperation(f"ID token refused: {error}") from None
        client_id = settings.OIDC_RP_CLIENT_ID
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if payload.get("iss") != settings.OIDC_ISSUER:
            raise SuspiciousOperation(f"ID token from issuer {payload.get('iss')!r}")
        if client_id not in audiences:
            raise SuspiciousOperation(f"ID token for audience {audience!r}")
        if len(audiences) > 1 and payload.get("azp") != client_id:
            raise SuspiciousOperation(f"ID token for several audiences, azp {payload.get('azp')!r}")
        if not isinstance(payload.get("exp"), int | float):
            raise SuspiciousOperation("ID token without an expiry")
        return payload

    def get_userinfo(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """The ID token's claims, completed by the user info endpoint when the provider has one
        (many put groups only there); that answer must be about the same subject."""
        if not self.OIDC_OP_USER_ENDPOINT:
            return payload
        info: dict[str, Any] = super().get_userinfo(access_token, id_token, payload)
        if info.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("user info for another subject than the ID token's")
        return {**payload, **info}

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User:
        claims = self.get_userinfo(access_token, id_token, payload)
        return sso_sign_in(issuer=settings.OIDC_ISSUER, claims=claims)


class SignInStart(OIDCAuthenticationRequestView):
    """Sends the person to the provider, with a fresh state, nonce and PKCE challenge."""

    def __init__(self, **kwargs: Any) -> None:
        # The library's __init__ reads the authorization endpoint from settings; get() finds it.
        View.__init__(self, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso_enabled():
            raise Http404("Single sign-on is not configured.")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider_endpoints().authorization
        except ProviderUnavailable as error:
            logger.warning("single sign-on unavailable: %s", error)
            messages.error(request, PROVIDER_UNAVAILABLE.format(provider=provider_name()))
            return HttpResponseRedirect(_login_url(request))
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        response: HttpResponse = super().get(request)
        return response


class SignInCallback(OIDCAuthenticationCallbackView):
    """Where the provider sends the person back. Anything amiss (an unknown state, a token that
    fails a check, a provider that cannot be reached, an account refused) signs nobody in."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso_enabled():
            raise Http404("Single sign-on is not configured.")
        # RFC 9207: a provider that names itself in the response must be ours (mix-up attacks).
        issuer = request.GET.get("iss")
        if issuer is not None and issuer != settings.OIDC_ISSUER:
            logger.warning("single sign-on refused: the response names issuer %r", issuer)
            return self.login_failure()
        # The library signs the person out on any error response; only one to a sign-in this
        # session started may, or a link on another site could sign people out.
        if request.GET.get("error") and request.GET.get("state") not in request.session.get(
            "oidc_states", {}
        ):
            return HttpResponseRedirect(_login_url(request))
        try:
            response: HttpResponse = super().get(request)
        except SignInRefused as refusal:
            messages.error(request, str(refusal))
            return HttpResponseRedirect(_login_url(request))
        except (SuspiciousOperation, ProviderUnavailable, requests.RequestException) as error:
            logger.warning("single sign-on refused: %s", error)
            return self.login_failure()
        return response

    def login_failure(self) -> HttpResponse:
        messages.error(self.request, SIGN_IN_FAILED.format(provider=provider_name()))
        return HttpResponseRedirect(_login_url(self.request))


def end_session_url(request: HttpRequest) -> str:
    """Where to sign out at the provider too (RP-Initiated Logout), coming back to the sign-in
    page; "" when the person did not sign in with it or the provider offers no such endpoint.
    Read before the local session ends: it holds the ID token that names the session."""
    id_token = request.session.get("oidc_id_token")
    if not sso_enabled() or not id_token:
        return ""
    try:
        endpoint = provider_endpoints().end_session
    except ProviderUnavailable as error:
        logger.warning("single sign-on unavailable: %s", error)
        return ""
    if not endpoint:
        return ""
    query = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
