"""The accounts single sign-on makes and the roles it maps (advisor.services.sso_sign_in), given
claims a provider has vouched for; the sign-in itself is in test_sso.py."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.db.models.signals import pre_save
from django.urls import reverse

from advisor.models import SingleSignOnIdentity, Team
from advisor.services import SignInRefused, sso_sign_in
from decisions.roles import REVIEWERS_GROUP, is_reviewer

pytestmark = pytest.mark.django_db

ISSUER = "https://id.example.org"


@pytest.fixture(autouse=True)
def mapping(settings):
    settings.OIDC_ISSUER = ISSUER
    settings.OIDC_REVIEWER_GROUPS = ["architects"]
    settings.OIDC_STAFF_GROUPS = ["portal-admins"]
    settings.OIDC_TEAM_GROUPS = {"payments": ["pay-team", "pay-leads"], "gone": ["old-team"]}
    Team.objects.create(name="Payments", slug="payments")


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": "s-1", "preferred_username": "has space"},
        {"sub": "s-1", "preferred_username": "x" * 151},
        {"sub": "", "preferred_username": "dana"},
        {"preferred_username": "dana"},
    ],
    ids=["not-a-username", "too-long", "empty-subject", "no-subject"],
)
def test_it_refuses_claims_it_cannot_name_an_account_after(claims):
    with pytest.raises(SignInRefused):
        sso_sign_in(issuer=ISSUER, claims=claims)

    assert not User.objects.exists()


@pytest.mark.parametrize("local_name", ["alice", "Alice"])
def test_it_refuses_a_look_alike_of_an_account_made_by_hand(local_name):
    # A full-width "Ａ" becomes "A" when the account is made (NFKC), so the check must compare
    # the name as it would be stored.
    local = User.objects.create_user(username=local_name)

    with pytest.raises(SignInRefused, match="An account named Alice"):
        sso_sign_in(issuer=ISSUER, claims={"sub": "s-1", "preferred_username": "\uff21lice"})

    assert User.objects.get() == local
    assert not SingleSignOnIdentity.objects.exists()


def test_it_refuses_a_name_taken_between_its_check_and_the_new_account():
    def take_the_name_first(sender, instance, **kwargs):
        pre_save.disconnect(take_the_name_first, sender=User)
        User.objects.create_user(username=instance.username)

    pre_save.connect(take_the_name_first, sender=User)
    try:
        with pytest.raises(SignInRefused, match="made here while you were signing in"):
            sso_sign_in(issuer=ISSUER, claims={"sub": "s-1", "preferred_username": "dana"})
    finally:
        pre_save.disconnect(take_the_name_first, sender=User)

    assert not SingleSignOnIdentity.objects.exists()


@pytest.mark.parametrize("groups", [{"architects": True}, [["architects"]], 7])
def test_it_refuses_a_groups_claim_that_is_not_names(groups):
    with pytest.raises(SignInRefused, match="groups claim"):
        sso_sign_in(issuer=ISSUER, claims={"sub": "s-1", "groups": groups})


def test_it_reads_a_single_group_name_and_any_of_a_teams_groups():
    user = sso_sign_in(issuer=ISSUER, claims={"sub": "s-1", "groups": "pay-leads"})

    assert list(user.teams.values_list("slug", flat=True)) == ["payments"]


def test_it_tells_the_same_subject_at_another_issuer_apart():
    first = sso_sign_in(issuer=ISSUER, claims={"sub": "s-1", "preferred_username": "dana"})

    with pytest.raises(SignInRefused, match="An account named dana"):
        sso_sign_in(
            issuer="https://other.example.org",
            claims={"sub": "s-1", "preferred_username": "dana"},
        )

    assert sso_sign_in(issuer=ISSUER, claims={"sub": "s-1"}) == first


def test_it_leaves_roles_without_a_mapping_alone(settings):
    settings.OIDC_REVIEWER_GROUPS = []
    settings.OIDC_STAFF_GROUPS = []
    user = User.objects.create_user(username="dana", is_staff=True)
    user.groups.add(Group.objects.get(name=REVIEWERS_GROUP))
    SingleSignOnIdentity.objects.create(user=user, issuer=ISSUER, subject="s-1")

    sso_sign_in(issuer=ISSUER, claims={"sub": "s-1", "groups": []})

    user.refresh_from_db()
    assert is_reviewer(user) and user.is_staff


def test_it_never_takes_staff_from_a_superuser():
    admin = User.objects.create_superuser(username="root", password="x" * 20)
    SingleSignOnIdentity.objects.create(user=admin, issuer=ISSUER, subject="s-root")

    sso_sign_in(issuer=ISSUER, claims={"sub": "s-root", "groups": []})

    admin.refresh_from_db()
    assert admin.is_staff


def test_it_refuses_an_account_switched_off_here():
    user = User.objects.create_user(username="dana", is_active=False)
    SingleSignOnIdentity.objects.create(user=user, issuer=ISSUER, subject="s-1")

    with pytest.raises(SignInRefused, match="switched off"):
        sso_sign_in(issuer=ISSUER, claims={"sub": "s-1", "groups": ["architects"]})

    assert not is_reviewer(user)


def test_it_keeps_an_address_that_is_not_one_out():
    user = sso_sign_in(
        issuer=ISSUER, claims={"sub": "s-1", "email": "not an address", "given_name": "Dana"}
    )

    assert (user.email, user.first_name) == ("", "Dana")


def test_it_copies_only_an_address_the_provider_has_not_said_is_unverified():
    claims = {"sub": "s-1", "email": "dana@example.org", "email_verified": False}
    user = sso_sign_in(issuer=ISSUER, claims=claims)
    assert user.email == ""

    sso_sign_in(issuer=ISSUER, claims={**claims, "email_verified": True})
    user.refresh_from_db()
    assert user.email == "dana@example.org"

    sso_sign_in(issuer=ISSUER, claims={**claims, "email": "mallory@example.net"})
    user.refresh_from_db()
    assert user.email == "dana@example.org"

    # As a string, the way some providers send it.
    unverified = {**claims, "email": "mallory@example.net", "email_verified": "false"}
    sso_sign_in(issuer=ISSUER, claims=unverified)
    user.refresh_from_db()
    assert user.email == "dana@example.org"


def test_password_sign_in_still_pauses_after_wrong_passwords_beside_sso(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    User.objects.create_user(username="casey", password="correct horse 42")
    for _ in range(2):
        client.post(reverse("login"), {"username": "casey", "password": "nope"})

    response = client.post(reverse("login"), {"username": "casey", "password": "correct horse 42"})

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
