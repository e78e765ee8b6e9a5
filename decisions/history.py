"""Reads over a decision's revisions: the text of one, and two of them side by side.

The comparison is plain data computed here, so the page only renders it. Lines are aligned
first (unchanged, edited, only in one version); then each edited pair is compared word by word,
so one sentence added to a paragraph marks that sentence rather than the whole paragraph.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from decisions.models import Revision

# Words, runs of whitespace and single other characters. Whitespace is a token of its own so
# the text rebuilds exactly and a changed word does not take the space after it along.
TOKENS = re.compile(r"\w+|\s+|[^\w\s]")
# Where a change is best cut: after one of these and a space, a new sentence starts.
SENTENCE_ENDS = frozenset(".!?:;")
# Only this many lines of each version are compared: aligning lines costs about (lines x
# changes), and a form-made decision (60,000 characters at most) rarely has half as many.
MAX_LINES = 3_000
# Unchanged lines kept around each change; a longer unchanged run folds into one row.
CONTEXT = 3
# Two lines of a changed block are one edited line when at least this share of their words is
# common (counted as difflib's quick_ratio does), or when this share of the shorter line's words
# is in the longer one (a paragraph that grew); otherwise one line went and another came.
PAIR_CUTOFF = 0.5
CONTAINED_CUTOFF = 0.8
# Aligning a changed block compares each old line with each new one. Past this many
# comparisons its lines are set beside each other in order and marked whole.
PAIRING_LIMIT = 2_500
# Comparing two lines word by word costs up to (old tokens x new tokens); this much over a
# whole page takes about a third of a second. A pair that no longer fits is marked whole.
WORD_BUDGET = 4_000_000

SegmentKind = Literal["same", "del", "ins"]
RowKind = Literal["same", "change", "fold"]


@dataclass(frozen=True)
class Segment:
    """A run of text within one line: unchanged, removed (old side) or added (new side)."""

    kind: SegmentKind
    text: str


Line = tuple[Segment, ...]


@dataclass(frozen=True)
class Row:
    """A line of the old version beside a line of the new one.

    A side is None where that version has no line here. A "fold" row stands for `folded`
    unchanged lines that are not shown."""

    kind: RowKind
    old: Line | None = None
    new: Line | None = None
    folded: int = 0


@dataclass(frozen=True)
class Comparison:
    rows: tuple[Row, ...]
    # Edited lines too long (or too many) to compare word by word, shown marked whole instead.
    whole_lines: int = 0
    # Set when a version had more lines than this and only its first lines were compared.
    cut_at: int | None = None

    @property
    def changed(self) -> bool:
        return any(row.kind == "change" for row in self.rows)


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


def revision_diff(old: Revision, new: Revision) -> Comparison:
    return compare_lines(revision_text(old), revision_text(new))


def compare_lines(
    old: Sequence[str],
    new: Sequence[str],
    *,
    context: int = CONTEXT,
    word_budget: int = WORD_BUDGET,
    max_lines: int = MAX_LINES,
) -> Comparison:
    """Old and new lines aligned row by row, edited lines marked word by word. Pure."""
    cut_at = max_lines if max(len(old), len(new)) > max_lines else None
    old, new = old[:max_lines], new[:max_lines]
    budget = _Budget(word_budget)
    rows: list[Row] = []
    # autojunk as unified_diff has it: on long texts, lines as common as a blank one do not
    # anchor the alignment, which keeps it fast.
    matcher = difflib.SequenceMatcher(None, old, new)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows += [Row("same", _whole("same", line), _whole("same", line)) for line in old[i1:i2]]
        else:
            rows += _changed_block(old[i1:i2], new[j1:j2], budget)
    return Comparison(
        rows=tuple(_fold(rows, context)), whole_lines=budget.whole_lines, cut_at=cut_at
    )


@dataclass
class _Budget:
    """What is left of the word budget for one comparison, and the lines it could not cover."""

    left: int
    whole_lines: int = 0


def _whole(kind: SegmentKind, text: str) -> Line:
    return (Segment(kind, text),)


def _changed_block(old: Sequence[str], new: Sequence[str], budget: _Budget) -> list[Row]:
    """Rows for a block where old lines became new ones: edited pairs compared word by word,
    and between them the lines only one side has, set beside each other in order."""
    rows: list[Row] = []
    pairs = _pair_lines(old, new, budget)
    i = j = 0
    for pi, pj in [*pairs, (len(old), len(new))]:
        gone, came = old[i:pi], new[j:pj]
        for k in range(max(len(gone), len(came))):
            rows.append(
                Row(
                    "change",
                    _whole("del", gone[k]) if k < len(gone) else None,
                    _whole("ins", came[k]) if k < len(came) else None,
                )
            )
        if pi < len(old):
            rows.append(Row("change", *_word_diff(old[pi], new[pj], budget)))
        i, j = pi + 1, pj + 1
    return rows


def _words(line: str) -> Counter[str]:
    return Counter(token for token in TOKENS.findall(line) if not token.isspace())


def _likeness(old: Counter[str], new: Counter[str]) -> float:
    """How alike two lines' words are, from 0 to 1; 0 when neither cut-off is reached."""
    total, shorter = old.total() + new.total(), min(old.total(), new.total())
    if not total:
        return 1.0
    common = (old & new).total()
    ratio, contained = 2 * common / total, common / shorter if shorter else 0.0
    if ratio >= PAIR_CUTOFF or contained >= CONTAINED_CUTOFF:
        return max(ratio, contained)
    return 0.0


def _pair_lines(old: Sequence[str], new: Sequence[str], budget: _Budget) -> list[tuple[int, int]]:
    """(old index, new index) of the lines that are edits of each other, in order, chosen to
    make the pairs as alike as possible overall (a small alignment over the block)."""
    n, m = len(old), len(new)
    if not n or not m:
        return []
    if n * m > PAIRING_LIMIT:
        budget.whole_lines += min(n, m)
        return []
    old_words, new_words = [_words(line) for line in old], [_words(line) for line in new]
    alike = [[_likeness(a, b) for b in new_words] for a in old_words]
    # best[i][j]: the most likeness that pairs among old[i:] and new[j:] can add up to.
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best[i][j] = max(best[i + 1][j], best[i][j + 1])
            if alike[i][j]:
                best[i][j] = max(best[i][j], alike[i][j] + best[i + 1][j + 1])
    pairs: list[tuple[int, int]] = []
    i = j = 0
    while i < n and j < m:
        if alike[i][j] and best[i][j] == alike[i][j] + best[i + 1][j + 1]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def _word_diff(old: str, new: str, budget: _Budget) -> tuple[Line, Line]:
    a, b = TOKENS.findall(old), TOKENS.findall(new)
    cost = len(a) * len(b)
    if cost > budget.left:
        budget.whole_lines += 1
        return _whole("del", old), _whole("ins", new)
    budget.left -= cost
    # No autojunk: in a long paragraph a space or "the" is common, yet still real text.
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    edits = _on_boundaries([(tag, a[i1:i2], b[j1:j2]) for tag, i1, i2, j1, j2 in opcodes])
    texts = [("".join(gone), "".join(came)) for _, gone, came in edits]
    old_side: list[Segment] = []
    new_side: list[Segment] = []
    for index, ((tag, _, _), (gone, came)) in enumerate(zip(edits, texts, strict=True)):
        if (
            tag == "equal"
            and 0 < index < len(texts) - 1
            and _is_island(gone, texts[index - 1], texts[index + 1])
        ):
            tag = "replace"
        if tag == "equal":
            _append(old_side, "same", gone)
            _append(new_side, "same", came)
        else:
            _append(old_side, "del", gone)
            _append(new_side, "ins", came)
    return tuple(old_side), tuple(new_side)


Edit = tuple[str, list[str], list[str]]  # difflib's tag, the old tokens, the new tokens


def _on_boundaries(edits: list[Edit]) -> list[Edit]:
    """Each lone insertion or deletion moved along the unchanged text around it, where that
    changes nothing but its place, to start and end on a sentence's boundary, else a word's.

    difflib marks the earliest of equally short differences, so a sentence added after
    "home." comes out as ". Nobody wants it" instead of "Nobody wants it. "."""
    # An empty unchanged run at each end, so every change has one on both sides to move into.
    edits = [("equal", [], []), *edits, ("equal", [], [])]
    for index, (tag, gone, came) in enumerate(edits):
        if tag not in ("insert", "delete"):
            continue
        before, after = edits[index - 1][1], edits[index + 1][1]
        changed = came if tag == "insert" else gone
        run, size = [*before, *changed, *after], len(changed)
        start = len(before)
        while start > 0 and run[start - 1] == run[start + size - 1]:
            start -= 1
        places = [start]
        while places[-1] + size < len(run) and run[places[-1]] == run[places[-1] + size]:
            places.append(places[-1] + 1)
        best = max(
            places,
            key=lambda at: (
                _join(run[:at], run[at : at + size]) + _join(run[at : at + size], run[at + size :])
            ),
        )
        moved = run[best : best + size]
        edits[index] = (tag, [], moved) if tag == "insert" else (tag, moved, [])
        edits[index - 1] = ("equal", run[:best], run[:best])
        edits[index + 1] = ("equal", run[best + size :], run[best + size :])
    return [edit for edit in edits if edit[0] != "equal" or edit[1]]


def _join(left: list[str], right: list[str]) -> int:
    """How good a place for a change to start or end this is: 2 at the line's ends or after
    a sentence's end and its space, 1 beside a space, 0 inside a word or its punctuation."""
    if not left or not right:
        return 2
    if left[-1].isspace() and len(left) > 1 and left[-2] in SENTENCE_ENDS:
        return 2
    return 1 if left[-1].isspace() or right[0].isspace() else 0


def _is_island(text: str, before: tuple[str, str], after: tuple[str, str]) -> bool:
    """Whether unchanged text between two changes reads better as part of them: a lone space,
    or one word of up to three letters shorter than each change beside it, so that
    "use a queue" -> "run in a function" is not shown as five scattered pieces.
    `before` and `after` are the (old, new) texts of the changes on either side."""
    if text.isspace():
        return True
    words = [token for token in TOKENS.findall(text) if not token.isspace()]
    if len(words) != 1 or len(words[0]) > 3:
        return False
    return all(len(words[0]) < max(len(gone), len(came)) for gone, came in (before, after))


def _append(side: list[Segment], kind: SegmentKind, text: str) -> None:
    if not text:
        return
    if side and side[-1].kind == kind:
        side[-1] = Segment(kind, side[-1].text + text)
    else:
        side.append(Segment(kind, text))


def _fold(rows: list[Row], context: int) -> list[Row]:
    """The rows with unchanged runs further than `context` from any change folded into one.
    No changes at all: no rows."""
    changed = [index for index, row in enumerate(rows) if row.kind == "change"]
    if not changed:
        return []
    keep: set[int] = set()
    for index in changed:
        keep.update(range(max(0, index - context), min(len(rows), index + context + 1)))
    folded: list[Row] = []
    index = 0
    while index < len(rows):
        if index in keep:
            folded.append(rows[index])
            index += 1
            continue
        end = index
        while end < len(rows) and end not in keep:
            end += 1
        if end - index == 1:
            folded.append(rows[index])  # a fold row would take as much room as the line
        else:
            folded.append(Row("fold", folded=end - index))
        index = end
    return folded
