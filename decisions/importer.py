"""Importing ADR files as decisions: every file or none, with a report of what happened.

`decisions_import` is the write. It reads every file first (one that cannot be read stops the
import before anything is saved), then in one transaction gives each decision its number (the
file's own when it is free, the next free one otherwise), creates them through
`services.decision_import`, and follows the links between them. A dry run is the same import,
rolled back at the end, so its report is exactly what the real import would say.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from advisor.models import Team
from decisions.adr_files import SourceFile
from decisions.adr_import import (
    UNKNOWN_STATUS,
    AdrFileError,
    ImportRefused,
    LinkRef,
    ParsedAdr,
    Problem,
    parse_adr,
)
from decisions.models import Decision, DecisionSequence, adr_id
from decisions.services import decision_import, decision_slug, imported_link

_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
TITLE_LENGTH = Decision._meta.get_field("title").max_length or 200
SLUG_LENGTH = Decision._meta.get_field("slug").max_length or 80
SOURCE_LENGTH = Decision._meta.get_field("imported_from").max_length or 300
# How each kind of link a file names is stored: (kind, whether this file's decision is the
# source). "superseded by X" is X supersedes this one.
STORED_AS: dict[str, tuple[str, bool]] = {
    "supersedes": ("supersedes", True),
    "superseded_by": ("supersedes", False),
    "amends": ("amends", True),
    "amended_by": ("amends", False),
    "depends_on": ("depends_on", True),
    "needed_by": ("depends_on", False),
    "relates_to": ("relates_to", True),
}


@dataclass(frozen=True)
class Created:
    number: int
    title: str
    status: str
    path: str

    def __str__(self) -> str:
        return f"{adr_id(self.number)} {self.title} ({self.status}) from {self.path}"


@dataclass
class ImportReport:
    dry_run: bool
    created: list[Created] = field(default_factory=list)
    renumbered: list[str] = field(default_factory=list)
    unknown_statuses: list[str] = field(default_factory=list)
    unresolved_links: list[str] = field(default_factory=list)
    missing_dates: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        count = len(self.created)
        decisions = f"{count} decision{'s' if count != 1 else ''}"
        if self.dry_run:
            return f"Dry run: the import would create {decisions}. Nothing was saved."
        return f"Imported {decisions}."

    def sections(self) -> list[tuple[str, list[str]]]:
        """The report as headed lists, the same on the command line and on the page."""
        found = [
            ("Would create" if self.dry_run else "Created", [str(c) for c in self.created]),
            ("Renumbered", self.renumbered),
            ("Unknown statuses", self.unknown_statuses),
            ("Unresolved links", self.unresolved_links),
            ("Missing dates", self.missing_dates),
        ]
        if self.notes:
            found.append(("Other notes", self.notes))
        return found

    def lines(self) -> list[str]:
        """The report as text, for the command line."""
        lines = [self.summary()]
        for heading, items in self.sections():
            lines += ["", f"{heading} ({len(items)}):" if items else f"{heading}: none."]
            lines += [f"  {item}" for item in items]
        return lines

    def as_dict(self) -> dict[str, object]:
        return {"summary": self.summary(), "sections": self.sections()}


@dataclass
class _Planned:
    adr: ParsedAdr
    number: int
    note: list[str] = field(default_factory=list)
    decision: Decision | None = None


def parse_files(files: list[SourceFile]) -> list[ParsedAdr]:
    """Every file read, or ImportRefused naming each one that cannot be."""
    if not files:
        message = "found no ADR files (*.md other than README, index and template files)"
        raise ImportRefused([Problem("the import", 0, message)])
    parsed: list[ParsedAdr] = []
    problems: list[Problem] = []
    for source in files:
        try:
            parsed.append(parse_adr(source.path, source.data))
        except AdrFileError as exc:
            problems.append(exc.problem)
    if problems:
        raise ImportRefused(problems)
    return parsed


def decisions_import(
    *,
    files: list[SourceFile],
    author: User,
    team: Team | None,
    dry_run: bool = False,
    today: dt.date | None = None,
) -> ImportReport:
    """Import every file as a decision, or none; a dry run rolls the same import back."""
    parsed = parse_files(files)
    report = ImportReport(dry_run=dry_run)
    with transaction.atomic():
        _import(parsed, author, team, today or timezone.localdate(), report)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _import(
    parsed: list[ParsedAdr], author: User, team: Team | None, today: dt.date, report: ImportReport
) -> None:
    # Locked first, so no decision is created elsewhere between choosing numbers and using them.
    list(DecisionSequence.objects.select_for_update().filter(pk=1))
    existing = {d.number: d for d in Decision.objects.only("pk", "number", "slug", "title")}
    plan = _numbers(parsed, existing, report)
    for item in plan:
        item.decision = _create(item, author, team, today, report)
    _link(plan, existing, report)
    for item in plan:
        assert item.decision is not None
        if item.note:
            Decision.objects.filter(pk=item.decision.pk).update(import_note="\n".join(item.note))
        report.created.append(
            Created(item.number, item.decision.title, item.decision.status, item.adr.path)
        )


def _numbers(
    parsed: list[ParsedAdr], existing: dict[int, Decision], report: ImportReport
) -> list[_Planned]:
    """Each file's number: its own when free, else the next after every number in use."""
    order = sorted(
        parsed,
        key=lambda a: (a.number is None, a.number or 0, a.date or dt.date.max, a.path),
    )
    kept: dict[int, ParsedAdr] = {}
    plan: list[_Planned] = []
    later: list[ParsedAdr] = []
    for adr in order:
        if adr.number is not None and adr.number not in existing and adr.number not in kept:
            kept[adr.number] = adr
            plan.append(_Planned(adr, adr.number))
        else:
            later.append(adr)
    last = DecisionSequence.objects.filter(pk=1).values_list("last", flat=True).first() or 0
    following = max([last, *existing, *kept]) + 1
    for adr in later:
        if adr.number is None:
            reason = "has no number"
        elif adr.number in existing:
            taken = existing[adr.number]
            reason = f"{adr_id(adr.number)} is taken by a decision already in the portal"
            if taken.title == adr.title[:TITLE_LENGTH]:
                reason += " with the same title (imported before?)"
        else:
            reason = f"{adr_id(adr.number)} is also the number of {kept[adr.number].path}"
        report.renumbered.append(f"{adr.path}: {reason}; imported as {adr_id(following)}")
        planned = _Planned(adr, following)
        planned.note.append(f"Renumbered on import: {reason}; now {adr_id(following)}.")
        plan.append(planned)
        following += 1
    return plan


def _create(
    item: _Planned, author: User, team: Team | None, today: dt.date, report: ImportReport
) -> Decision:
    adr = item.adr
    if adr.unknown_status is not None:
        report.unknown_statuses.append(str(adr.unknown_status))
        item.note.append(
            f"Status in the source: '{adr.raw_status}' (not known here; imported as "
            f"{UNKNOWN_STATUS})."
            if adr.raw_status
            else f"The source gives no status; imported as {UNKNOWN_STATUS}."
        )
    date = adr.date
    if date is None:
        date = today
        problem = Problem(
            adr.path,
            adr.title_line,
            f"no date in the front matter, a Date line or the file name; dated {today}, "
            "the day of the import",
        )
        report.missing_dates.append(str(problem))
        item.note.append(f"The source gives no date; dated {today}, the day of the import.")
    title = adr.title
    if len(title) > TITLE_LENGTH:
        title = title[:TITLE_LENGTH].rstrip()
        cut = f"the title is cut to {TITLE_LENGTH} characters"
        _note(item, report, Problem(adr.path, adr.title_line, cut))
    for warning in adr.warnings:
        _note(item, report, warning)
    slug = adr.slug.lower()
    if not _SLUG.match(slug) or len(slug) > SLUG_LENGTH:
        slug = decision_slug(title)
    return decision_import(
        author=author,
        team=team,
        number=item.number,
        slug=slug,
        title=title,
        status=adr.status,
        decided_on=date,
        context=adr.context,
        drivers=adr.drivers,
        decision_makers=adr.decision_makers,
        consulted=adr.consulted,
        informed=adr.informed,
        body=adr.body,
        tags=adr.tags,
        imported_from=adr.path[-SOURCE_LENGTH:],
        review_by=adr.review_by,
    )


def _note(item: _Planned, report: ImportReport, problem: Problem) -> None:
    report.notes.append(str(problem))
    where = f"Line {problem.line}: " if problem.line else ""
    item.note.append(f"{where}{problem.message}.")


class _Targets:
    """Finds the decision a link names: among the imported files first, then, for a number or
    an exported file name, among the decisions that were in the portal before."""

    def __init__(self, plan: list[_Planned], existing: dict[int, Decision]) -> None:
        self.existing = existing
        self.by_path: dict[str, Decision] = {}
        self.by_name: dict[str, list[Decision]] = defaultdict(list)
        self.by_number: dict[int, list[Decision]] = defaultdict(list)
        for item in plan:
            assert item.decision is not None
            self.by_path[item.adr.path] = item.decision
            self.by_name[posixpath.basename(item.adr.path)].append(item.decision)
            if item.adr.number is not None:
                self.by_number[item.adr.number].append(item.decision)

    def find(self, ref: LinkRef) -> tuple[Decision | None, str]:
        """The decision, or None and why not."""
        if ref.path:
            if ref.path in self.by_path:
                return self.by_path[ref.path], ""
            name = posixpath.basename(ref.path)
            if len(self.by_name[name]) == 1:
                return self.by_name[name][0], ""
            if len(self.by_name[name]) > 1:
                return None, f"several imported files are called {name}"
            before = self.existing.get(ref.number) if ref.number is not None else None
            if before is not None and f"{before.filename_stem}.md" == name:
                return before, ""
            return None, f"no file {ref.path} in the import"
        assert ref.number is not None
        matches = self.by_number[ref.number]
        if len(matches) == 1:
            return matches[0], ""
        if matches:
            return None, f"{len(matches)} imported files are numbered {ref.number}"
        if ref.number in self.existing:
            return self.existing[ref.number], ""
        return None, f"no decision numbered {ref.number} in the import or the portal"


def _link(plan: list[_Planned], existing: dict[int, Decision], report: ImportReport) -> None:
    targets = _Targets(plan, existing)
    before = {decision.pk for decision in existing.values()}
    for item in plan:
        decision = item.decision
        assert decision is not None
        for ref in item.adr.links:
            target, why = targets.find(ref)
            if target is None:
                problem = Problem(item.adr.path, ref.line, f"{ref.text}: {why}")
                report.unresolved_links.append(str(problem))
                item.note.append(f"Link not followed (line {ref.line}): {ref.text} ({why}).")
                continue
            if target.pk == decision.pk:
                itself = Problem(item.adr.path, ref.line, "a link to itself is left out")
                _note(item, report, itself)
                continue
            kind, outgoing = STORED_AS[ref.kind]
            source, other = (decision, target) if outgoing else (target, decision)
            if kind == "supersedes":
                refusal = _supersede_refusal(source, other, before)
                if refusal:
                    _note(item, report, Problem(item.adr.path, ref.line, refusal))
                    continue
            imported_link(source=source, target=other, kind=kind)


def _supersede_refusal(newer: Decision, older: Decision, before: set[int]) -> str:
    if older.pk in before:
        return (
            f"{older.adr_id} was in the portal before this import and is left as it is; "
            "supersede it there"
        )
    current = Decision.objects.filter(pk=older.pk).values_list("superseded_by", flat=True).get()
    if current is not None and current != newer.pk:
        winner = Decision.objects.get(pk=current)
        return (
            f"{older.adr_id} is already superseded by {winner.adr_id}; "
            f"the link to {newer.adr_id} is left out"
        )
    return ""
