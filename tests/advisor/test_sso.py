"""Single sign-on against a real OpenID Connect provider (tests/oidc_provider.py) and the live
server, with an HTTP client that keeps its cookies and fills in the provider's pages."""

from __future__ import annotations

import re
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pytest
import requests
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session

from advisor.models import SingleSignOnIdentity, Team
from advisor.oidc import ProviderEndpoints, ProviderUnavailable, provider_endpoints
from decisions.roles import is_reviewer
from tests.oidc_provider import CLIENT_ID, provider_sign_in
from tests.servers import free_port

PASSWORD = "correct horse 42"
DANA: dict[str, Any] = {
    "sub": "248289761001",
    "preferred_username": "dana",
    "email": "dana@example.org",
    "given_name": "Dana",
    "family_name": "Okafor",
    "groups": ["architects", "pay-team", "unrelated"],
}
CALLBACK = "/accounts/oidc/callback/"
REFUSED = "Signing in with Example ID did not work"


class Browser(requests.Session):
    """Follows redirects like a browser, except (when told) the one back to the portal's
    callback, so a test can look at it, change it or replay it."""

    def __init__(self, stop_at: str = "") -> None:
        super().__init__()
        self.stop_at = stop_at

    def get_redirect_target(self, resp: requests.Response) -> str | None:
        target = super().get_redirect_target(resp)
        if target and self.stop_at and urljoin(resp.url, target).startswith(self.stop_at):
            return None
        return target


@pytest.fixture
def teams(db):
    return {
        slug: Team.objects.create(name=slug.title(), slug=slug)
        for slug in ("payments", "search", "platform")
    }


def _sign_in(
    portal: str, login: str, *, next_path: str = "/decisions/", browser: Browser | None = None
) -> tuple[Browser, requests.Response]:
    browser = browser or Browser()
    start = browser.get(f"{portal}/accounts/oidc/start/", params={"next": next_path}, timeout=10)
    return browser, provider_sign_in(browser, start, login)


def _signed_in_user(browser: requests.Session) -> User | None:
    """Whom the portal's session cookie in this browser is signed in as."""
    key = browser.cookies.get("sessionid")
    session = Session.objects.filter(session_key=key).first() if key else None
    user_id = session.get_decoded().get("_auth_user_id") if session else None
    return User.objects.filter(pk=user_id).first() if user_id else None


def _csrf_token(page: requests.Response) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert match, "no CSRF token on the page"
    return match.group(1)


def test_it_makes_the_account_with_its_roles_and_teams_at_the_first_sign_in(
    sso, live_server, teams
):
    sso.steer(accounts={"dana": DANA})

    browser, page = _sign_in(live_server.url, "dana")

    assert page.url == f"{live_server.url}/decisions/"
    assert "Sign out" in page.text and "dana" in page.text
    dana = User.objects.get(username="dana")
    assert _signed_in_user(browser) == dana
    assert (dana.email, dana.first_name, dana.last_name) == ("dana@example.org", "Dana", "Okafor")
    assert not dana.has_usable_password()
    assert is_reviewer(dana)
    assert not dana.is_staff
    assert list(dana.teams.values_list("slug", flat=True)) == ["payments"]
    identity = SingleSignOnIdentity.objects.get(user=dana)
    assert (identity.issuer, identity.subject) == (sso.issuer, DANA["sub"])


def test_it_applies_changed_groups_at_the_next_sign_in(sso, live_server, teams):
    sso.steer(accounts={"dana": DANA})
    _sign_in(live_server.url, "dana")
    dana = User.objects.get(username="dana")
    # A team the mapping does not name is managed by hand, and stays.
    teams["platform"].members.add(dana)

    sso.steer(accounts={"dana": {**DANA, "groups": ["search-devs", "portal-admins"]}})
    browser, page = _sign_in(live_server.url, "dana")

    assert page.url == f"{live_server.url}/decisions/"
    assert _signed_in_user(browser) == dana
    dana.refresh_from_db()
    assert not is_reviewer(dana)
    assert dana.is_staff
    assert sorted(dana.teams.values_list("slug", flat=True)) == ["platform", "search"]
    assert User.objects.count() == 1


def test_it_sends_the_provider_state_nonce_and_a_pkce_challenge(sso, live_server):
    browser = Browser()

    start = browser.get(f"{live_server.url}/accounts/oidc/start/", allow_redirects=False)

    location = urlsplit(start.headers["Location"])
    query = {name: values[0] for name, values in parse_qs(location.query).items()}
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{sso.issuer}/auth"
    assert query["client_id"] == CLIENT_ID
    assert query["redirect_uri"] == f"{live_server.url}{CALLBACK}"
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) == 43  # base64url of a SHA-256 digest
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32
    assert query["scope"] == "openid profile email groups"


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param({"claims": {"iss": "http://127.0.0.1:9/"}}, id="another-issuer"),
        pytest.param({"claims": {"aud": "another-client"}}, id="another-audience"),
        pytest.param(
            {"claims": {"aud": ["another-client", CLIENT_ID], "azp": "another-client"}},
            id="shared-audience-for-another-client",
        ),
        pytest.param({"claims": {"nonce": "not-the-one-we-sent"}}, id="another-nonce"),
        pytest.param({"claims": {"exp": 1_000_000_000}}, id="expired"),
        pytest.param({"stranger_key": True}, id="signed-with-an-unpublished-key"),
    ],
)
def test_it_refuses_an_id_token_that_fails_a_check(sso, live_server, teams, tamper):
    sso.steer(accounts={"dana": DANA}, tamper=tamper)

    browser, page = _sign_in(live_server.url, "dana")

    assert urlsplit(page.url).path == "/accounts/login/"
    assert REFUSED in page.text
    assert _signed_in_user(browser) is None
    assert not User.objects.exists()


def test_it_refuses_a_callback_with_a_state_it_did_not_issue(sso, live_server):
    sso.steer(accounts={"dana": DANA})
    callback = f"{live_server.url}{CALLBACK}"
    browser, back = _sign_in(live_server.url, "dana", browser=Browser(stop_at=callback))
    genuine = back.headers["Location"]
    query = parse_qs(urlsplit(genuine).query)

    forged = browser.get(
        f"{callback}?{urlencode({'code': query['code'][0], 'state': 'guessed' * 6})}", timeout=10
    )
    # The genuine response, but in another browser: someone planting their own sign-in.
    planted = Browser().get(genuine, timeout=10)

    for refused in (forged, planted):
        assert urlsplit(refused.url).path == "/accounts/login/"
        assert REFUSED in refused.text
    assert _signed_in_user(browser) is None
    assert not User.objects.exists()
    # Nothing else was wrong: the genuine response still signs the right browser in.
    assert browser.get(genuine, timeout=10).url == f"{live_server.url}/decisions/"
    assert _signed_in_user(browser) == User.objects.get(username="dana")


def test_it_refuses_a_response_naming_another_issuer(sso, live_server):
    sso.steer(accounts={"dana": DANA})
    callback = f"{live_server.url}{CALLBACK}"
    browser, back = _sign_in(live_server.url, "dana", browser=Browser(stop_at=callback))
    query = parse_qs(urlsplit(back.headers["Location"]).query)
    assert query["iss"] == [sso.issuer]

    mixed_up = {"code": query["code"][0], "state": query["state"][0], "iss": "https://other.test"}
    page = browser.get(f"{callback}?{urlencode(mixed_up)}", timeout=10)

    assert REFUSED in page.text
    assert _signed_in_user(browser) is None


@pytest.mark.parametrize(
    "query", [{"error": "access_denied"}, {"error": "access_denied", "state": "guessed" * 6}]
)
def test_an_error_response_it_did_not_ask_for_signs_nobody_out(sso, live_server, query):
    # A link (an image, say) on another site to the callback must not end the session here.
    sso.steer(accounts={"dana": DANA})
    browser, _ = _sign_in(live_server.url, "dana")

    page = browser.get(f"{live_server.url}{CALLBACK}?{urlencode(query)}", timeout=10)

    assert urlsplit(page.url).path == "/accounts/login/"
    assert _signed_in_user(browser) == User.objects.get(username="dana")


def test_it_goes_back_only_to_this_site(sso, live_server):
    sso.steer(accounts={"dana": DANA})

    _, page = _sign_in(live_server.url, "dana", next_path="https://attacker.test/")

    assert page.url == f"{live_server.url}/"


def test_it_names_a_new_account_after_the_subject_without_a_username_claim(sso, live_server):
    sso.steer(accounts={"eve": {"sub": "eve-7Q2", "groups": []}})

    browser, _ = _sign_in(live_server.url, "eve")

    assert _signed_in_user(browser) == User.objects.get(username="eve-7Q2")


def test_it_refuses_a_first_sign_in_under_the_name_of_an_account_made_by_hand(
    sso, live_server, django_user_model, teams
):
    local = django_user_model.objects.create_user(username="Dana", password=PASSWORD)
    sso.steer(accounts={"dana": DANA})

    browser, page = _sign_in(live_server.url, "dana")

    assert urlsplit(page.url).path == "/accounts/login/"
    assert "An account named dana was made here before single sign-on" in unescape(page.text)
    assert _signed_in_user(browser) is None
    assert User.objects.get() == local
    assert not SingleSignOnIdentity.objects.exists()
    assert not is_reviewer(local)

    # An administrator links the account; from then on the provider signs in to it.
    SingleSignOnIdentity.objects.create(user=local, issuer=sso.issuer, subject=DANA["sub"])
    browser, _ = _sign_in(live_server.url, "dana")

    assert _signed_in_user(browser) == local
    assert is_reviewer(local)


def test_it_ends_the_session_here_and_offers_the_providers_sign_out(sso, live_server):
    sso.steer(accounts={"dana": DANA})
    browser, page = _sign_in(live_server.url, "dana")

    signed_out = browser.post(
        f"{live_server.url}/accounts/logout/",
        data={"csrfmiddlewaretoken": _csrf_token(page)},
        headers={"Referer": page.url},
        timeout=10,
    )

    assert _signed_in_user(browser) is None
    assert "You have signed out" in signed_out.text
    link = re.search(r'href="([^"]+)">Sign out of Example ID too', signed_out.text)
    assert link
    end_session = unescape(link.group(1))
    assert end_session.startswith(f"{sso.issuer}/session/end?")
    assert "id_token_hint=" in end_session
    # The provider accepts the hint and the way back, asks, and returns to the sign-in page.
    confirm = browser.get(end_session, timeout=10)
    action = re.search(r'<form[^>]*action="([^"]+)"', confirm.text)
    xsrf = re.search(r'name="xsrf" value="([^"]+)"', confirm.text)
    assert action and xsrf, confirm.text
    back = browser.post(
        urljoin(confirm.url, action.group(1)),
        data={"xsrf": xsrf.group(1), "logout": "yes"},
        timeout=10,
    )
    assert back.url == f"{live_server.url}/accounts/login/"


def test_a_password_session_signs_out_as_before(sso, live_server, django_user_model):
    django_user_model.objects.create_user(username="casey", password=PASSWORD)
    browser = Browser()
    form = browser.get(f"{live_server.url}/accounts/login/", timeout=10)
    page = browser.post(
        form.url,
        data={"username": "casey", "password": PASSWORD, "csrfmiddlewaretoken": _csrf_token(form)},
        headers={"Referer": form.url},
        timeout=10,
    )
    assert _signed_in_user(browser) is not None

    signed_out = browser.post(
        f"{live_server.url}/accounts/logout/",
        data={"csrfmiddlewaretoken": _csrf_token(page)},
        headers={"Referer": page.url},
        timeout=10,
    )

    assert signed_out.url == f"{live_server.url}/accounts/login/"
    assert _signed_in_user(browser) is None


def test_the_sign_in_page_puts_the_provider_first(sso, live_server):
    page = requests.get(f"{live_server.url}/accounts/login/?next=/decisions/", timeout=10)

    button = page.text.index("Sign in with Example ID")
    assert button < page.text.index('name="password"')
    assert 'href="/accounts/oidc/start/?next=/decisions/"' in page.text


def test_local_login_off_refuses_the_password_form(sso, live_server, settings, django_user_model):
    settings.LOCAL_LOGIN = False
    django_user_model.objects.create_user(username="casey", password=PASSWORD, is_staff=True)
    sso.steer(accounts={"dana": DANA})
    browser = Browser()

    page = browser.get(f"{live_server.url}/accounts/login/", timeout=10)
    # The page has no form of its own now; a hand-made POST takes the token from the cookie.
    token = browser.cookies["csrftoken"]
    posts = [
        browser.post(
            f"{live_server.url}{path}",
            data={"username": "casey", "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": page.url},
            timeout=10,
        )
        for path in ("/accounts/login/", "/admin/login/")
    ]

    assert "Sign in with Example ID" in page.text
    assert 'name="password"' not in page.text
    for refused in posts:
        assert refused.status_code == 403
        assert "Signing in with a password is switched off here" in refused.text
        assert 'name="password"' not in refused.text
    assert _signed_in_user(browser) is None
    # Single sign-on is the way in.
    _, signed_in = _sign_in(live_server.url, "dana", browser=browser)
    assert _signed_in_user(browser) == User.objects.get(username="dana")
    assert signed_in.url == f"{live_server.url}/decisions/"


def test_it_says_so_when_the_provider_cannot_be_reached(sso, live_server, settings):
    settings.OIDC_ISSUER = f"http://127.0.0.1:{free_port()}"

    page = requests.get(f"{live_server.url}/accounts/oidc/start/?next=/decisions/", timeout=10)

    assert page.url == f"{live_server.url}/accounts/login/?next=%2Fdecisions%2F"
    assert "Example ID cannot be reached just now" in page.text


def test_it_refuses_a_discovery_document_for_another_issuer(sso, live_server, settings):
    # The provider's document names http://127.0.0.1:port, without the trailing slash.
    settings.OIDC_ISSUER = f"{sso.issuer}/"

    page = requests.get(f"{live_server.url}/accounts/oidc/start/", timeout=10)

    assert urlsplit(page.url).path == "/accounts/login/"
    assert "Example ID cannot be reached just now" in page.text


@pytest.mark.django_db
def test_it_asks_the_issuer_only_for_the_endpoints_it_was_not_given(settings):
    # Nobody listens at the issuer: discovery would fail.
    settings.OIDC_ISSUER = issuer = f"http://127.0.0.1:{free_port()}"
    given = {
        "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": f"{issuer}/token",
        "jwks_uri": f"{issuer}/keys",
        "userinfo_endpoint": "",
        "end_session_endpoint": f"{issuer}/logout",
    }
    settings.OIDC_ENDPOINTS = given

    assert provider_endpoints() == ProviderEndpoints(
        authorization=f"{issuer}/authorize",
        token=f"{issuer}/token",
        jwks=f"{issuer}/keys",
        userinfo="",
        end_session=f"{issuer}/logout",
    )
    settings.OIDC_ENDPOINTS = {**given, "jwks_uri": ""}
    with pytest.raises(ProviderUnavailable, match="/.well-known/openid-configuration"):
        provider_endpoints()
