"""`manage.py seed_demo`: an empty database filled through the services, and nothing else."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from advisor.models import Assessment, Team
from decisions.models import AuditEntry, Comment, Decision, Review, Revision
from decisions.roles import REVIEWERS_GROUP

pytestmark = pytest.mark.django_db


@pytest.fixture
def debug(settings):
    settings.DEBUG = True
    # Six real password hashes per seed would make this module the slowest in the suite.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_it_creates_decisions_in_every_status(debug):
    _seed()

    statuses = set(Decision.objects.values_list("status", flat=True))
    assert statuses == set(Decision.Status.values)
    assert Decision.objects.count() >= 12
    assert Team.objects.count() == 3


def test_it_supersedes_through_a_replacing_decision(debug):
    _seed()

    old = Decision.objects.get(status=Decision.Status.SUPERSEDED)
    assert old.superseded_by is not None
    assert old.superseded_by.status == Decision.Status.ACCEPTED
    assert old.superseded_by.replaces == old


def test_it_puts_at_least_two_people_in_the_reviewers_group(debug):
    _seed()

    reviewers = Group.objects.get(name=REVIEWERS_GROUP).user_set.all()
    assert reviewers.count() >= 2
    assert User.objects.count() >= 6


def test_it_audits_every_transition(debug):
    _seed()

    for decision in Decision.objects.all():
        entries = list(decision.audit.all())
        assert entries[0].action == "created"
        status = entries[0].to_status
        for entry in entries[1:]:
            assert entry.from_status == status, (decision, entry.action)
            status = entry.to_status
        assert status == decision.status, decision
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert actions >= {
        "created",
        "submitted",
        "withdrawn",
        "changes_requested",
        "approved",
        "rejected",
        "deprecated",
        "superseded",
        "edited",
    }


def test_it_builds_decisions_from_finished_assessments_with_reviews_and_comments(debug):
    _seed()

    for decision in Decision.objects.select_related("assessment"):
        assert decision.assessment is not None
        assert decision.assessment.completed_at is not None
        assert decision.outcome == decision.assessment.recommendation.recommendation
        assert decision.revisions.count() == decision.version
    assert set(Decision.objects.values_list("outcome", flat=True)) == {
        "serverless",
        "containers",
        "hybrid",
    }
    assert Assessment.objects.filter(completed_at__isnull=False).count() >= 12
    assert Revision.objects.filter(note__gt="").exclude(note="created").exists()
    verdicts = set(Review.objects.values_list("verdict", flat=True))
    assert verdicts == set(Review.Verdict.values)
    assert Comment.objects.count() >= 3


def test_it_prints_the_logins_with_a_password_that_works(debug):
    output = _seed()

    match = re.search(r"Password: (\S+)", output)
    assert match is not None
    assert output.count(match.group(1)) == 1
    for user in User.objects.all():
        assert user.username in output
        assert (
            authenticate(
                RequestFactory().post("/accounts/login/"),
                username=user.username,
                password=match.group(1),
            )
            == user
        )


def test_it_accepts_decisions_when_two_approvals_are_required(debug, settings):
    settings.DECISION_APPROVALS_REQUIRED = 2

    _seed()

    assert set(Decision.objects.values_list("status", flat=True)) == set(Decision.Status.values)


def test_it_refuses_a_database_that_is_not_empty(debug):
    _seed()
    before = AuditEntry.objects.count()

    with pytest.raises(CommandError, match="already has decisions or teams"):
        _seed()

    assert AuditEntry.objects.count() == before


def test_it_refuses_when_a_team_already_exists(debug):
    Team.objects.create(name="Payments", slug="payments")

    with pytest.raises(CommandError, match="already has decisions or teams"):
        _seed()

    assert not Decision.objects.exists()


def test_it_refuses_when_debug_is_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG is off"):
        _seed()

    assert not User.objects.exists()
    assert not Decision.objects.exists()
