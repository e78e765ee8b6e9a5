"""`manage.py seed_demo`, the first-run path: `make run` loads the demo into an empty database
and prints its logins; later runs print them again; `make demo` run twice is harmless; a reset
deletes only the demo's data. The demo itself is filled through the services, and nothing else.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from advisor.models import Assessment, Team
from decisions.demo import DEMO_GROUP
from decisions.models import AuditEntry, Comment, Decision, Review, Revision
from decisions.roles import REVIEWERS_GROUP, review_refusal
from decisions.services import decision_comment

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
COUNTED = (User, Group, Team, Assessment, Decision, Revision, Review, Comment, AuditEntry)


@pytest.fixture(autouse=True)
def logins_file(settings, tmp_path) -> Path:
    """Every test keeps its demo passwords in a file of its own, never in the checkout's var/."""
    settings.DEMO_LOGINS_FILE = tmp_path / "var" / "demo-logins.json"
    return settings.DEMO_LOGINS_FILE


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


def _seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def _table(output: str) -> dict[str, tuple[str, str]]:
    """The printed logins: username -> (password, role)."""
    lines = output.splitlines()
    start = next(
        i for i, line in enumerate(lines) if re.fullmatch(r"  login +password +role", line)
    )
    rows = {}
    for line in lines[start + 1 :]:
        if not line.startswith("  "):
            break
        username, password, role = line.split(maxsplit=2)
        rows[username] = (password, role)
    return rows


def _signed_in(username: str, password: str) -> Client:
    """A browser-like client signed in through the real login form."""
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, f"{username} could not sign in"
    assert response["Location"] == reverse("home")
    return client


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


# -- the first run -----------------------------------------------------------------------------


def test_it_loads_the_demo_into_an_empty_database_and_prints_logins_that_sign_in(debug):
    output = _seed("--if-empty")

    assert "Loading the demo" in output
    for number in range(1, Decision.objects.count() + 1):
        assert f"ADR-{number:04d}: " in output  # a line per step, not one silent wait
    logins = _table(output)
    assert set(logins) == set(User.objects.values_list("username", flat=True))
    roles = " / ".join(role for _, role in logins.values())
    assert "team member" in roles and "architecture reviewer" in roles and "staff" in roles
    for username, (password, _) in logins.items():
        _signed_in(username, password)
    wrong = Client().post(reverse("login"), {"username": "alice", "password": "not-it"})
    assert wrong.status_code == 200


def test_a_team_member_from_the_table_sees_their_teams_drafts(debug):
    logins = _table(_seed("--if-empty"))
    members = {name: row for name, row in logins.items() if row[1].endswith("team member")}
    assert members

    for username, (password, _) in members.items():
        page = _signed_in(username, password).get(reverse("home")).content.decode()
        drafts = Decision.objects.filter(status=Decision.Status.DRAFT)
        ours = drafts.filter(team__members__username=username)
        assert ours.exists(), username
        for decision in ours:
            assert decision.adr_id in page, (username, decision)
        for decision in drafts.exclude(pk__in=ours):
            assert decision.adr_id not in page, (username, decision)


def test_a_reviewer_from_the_table_is_offered_approve_on_a_proposed_decision(debug):
    logins = _table(_seed("--if-empty"))
    reviewers = {name: row for name, row in logins.items() if "reviewer" in row[1]}
    assert reviewers

    for username, (password, _) in reviewers.items():
        user = User.objects.get(username=username)
        decision = next(
            decision
            for decision in Decision.objects.filter(status=Decision.Status.PROPOSED)
            if not review_refusal(decision, user)
        )
        approve = reverse("decision_action", args=[decision.number, "approve"])
        page = _signed_in(username, password).get(decision.get_absolute_url()).content.decode()
        assert f'action="{approve}"' in page, username
    # The offer comes with the role: a team member who is not a reviewer is not offered it.
    password, _ = logins["bob"]
    page = _signed_in("bob", password).get(decision.get_absolute_url()).content.decode()
    assert f'action="{approve}"' not in page


def test_the_staff_login_from_the_table_opens_the_admin(debug):
    logins = _table(_seed("--if-empty"))
    staff = [name for name, (_, role) in logins.items() if role.startswith("staff")]
    assert staff == ["grace"]

    client = _signed_in("grace", logins["grace"][0])
    assert client.get("/admin/").status_code == 200
    teams = client.get("/admin/advisor/team/")
    assert teams.status_code == 200
    for name in Team.objects.values_list("name", flat=True):
        assert name in teams.content.decode()
    member = _signed_in("alice", logins["alice"][0])
    assert member.get("/admin/").status_code == 302  # to the admin's own sign-in


def test_a_second_run_prints_the_same_table_and_creates_nothing(debug):
    first = _seed("--if-empty")
    counts = _counts()
    hashes = dict(User.objects.values_list("username", "password"))

    second = _seed("--if-empty")

    assert _table(second) == _table(first)
    assert _counts() == counts
    assert dict(User.objects.values_list("username", "password")) == hashes
    assert "The demo is loaded: 12 decisions" in second
    assert "make reset-demo" in second


def test_make_demo_run_twice_exits_0_and_says_how_to_reset(tmp_path):
    """`make run`, then `make demo`, as real processes on a database file of their own."""
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'first-run.sqlite3'}",
        "DEMO_LOGINS_FILE": str(tmp_path / "demo-logins.json"),
    }

    def manage(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=300,
        )

    assert manage("migrate", "--no-input").returncode == 0
    first = manage("seed_demo", "--if-empty")
    assert first.returncode == 0, first.stderr
    again = manage("seed_demo")
    production = manage(
        "seed_demo",
        "--if-empty",
        DEBUG="0",
        SECRET_KEY="first-run-" + "k" * 50,
        ALLOWED_HOSTS="127.0.0.1",
    )

    assert again.returncode == 0, again.stderr
    assert "The demo is loaded: 12 decisions" in again.stdout
    assert "make reset-demo" in again.stdout
    assert _table(again.stdout) == _table(first.stdout)
    assert set(_table(again.stdout)) == {"alice", "bob", "carol", "dan", "erin", "frank", "grace"}
    assert production.returncode == 1
    assert "DEBUG is off" in production.stderr
    kept = json.loads((tmp_path / "demo-logins.json").read_text())
    assert [entry["grace"] for entry in kept.values()] == [_table(first.stdout)["grace"][0]]


# -- DEBUG, other data, the passwords file -----------------------------------------------------


def test_it_refuses_when_debug_is_off(settings):
    settings.DEBUG = False

    for args in ((), ("--if-empty",), ("--reset",)):
        with pytest.raises(CommandError, match="DEBUG is off"):
            _seed(*args)

    assert not User.objects.exists()
    assert not Decision.objects.exists()


def test_it_loads_the_demo_with_debug_off_when_forced(settings, logins_file):
    settings.DEBUG = False

    logins = _table(_seed("--force"))

    assert len(logins) == 7
    assert Decision.objects.count() == 12
    assert logins_file.exists()


def test_it_leaves_a_database_with_other_data_alone(debug):
    Team.objects.create(name="Payments", slug="payments")

    output = _seed("--if-empty")
    with pytest.raises(CommandError, match="already has assessments, decisions or teams"):
        _seed()

    assert "The demo was not loaded" in output
    assert not User.objects.exists()
    assert not Decision.objects.exists()


def test_it_refuses_when_a_demo_username_is_taken(debug, django_user_model):
    django_user_model.objects.create_user("grace")

    with pytest.raises(CommandError, match="login 'grace' already exists"):
        _seed()

    assert not Team.objects.exists()


def test_it_keeps_the_passwords_private_and_beside_other_databases(debug, logins_file):
    logins_file.parent.mkdir()
    logins_file.write_text(json.dumps({"sqlite:/elsewhere.sqlite3": {"alice": "theirs"}}))

    logins = _table(_seed())

    assert logins_file.stat().st_mode & 0o777 == 0o600
    kept = json.loads(logins_file.read_text())
    assert kept.pop("sqlite:/elsewhere.sqlite3") == {"alice": "theirs"}
    assert list(kept.values()) == [{name: row[0] for name, row in logins.items()}]


def test_it_gives_new_passwords_when_the_file_lost_them(debug, logins_file):
    old = _table(_seed())
    logins_file.unlink()

    output = _seed("--if-empty")

    new = _table(output)
    assert "New passwords for alice, bob, carol, dan, erin, frank, grace" in output
    assert set(new) == set(old)
    for username, (password, _) in new.items():
        assert password != old[username][0]
        _signed_in(username, password)
    assert _table(_seed("--if-empty")) == new


# -- reset -------------------------------------------------------------------------------------


def test_a_reset_deletes_only_the_demo_and_loads_a_fresh_one(debug, django_user_model):
    old = _table(_seed())
    zoe = django_user_model.objects.create_user("zoe", password="zoe-password-1")
    ops = Team.objects.create(name="Operations", slug="ops")
    ops.members.add(zoe)

    output = _seed("--reset")

    assert "Deleted the demo: 12 decisions, 12 assessments, 3 teams and 7 logins." in output
    new = _table(output)
    assert set(new) == set(old)
    assert all(new[name][0] != old[name][0] for name in new)
    assert set(Team.objects.values_list("slug", flat=True)) == {
        "payments",
        "search",
        "platform",
        "ops",
    }
    assert list(ops.members.all()) == [zoe]
    assert set(Decision.objects.values_list("number", flat=True)) == set(range(1, 13))
    assert User.objects.count() == 8
    assert not Group.objects.get(name=DEMO_GROUP).user_set.filter(username="zoe").exists()


def test_a_reset_refuses_when_someone_else_wrote_here(debug, django_user_model, logins_file):
    logins = _table(_seed())
    zoe = django_user_model.objects.create_user("zoe")
    decision_comment(decision=Decision.objects.get(number=1), actor=zoe, body="Mine, keep it.")
    counts = _counts()

    with pytest.raises(CommandError, match="wrote 1 comment here"):
        _seed("--reset")

    assert _counts() == counts
    assert _table(_seed()) == logins


# -- the demo itself ----------------------------------------------------------------------------


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


def test_it_puts_at_least_two_people_in_the_reviewers_group_and_one_in_staff(debug):
    _seed()

    reviewers = Group.objects.get(name=REVIEWERS_GROUP).user_set.all()
    assert reviewers.count() >= 2
    assert not reviewers.filter(is_staff=True).exists()
    assert list(User.objects.filter(is_staff=True).values_list("username", flat=True)) == ["grace"]
    assert set(Group.objects.get(name=DEMO_GROUP).user_set.all()) == set(User.objects.all())


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


def test_it_accepts_decisions_when_two_approvals_are_required(debug, settings):
    settings.DECISION_APPROVALS_REQUIRED = 2

    _seed()

    assert set(Decision.objects.values_list("status", flat=True)) == set(Decision.Status.values)
