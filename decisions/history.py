"""Reads over a decision's revisions: the text of one, and the difference between two."""

from __future__ import annotations

import difflib

from decisions.models import Revision


def revision_text(revision: Revision) -> list[str]:
    lines = [f"Title: {revision.title}", "", "Context:"]
    lines += revision.context.splitlines() or [""]
    lines += ["", "Decision drivers:"] + [f"- {driver}" for driver in revision.drivers]
    lines += ["", f"Decision-makers: {', '.join(revision.decision_makers)}"]
    lines += [f"Consulted: {', '.join(revision.consulted)}"]
    lines += [f"Informed: {', '.join(revision.informed)}"]
    if revision.body:
        lines += ["", "Options, outcome and consequences:", *revision.body.splitlines()]
    return lines


def revision_diff(old: Revision, new: Revision) -> list[tuple[str, str]]:
    """(kind, line) pairs: kind is "add", "remove", "same" or "hunk"; escaping is the template's."""
    rows: list[tuple[str, str]] = []
    diff = difflib.unified_diff(
        revision_text(old),
        revision_text(new),
        fromfile=f"version {old.version}",
        tofile=f"version {new.version}",
        lineterm="",
        n=3,
    )
    for line in diff:
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            rows.append(("hunk", line))
        elif line.startswith("+"):
            rows.append(("add", line[1:]))
        elif line.startswith("-"):
            rows.append(("remove", line[1:]))
        else:
            rows.append(("same", line[1:]))
    return rows
