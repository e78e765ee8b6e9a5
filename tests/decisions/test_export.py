"""Exporting decisions as a zip of ADR files: each flavour's layout and contents, who sees what
in it (alice and bob of Payments, charlie of Search, anonymous visitors), and the CLI. What the
tools themselves read from these files is in test_export_tools.py."""

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
from decisions.export import FLAVOURS, export_zip, nygard_sections
from decisions.models import Decision, DecisionLink
from decisions.render.context import Snapshot
from decisions.roles import REVIEWERS_GROUP
from decisions.services import decision_approve, decision_create
from tests.conftest import BASE_ANSWERS, STEADY_ANSWERS

pytestmark = pytest.mark.django_db

FRONT_MATTER_KEYS = {"status", "date", "decision-makers", "consulted", "informed", "review-by"}
MADR = "docs/decisions"
OLD = "0001-use-serverless-for-orders.md"
NEW = "0002-use-containers-for-orders.md"


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


def _free_form(author, title: str, body: str, status: str = "proposed", **fields: Any) -> Decision:
    return decision_create(
        author=author,
        assessment=None,
        snapshot=None,
        title=title,
        context=f"{title} needs an answer.",
        drivers=[],
        decision_makers=["Alice Architect", "Bob Builder"],
        consulted=[],
        informed=["Operations"],
        team=author.teams.first(),
        status=status,
        body=body,
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


# --- MADR, the default --------------------------------------------------------------------


def test_it_writes_one_numbered_file_per_decision_and_an_index(alice, superseded_pair):
    _create(alice, "Use hybrid for Search", status="draft")

    files = _files(export_zip(Decision.objects.all()))

    assert list(files) == [
        f"{MADR}/{OLD}",
        f"{MADR}/{NEW}",
        f"{MADR}/0003-use-hybrid-for-search.md",
        f"{MADR}/index.md",
    ]


def test_it_writes_madr_front_matter_that_matches_each_decision(alice, superseded_pair):
    _create(alice, "Use hybrid for Search", status="draft")

    files = _files(export_zip(Decision.objects.all()))

    for decision in Decision.objects.exclude(status="superseded"):
        front, body = _split(files[f"{MADR}/{decision.filename_stem}.md"])
        assert set(front) >= FRONT_MATTER_KEYS
        assert front["status"] == decision.status
        assert front["date"] == decision.decided_on
        assert front["decision-makers"] == ["Alice Architect"]
        assert front["consulted"] == ["Security"]
        assert body.startswith(f"\n# {decision.adr_id}: {decision.title}\n")
        assert "## Decision Outcome" in body


def test_it_writes_supersession_in_the_status_as_madr_does(superseded_pair):
    files = _files(export_zip(Decision.objects.all()))

    old_front, old_body = _split(files[f"{MADR}/{OLD}"])
    new_front, new_body = _split(files[f"{MADR}/{NEW}"])
    assert old_front["status"] == "superseded by ADR-0002"
    assert new_front["status"] == "accepted"
    assert set(old_front) == set(new_front) == FRONT_MATTER_KEYS
    assert f"- Superseded by [ADR-0002: Use containers for Orders]({NEW})" in old_body
    assert f"- Supersedes [ADR-0001: Use serverless for Orders]({OLD})" in new_body


def test_it_leaves_lifecycle_keys_out_when_there_are_no_links(alice):
    _create(alice, "Use serverless for Orders")

    files = _files(export_zip(Decision.objects.all()))

    front, body = _split(files[f"{MADR}/{OLD}"])
    assert set(front) == FRONT_MATTER_KEYS
    assert "Related Decisions" not in body


def test_it_lists_every_decision_in_the_index(superseded_pair):
    files = _files(export_zip(Decision.objects.all()))

    index = files[f"{MADR}/index.md"]
    assert index.startswith("# Architecture Decision Records\n\n")
    assert index.count("\n# ") == 0
    assert (
        f"| 0001 | [Use serverless for Orders]({OLD}) | Superseded by [ADR-0002]({NEW}) |"
    ) in index
    assert f"| 0002 | [Use containers for Orders]({NEW}) | Accepted |" in index


def test_it_escapes_titles_that_would_break_the_index_table(alice):
    _create(alice, "Use [pipes] | and *stars* for Orders")

    index = _files(export_zip(Decision.objects.all()))[f"{MADR}/index.md"]

    row = next(line for line in index.splitlines() if line.startswith("| 0001 "))
    assert r"[Use \[pipes\] \| and \*stars\* for Orders]" in row
    assert row.replace(r"\|", "").count("|") == 5


# --- what every flavour carries -----------------------------------------------------------


def _link(flavour: str, label: str, number: int, title: str) -> str:
    """A link line as the flavour writes it: a bullet in the body, or adr-tools' status line."""
    filename = {1: OLD, 2: NEW}[number]
    if flavour == "nygard":
        return f"{label} [{number}. {title}]({filename})"
    return f"- {label} [ADR-{number:04d}: {title}]({filename})"


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_it_links_a_superseded_pair_both_ways(flavour, superseded_pair):
    folder = FLAVOURS[flavour].folder

    files = _files(export_zip(Decision.objects.all(), flavour))

    old, new = files[f"{folder}/{OLD}"].splitlines(), files[f"{folder}/{NEW}"].splitlines()
    assert _link(flavour, "Superseded by", 2, "Use containers for Orders") in old
    assert _link(flavour, "Supersedes", 1, "Use serverless for Orders") in new


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_it_carries_tags_and_the_other_links_both_ways(flavour, alice):
    first = _create(alice, "Use serverless for Orders", tags=["orders", "compute"])
    second = _free_form(alice, "Use containers for Orders", "## Decision Outcome\n\nYes.")
    DecisionLink.objects.create(source=first, target=second, kind=DecisionLink.Kind.DEPENDS_ON)
    folder = FLAVOURS[flavour].folder

    files = _files(export_zip(Decision.objects.all(), flavour))

    tagged, needed = files[f"{folder}/{OLD}"].splitlines(), files[f"{folder}/{NEW}"].splitlines()
    assert _link(flavour, "Depends on", 2, "Use containers for Orders") in tagged
    assert _link(flavour, "Needed by", 1, "Use serverless for Orders") in needed
    tags = {
        "madr": 'tags: ["compute", "orders"]',
        "log4brains": "- Tags: compute, orders",
        "nygard": "Tags: compute, orders",
    }
    assert tags[flavour] in tagged


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_it_leaves_out_links_to_decisions_not_in_the_archive(flavour, alice, charlie):
    shown = _create(alice, "Use serverless for Orders")
    hidden = _create(charlie, "Use a secret plan for Search", status="draft")
    DecisionLink.objects.create(source=shown, target=hidden, kind=DecisionLink.Kind.RELATES_TO)

    files = _files(export_zip(Decision.objects.exclude(status="draft"), flavour))

    assert not any("secret plan" in text for text in files.values())


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_it_writes_an_index_for_an_empty_export(flavour):
    layout = FLAVOURS[flavour]

    files = _files(export_zip([], flavour))

    assert set(files) == {f"{layout.folder}/{layout.index}", *layout.root_files()}
    assert "No decisions have been recorded yet." in files[f"{layout.folder}/{layout.index}"]


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_it_produces_the_same_bytes_for_the_same_data(flavour, superseded_pair):
    first = export_zip(Decision.objects.all(), flavour)
    second = export_zip(list(reversed(Decision.objects.all())), flavour)

    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert archive.namelist() == sorted(archive.namelist())


# --- log4brains -----------------------------------------------------------------------------


def test_it_writes_log4brains_bullets_under_the_title(superseded_pair):
    old, new = superseded_pair

    files = _files(export_zip(Decision.objects.all(), "log4brains"))

    lines = files[f"docs/adr/{OLD}"].splitlines()
    assert lines[:8] == [
        "# Use serverless for Orders",
        "",
        # log4brains takes the superseding record's slug from the link's text.
        f"- Status: superseded by [{NEW.removesuffix('.md')}]({NEW})",
        f"- Date: {old.decided_on.isoformat()}",
        "- Deciders: Alice Architect",
        "- Consulted: Security",
        "",
        "## Context and Problem Statement",
    ]
    assert files[f"docs/adr/{NEW}"].splitlines()[2] == "- Status: accepted"
    assert "---" not in files[f"docs/adr/{NEW}"].splitlines()[:3]


def test_it_writes_the_log4brains_configuration_at_the_root(settings):
    settings.TIME_ZONE = "Europe/Paris"

    config = yaml.safe_load(_files(export_zip([], "log4brains"))[".log4brains.yml"])

    assert config == {
        "project": {
            "name": "Architecture decisions",
            "tz": "Europe/Paris",
            "adrFolder": "./docs/adr",
        }
    }


# --- Nygard, as adr-tools writes it ----------------------------------------------------------


def test_it_writes_the_nygard_title_date_and_status_as_adr_tools_and_pyadr_read_them(
    superseded_pair,
):
    old, new = superseded_pair

    files = _files(export_zip(Decision.objects.all(), "nygard"))

    assert files[".adr-dir"] == "doc/adr\n"
    assert files[".adr"] == "[adr]\nrecords-dir = doc/adr\n"
    assert "doc/adr/index.md" in files
    assert files[f"doc/adr/{OLD}"].splitlines()[:21] == [
        "# Use serverless for Orders",
        "",
        "<!-- For pyadr:",
        "* Status: superseded by ADR-0002",
        f"* Date: {old.decided_on.isoformat()}",
        "-->",
        "",
        f"Date: {old.decided_on.isoformat()}",
        "",
        "Deciders: Alice Architect",
        "",
        "Consulted: Security",
        "",
        "## Status",
        "",
        "Superseded",
        "",
        f"Superseded by [2. Use containers for Orders]({NEW})",
        "",
        "## Context",
        "",
    ]


@pytest.mark.parametrize(
    ("title", "filename"),
    [
        ("Use *Lambda* & SQS for <orders>", "0001-use-lambda-sqs-for-orders.md"),
        ("Café: straße über 漢字", "0001-cafe-strasse-uber-han-zi.md"),
        ("keep_snake_case names", "0001-keep-snake-case-names.md"),
        ("!!!", "0001-decision.md"),
        ("漢" * 200, f"0001-{'-'.join(['han'] * 50)}.md"),
    ],
)
def test_nygard_file_names_are_the_slug_pyadr_expects_of_the_whole_title(alice, title, filename):
    _create(alice, title)

    files = _files(export_zip(Decision.objects.all(), "nygard"))

    assert f"doc/adr/{filename}" in files


def test_it_keeps_every_madr_section_under_context_decision_and_consequences(alice):
    _create(alice, "Use serverless for Orders")
    madr = _files(export_zip(Decision.objects.all()))[f"{MADR}/{OLD}"]

    nygard = _files(export_zip(Decision.objects.all(), "nygard"))[f"doc/adr/{OLD}"]

    headings = [line for line in nygard.splitlines() if line.startswith("#")]
    assert [h for h in headings if h.startswith("## ")] == [
        "## Status",
        "## Context",
        "## Decision",
        "## Consequences",
    ]
    assert headings[headings.index("## Context") + 1 : headings.index("## Decision")] == [
        "### Decision Drivers",
        "### Considered Options",
    ]
    assert "### Confirmation" in headings[headings.index("## Consequences") :]
    # Nothing is lost: every other line of the MADR body is in the Nygard file, in some section.
    body = madr.split("\n## Context and Problem Statement\n", 1)[1]
    kept = set(nygard.splitlines())
    assert [
        line for line in body.splitlines() if line and not line.startswith("#") and line not in kept
    ] == []


def test_it_regroups_a_free_form_body_by_the_headings_a_parser_finds():
    sections = [
        "## Context and Problem Statement",
        "",
        "Why.",
        "",
        "## Considered Options",
        "",
        "```text",
        "## not a heading",
        "```",
        "",
        "Decision Outcome",
        "----------------",
        "",
        "Chosen option: A.",
        "",
        "### Consequences",
        "",
        "- Good, because quick.",
        "",
        "### Fine Print",
        "",
        "Small.",
        "",
        "## Rollback Plan",
        "",
        "#### Steps",
        "",
        "Undo.",
    ]

    assert nygard_sections(sections) == [
        (
            "Context",
            ["Why.", "", "### Considered Options", "", "```text", "## not a heading", "```"],
        ),
        (
            "Decision",
            [
                "Chosen option: A.",
                "",
                "### Fine Print",
                "",
                "Small.",
                "",
                "### Rollback Plan",
                "",
                "##### Steps",
                "",
                "Undo.",
            ],
        ),
        ("Consequences", ["- Good, because quick."]),
    ]


# --- the portal -----------------------------------------------------------------------------


def test_it_serves_the_export_as_a_zip_attachment(alice):
    _create(alice, "Use serverless for Orders")

    response = _client(alice).get(reverse("decisions_export"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="decisions.zip"'
    assert f"{MADR}/{OLD}" in _files(response.content)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_it_serves_the_flavour_asked_for(flavour, alice):
    _create(alice, "Use serverless for Orders")

    response = _client(alice).get(reverse("decisions_export"), {"flavour": flavour})

    assert response.content == export_zip(Decision.objects.all(), flavour)


def test_it_refuses_an_unknown_flavour(alice):
    response = _client(alice).get(reverse("decisions_export"), {"flavour": "structurizr"})

    assert response.status_code == 400
    assert (
        response.content.decode()
        == "Unknown export format; choose one of madr, log4brains, nygard."
    )


def test_it_leaves_drafts_out_unless_asked_and_other_teams_drafts_always(alice, bob, charlie):
    _create(alice, "Use serverless for Orders", status="draft")
    _create(alice, "Use containers for Billing")
    draft = f"{MADR}/{OLD}"

    def names(user, **query: str) -> set[str]:
        return set(_files(_client(user).get(reverse("decisions_export"), query).content))

    assert draft not in names(alice)
    assert draft in names(alice, drafts="1")
    assert draft in names(bob, drafts="1")
    assert names(charlie, drafts="1") == {
        f"{MADR}/0002-use-containers-for-billing.md",
        f"{MADR}/index.md",
    }


def test_the_decision_log_offers_every_flavour_and_the_drafts(alice):
    page = _client(alice).get(reverse("decision_list")).content.decode()

    assert f'action="{reverse("decisions_export")}"' in page
    for flavour in FLAVOURS:
        assert f'<option value="{flavour}"' in page
    assert 'name="drafts"' in page


def test_it_sends_anonymous_visitors_to_the_login_page(alice):
    _create(alice, "Use serverless for Orders")

    response = Client().get(reverse("decisions_export"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_refuses_a_post(alice):
    assert _client(alice).post(reverse("decisions_export")).status_code == 405


# --- the command ----------------------------------------------------------------------------


def test_it_writes_a_zip_at_the_output_path_without_drafts(alice, tmp_path):
    _create(alice, "Use serverless for Orders", status="draft")
    _create(alice, "Use containers for Billing")
    output = tmp_path / "adr.zip"

    call_command("export_decisions", "--output", str(output), stdout=io.StringIO())

    assert set(_files(output.read_bytes())) == {
        f"{MADR}/0002-use-containers-for-billing.md",
        f"{MADR}/index.md",
    }


def test_it_includes_drafts_when_asked(alice, tmp_path):
    _create(alice, "Use serverless for Orders", status="draft")
    output = tmp_path / "adr.zip"

    call_command(
        "export_decisions", "--output", str(output), "--include-drafts", stdout=io.StringIO()
    )

    assert f"{MADR}/{OLD}" in _files(output.read_bytes())


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_it_writes_the_flavour_asked_for(flavour, alice, tmp_path):
    _create(alice, "Use serverless for Orders")
    output = tmp_path / "adr.zip"

    call_command(
        "export_decisions", "--flavour", flavour, "--output", str(output), stdout=io.StringIO()
    )

    assert output.read_bytes() == export_zip(Decision.objects.all(), flavour)


def test_it_names_the_flavours_when_given_another(tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("export_decisions", "--flavour", "structurizr")

    assert "'madr', 'log4brains', 'nygard'" in str(error.value)


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
