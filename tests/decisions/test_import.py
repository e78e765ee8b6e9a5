"""Importing ADRs: files written by adr-tools, MADR 2, 3 and 4 and log4brains, read one by one
and imported as a set (a folder or a zip, from the command line or the staff page), all or
nothing; and a round trip through this portal's own export."""

from __future__ import annotations

import datetime as dt
import io
import stat
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from decisions.adr_files import MAX_FILES, MAX_ZIP_BYTES, read_folder, read_zip
from decisions.adr_import import AdrFileError, ImportRefused, map_status, parse_adr
from decisions.export import export_zip
from decisions.models import (
    AuditEntry,
    Decision,
    DecisionLink,
    DecisionSequence,
    Revision,
    Tag,
)
from decisions.services import decision_approve, decision_create, imported_link
from tests.decisions.conftest import make_decision

Status = Decision.Status

# -- one file in each format ----------------------------------------------------------------------

NYGARD = """# 1. Record architecture decisions

Date: 2019-03-04

## Status

Accepted

## Context

We need to record the architectural decisions made on this project.

## Decision

We will use Architecture Decision Records, as described by Michael Nygard.

## Consequences

See Michael Nygard's article, linked above.
"""

NYGARD_SUPERSEDED = """# 2. Use PostgreSQL

Date: 2019-04-01

## Status

Superseded by [4. Use hosted PostgreSQL](0004-use-hosted-postgresql.md)

Amends [1. Record architecture decisions](0001-record-architecture-decisions.md)

## Context

We need a relational database.
It has to be *open source*.

## Decision

We will run PostgreSQL ourselves:

```sh
# this comment is code, not a heading
apt-get install postgresql
```

## Consequences

Someone has to patch it.
"""

MADR_2 = """# Use Markdown Any Decision Records

* Status: accepted
* Deciders: Ann Architect, Ben Builder
* Date: 2019-05-06

Technical Story: the team keeps forgetting why things are the way they are.

## Context and Problem Statement

Which format and structure should these records follow?

## Decision Drivers <!-- optional -->

* easy to write
* diffs that read
  well in review

## Considered Options

* MADR
* Nygard's format

## Decision Outcome

Chosen option: "MADR", because it has sections for the options.

## Links

* Relates to [ADR-0001](0001-record-architecture-decisions.md)
* Refined by [ADR-0005](0005-cache-sessions-in-redis.md)
"""

MADR_3 = """---
status: accepted
date: 2020-02-03
deciders: [Ann Architect]
consulted: [DBA team]
informed: [Everyone]
---
# Use hosted PostgreSQL

## Context and Problem Statement

Patching our own database costs a day a month.

## Considered Options

* Hosted PostgreSQL
* Keep running it

## Decision Outcome

Chosen option: "Hosted PostgreSQL".
"""

MADR_4 = """---
status: "proposed"
date: 2024-06-30
decision-makers:
  - Cleo Coder
consulted: []
informed: ["Operations"]
---

# Cache sessions in Redis

## Context and Problem Statement

Sessions in the database slow every page.

## Decision Drivers

* page time under 100 ms

## Decision Outcome

Chosen option: Redis.

### Consequences

* Good, because pages are faster.
"""

LOG4BRAINS = """# Adopt log4brains

- Status: accepted
- Deciders: Cleo Coder, Dan Dev
- Date: 2021-07-04
- Tags: docs, tooling

## Context and Problem Statement

Nobody reads ADRs in a folder of Markdown files.

## Decision Outcome

Publish them with log4brains.
"""

FORMATS = {
    "docs/adr/0001-record-architecture-decisions.md": NYGARD,
    "docs/adr/0002-use-postgresql.md": NYGARD_SUPERSEDED,
    "docs/adr/0003-use-markdown-any-decision-records.md": MADR_2,
    "docs/adr/0004-use-hosted-postgresql.md": MADR_3,
    "docs/adr/0005-cache-sessions-in-redis.md": MADR_4,
    "docs/adr/20210704-adopt-log4brains.md": LOG4BRAINS,
    # Not decisions: skipped.
    "docs/adr/README.md": "# Decisions\n",
    "docs/adr/index.md": "# Index\n",
    "docs/adr/template.md": "# [short title]\n",
    "docs/adr/adr-template.md": "# {short title}\n",
}


def _parse(path: str, text: str | bytes):
    return parse_adr(path, text.encode() if isinstance(text, str) else text)


def _write(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    return root


def _zip(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


# -- reading one file (no database) ---------------------------------------------------------------


def test_it_reads_an_adr_tools_file():
    adr = _parse("docs/adr/0001-record-architecture-decisions.md", NYGARD)

    assert (adr.number, adr.title, adr.status) == (1, "Record architecture decisions", "accepted")
    assert adr.date == dt.date(2019, 3, 4)
    assert adr.context == "We need to record the architectural decisions made on this project."
    assert adr.body.startswith("## Decision\n\nWe will use Architecture Decision Records")
    assert adr.body.endswith("## Consequences\n\nSee Michael Nygard's article, linked above.")
    assert "## Status" not in adr.body and "Date:" not in adr.body
    assert adr.links == [] and adr.unknown_status is None and adr.warnings == []


def test_it_reads_the_links_in_an_adr_tools_status_section_and_leaves_code_alone():
    adr = _parse("docs/adr/0002-use-postgresql.md", NYGARD_SUPERSEDED)

    assert adr.status == "superseded"
    assert [(link.kind, link.path, link.number, link.line) for link in adr.links] == [
        ("amends", "docs/adr/0001-record-architecture-decisions.md", 1, 9),
        ("superseded_by", "docs/adr/0004-use-hosted-postgresql.md", 4, 7),
    ]
    assert adr.context == "We need a relational database.\nIt has to be *open source*."
    assert "# this comment is code, not a heading\n" in adr.body


@pytest.mark.django_db
def test_it_reads_its_own_nygard_export_without_the_lines_kept_for_pyadr(alice, rita, team):
    old = decision_approve(decision=make_decision(alice, team), actor=rita)
    new = make_decision(alice, team, replaces=old, title="Use containers for Orders")
    decision_approve(decision=new, actor=rita)
    with zipfile.ZipFile(io.BytesIO(export_zip(Decision.objects.all(), "nygard"))) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}

    adr = _parse(
        "doc/adr/0001-use-serverless-for-orders.md",
        files["doc/adr/0001-use-serverless-for-orders.md"],
    )

    assert (adr.number, adr.title, adr.status) == (1, old.title, "superseded")
    assert adr.date == old.decided_on
    assert [(link.kind, link.number) for link in adr.links] == [("superseded_by", new.number)]
    assert "<!--" not in adr.body and "-->" not in adr.body and "pyadr" not in adr.body
    assert adr.warnings == []


def test_it_reads_madr_2_bullets():
    adr = _parse("docs/adr/0003-use-markdown-any-decision-records.md", MADR_2)

    assert (adr.number, adr.status, adr.date) == (3, "accepted", dt.date(2019, 5, 6))
    assert adr.decision_makers == ["Ann Architect", "Ben Builder"]
    assert adr.drivers == ["easy to write", "diffs that read well in review"]
    assert adr.body.startswith("Technical Story: the team keeps forgetting")
    assert "## Considered Options" in adr.body and "## Links" not in adr.body
    assert [(link.kind, link.number) for link in adr.links] == [
        ("relates_to", 1),
        ("relates_to", 5),
    ]
    assert [(w.line, w.message) for w in adr.warnings] == [
        (31, "'refined by' is not a kind of link here; imported as 'relates to'")
    ]


def test_it_reads_madr_3_front_matter():
    adr = _parse("0004-use-hosted-postgresql.md", MADR_3)

    assert (adr.title, adr.status, adr.date) == (
        "Use hosted PostgreSQL",
        "accepted",
        dt.date(2020, 2, 3),
    )
    assert (adr.decision_makers, adr.consulted, adr.informed) == (
        ["Ann Architect"],
        ["DBA team"],
        ["Everyone"],
    )
    assert adr.context == "Patching our own database costs a day a month."
    assert adr.body.startswith("## Considered Options")


def test_it_reads_madr_4_front_matter():
    adr = _parse("0005-cache-sessions-in-redis.md", MADR_4)

    assert (adr.number, adr.status, adr.date) == (5, "proposed", dt.date(2024, 6, 30))
    assert (adr.decision_makers, adr.consulted, adr.informed) == (
        ["Cleo Coder"],
        [],
        ["Operations"],
    )
    assert adr.drivers == ["page time under 100 ms"]
    assert adr.body == (
        "## Decision Outcome\n\nChosen option: Redis.\n\n### Consequences\n\n"
        "* Good, because pages are faster."
    )


def test_it_reads_a_log4brains_file_dated_by_its_name():
    adr = _parse("20210704-adopt-log4brains.md", LOG4BRAINS.replace("- Date: 2021-07-04\n", ""))

    assert (adr.number, adr.slug, adr.date) == (None, "adopt-log4brains", dt.date(2021, 7, 4))
    assert adr.decision_makers == ["Cleo Coder", "Dan Dev"]
    assert adr.tags == ["docs", "tooling"]
    assert adr.body == "## Decision Outcome\n\nPublish them with log4brains."


def test_it_reads_a_supersede_link_written_in_the_status_as_madr_writes_it():
    text = '---\nstatus: "superseded by ADR-0012"\ndate: 2020-01-01\n---\n\n# ADR-0003: Old\n'

    adr = _parse("decisions/0003-old.md", text)

    assert (adr.number, adr.title, adr.status) == (3, "Old", "superseded")
    assert [(link.kind, link.path, link.number, link.line) for link in adr.links] == [
        ("superseded_by", "", 12, 2)
    ]


@pytest.mark.parametrize(
    ("raw", "status", "known"),
    [
        ("Accepted", "accepted", True),
        ("**Proposed**", "proposed", True),
        ("rejected", "rejected", True),
        ("Deprecated (2021-01-01)", "deprecated", True),
        ("superseded by [ADR-0005](0005-example.md)", "superseded", True),
        ("draft", "draft", True),
        ("Trial", "proposed", False),
        ("", "proposed", False),
    ],
)
def test_it_maps_status_words_to_the_lifecycle(raw, status, known):
    assert map_status(raw) == (status, known)


def test_it_keeps_an_unknown_status_and_says_where_it_was():
    adr = _parse("0007-x.md", "# 7. Try Kafka\n\nDate: 2020-01-01\n\n## Status\n\nTrial\n")

    assert (adr.status, adr.raw_status) == ("proposed", "Trial")
    assert adr.unknown_status is not None
    assert str(adr.unknown_status) == (
        "0007-x.md, line 7: status 'Trial' is not one this portal knows; imported as proposed"
    )


def test_it_leaves_the_date_empty_when_nothing_gives_one():
    adr = _parse("0007-x.md", "# 7. Try Kafka\n\n## Status\n\nAccepted\n")

    assert adr.date is None


def test_it_refuses_a_file_without_a_title():
    text = "---\nstatus: accepted\n---\n\n## Context\n\n```\n# not a title\n```\n"

    with pytest.raises(AdrFileError) as error:
        _parse("docs/0009-nothing.md", text)

    assert str(error.value) == (
        "docs/0009-nothing.md, line 4: has no title: no line starting with '# ' outside code"
    )


def test_it_refuses_bytes_that_are_not_utf_8():
    with pytest.raises(AdrFileError) as error:
        _parse("0001-cafe.md", b"# 1. Caf\n\n## Context\n\nIn the caf\xe9.\n")

    assert str(error.value) == (
        "0001-cafe.md, line 5: is not UTF-8 text (byte 0xe9); save the file as UTF-8"
    )


def test_it_refuses_broken_front_matter_with_the_files_line():
    with pytest.raises(AdrFileError) as error:
        _parse("0001-x.md", "---\nstatus: accepted\ndate: [2020-01-01\n---\n# X\n")

    assert str(error.value).startswith("0001-x.md, line 3: the front matter is not valid YAML")


def test_it_refuses_yaml_aliases_in_front_matter():
    with pytest.raises(AdrFileError, match="anchor or alias"):
        _parse("0001-x.md", "---\nstatus: &s accepted\nnote: *s\n---\n# X\n")


def test_it_leaves_out_front_matter_values_of_the_wrong_shape_and_says_so():
    adr = _parse("0001-x.md", "---\nstatus: accepted\ndeciders: {a: 1}\ndate: soon\n---\n# X\n")

    assert adr.decision_makers == [] and adr.date is None
    assert [(w.line, w.message) for w in adr.warnings] == [
        (3, "'deciders' must be a name or a list of names; left out"),
        (4, "'date' 'soon' is not a date written as YYYY-MM-DD; left out"),
    ]


# -- finding the files -----------------------------------------------------------------------------


def test_it_finds_every_adr_in_a_folder_and_skips_indexes_and_templates(tmp_path):
    _write(tmp_path, {**FORMATS, ".git/0001-hidden.md": "# Hidden\n", "notes.txt": "x"})

    found = [source.path for source in read_folder(tmp_path)]

    assert found == [
        "docs/adr/0001-record-architecture-decisions.md",
        "docs/adr/0002-use-postgresql.md",
        "docs/adr/0003-use-markdown-any-decision-records.md",
        "docs/adr/0004-use-hosted-postgresql.md",
        "docs/adr/0005-cache-sessions-in-redis.md",
        "docs/adr/20210704-adopt-log4brains.md",
    ]


@pytest.mark.parametrize(
    "name",
    ["../0001-escape.md", "docs/../../0001-escape.md", "/etc/0001-absolute.md", "C:/0001-x.md"],
)
def test_it_refuses_a_zip_with_paths_that_leave_the_archive(name):
    with pytest.raises(ImportRefused) as error:
        read_zip(_zip({"docs/0001-ok.md": NYGARD, name: NYGARD}))

    assert [problem.path for problem in error.value.problems] == [name]


def test_it_refuses_a_zip_holding_a_symbolic_link():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo("docs/0001-link.md")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")

    with pytest.raises(ImportRefused, match="is a symbolic link"):
        read_zip(buffer.getvalue())


def test_it_refuses_a_zip_with_too_many_files():
    files = {f"docs/{n:04d}-x.md": "# X\n" for n in range(MAX_FILES + 1)}

    with pytest.raises(ImportRefused, match=f"holds {MAX_FILES + 1:,} files"):
        read_zip(_zip(files))


def test_it_refuses_a_zip_that_unpacks_to_too_much():
    with pytest.raises(ImportRefused, match="MB of files uncompressed"):
        read_zip(_zip({"docs/0001-big.md": b"a" * (21 * 1024 * 1024)}))


def test_it_refuses_what_is_not_a_zip():
    with pytest.raises(ImportRefused, match="is not a readable zip file"):
        read_zip(b"not a zip at all")


# -- importing a set -------------------------------------------------------------------------------


def _import(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("import_decisions", str(path), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def admin(django_user_model):
    return django_user_model.objects.create_user(
        username="sam", password="pw-sam-1234", is_staff=True, is_superuser=True
    )


def _state() -> tuple:
    """Everything an import writes, to compare before and after."""
    return (
        list(Decision.objects.values_list("number", "title", "status", "superseded_by")),
        AuditEntry.objects.count(),
        Revision.objects.count(),
        DecisionLink.objects.count(),
        Tag.objects.count(),
        DecisionSequence.objects.values_list("last", flat=True).first(),
    )


@pytest.mark.django_db
def test_it_imports_a_folder_of_every_format(tmp_path, admin, team):
    out = _import(_write(tmp_path, FORMATS), "--team", "payments")

    decisions = {d.number: d for d in Decision.objects.all()}
    assert [(n, d.title, d.status, d.decided_on) for n, d in sorted(decisions.items())] == [
        (1, "Record architecture decisions", Status.ACCEPTED, dt.date(2019, 3, 4)),
        (2, "Use PostgreSQL", Status.SUPERSEDED, dt.date(2019, 4, 1)),
        (3, "Use Markdown Any Decision Records", Status.ACCEPTED, dt.date(2019, 5, 6)),
        (4, "Use hosted PostgreSQL", Status.ACCEPTED, dt.date(2020, 2, 3)),
        (5, "Cache sessions in Redis", Status.PROPOSED, dt.date(2024, 6, 30)),
        (6, "Adopt log4brains", Status.ACCEPTED, dt.date(2021, 7, 4)),
    ]
    assert all(d.team == team and d.author == admin and d.free_form for d in decisions.values())
    assert decisions[2].superseded_by == decisions[4]
    links = {
        (link.source.number, link.kind, link.target.number) for link in DecisionLink.objects.all()
    }
    assert links == {(2, "amends", 1), (3, "relates_to", 1), (3, "relates_to", 5)}
    assert decisions[3].decision_makers == ["Ann Architect", "Ben Builder"]
    assert [t.name for t in decisions[6].tags.all()] == ["docs", "tooling"]
    assert decisions[6].slug == "adopt-log4brains"
    assert decisions[1].imported_from == "docs/adr/0001-record-architecture-decisions.md"
    audit = AuditEntry.objects.get(decision=decisions[4])
    assert (audit.action, audit.to_status, audit.actor) == ("imported", "accepted", admin)
    assert audit.note == "Imported from docs/adr/0004-use-hosted-postgresql.md."
    assert decisions[4].revisions.get().note == "imported"
    assert out.startswith("Imported 6 decisions.\n\nCreated (6):\n")
    assert "docs/adr/20210704-adopt-log4brains.md: has no number; imported as ADR-0006" in out


@pytest.mark.django_db
def test_new_decisions_are_numbered_after_the_imported_ones(tmp_path, admin, alice, team):
    _import(_write(tmp_path, {"0041-x.md": NYGARD}))

    assert make_decision(alice, team).number == 42


@pytest.mark.django_db
def test_it_renumbers_duplicates_and_numbers_already_taken(tmp_path, admin, alice, team):
    make_decision(alice, team, title="Record architecture decisions")  # ADR-0001
    make_decision(alice, team, title="Something else")  # ADR-0002
    files = {
        "a/0001-record-architecture-decisions.md": NYGARD,
        "a/0002-use-postgresql.md": NYGARD_SUPERSEDED,
        "a/0003-first.md": NYGARD.replace("1. Record architecture decisions", "3. First"),
        "b/0003-second.md": NYGARD.replace("1. Record architecture decisions", "3. Second"),
    }

    out = _import(_write(tmp_path, files))

    assert "Renumbered (3):\n" in out
    assert (
        "a/0001-record-architecture-decisions.md: ADR-0001 is taken by a decision already in "
        "the portal with the same title (imported before?); imported as ADR-0004"
    ) in out
    assert (
        "a/0002-use-postgresql.md: ADR-0002 is taken by a decision already in the portal; "
        "imported as ADR-0005"
    ) in out
    assert (
        "b/0003-second.md: ADR-0003 is also the number of a/0003-first.md; imported as ADR-0006"
        in out
    )
    assert Decision.objects.get(number=3).title == "First"
    second = Decision.objects.get(number=6)
    assert second.title == "Second"
    assert second.import_note == (
        "Renumbered on import: ADR-0003 is also the number of a/0003-first.md; now ADR-0006."
    )


@pytest.mark.django_db
def test_it_reports_and_notes_unknown_statuses_broken_links_and_missing_dates(tmp_path, admin):
    trial = "# 7. Try Kafka\n\n## Status\n\nTrial\n\nSuperseded by [9. Gone](0009-gone.md)\n"

    out = _import(_write(tmp_path, {"adr/0007-try-kafka.md": trial}))

    today = timezone.localdate()
    decision = Decision.objects.get(number=7)
    assert (decision.status, decision.decided_on) == (Status.PROPOSED, today)
    assert "Unknown statuses (1):\n  adr/0007-try-kafka.md, line 5: status 'Trial'" in out
    assert (
        "Unresolved links (1):\n  adr/0007-try-kafka.md, line 7: Superseded by [9. Gone]"
        "(0009-gone.md): no file adr/0009-gone.md in the import\n"
    ) in out
    assert "Missing dates (1):\n  adr/0007-try-kafka.md, line 1: no date in the front matter" in out
    assert decision.import_note.splitlines() == [
        "Status in the source: 'Trial' (not known here; imported as proposed).",
        f"The source gives no date; dated {today}, the day of the import.",
        "Link not followed (line 7): Superseded by [9. Gone](0009-gone.md) "
        "(no file adr/0009-gone.md in the import).",
    ]


@pytest.mark.django_db
def test_it_links_to_a_decision_already_in_the_portal_by_number(tmp_path, admin, alice, team):
    existing = make_decision(alice, team)  # ADR-0001
    text = "# 5. Use queues\n\nDate: 2020-01-01\n\n## Status\n\nAccepted\n\nDepends on ADR-0001\n"

    _import(_write(tmp_path, {"0005-use-queues.md": text}))

    link = DecisionLink.objects.get()
    assert (link.source.number, link.kind, link.target) == (5, "depends_on", existing)


@pytest.mark.django_db
def test_a_dry_run_reports_the_real_import_and_changes_nothing(tmp_path, admin, team):
    folder = _write(tmp_path, FORMATS)
    before = _state()

    dry = _import(folder, "--dry-run", "--team", "payments")

    assert _state() == before
    real = _import(folder, "--team", "payments")
    assert dry.startswith("Dry run: the import would create 6 decisions. Nothing was saved.\n")
    assert real.startswith("Imported 6 decisions.\n")
    assert dry.split("\n", 1)[1].replace("Would create", "Created") == real.split("\n", 1)[1]


@pytest.mark.django_db
def test_one_unreadable_file_stops_the_whole_import(tmp_path, admin):
    files: dict[str, str | bytes] = {
        **FORMATS,
        "docs/adr/0006-latin-1.md": b"# 6. Caf\xe9\n",
        "docs/adr/0007-untitled.md": "Date: 2020-01-01\n",
    }
    before = _state()
    err = io.StringIO()

    with pytest.raises(CommandError, match="Nothing was imported: 2 problems above"):
        call_command("import_decisions", str(_write(tmp_path, files)), stderr=err)

    assert _state() == before
    assert err.getvalue().splitlines() == [
        "docs/adr/0006-latin-1.md, line 1: is not UTF-8 text (byte 0xe9); save the file as UTF-8",
        "docs/adr/0007-untitled.md, line 1: has no title: no line starting with '# ' outside code",
    ]


@pytest.mark.django_db
def test_it_imports_a_zip_and_refuses_one_that_climbs_out(tmp_path, admin):
    good = tmp_path / "good.zip"
    good.write_bytes(_zip(FORMATS))
    bad = tmp_path / "bad.zip"
    bad.write_bytes(_zip({**FORMATS, "../0009-evil.md": NYGARD}))

    with pytest.raises(CommandError):
        call_command("import_decisions", str(bad), stderr=io.StringIO())
    assert not Decision.objects.exists()
    _import(good)
    assert Decision.objects.count() == 6


@pytest.mark.django_db
def test_the_command_needs_a_known_team_and_author(tmp_path, admin, django_user_model):
    folder = _write(tmp_path, FORMATS)

    with pytest.raises(CommandError, match="No team 'nope'"):
        call_command("import_decisions", str(folder), "--team", "nope")
    with pytest.raises(CommandError, match="No user 'nobody'"):
        call_command("import_decisions", str(folder), "--author", "nobody")
    django_user_model.objects.create_user(username="root", is_superuser=True)
    with pytest.raises(CommandError, match="--author USERNAME"):
        call_command("import_decisions", str(folder))


# -- the staff page -------------------------------------------------------------------------------


def _client(user=None, **kwargs) -> Client:
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def _upload(content: bytes, name: str = "adrs.zip") -> io.BytesIO:
    upload = io.BytesIO(content)
    upload.name = name
    return upload


@pytest.mark.django_db
def test_only_staff_see_and_use_the_import_page(admin, alice, rita):
    url = reverse("decisions_import")

    assert Client().get(url).status_code == 302  # to the sign-in page
    for user in (alice, rita):
        assert _client(user).get(url).status_code == 403
        response = _client(user).post(url, {"archive": _upload(_zip(FORMATS))})
        assert response.status_code == 403
        assert url not in _client(user).get(reverse("decision_list")).content.decode()
    assert not Decision.objects.exists()
    assert _client(admin).get(url).status_code == 200
    assert f'href="{url}"' in _client(admin).get(reverse("decision_list")).content.decode()


@pytest.mark.django_db
def test_the_page_shows_a_dry_run_report_and_saves_nothing(admin, team):
    response = _client(admin).post(
        reverse("decisions_import"),
        {"archive": _upload(_zip(FORMATS)), "team": team.pk, "dry_run": "on"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Dry run: the import would create 6 decisions. Nothing was saved." in page
    assert "Would create (6)" in page
    assert "ADR-0006 Adopt log4brains (accepted) from docs/adr/20210704-adopt-log4brains.md" in page
    assert not Decision.objects.exists()


@pytest.mark.django_db
def test_the_page_imports_then_shows_the_report_once(admin, team):
    client = _client(admin)

    response = client.post(
        reverse("decisions_import"), {"archive": _upload(_zip(FORMATS)), "team": team.pk}
    )

    assert response.status_code == 302
    assert Decision.objects.filter(team=team).count() == 6
    page = client.get(response["Location"]).content.decode()
    assert "Imported 6 decisions." in page and "Created (6)" in page
    assert "Created (6)" not in client.get(reverse("decisions_import")).content.decode()
    detail = client.get(reverse("decision_detail", args=[2])).content.decode()
    assert "Imported from <code>docs/adr/0002-use-postgresql.md</code>" in detail


@pytest.mark.django_db
def test_the_page_names_the_files_it_refuses(admin):
    response = _client(admin).post(
        reverse("decisions_import"),
        {"archive": _upload(_zip({**FORMATS, "../0009-evil.md": NYGARD}))},
    )

    assert response.status_code == 422
    assert "Nothing was imported" in response.content.decode()
    assert "../0009-evil.md: climbs out of the archive with &#x27;..&#x27;" in (
        response.content.decode()
    )
    assert not Decision.objects.exists()


@pytest.mark.django_db
def test_the_page_refuses_a_file_over_the_size_limit(admin):
    response = _client(admin).post(
        reverse("decisions_import"), {"archive": _upload(b"0" * (MAX_ZIP_BYTES + 1))}
    )

    assert response.status_code == 422
    assert "a zip of ADRs may be at most 5 MB" in response.content.decode()


@pytest.mark.django_db
def test_the_page_needs_the_csrf_token(admin):
    client = _client(admin, enforce_csrf_checks=True)

    response = client.post(reverse("decisions_import"), {"archive": _upload(_zip(FORMATS))})

    assert response.status_code == 403
    assert not Decision.objects.exists()


# -- a round trip through the export ---------------------------------------------------------------


def _empty_the_portal() -> None:
    Decision.objects.update(superseded_by=None, replaces=None)
    Decision.objects.all().delete()


def _files(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


FREE_BODY = """## Considered Options

* Markdown in the repository
* A wiki

## Decision Outcome

Chosen option: "Markdown in the repository", because reviews see it.

```yaml
# a comment in code
key: value
```"""


@pytest.mark.django_db
def test_an_export_imported_into_an_empty_portal_exports_the_same_files(
    tmp_path, alice, rita, team
):
    old = decision_approve(decision=make_decision(alice, team), actor=rita)
    decision_approve(
        decision=make_decision(
            alice, team, replaces=old, title="Use containers for Orders", drivers=[]
        ),
        actor=rita,
    )
    first_free = decision_create(
        author=alice,
        assessment=None,
        snapshot=None,
        title="Keep *ADRs* in [Markdown] | text_only",
        context="Decisions get lost.\nNobody knows why.\n\n1. not a list\n\n# not a heading",
        drivers=["Readable diffs", "- not a bullet", "https://example.com/x"],
        decision_makers=["Alice Architect", "Bob"],
        consulted=["Security"],
        informed=['Everyone: "all"'],
        team=team,
        body=FREE_BODY,
        tags=["Docs", "tooling"],
    )
    second_free = decision_create(
        author=alice,
        assessment=None,
        snapshot=None,
        title="Number ADRs from one",
        context="Numbers.",
        drivers=[],
        decision_makers=[],
        consulted=[],
        informed=[],
        team=None,
        status=Status.DRAFT,
        body="## Decision Outcome\n\nStart at one.",
    )
    imported_link(source=second_free, target=first_free, kind="amends")
    archive = tmp_path / "decisions.zip"
    archive.write_bytes(export_zip(Decision.objects.all()))
    before = _files(archive.read_bytes())

    _empty_the_portal()
    _import(archive, "--author", "alice", "--team", "payments")

    exported = export_zip(Decision.objects.all())
    after = _files(exported)
    assert sorted(after) == sorted(before)
    # Questionnaire-made ADRs come back free-form (their sections as the body, their review
    # date kept), and every file is the same, byte for byte.
    for name in sorted(before):
        assert after[name] == before[name], name
    assert b"review-by: " in after["docs/decisions/0001-use-serverless-for-orders.md"]
    assert Decision.objects.get(number=1).superseded_by == Decision.objects.get(number=2)
    # From then on every file comes back byte for byte: export, import, export is a fixed point.
    archive.write_bytes(exported)
    _empty_the_portal()
    _import(archive, "--author", "alice", "--team", "payments")
    assert export_zip(Decision.objects.all()) == exported
