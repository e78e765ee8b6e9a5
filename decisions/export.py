"""Every decision as one zip of ADR files, laid out and written the way one family of tools reads
them.

Each flavour keeps the record's text as the Markdown renderer writes it (so user text is escaped
the same everywhere) and changes only where the metadata sits and how the sections are grouped:

- `madr`: MADR 4 in `docs/decisions/`, the metadata in YAML front matter; a superseded record's
  status reads "superseded by ADR-0012", as MADR writes it.
- `log4brains`: `docs/adr/` beside a `.log4brains.yml`, so `log4brains build` runs on the
  unzipped folder as it is; no front matter but `- Status:`, `- Date:`, `- Deciders:` and
  `- Tags:` bullets under the title. log4brains finds the superseding record from the text of the
  status's link, so that text is the other file's name without `.md`, as log4brains writes it.
- `nygard`: adr-tools' `doc/adr/` (named in `.adr-dir`, and in `.adr` for pyadr): `# Title`,
  `Date:`, a `## Status` section holding the status word and every link, then the MADR sections
  grouped under Context, Decision and Consequences. pyadr reads the same files: it wants
  `* Status:` and `* Date:` lines (kept in an HTML comment, so they show nowhere else) and a file
  name that is the number and the python-slugify slug of the whole title, so this flavour names
  its files that way and leaves the number out of the title.

Every record links the records it supersedes, is superseded by, relates to, amends or depends on,
both ways, with relative links to the files beside it; a link to a decision left out of the
archive (a draft, or one the person may not see) is left out as well. The archive depends on the
data alone: entries are sorted and every entry carries the same timestamp and permissions, so the
same decisions always give the same bytes.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet, prefetch_related_objects
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.views.decorators.http import require_GET
from markdown_it import MarkdownIt
from slugify import slugify

from decisions.documents import adr_document, adr_link, linked_decisions
from decisions.models import Decision
from decisions.render.context import AdrDocument
from decisions.render.markdown import inline, markdown_parts, render_markdown
from decisions.selectors import decisions_visible_to
from decisions.widgets import QuickCheckboxInput, QuickSelect

ARCHIVE_NAME = "decisions.zip"
# Zip stores local times without a zone; a fixed one (the format's epoch) keeps the bytes stable.
FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
SUPERSEDES = "Supersedes"
SUPERSEDED_BY = "Superseded by"
SITE_NAME = "Architecture decisions"
# File names stay well under the 255 bytes most file systems allow.
NYGARD_SLUG_LENGTH = 200


@dataclass(frozen=True)
class Record:
    """One decision as the archive holds it."""

    decision: Decision
    # The decisions it links to in the archive, supersession first: (how the link reads, other).
    links: list[tuple[str, Decision]]
    # The renderers' input, its links naming the other files.
    document: AdrDocument

    @property
    def superseded_by(self) -> Decision | None:
        return next((other for label, other in self.links if label == SUPERSEDED_BY), None)


def adr_filename(decision: Decision) -> str:
    return f"{decision.filename_stem}.md"


def nygard_title(decision: Decision) -> str:
    return inline(decision.title)


def nygard_filename(decision: Decision) -> str:
    """The name pyadr checks for: the number, then python-slugify's slug of the title line as
    written (escapes and all). Only a slug too long for a file name (a long title in a script
    that transliterates to several letters a character) is cut, and that one file pyadr faults.
    """
    slug = slugify(nygard_title(decision), max_length=NYGARD_SLUG_LENGTH, word_boundary=True)
    return f"{decision.number:04d}-{slug or 'decision'}.md"


def _listed(document: AdrDocument) -> list[tuple[str, list[str]]]:
    return [
        ("Deciders", document.decision_makers),
        ("Consulted", document.consulted),
        ("Informed", document.informed),
        ("Tags", document.tags),
    ]


def _joined(values: list[str]) -> str:
    return ", ".join(inline(value) for value in values)


def madr_markdown(record: Record) -> str:
    """MADR 4 as rendered for one ADR, the status naming the superseding record."""
    newer = record.superseded_by
    status = f"superseded by {newer.adr_id}" if newer else record.document.status
    return render_markdown(record.document.model_copy(update={"status": status}))


def log4brains_markdown(record: Record) -> str:
    """The title, log4brains' metadata bullets, then the MADR sections."""
    document = record.document
    newer = record.superseded_by
    status = document.status
    if newer is not None:
        status = f"superseded by [{inline(newer.filename_stem)}]({adr_filename(newer)})"
    header = [f"- Status: {status}", f"- Date: {document.date.isoformat()}"]
    # log4brains reads Deciders (split at commas) and Tags (split at commas and spaces, which
    # stored tags do not hold); Consulted and Informed it shows as the list they are.
    header += [f"- {key}: {_joined(values)}" for key, values in _listed(document) if values]
    lines = [f"# {inline(document.title)}", "", *header, "", *markdown_parts(document).sections]
    return "\n".join(lines) + "\n"


def nygard_markdown(record: Record) -> str:
    """adr-tools' layout: title, date, a status section with the links, then Context, Decision
    and Consequences holding every MADR section."""
    decision, document = record.decision, record.document
    newer = record.superseded_by
    status = f"superseded by {newer.adr_id}" if newer else decision.status
    lines = [f"# {nygard_title(decision)}", ""]
    lines += [
        "<!-- For pyadr:",
        f"* Status: {status}",
        f"* Date: {document.date.isoformat()}",
        "-->",
        "",
    ]
    lines += [f"Date: {document.date.isoformat()}"]
    for key, values in _listed(document):
        if values:
            lines += ["", f"{key}: {_joined(values)}"]
    # adr-tools reads the status section line by line: the word it replaces when a newer record
    # supersedes this one, then one "<label> [<number>. <title>](<file>)" line per link, each a
    # paragraph of its own as `adr new -s` and `-l` write them.
    lines += ["", "## Status", "", decision.get_status_display()]
    for label, other in record.links:
        lines += ["", f"{label} [{other.number}. {inline(other.title)}]({nygard_filename(other)})"]
    # The links are in the status section, so the body leaves out its own list of them.
    sections = markdown_parts(document.model_copy(update={"links": []})).sections
    for heading, body in nygard_sections(sections):
        lines += ["", f"## {heading}", "", *body]
    return "\n".join(lines) + "\n"


# Where each MADR section goes among Nygard's three: the group, and whether the section keeps
# its heading (as `###`) or its text follows the group's heading directly. A section not listed
# stays where its parent went; at the top it joins the decision.
NYGARD_GROUPS = ("Context", "Decision", "Consequences")
NYGARD_PLACES = {
    "Context and Problem Statement": ("Context", False),
    "Decision Drivers": ("Context", True),
    "Considered Options": ("Context", True),
    "Decision Outcome": ("Decision", False),
    "Consequences": ("Consequences", False),
    # MADR 2 and 3 headings, which a free-form body may use.
    "Positive Consequences": ("Consequences", True),
    "Negative Consequences": ("Consequences", True),
    "Validation": ("Consequences", True),
    "Confirmation": ("Consequences", True),
    "More Information": ("Consequences", True),
    "Appendix: Implementation Checklist": ("Consequences", True),
}
NOTHING_RECORDED = "Nothing recorded."
# Tables on, as the decision page renders them, so no table row is mistaken for anything else.
_COMMONMARK = MarkdownIt("commonmark").enable("table")


@dataclass
class _Block:
    """A heading and the lines after it, up to the next heading."""

    level: int
    title: str  # the heading's Markdown source, already escaped
    body: list[str] = field(default_factory=list)


def _blocks(lines: list[str]) -> tuple[list[str], list[_Block]]:
    """The lines before the first heading, then one block per heading outside lists and quotes.

    A free-form body is its author's Markdown, so the headings come from a parser: a `#` in a
    code block is no heading, and an underlined heading is one."""
    tokens = _COMMONMARK.parse("\n".join(lines))
    found = [
        (token.map, int(token.tag[1]), tokens[index + 1].content.replace("\n", " "))
        for index, token in enumerate(tokens)
        if token.type == "heading_open" and token.level == 0 and token.map
    ]
    starts = [span[0] for span, _, _ in found] + [len(lines)]
    blocks = [
        _Block(level, title, _trimmed(lines[span[1] : starts[index + 1]]))
        for index, (span, level, title) in enumerate(found)
    ]
    return _trimmed(lines[: starts[0]]), blocks


def _trimmed(lines: list[str]) -> list[str]:
    text = "\n".join(lines).strip("\n")
    return text.split("\n") if text.strip() else []


def _heads(blocks: list[_Block]) -> list[tuple[_Block, list[_Block]]]:
    """Each block no deeper than the first, with the deeper blocks that follow it."""
    found: list[tuple[_Block, list[_Block]]] = []
    for block in blocks:
        if found and block.level > found[0][0].level:
            found[-1][1].append(block)
        else:
            found.append((block, []))
    return found


def nygard_sections(lines: list[str]) -> list[tuple[str, list[str]]]:
    """The rendered MADR sections regrouped as Nygard's Context, Decision and Consequences,
    every heading moved down a level where it now sits under one of them."""
    text: dict[str, list[str]] = {group: [] for group in NYGARD_GROUPS}
    subsections: dict[str, list[str]] = {group: [] for group in NYGARD_GROUPS}

    def add(target: list[str], lines: list[str]) -> None:
        if lines:
            target.extend(["", *lines] if target else lines)

    def place(head: _Block, below: list[_Block], parent: str) -> None:
        group, keeps_heading = NYGARD_PLACES.get(head.title, (parent, True))
        if not keeps_heading:
            add(text[group], head.body)
            for child, grandchildren in _heads(below):
                place(child, grandchildren, group)
            return
        add(subsections[group], [f"### {head.title}", *([""] if head.body else []), *head.body])
        for block in below:
            level = min(3 + block.level - head.level, 6)
            heading = f"{'#' * level} {block.title}"
            add(subsections[group], [heading, *([""] if block.body else []), *block.body])

    # An entry may hold several lines (a context of paragraphs, a free-form body).
    preamble, blocks = _blocks("\n".join(lines).split("\n"))
    add(text["Context"], preamble)
    for head, below in _heads(blocks):
        place(head, below, "Decision")
    sections = []
    for group in NYGARD_GROUPS:
        body = list(text[group])
        add(body, subsections[group])
        sections.append((group, body or [NOTHING_RECORDED]))
    return sections


def _log4brains_config() -> dict[str, str]:
    # log4brains reads the dates as days in this zone; Django wrote them in TIME_ZONE.
    config = [
        "---",
        "project:",
        f"  name: {json.dumps(SITE_NAME)}",
        f"  tz: {json.dumps(settings.TIME_ZONE)}",
        "  adrFolder: ./docs/adr",
    ]
    return {".log4brains.yml": "\n".join(config) + "\n"}


def _adr_tools_config() -> dict[str, str]:
    # What `adr init doc/adr` writes, for adr-tools run from the archive's root, and pyadr's
    # setting for the same folder.
    return {".adr-dir": "doc/adr\n", ".adr": "[adr]\nrecords-dir = doc/adr\n"}


@dataclass(frozen=True)
class Flavour:
    label: str
    folder: str
    index: str
    about: str  # the index's sentence on how the records are written
    write: Callable[[Record], str]
    root_files: Callable[[], dict[str, str]] = dict
    filename: Callable[[Decision], str] = adr_filename


FLAVOURS = {
    "madr": Flavour(
        label="MADR 4",
        folder="docs/decisions",
        index="index.md",
        about="Each record follows MADR 4: status, date and people are in its front matter.",
        write=madr_markdown,
    ),
    "log4brains": Flavour(
        label="log4brains",
        folder="docs/adr",
        index="index.md",
        about=(
            "Each record lists its status, date, deciders and tags under its title, as "
            "log4brains reads them; run `log4brains build` beside `.log4brains.yml`."
        ),
        write=log4brains_markdown,
        root_files=_log4brains_config,
    ),
    "nygard": Flavour(
        label="adr-tools (Nygard)",
        folder="doc/adr",
        # pyadr checks every file in the folder but one named index.md.
        index="index.md",
        about=(
            "Each record follows Michael Nygard's layout as adr-tools writes it: "
            "`adr list` lists them and `adr new` numbers the next one; "
            "`pyadr check-adr-repo` checks them."
        ),
        write=nygard_markdown,
        root_files=_adr_tools_config,
        filename=nygard_filename,
    ),
}
DEFAULT_FLAVOUR = "madr"
BAD_FLAVOUR = f"Unknown export format; choose one of {', '.join(FLAVOURS)}."


def _status(decision: Decision, newer: Decision | None, flavour: Flavour) -> str:
    if newer is not None:
        return f"{SUPERSEDED_BY} [{newer.adr_id}]({flavour.filename(newer)})"
    return decision.get_status_display()


def index_markdown(records: list[Record], flavour: Flavour) -> str:
    """The index: a table of every exported decision, oldest first."""
    lines = ["# Architecture Decision Records", "", flavour.about, ""]
    if not records:
        lines.append("No decisions have been recorded yet.")
        return "\n".join(lines) + "\n"
    lines += ["| Number | Title | Status | Date |", "| --- | --- | --- | --- |"]
    lines += [
        f"| {record.decision.number:04d} "
        f"| [{inline(record.decision.title)}]({flavour.filename(record.decision)}) "
        f"| {_status(record.decision, record.superseded_by, flavour)} "
        f"| {record.decision.decided_on.isoformat()} |"
        for record in records
    ]
    return "\n".join(lines) + "\n"


def _records(decisions: list[Decision], filename: Callable[[Decision], str]) -> list[Record]:
    exported = {decision.pk for decision in decisions}
    records = []
    for decision in decisions:
        older = sorted(decision.supersedes.all(), key=lambda other: other.number)
        newer = [decision.superseded_by] if decision.superseded_by is not None else []
        pairs = [
            *[(SUPERSEDES, other) for other in older],
            *[(SUPERSEDED_BY, other) for other in newer],
            *linked_decisions(decision),
        ]
        pairs = [(label, other) for label, other in pairs if other.pk in exported]
        links = [adr_link(label, other, filename) for label, other in pairs]
        records.append(Record(decision, pairs, adr_document(decision, links=links)))
    return records


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_DATE_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, so the permissions below mean the same on every platform
    info.external_attr = 0o644 << 16
    return info


def export_zip(decisions: Iterable[Decision], flavour: str = DEFAULT_FLAVOUR) -> bytes:
    layout = FLAVOURS[flavour]
    ordered = sorted(decisions, key=lambda decision: decision.number)
    # A few queries for the whole export instead of a few per decision; the links between
    # decisions still cost two per decision.
    prefetch_related_objects(ordered, "team", "tags", "superseded_by", "supersedes")
    records = _records(ordered, layout.filename)
    files = {f"{layout.folder}/{layout.filename(r.decision)}": layout.write(r) for r in records}
    files[f"{layout.folder}/{layout.index}"] = index_markdown(records, layout)
    files.update(layout.root_files())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            archive.writestr(_entry(name), files[name].encode("utf-8"))
    return buffer.getvalue()


def without_drafts(decisions: QuerySet[Decision], *, include_drafts: bool) -> QuerySet[Decision]:
    """Drafts only on request: in a folder of ADRs a draft reads like any other record, but
    with them every number in use is taken, so `adr new` afterwards picks a free one."""
    return decisions if include_drafts else decisions.exclude(status=Decision.Status.DRAFT)


class ExportForm(forms.Form):
    flavour = forms.ChoiceField(
        label="Format",
        choices=[(name, flavour.label) for name, flavour in FLAVOURS.items()],
        required=False,
        widget=QuickSelect(attrs={"class": "form-select form-select-sm w-auto"}),
    )
    drafts = forms.BooleanField(
        label="Include drafts",
        required=False,
        widget=QuickCheckboxInput(attrs={"class": "form-check-input", "value": "1"}),
    )


@require_GET
@login_required
def decisions_export(request: HttpRequest) -> HttpResponse:
    """Every decision this person may see, as one zip in the format asked for."""
    form = ExportForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(BAD_FLAVOUR, content_type="text/plain")
    decisions = without_drafts(
        decisions_visible_to(request.user), include_drafts=form.cleaned_data["drafts"]
    )
    content = export_zip(decisions, form.cleaned_data["flavour"] or DEFAULT_FLAVOUR)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{ARCHIVE_NAME}"'
    return response
