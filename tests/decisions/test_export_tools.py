"""The export as the tools each flavour is for read it, run for real on the unzipped archive:
log4brains 1.1.0 builds its site from the log4brains flavour, adr-tools 3.0.0 lists, indexes,
graphs and numbers the nygard flavour, pyadr 0.19.0 checks it and indexes it by status, and
markdownlint-cli2 0.22.1 finds nothing in any of them.

Where a tool is: ADR_TOOLS_BIN_DIR (the folder holding `adr`), LOG4BRAINS, PYADR and MARKDOWNLINT
(the executables), else the PATH. A missing tool skips its tests, except under CI, where it fails
them; .ci/run installs all four.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any, NoReturn

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from advisor.engine import evaluate_raw
from advisor.framework import default_framework
from advisor.models import Team
from decisions.export import FLAVOURS, export_zip
from decisions.models import Decision, DecisionLink
from decisions.render.context import Snapshot
from decisions.roles import REVIEWERS_GROUP
from decisions.services import decision_approve, decision_create
from tests.conftest import BASE_ANSWERS, STEADY_ANSWERS
from tests.decisions.conftest import HOSTILE

pytestmark = pytest.mark.django_db

# log4brains runs a Next.js build: tens of seconds on two cores, more on a busy machine.
TOOL_TIMEOUT = 600


def _missing(message: str) -> NoReturn:
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _executable(variable: str, name: str, install: str) -> str:
    found = os.environ.get(variable) or shutil.which(name)
    if not found or not os.access(found, os.X_OK):
        _missing(f"{name} not found: set {variable} or install it with `{install}`")
    return found


@pytest.fixture(scope="session")
def adr() -> str:
    folder = os.environ.get("ADR_TOOLS_BIN_DIR")
    found = str(Path(folder, "adr")) if folder else shutil.which("adr")
    if not found or not os.access(found, os.X_OK):
        _missing(
            "adr (adr-tools 3.0.0) not found: set ADR_TOOLS_BIN_DIR to the folder holding it "
            "or install it with `apt-get install adr-tools`"
        )
    return found


@pytest.fixture(scope="session")
def log4brains() -> str:
    return _executable("LOG4BRAINS", "log4brains", "npm install log4brains@1.1.0")


@pytest.fixture(scope="session")
def pyadr() -> str:
    return _executable("PYADR", "pyadr", "pip install pyadr==0.19.0 (in a virtual environment)")


@pytest.fixture(scope="session")
def markdownlint() -> str:
    return _executable("MARKDOWNLINT", "markdownlint-cli2", "npm install markdownlint-cli2@0.22.1")


def _run(command: list[str], cwd: Path, **env: str) -> str:
    result = subprocess.run(
        command,
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=TOOL_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, (
        f"{' '.join(command)} exited with {result.returncode}:\n{result.stdout}\n{result.stderr}"
    )
    return result.stdout


def _unzip(content: bytes, folder: Path) -> Path:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        archive.extractall(folder)
    return folder


@pytest.fixture
def decisions(django_user_model) -> dict[str, Decision]:
    """A superseded pair, a free-form decision depending on the newer one with tags, two deciders
    and hostile text, and a draft."""
    team = Team.objects.create(name="Payments", slug="payments")
    alice = django_user_model.objects.create_user(username="alice")
    team.members.add(alice)
    rita = django_user_model.objects.create_user(username="rita")
    rita.groups.add(Group.objects.get_or_create(name=REVIEWERS_GROUP)[0])
    framework = default_framework()

    def create(title: str, answers: dict[str, Any] | None = None, **fields: Any) -> Decision:
        values: dict[str, Any] = {
            "snapshot": Snapshot.capture(framework, evaluate_raw(framework, answers))
            if answers
            else None,
            "context": f"{title} needs a home.",
            "drivers": ["Spiky traffic"],
            "decision_makers": ["Alice Architect"],
            "consulted": ["Security"],
            "informed": [],
            **fields,
        }
        return decision_create(author=alice, assessment=None, title=title, team=team, **values)

    old = decision_approve(decision=create("Use serverless for Orders", BASE_ANSWERS), actor=rita)
    new = create("Use containers for Orders", STEADY_ANSWERS, replaces=old, tags=["orders"])
    new = decision_approve(decision=new, actor=rita)
    queues = create(
        "Use queues between Orders and Billing",
        context=HOSTILE,
        drivers=[],
        decision_makers=["Alice Architect", "Bob Builder"],
        tags=["messaging", "billing"],
        body=(
            "## Considered Options\n\n- Queues\n- Direct calls\n\n"
            "## Decision Outcome\n\nChosen option: Queues.\n\n"
            "### Consequences\n\n- Good, because Billing can be down for a while.\n"
        ),
    )
    DecisionLink.objects.create(source=queues, target=new, kind=DecisionLink.Kind.DEPENDS_ON)
    draft = create("Try hybrid for Search", BASE_ANSWERS, status="draft")
    old.refresh_from_db()
    return {"old": old, "new": new, "queues": queues, "draft": draft}


def _clean_log4brains_build(binary: str) -> None:
    # log4brains 1.1.0 keeps Next.js's build inside its own package and, when a build from an
    # earlier run is there, publishes the ADR pages prerendered then: the site would show the
    # previous export. Removing that folder makes the build start from the files given.
    for parent in Path(binary).resolve().parents:
        build = parent / "node_modules" / "@log4brains" / "web" / "nextjs" / ".next-export"
        if build.exists():
            shutil.rmtree(build)


def test_log4brains_builds_a_site_with_every_status_date_decider_and_link(
    log4brains, decisions, tmp_path
):
    folder = _unzip(export_zip(Decision.objects.all(), "log4brains"), tmp_path / "repo")
    _clean_log4brains_build(log4brains)

    _run([log4brains, "build", "-o", str(tmp_path / "site")], folder, NEXT_TELEMETRY_DISABLED="1")

    pages = {
        path.stem: json.loads(path.read_text())["pageProps"]["currentAdr"]
        for path in (tmp_path / "site" / "_next" / "data").glob("*/adr/*.json")
    }
    assert set(pages) == {decision.filename_stem for decision in decisions.values()}
    read = {
        stem: (
            page["title"],
            page["status"],
            page["publicationDate"][:10],
            page["deciders"],
            page["tags"],
            (page["supersededBy"] or {}).get("slug"),
        )
        for stem, page in pages.items()
    }
    old, new, queues, draft = decisions.values()
    assert read == {
        old.filename_stem: (
            old.title,
            "superseded",
            old.decided_on.isoformat(),
            ["Alice Architect"],
            [],
            new.filename_stem,
        ),
        new.filename_stem: (
            new.title,
            "accepted",
            new.decided_on.isoformat(),
            ["Alice Architect"],
            ["orders"],
            None,
        ),
        queues.filename_stem: (
            queues.title,
            "proposed",
            queues.decided_on.isoformat(),
            ["Alice Architect", "Bob Builder"],
            ["billing", "messaging"],
            None,
        ),
        draft.filename_stem: (
            draft.title,
            "draft",
            draft.decided_on.isoformat(),
            ["Alice Architect"],
            [],
            None,
        ),
    }
    # The links in the bodies resolve to the other records, both ways.
    bodies = {stem: page["body"]["enhancedMdx"] for stem, page in pages.items()}
    assert f'Supersedes <AdrLink slug="{old.filename_stem}"' in bodies[new.filename_stem]
    assert f'Superseded by <AdrLink slug="{new.filename_stem}"' in bodies[old.filename_stem]
    assert f'Depends on <AdrLink slug="{new.filename_stem}"' in bodies[queues.filename_stem]
    assert f'Needed by <AdrLink slug="{queues.filename_stem}"' in bodies[new.filename_stem]
    # Hostile text stays text on the page.
    page = (tmp_path / "site" / "adr" / queues.filename_stem / "index.html").read_text()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_adr_tools_lists_indexes_and_graphs_the_nygard_flavour(adr, decisions, tmp_path):
    exported = Decision.objects.exclude(status="draft")
    folder = _unzip(export_zip(exported, "nygard"), tmp_path)
    old, new, queues, _ = decisions.values()

    listed = _run([adr, "list"], folder).splitlines()
    toc = _run([adr, "generate", "toc"], folder).splitlines()
    graph = _run([adr, "generate", "graph"], folder).splitlines()

    assert listed == [f"doc/adr/{d.filename_stem}.md" for d in (old, new, queues)]
    assert toc[2:] == [f"* [{d.title}]({d.filename_stem}.md)" for d in (old, new, queues)]
    # The graph draws the links each record's status section makes, the "by" ones left out.
    assert sorted(line.strip() for line in graph if "weight=0" in line) == [
        '_2 -> _1 [label="Supersedes", weight=0]',
        '_3 -> _2 [label="Depends on", weight=0]',
    ]


def test_adr_new_numbers_past_the_drafts_and_supersedes_an_exported_record(
    adr, decisions, tmp_path
):
    archive = tmp_path / "adr.zip"
    call_command(
        "export_decisions",
        "--flavour",
        "nygard",
        "--include-drafts",
        "--output",
        str(archive),
        stdout=io.StringIO(),
    )
    folder = _unzip(archive.read_bytes(), tmp_path / "repo")
    new = decisions["new"]

    created = _run(
        [adr, "new", "-s", str(new.number), "Use", "hybrid", "for", "Orders"],
        folder,
        VISUAL="true",
        EDITOR="true",
        ADR_DATE="2030-01-02",
    ).strip()

    # Four numbers are taken, the draft's too, so the new record is the fifth.
    assert created == "doc/adr/0005-use-hybrid-for-orders.md"
    # adr-tools found the status word it replaces and the place for its link in our file.
    status = (folder / "doc" / "adr" / f"{new.filename_stem}.md").read_text()
    status = status.split("## Status\n", 1)[1].split("\n## ", 1)[0]
    assert [line for line in status.splitlines() if line] == [
        "Supersedes [1. Use serverless for Orders](0001-use-serverless-for-orders.md)",
        "Needed by [3. Use queues between Orders and Billing]"
        "(0003-use-queues-between-orders-and-billing.md)",
        "Superseded by [5. Use hybrid for Orders](0005-use-hybrid-for-orders.md)",
    ]


def test_pyadr_finds_every_nygard_record_well_formed(pyadr, decisions, tmp_path):
    # A title whose Django slug would differ from python-slugify's (underscores, letters outside
    # ASCII) and one longer than the portal's own slugs.
    decisions["queues"].title = "Keep snake_case names in Café Straße"
    decisions["queues"].save()
    decisions["draft"].title = "Try hybrid for Search " + "and more " * 12
    decisions["draft"].save()
    folder = _unzip(export_zip(Decision.objects.all(), "nygard"), tmp_path)

    checked = _run([pyadr, "check-adr-repo", "--no-ansi"], folder)
    _run([pyadr, "toc", "--no-ansi"], folder)

    assert "All checks passed." in checked
    # pyadr's own index sorts the records by the status it read from each file.
    toc = (folder / "doc" / "adr" / "index.md").read_text()
    sections = {
        part.split("\n", 1)[0]: [line for line in part.splitlines() if line.startswith("* ")]
        for part in toc.split("\n## ")[1:]
    }
    old, new = decisions["old"], decisions["new"]
    assert sections["Accepted Records"] == [
        f"* [0002 - {new.title}](0002-use-containers-for-orders.md)"
    ]
    assert sections["Superseded Records"] == [
        f"* [0001 - {old.title}](0001-use-serverless-for-orders.md): superseded by ADR-0002"
    ]
    others = "\n".join(sections["Records with non-standard statuses"])
    assert "Keep snake\\_case names in Café Straße" in others and "Try hybrid for Search" in others


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_markdownlint_finds_nothing_in_any_flavour(flavour, markdownlint, decisions, tmp_path):
    folder = _unzip(export_zip(Decision.objects.all(), flavour), tmp_path)
    # Line length aside: ADR prose is not wrapped.
    (folder / ".markdownlint-cli2.jsonc").write_text('{ "config": { "MD013": false } }\n')

    output = _run([markdownlint, "**/*.md"], folder)

    assert f"Linting: {len(decisions) + 1} file(s)" in output
