"""Exporting decisions as a zip of MADR files: the archive's layout and contents, who sees what
in it (alice and bob of Payments, charlie of Search, anonymous visitors), and the CLI."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
import yaml
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from advisor.engine import evaluate_raw
from advisor.framework import default_framework
from advisor.models import Team
from decisions.export import export_zip
from decisions.models import Decision
from decisions.render.context import Snapshot
from decisions.roles import REVIEWERS_GROUP
from decisions.services import decision_approve, decision_create
from tests.conftest import BASE_ANSWERS, STEADY_ANSWERS

pytestmark = pytest.mark.django_db

FRONT_MATTER_KEYS = {"status", "date", "decision-makers", "consulted", "informed", "review-by"}


@pytest.fixture
def payments():
    return Team.objects.create(name="Payments", slug="payments")


@pytest.fixture
def alice(django_user_model, payments):
    user = django_user_model.objects.create_user(
        username="alice", first_name="Alice", last_name="Architect"
    )
    payments.members.add(user)
    return user


@pytest.fixture
def bob(django_user_model, payments):
    user = django_user_model.objects.create_user(username="bob")
    payments.members.add(user)
    return user


@pytest.fixture
def charlie(django_user_model):
    user = django_user_model.objects.create_user(username="charlie")
    Team.objects.create(name="Search", slug="search").members.add(user)
    return user


@pytest.fixture
def reviewer(django_user_model):
    user = django_user_model.objects.create_user(username="rita")
    user.groups.add(Group.objects.get_or_create(name=REVIEWERS_GROUP)[0])
    return user


def _create(author, title: str, status: str = "proposed", **fields: Any) -> Decision:
    framework = default_framework()
    answers = fields.pop("answers", BASE_ANSWERS)
    return decision_create(
        author=author,
        assessment=None,
        snapshot=Snapshot.capture(framework, evaluate_raw(framework, answers)),
        title=title,
        context=f"{title} needs a home.",
        drivers=["Spiky traffic"],
        decision_makers=["Alice Architect"],
        consulted=["Security"],
        informed=[],
        team=author.teams.first(),
        status=status,
        **fields,
    )


@pytest.fixture
def superseded_pair(alice, reviewer) -> tuple[Decision, Decision]:
    old = decision_approve(decision=_create(alice, "Use serverless for Orders"), actor=reviewer)
    new = _create(alice, "Use containers for Orders", answers=STEADY_ANSWERS, replaces=old)
    new = decision_approve(decision=new, actor=reviewer)
    old.refresh_from_db()
    return old, new


def _files(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def _split(markdown: str) -> tuple[dict[str, Any], str]:
    assert markdown.startswith("---\n")
    front, body = markdown[4:].split("\n---\n", 1)
    return yaml.safe_load(front), body


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_writes_one_numbered_file_per_decision_and_an_index(alice, superseded_pair):
    _create(alice, "Use hybrid for Search", status="draft")

    files = _files(export_zip(Decision.objects.all()))

    assert list(files) == [
        "decisions/0001-use-serverless-for-orders.md",
        "decisions/0002-use-containers-for-orders.md",
        "decisions/0003-use-hybrid-for-search.md",
        "decisions/README.md",
    ]


def test_it_writes_madr_front_matter_that_matches_each_decision(alice, superseded_pair):
    _create(alice, "Use hybrid for Search", status="draft")

    files = _files(export_zip(Decision.objects.all()))

    for decision in Decision.objects.all():
        front, body = _split(files[f"decisions/{decision.filename_stem}.md"])
        assert set(front) >= FRONT_MATTER_KEYS
        assert front["status"] == decision.status
        assert front["date"] == decision.decided_on
        assert front["decision-makers"] == ["Alice Architect"]
        assert front["consulted"] == ["Security"]
        assert body.startswith(f"\n# {decision.adr_id}: {decision.title}\n")
        assert "## Decision Outcome" in body


def test_it_links_a_superseded_pair_both_ways(superseded_pair):
    old, new = superseded_pair

    files = _files(export_zip(Decision.objects.all()))

    old_front, _ = _split(files["decisions/0001-use-serverless-for-orders.md"])
    new_front, _ = _split(files["decisions/0002-use-containers-for-orders.md"])
    assert old_front["status"] == "superseded"
    assert old_front["superseded-by"] == "0002-use-containers-for-orders.md"
    assert "supersedes" not in old_front
    assert new_front["status"] == "accepted"
    assert new_front["supersedes"] == "0001-use-serverless-for-orders.md"
    assert "superseded-by" not in new_front


def test_it_leaves_lifecycle_keys_out_when_there_are_no_links(alice):
    _create(alice, "Use serverless for Orders")

    files = _files(export_zip(Decision.objects.all()))

    front, _ = _split(files["decisions/0001-use-serverless-for-orders.md"])
    assert set(front) == FRONT_MATTER_KEYS


def test_it_lists_every_decision_in_the_index(superseded_pair):
    files = _files(export_zip(Decision.objects.all()))

    index = files["decisions/README.md"]
    assert index.startswith("# Architecture Decision Records\n\n")
    assert index.count("\n# ") == 0
    assert (
        "| 0001 | [Use serverless for Orders](0001-use-serverless-for-orders.md) "
        "| Superseded by [ADR-0002](0002-use-containers-for-orders.md) |"
    ) in index
    row = "| 0002 | [Use containers for Orders](0002-use-containers-for-orders.md) | Accepted |"
    assert row in index


def test_it_escapes_titles_that_would_break_the_index_table(alice):
    _create(alice, "Use [pipes] | and *stars* for Orders")

    index = _files(export_zip(Decision.objects.all()))["decisions/README.md"]

    row = next(line for line in index.splitlines() if line.startswith("| 0001 "))
    assert r"[Use \[pipes\] \| and \*stars\* for Orders]" in row
    assert row.replace(r"\|", "").count("|") == 5


def test_it_writes_an_index_for_an_empty_export():
    files = _files(export_zip([]))

    assert list(files) == ["decisions/README.md"]
    assert "No decisions have been recorded yet." in files["decisions/README.md"]


def test_it_produces_the_same_bytes_for_the_same_data(superseded_pair):
    first = export_zip(Decision.objects.all())
    second = export_zip(list(reversed(Decision.objects.all())))

    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_it_serves_the_export_as_a_zip_attachment(alice):
    _create(alice, "Use serverless for Orders")

    response = _client(alice).get(reverse("decisions_export"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="decisions.zip"'
    assert "decisions/0001-use-serverless-for-orders.md" in _files(response.content)


def test_it_leaves_other_teams_drafts_out_of_a_users_export(alice, bob, charlie):
    _create(alice, "Use serverless for Orders", status="draft")
    _create(alice, "Use containers for Billing")

    def names(user) -> set[str]:
        return set(_files(_client(user).get(reverse("decisions_export")).content))

    assert "decisions/0001-use-serverless-for-orders.md" in names(alice)
    assert "decisions/0001-use-serverless-for-orders.md" in names(bob)
    assert names(charlie) == {
        "decisions/0002-use-containers-for-billing.md",
        "decisions/README.md",
    }


def test_it_sends_anonymous_visitors_to_the_login_page(alice):
    _create(alice, "Use serverless for Orders")

    response = Client().get(reverse("decisions_export"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_refuses_a_post(alice):
    assert _client(alice).post(reverse("decisions_export")).status_code == 405


def test_it_writes_a_zip_at_the_output_path_without_drafts(alice, tmp_path):
    _create(alice, "Use serverless for Orders", status="draft")
    _create(alice, "Use containers for Billing")
    output = tmp_path / "adr.zip"

    call_command("export_decisions", "--output", str(output), stdout=io.StringIO())

    assert set(_files(output.read_bytes())) == {
        "decisions/0002-use-containers-for-billing.md",
        "decisions/README.md",
    }


def test_it_includes_drafts_when_asked(alice, tmp_path):
    _create(alice, "Use serverless for Orders", status="draft")
    output = tmp_path / "adr.zip"

    call_command(
        "export_decisions", "--output", str(output), "--include-drafts", stdout=io.StringIO()
    )

    assert "decisions/0001-use-serverless-for-orders.md" in _files(output.read_bytes())


def test_it_writes_to_decisions_zip_by_default(alice, tmp_path, monkeypatch):
    _create(alice, "Use serverless for Orders")
    monkeypatch.chdir(tmp_path)

    call_command("export_decisions", stdout=io.StringIO())

    assert (tmp_path / "decisions.zip").read_bytes() == export_zip(Decision.objects.all())


def test_it_writes_the_zip_to_standard_output(alice, capsysbinary):
    _create(alice, "Use serverless for Orders")

    call_command("export_decisions", "--output", "-")

    assert capsysbinary.readouterr().out == export_zip(Decision.objects.all())


def test_it_reports_an_unwritable_output_in_one_line(tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("export_decisions", "--output", str(tmp_path / "missing" / "adr.zip"))

    assert "\n" not in str(error.value)
    assert "cannot be written" in str(error.value)
