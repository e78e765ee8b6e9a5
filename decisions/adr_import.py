"""Reading one ADR written by another tool: adr-tools (Nygard), MADR 2, 3 and 4, log4brains, or
this portal's own export.

Pure: a path and the file's bytes in, a validated `ParsedAdr` out; nothing here reads the disk
or the database. A file that cannot be read at all (not UTF-8, a NUL, broken front matter, no
title) raises `AdrFileError` with the line. Everything else the file says in a way this
product does not know (a status word, a link it cannot follow, a missing date) is imported as
well as it can be and listed in `warnings`, each with its line, for the report and the
decision's import note.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import unquote

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from advisor.answers import StrictYamlLoader, YamlRefused

LifecycleStatus = Literal["draft", "proposed", "accepted", "rejected", "superseded", "deprecated"]
LinkKind = Literal[
    "supersedes",
    "superseded_by",
    "relates_to",
    "amends",
    "amended_by",
    "depends_on",
    "needed_by",
]

# The words other tools use for a status, by the lifecycle status each means here. Matched on
# the status's first word, so "Accepted (2020-01-02)" is accepted; anything that starts with
# "superseded" is superseded, with the link that follows it.
STATUS_WORDS: dict[str, LifecycleStatus] = {
    "draft": "draft",
    "wip": "draft",
    "proposed": "proposed",
    "proposal": "proposed",
    "pending": "proposed",
    "accepted": "accepted",
    "approved": "accepted",
    "adopted": "accepted",
    "rejected": "rejected",
    "declined": "rejected",
    "deprecated": "deprecated",
    "obsolete": "deprecated",
    "retired": "deprecated",
    "superseded": "superseded",
    "replaced": "superseded",
}
# A status word this product does not know ("Trial", "Implemented") or no status at all: the
# decision is imported as proposed, so it shows in the log and a reviewer settles it.
UNKNOWN_STATUS: LifecycleStatus = "proposed"

# How a line names another decision, by the kind of link it means; longest phrases first.
LINK_VERBS: dict[str, LinkKind] = {
    "superseded by": "superseded_by",
    "supersedes": "supersedes",
    "replaced by": "superseded_by",
    "replaces": "supersedes",
    "amended by": "amended_by",
    "amends": "amends",
    "depends on": "depends_on",
    "needed by": "needed_by",
    "required by": "needed_by",
    "relates to": "relates_to",
    "related to": "relates_to",
    "see also": "relates_to",
}
# The portal has three kinds of link besides supersession; any other relation a tool writes
# ("Clarified by", "Refined by", "Extends") is imported as this one, and the report says so.
OTHER_RELATION: LinkKind = "relates_to"

# Section names (lower case) whose content becomes a field rather than body text.
CONTEXT_SECTIONS = ("context and problem statement", "context", "problem statement")
DRIVER_SECTIONS = ("decision drivers", "drivers")
STATUS_SECTIONS = ("status",)
# "Links" is MADR 2's closing section; "Related Decisions" is this portal's, at any level.
LINK_SECTIONS = ("links", "related decisions", "related adrs")
NESTED_LINK_SECTIONS = ("related decisions", "related adrs")

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_CLOSING_HASHES = re.compile(r"[ \t]+#+$")
_HTML_COMMENT = re.compile(r"<!--.*?-->")
# A metadata line under the title: `Date: ...` (adr-tools), `* Status: ...` (MADR 2),
# `- Tags: ...` (log4brains), sometimes with the key in bold.
_META_LINE = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?"
    r"(status|date|deciders|decision[- ]makers|consulted|informed|tags)"
    r"(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(.*?)\s*$",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s{0,3}(?:[-*+]|\d+[.)])\s+(.*)$")
# The title's own number: "ADR-0001: Title", "ADR 12 - Title" or "1. Title" (adr-tools).
_TITLE_NUMBER = re.compile(
    r"^(?:ADR[-_ ]?(\d{1,6})\s*[:.\-–—]\s*|(\d{1,6})\.\s+)(.*)$", re.IGNORECASE
)
# File names: 0001-slug.md, 1-slug.md, ADR-0001-slug.md, and log4brains' dated names.
_NAME_DATED = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})-(.+)$")
_NAME_NUMBERED = re.compile(r"^(?:adr[-_]?)?(\d{1,6})[-_](.+)$", re.IGNORECASE)
_MD_LINK = re.compile(r"\[((?:\\.|[^\]\\])*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_ADR_NUMBER = re.compile(r"\bADR[-_ ]?(\d{1,6})\b", re.IGNORECASE)
_LEADING_NUMBER = re.compile(r"^\s*(\d{1,6})\.(?:\s|$)")
_ISO_DATE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_EMPHASIS = re.compile(r"[*_`]")
# Left to right, so that an escaped star stays a star: an escape, or an emphasis or code mark
# (underscores only at the edge of a word, not inside snake_case).
_ESCAPE_OR_MARK = re.compile(r"\\([!-/:-@\[-`{-~])|[*`]|(?<!\w)_+|_+(?!\w)")


@dataclass(frozen=True)
class Problem:
    """One thing about one file, with the line it is on (1-based; 0 for the file as a whole)."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}, line {self.line}: {self.message}"
        return f"{self.path}: {self.message}"


class AdrFileError(ValueError):
    """The file cannot be imported at all; the import stops and names it."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


class ImportRefused(ValueError):
    """The folder, the zip or one of its files cannot be imported; nothing was saved."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LinkRef(_Frozen):
    """A reference to another decision as the file writes it, not yet resolved."""

    kind: LinkKind
    path: str = ""  # the linked file, relative to the folder or zip root; "" when not a file link
    number: int | None = None  # the number it names ("ADR-0012", "12. Title"), if any
    text: str  # the line as written, for the report and the note
    line: int


class ParsedAdr(_Frozen):
    path: str
    number: int | None
    slug: str  # from the file name; the importer checks it is a usable slug
    title: str
    title_line: int
    status: LifecycleStatus
    raw_status: str
    date: dt.date | None
    review_by: dt.date | None = None
    decision_makers: list[str]
    consulted: list[str]
    informed: list[str]
    tags: list[str]
    context: str
    drivers: list[str]
    body: str
    links: list[LinkRef]
    unknown_status: Problem | None = None
    warnings: list[Problem] = []


# -- front matter ---------------------------------------------------------------------------------


def _names(value: Any) -> Any:
    """People or tags as a list: a YAML list, or one string of comma-separated names."""
    if value is None:
        return []
    if isinstance(value, str):
        return [name.strip() for name in value.split(",") if name.strip()]
    if isinstance(value, list):
        if all(
            isinstance(item, str | int | float) and not isinstance(item, bool) for item in value
        ):
            return [str(item).strip() for item in value if str(item).strip()]
        raise ValueError("must be a list of names, not of lists or mappings")
    raise ValueError("must be a name or a list of names")


def _front_date(value: Any) -> Any:
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    if isinstance(value, str):
        return _date_from_text(value)
    raise ValueError("must be a date written as YYYY-MM-DD")


Names = Annotated[list[str], BeforeValidator(_names)]


class FrontMatter(BaseModel):
    """The keys MADR 3 and 4 and this portal's export write; any others are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    status: str | None = None
    date: Annotated[dt.date | None, BeforeValidator(_front_date)] = None
    decision_makers: Names = Field(default=[], alias="decision-makers")
    deciders: Names = []
    consulted: Names = []
    informed: Names = []
    tags: Names = []
    review_by: Annotated[dt.date | None, BeforeValidator(_front_date)] = Field(
        default=None, alias="review-by"
    )
    supersedes: Names = []
    superseded_by: Names = Field(default=[], alias="superseded-by")


def _key_lines(lines: list[str], start: int, end: int) -> dict[str, int]:
    found: dict[str, int] = {}
    for index in range(start, end):
        if match := re.match(r"^([A-Za-z][\w-]*)\s*:", lines[index]):
            found.setdefault(match.group(1), index + 1)
    return found


def _front_matter(
    path: str, lines: list[str], warnings: list[Problem]
) -> tuple[FrontMatter, dict[str, int], int]:
    """The front matter, the line of each key, and the index of the first line after it."""
    if not lines or lines[0].strip() != "---":
        return FrontMatter(), {}, 0
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        raise AdrFileError(
            Problem(path, 1, "the front matter opened here is never closed with a '---' line")
        )
    # Blank lines in front keep the parser's line numbers equal to the file's.
    source = "\n" + "\n".join(lines[1:end])
    try:
        data = yaml.load(source, Loader=StrictYamlLoader)  # noqa: S506 - a SafeLoader
    except YamlRefused as exc:
        raise AdrFileError(Problem(path, 1, f"the front matter {exc}")) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark else 1
        raise AdrFileError(
            Problem(path, line, f"the front matter is not valid YAML: {exc.problem}")
        ) from None
    except yaml.YAMLError as exc:
        raise AdrFileError(Problem(path, 1, f"the front matter is not valid YAML: {exc}")) from None
    key_lines = _key_lines(lines, 1, end)
    if data is None:
        return FrontMatter(), key_lines, end + 1
    if not isinstance(data, dict):
        raise AdrFileError(Problem(path, 2, "the front matter is not a list of 'key: value' lines"))
    data = {str(key): value for key, value in data.items()}
    while True:
        try:
            return FrontMatter.model_validate(data, strict=True), key_lines, end + 1
        except ValidationError as exc:
            # A value of the wrong shape is left out and reported; the rest still counts.
            wrong = {str(e["loc"][0]): e["msg"] for e in exc.errors() if e["loc"]}
            if not wrong.keys() & data.keys():
                message = f"the front matter cannot be read: {exc}"
                raise AdrFileError(Problem(path, 1, message)) from None
            for key in sorted(wrong.keys() & data.keys(), key=lambda k: key_lines.get(k, 1)):
                message = wrong[key].removeprefix("Value error, ")
                warnings.append(
                    Problem(path, key_lines.get(key, 1), f"'{key}' {message}; left out")
                )
                del data[key]


# -- Markdown structure -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Heading:
    index: int  # in the file's lines
    level: int
    text: str  # comments and closing hashes removed

    @property
    def name(self) -> str:
        return _plain(self.text).lower().strip(" :")


def _headings(lines: list[str], start: int) -> list[_Heading]:
    """ATX headings outside fenced code blocks, from `start` on."""
    found = []
    fence = ""
    for index in range(start, len(lines)):
        line = lines[index]
        if match := _FENCE.match(line):
            marker = match.group(1)
            if not fence:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence):
                fence = ""
            continue
        if fence:
            continue
        if match := _HEADING.match(line):
            text = _HTML_COMMENT.sub("", match.group(2) or "")
            text = _CLOSING_HASHES.sub("", text.strip()).strip()
            found.append(_Heading(index, len(match.group(1)), text))
    return found


def _section_end(headings: list[_Heading], position: int, total: int) -> int:
    """Where the section of headings[position] ends: the next heading at its level or above."""
    level = headings[position].level
    for heading in headings[position + 1 :]:
        if heading.level <= level:
            return heading.index
    return total


def unescape(text: str) -> str:
    """Markdown text as plain text: backslash escapes (which the portal's renderer writes before
    punctuation) removed."""
    return _ESCAPED.sub(r"\1", text)


def _plain(text: str) -> str:
    """A heading or a status as plain text: comments, emphasis and code marks removed, escaped
    characters kept as the characters they stand for."""
    text = _HTML_COMMENT.sub("", text)
    return _ESCAPE_OR_MARK.sub(lambda match: match.group(1) or "", text).strip()


def _paragraphs(lines: list[str]) -> str:
    """Section text as plain paragraphs separated by one blank line."""
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            blocks[-1].append(line.strip())
        elif blocks[-1]:
            blocks.append([])
    return "\n\n".join(unescape("\n".join(block)) for block in blocks if block)


def _list_items(lines: list[str]) -> list[str]:
    """The items of a bullet list, a continuation line joined to its item."""
    items: list[str] = []
    continuing = False
    for line in lines:
        if not line.strip():
            continuing = False
            continue
        if match := _BULLET.match(line):
            items.append(match.group(1).strip())
            continuing = True
        elif continuing and items:
            items[-1] += " " + line.strip()
        else:
            items.append(line.strip())
            continuing = True
    return [unescape(_HTML_COMMENT.sub("", item)).strip() for item in items if item.strip()]


# -- values ----------------------------------------------------------------------------------------


def _date_from_text(text: str) -> dt.date | None:
    """An ISO date at the start of the text; None for a blank or a template's placeholder."""
    if not text.strip() or text.strip().startswith(("[", "{")):
        return None
    match = _ISO_DATE.match(text)
    if match is None:
        raise ValueError(f"'{text.strip()}' is not a date written as YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(match.group(1))
    except ValueError:
        raise ValueError(f"'{match.group(1)}' is not a date in the calendar") from None


def map_status(raw: str) -> tuple[LifecycleStatus, bool]:
    """The lifecycle status a tool's status text means, and whether the word was known."""
    words = re.findall(r"[a-z]+", _plain(raw).lower())
    if not words:
        return UNKNOWN_STATUS, False
    if words[0] in STATUS_WORDS:
        return STATUS_WORDS[words[0]], True
    return UNKNOWN_STATUS, False


def _reference(text: str, base: str) -> tuple[str, int | None]:
    """The file and the number a piece of text names: a relative .md link or file name,
    "ADR-0012", "12. Title" or a bare "12". `base` is the folder of the file that names it."""
    label, target = text.strip(), ""
    if match := _MD_LINK.search(text):
        label, target = match.group(1), match.group(2)
    elif label.lower().endswith(".md") and not re.search(r"\s", label):
        label, target = "", label
    target = unquote(target.split("#", 1)[0])
    path = ""
    if target.lower().endswith(".md") and "://" not in target and not target.startswith("/"):
        path = posixpath.normpath(posixpath.join(base, target))
    label = unescape(label)
    number = None
    if (match := _ADR_NUMBER.search(label)) or (match := _LEADING_NUMBER.match(label)):
        number = int(match.group(1))
    elif label.isdigit() and len(label) <= 6:
        number = int(label)
    elif path and (named := _NAME_NUMBERED.match(posixpath.basename(path)[:-3])):
        number = int(named.group(1))
    return path, number


def _link_line(text: str) -> tuple[str, str] | None:
    """A line that names a relation and another decision: ("superseded by", "[2. …](…)")."""
    plain = _EMPHASIS.sub("", text).strip()
    lowered = plain.lower()
    for verb in LINK_VERBS:
        if lowered.startswith(verb):
            return verb, plain[len(verb) :].lstrip(" :")
    # Another relation: some words, then a link or an ADR number.
    match = re.match(r"^([A-Za-z][A-Za-z ]{0,40}?)\s*:?\s+(\[.*|ADR[-_ ]?\d.*)$", plain, re.I)
    if match:
        return match.group(1).lower(), match.group(2)
    return None


def _refs_from_line(
    path: str, line: int, text: str, base: str, warnings: list[Problem]
) -> LinkRef | None:
    found = _link_line(text)
    if found is None:
        return None
    verb, rest = found
    target, number = _reference(rest, base)
    if not target and number is None:
        return None
    kind = LINK_VERBS.get(verb)
    if kind is None:
        kind = OTHER_RELATION
        warnings.append(
            Problem(path, line, f"'{verb}' is not a kind of link here; imported as 'relates to'")
        )
    return LinkRef(kind=kind, path=target, number=number, text=text.strip(), line=line)


def _name_parts(path: str) -> tuple[int | None, dt.date | None, str]:
    """The number, date and slug a file name carries."""
    stem = posixpath.basename(path)
    stem = stem[: -len(".md")] if stem.lower().endswith(".md") else stem
    # A year before 1970 is a number that happens to look like a date ("0012-10-20-...").
    if (match := _NAME_DATED.match(stem)) and int(match.group(1)) >= 1970:
        try:
            day = dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            pass
        else:
            return None, day, match.group(4)
    if match := _NAME_NUMBERED.match(stem):
        return int(match.group(1)), None, match.group(2)
    return None, None, stem


# -- the file ------------------------------------------------------------------------------------


def decode(path: str, data: bytes) -> str:
    """The file as text with Unix line ends; not UTF-8, or holding a NUL, stops the import."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise AdrFileError(
            Problem(
                path,
                line,
                f"is not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
            )
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise AdrFileError(Problem(path, line, "holds a NUL character; this is not a text file"))
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


@dataclass
class _Sections:
    """What the sections that become fields hold, and which lines they take from the body."""

    taken: set[int]
    context: list[str]
    drivers: list[str]
    status: list[tuple[int, str]]  # (line number, text) of each line that is not blank
    links: list[LinkRef]


def _field_sections(
    path: str, lines: list[str], sections: list[_Heading], warnings: list[Problem]
) -> _Sections:
    found = _Sections(set(), [], [], [], [])
    top = min((h.level for h in sections), default=2)
    fields = (*CONTEXT_SECTIONS, *DRIVER_SECTIONS, *STATUS_SECTIONS, *LINK_SECTIONS)
    for position, heading in enumerate(sections):
        name = heading.name
        # Only top-level sections count, except this portal's "Related Decisions", which a
        # questionnaire-made ADR has under "More Information".
        if heading.index in found.taken or not (
            name in NESTED_LINK_SECTIONS or (heading.level == top and name in fields)
        ):
            continue
        end = _section_end(sections, position, len(lines))
        # The blank lines that end the section go with it, so the body reads on without a gap.
        found.taken.update(range(heading.index, end))
        content = range(heading.index + 1, end)
        if name in CONTEXT_SECTIONS:
            found.context = [lines[i] for i in content]
        elif name in DRIVER_SECTIONS:
            found.drivers = [lines[i] for i in content]
        elif name in STATUS_SECTIONS:
            found.status = [(i + 1, lines[i]) for i in content if lines[i].strip()]
        else:
            for i in content:
                if not lines[i].strip():
                    continue
                item = _BULLET.match(lines[i])
                text = item.group(1) if item else lines[i]
                ref = _refs_from_line(path, i + 1, text, posixpath.dirname(path), warnings)
                if ref is not None:
                    found.links.append(ref)
                else:
                    message = f"'{text.strip()}' names no decision; left out"
                    warnings.append(Problem(path, i + 1, message))
    return found


@dataclass(frozen=True)
class _Meta:
    line: int
    value: str


def _hidden_meta(lines: list[str], start: int, end: int) -> range | None:
    """An HTML comment starting at `start` that holds only `Key: value` lines, as this portal's
    nygard export writes for pyadr: it repeats what the visible lines say."""
    if not lines[start].lstrip().startswith("<!--") or "-->" in lines[start]:
        return None
    for index in range(start + 1, end):
        if lines[index].strip() == "-->":
            return range(start, index + 1)
        if not _META_LINE.match(lines[index]):
            return None
    return None


def _meta_lines(lines: list[str], start: int, end: int, taken: set[int]) -> dict[str, _Meta]:
    """`Key: value` lines between the title and the first section, each marked as taken."""
    meta: dict[str, _Meta] = {}
    hidden: set[int] = set()
    for index in range(start, end):
        if index in hidden:
            continue
        if comment := _hidden_meta(lines, index, end):
            hidden.update(comment)
            taken.update(comment)
            continue
        if match := _META_LINE.match(lines[index]):
            key = match.group(1).lower().replace(" ", "-")
            key = "decision-makers" if key == "deciders" else key
            meta.setdefault(key, _Meta(index + 1, _HTML_COMMENT.sub("", match.group(2)).strip()))
            taken.add(index)
    return meta


def _status(
    path: str,
    raw: _Meta,
    section: list[tuple[int, str]],
    links: list[LinkRef],
    warnings: list[Problem],
) -> tuple[LifecycleStatus, _Meta, Problem | None]:
    """The status, from the front matter or a `Status:` line (`raw`) or else the Status
    section's first line that is not a link; the section's link lines are added to `links`."""
    base = posixpath.dirname(path)
    for line, text in section:
        superseded = _plain(text).lower().startswith("superseded")
        if not raw.value and (superseded or _link_line(text) is None):
            raw = _Meta(line, text.strip())
            continue
        ref = _refs_from_line(path, line, text, base, warnings)
        if ref is not None:
            links.append(ref)
        else:
            warnings.append(Problem(path, line, f"'{text.strip()}' in Status is not understood"))
    status, known = map_status(raw.value)
    unknown = None
    if not raw.value.strip():
        unknown = Problem(path, raw.line, f"no status given; imported as {UNKNOWN_STATUS}")
    elif not known:
        unknown = Problem(
            path,
            raw.line,
            f"status '{_plain(raw.value)}' is not one this portal knows; "
            f"imported as {UNKNOWN_STATUS}",
        )
    target, number = _reference(raw.value, base)
    if status == "superseded" and (target or number is not None):
        links.append(
            LinkRef(
                kind="superseded_by",
                path=target,
                number=number,
                text=raw.value.strip(),
                line=raw.line,
            )
        )
    return status, raw, unknown


def _front_links(path: str, front: FrontMatter, key_lines: dict[str, int]) -> list[LinkRef]:
    """The `supersedes` and `superseded-by` keys this portal's export writes."""
    links = []
    keys: tuple[tuple[str, LinkKind, list[str]], ...] = (
        ("supersedes", "supersedes", front.supersedes),
        ("superseded-by", "superseded_by", front.superseded_by),
    )
    for key, kind, targets in keys:
        for target in targets:
            found, number = _reference(target, posixpath.dirname(path))
            links.append(
                LinkRef(
                    kind=kind,
                    path=found,
                    number=number,
                    text=f"{key}: {target}",
                    line=key_lines.get(key, 1),
                )
            )
    return links


def parse_adr(path: str, data: bytes) -> ParsedAdr:
    """One ADR file, read. `path` is relative to the folder or zip being imported."""
    lines = decode(path, data).split("\n")
    warnings: list[Problem] = []
    front, key_lines, start = _front_matter(path, lines, warnings)
    headings = _headings(lines, start)
    title_heading = next((h for h in headings if h.level == 1 and h.text), None)
    if title_heading is None:
        raise AdrFileError(
            Problem(path, start + 1, "has no title: no line starting with '# ' outside code")
        )
    title_line = title_heading.index + 1
    title_number, title = None, _plain(title_heading.text)
    if match := _TITLE_NUMBER.match(title):
        title_number = int(match.group(1) or match.group(2))
        title = match.group(3).strip()
    if not title:
        raise AdrFileError(Problem(path, title_line, "has an empty title"))

    sections = [h for h in headings if h.index > title_heading.index]
    found = _field_sections(path, lines, sections, warnings)
    found.taken.update(range(0, title_heading.index + 1))
    first_section = sections[0].index if sections else len(lines)
    meta = _meta_lines(lines, title_heading.index + 1, first_section, found.taken)

    links = found.links
    if front.status is not None:
        raw = _Meta(key_lines.get("status", 1), front.status)
    else:
        raw = meta.get("status", _Meta(title_line, ""))
    status, raw, unknown = _status(path, raw, found.status, links, warnings)
    links += _front_links(path, front, key_lines)

    # The date: front matter, a Date line, the file name; None when none gives one.
    name_number, name_date, slug = _name_parts(path)
    date = front.date
    if date is None and "date" in meta:
        try:
            date = _date_from_text(meta["date"].value)
        except ValueError as exc:
            warnings.append(Problem(path, meta["date"].line, f"{exc}; left out"))
    date = date or name_date

    number = name_number if name_number is not None else title_number
    if name_number is not None and title_number is not None and name_number != title_number:
        warnings.append(
            Problem(
                path,
                title_line,
                f"the title says {title_number} but the file name says {name_number}; "
                f"{name_number} is used",
            )
        )

    def people(key: str) -> list[str]:
        return list(_names(meta[key].value)) if key in meta else []

    tags = front.tags
    if not tags and "tags" in meta:
        tags = [tag for tag in re.split(r"[,\s]+", meta["tags"].value.strip("[]")) if tag]

    body = [line for index, line in enumerate(lines) if index not in found.taken]
    return ParsedAdr(
        path=path,
        number=number,
        slug=slug,
        title=title,
        title_line=title_line,
        status=status,
        raw_status=_plain(raw.value),
        date=date,
        review_by=front.review_by,
        decision_makers=front.decision_makers or front.deciders or people("decision-makers"),
        consulted=front.consulted or people("consulted"),
        informed=front.informed or people("informed"),
        tags=tags,
        context=_paragraphs(found.context),
        drivers=_list_items(found.drivers),
        body="\n".join(body).strip("\n"),
        links=links,
        unknown_status=unknown,
        warnings=sorted(warnings, key=lambda warning: warning.line),
    )
