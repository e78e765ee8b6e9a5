"""The side-by-side comparison of two versions: lines aligned, edited lines marked word by word,
long texts capped, and the history page rendering it with every user's text escaped."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from decisions.history import MAX_LINES, PAIRING_LIMIT, Comparison, Line, Row, compare_lines
from decisions.models import Decision
from decisions.services import decision_edit
from tests.decisions.conftest import make_decision

EVERYTHING = 10**9  # a context so wide that nothing folds


def _text(line: Line | None, *kinds: str) -> str:
    return "".join(s.text for s in line or () if s.kind in kinds)


def _marked(line: Line | None) -> list[str]:
    return [s.text for s in line or () if s.kind != "same"]


def _only_change(comparison: Comparison) -> Row:
    changes = [row for row in comparison.rows if row.kind == "change"]
    assert len(changes) == 1, changes
    return changes[0]


def test_it_marks_only_the_sentence_added_to_a_paragraph():
    old = "Orders needs a home. Traffic is spiky, with quiet nights."
    new = "Orders needs a home. Nobody wants to patch servers. Traffic is spiky, with quiet nights."

    row = _only_change(compare_lines(["Context:", old], ["Context:", new]))

    assert _marked(row.old) == []
    assert _marked(row.new) == ["Nobody wants to patch servers. "]
    assert _text(row.old, "same") == old
    assert _text(row.new, "same", "ins") == new


def test_it_marks_only_the_sentence_removed_from_a_paragraph():
    old = "Use functions. They scale to zero. The queue absorbs the peaks."
    new = "Use functions. The queue absorbs the peaks."

    row = _only_change(compare_lines([old], [new]))

    assert _marked(row.old) == ["They scale to zero. "]
    assert _marked(row.new) == []


def test_it_marks_moved_words_where_they_left_and_where_they_arrived():
    row = _only_change(
        compare_lines(
            ["Put SQS first, then Lambda behind it."], ["Put Lambda first, then SQS behind it."]
        )
    )

    assert _marked(row.old) == ["SQS", "Lambda"]
    assert _marked(row.new) == ["Lambda", "SQS"]
    assert [s.kind for s in row.old or ()] == ["same", "del", "same", "del", "same"]
    assert [s.kind for s in row.new or ()] == ["same", "ins", "same", "ins", "same"]


def test_it_marks_a_changed_phrase_as_one_piece_not_scattered_words():
    row = _only_change(
        compare_lines(["We use a queue for the orders."], ["We run in a function for the orders."])
    )

    assert _marked(row.old) == ["use a queue"]
    assert _marked(row.new) == ["run in a function"]


def test_it_marks_a_changed_full_stop_and_nothing_else():
    row = _only_change(compare_lines(["The queue absorbs peaks."], ["The queue absorbs peaks!"]))

    assert _marked(row.old) == ["."]
    assert _marked(row.new) == ["!"]


def test_it_sets_edited_lines_side_by_side_and_unrelated_ones_apart():
    old = ["Decision drivers:", "- Spiky traffic", "- Nobody on call at night"]
    new = ["Decision drivers:", "- Cost at low volume", "- Spiky traffic at lunch"]

    rows = compare_lines(old, new).rows

    assert [row.kind for row in rows] == ["same", "change", "change", "change"]
    added, edited, removed = rows[1:]
    assert added.old is None and _marked(added.new) == ["- Cost at low volume"]
    assert _marked(edited.old) == [] and _marked(edited.new) == [" at lunch"]
    assert _marked(removed.old) == ["- Nobody on call at night"] and removed.new is None


def test_it_folds_unchanged_lines_far_from_a_change():
    old = [f"Line {n} stays." for n in range(20)]
    new = [*old[:10], "Line 10 moved on.", *old[11:]]

    rows = compare_lines(old, new, context=2).rows

    assert [row.kind for row in rows] == ["fold", "same", "same", "change", "same", "same", "fold"]
    assert (rows[0].folded, rows[-1].folded) == (8, 7)
    assert _text(rows[1].old, "same") == "Line 8 stays."


def test_it_shows_one_unchanged_line_rather_than_a_fold_for_it():
    old = ["a", "b", "c", "d", "e"]
    new = ["a", "b", "c", "d", "E"]

    assert [row.kind for row in compare_lines(old, new, context=3).rows] == [
        "same",
        "same",
        "same",
        "same",
        "change",
    ]


def test_it_has_nothing_to_show_for_the_same_text():
    comparison = compare_lines(["Title: X", "", "Context:"], ["Title: X", "", "Context:"])

    assert comparison.rows == () and not comparison.changed


def test_it_marks_lines_whole_past_the_word_budget():
    old, new = "Use functions for orders.", "Use containers for orders."

    capped = compare_lines([old, "Keep it."], [new, "Keep it."], word_budget=10)

    row = _only_change(capped)
    assert (_marked(row.old), _marked(row.new)) == ([old], [new])
    assert capped.whole_lines == 1
    assert compare_lines([old], [new]).whole_lines == 0


def test_a_long_paragraph_falls_back_to_whole_lines_in_good_time():
    words = [f"word{n % 97}" for n in range(6_000)]
    old = " ".join(words)
    new = " ".join(reversed(words))

    started = time.perf_counter()
    comparison = compare_lines([old], [new])
    elapsed = time.perf_counter() - started

    assert comparison.whole_lines == 1
    assert _marked(_only_change(comparison).old) == [old]
    assert elapsed < 1.0, f"took {elapsed:.2f}s"


def test_it_compares_only_the_first_lines_of_a_very_long_text():
    old = [f"Line {n}." for n in range(10)]
    new = [*old[:8], "Line 8 changed.", "Line 9 changed."]

    comparison = compare_lines(old, new, max_lines=9, context=EVERYTHING)

    assert comparison.cut_at == 9 and len(comparison.rows) == 9
    assert _marked(comparison.rows[-1].new) == [" changed"]
    assert compare_lines(old, new, max_lines=10).cut_at is None


def test_it_does_not_align_a_rewritten_block_line_by_line_past_the_pairing_limit():
    size = int(PAIRING_LIMIT**0.5) + 1
    old = [f"Old point {n} about queues." for n in range(size)]
    new = [f"New point {n} about queues." for n in range(size)]

    comparison = compare_lines(old, new, context=EVERYTHING)

    assert comparison.whole_lines == size
    assert all(_marked(row.old) == [line] for row, line in zip(comparison.rows, old, strict=True))
    small = compare_lines(old[:3], new[:3])
    assert small.whole_lines == 0 and _marked(small.rows[0].old) == ["Old"]


LINES = st.lists(st.text(alphabet=st.sampled_from("ab .,\t\u00e9<&"), max_size=12), max_size=6)


@given(old=LINES, new=LINES)
def test_both_sides_rebuild_their_own_text_exactly(old: list[str], new: list[str]):
    rows = compare_lines(old, new, context=EVERYTHING).rows

    if old == new:
        assert rows == ()
        return
    assert [_text(row.old, "same", "del") for row in rows if row.old is not None] == old
    assert [_text(row.new, "same", "ins") for row in rows if row.new is not None] == new
    for row in rows:
        assert not any(s.kind == "ins" for s in row.old or ())
        assert not any(s.kind == "del" for s in row.new or ())
        assert all(s.text for s in (row.old or ())[1:] + (row.new or ())[1:])


HOSTILE = (
    'Orders needs a home. <script>alert("context")</script> '
    "**Bold** and [a link](javascript:alert(1)) <img src=x onerror=alert(2)>"
)


def _fields(decision: Decision, **changes: Any) -> dict[str, Any]:
    fields = {
        "title": decision.title,
        "context": decision.context,
        "drivers": decision.drivers,
        "decision_makers": decision.decision_makers,
        "consulted": decision.consulted,
        "informed": decision.informed,
    }
    return {**fields, **changes}


def _history(user: Any, decision: Decision, old: int, new: int) -> str:
    client = Client()
    client.force_login(user)
    url = reverse("decision_history", args=[decision.number])
    response = client.get(url, {"from": old, "to": new})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_the_page_escapes_hostile_text_on_both_sides(alice, team):
    decision = make_decision(alice, team, status=Decision.Status.DRAFT)
    decision_edit(
        decision=decision, actor=alice, base_version=1, **_fields(decision, context=HOSTILE)
    )

    page = _history(alice, decision, 1, 2)

    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;context&quot;)&lt;/script&gt;" in page
    assert "**Bold** and [a link](javascript:alert(1)) &lt;img src=x onerror=alert(2)&gt;" in page
    assert '<a href="javascript' not in page and "<strong>" not in page
    # The sentence that was there stays unmarked; what came after it is marked added.
    assert '<td class="diff-new" data-label="Version 2">Orders needs a home.<ins>' in page


@pytest.mark.django_db
def test_the_page_escapes_hostile_text_that_was_removed(alice, team):
    decision = make_decision(alice, team, status=Decision.Status.DRAFT, context=HOSTILE)
    decision_edit(
        decision=decision,
        actor=alice,
        base_version=1,
        **_fields(decision, context="Orders needs a home."),
    )

    page = _history(alice, decision, 1, 2)

    assert "<script>alert" not in page
    assert '<del><span class="visually-hidden">removed: </span> &lt;script&gt;' in page


@pytest.mark.django_db
def test_the_page_shows_both_versions_side_by_side_with_folds(alice, team):
    body = "\n".join(f"Paragraph {n} stays as it was." for n in range(12))
    decision = make_decision(alice, team, status=Decision.Status.DRAFT)
    decision_edit(decision=decision, actor=alice, base_version=1, **_fields(decision, note="a"))
    decision.refresh_from_db()
    decision_edit(
        decision=decision,
        actor=alice,
        base_version=2,
        body=body.replace("Paragraph 11 stays", "Paragraph 11 changed"),
        **_fields(decision, title="Use serverless for Orders, mostly"),
    )

    page = _history(alice, decision, 1, 3)

    assert '<th scope="col">Version 1</th><th scope="col">Version 3</th>' in page
    assert (
        '<td class="diff-old" data-label="Version 1">Title: Use serverless for Orders</td>' in page
    )
    assert (
        '<td class="diff-new" data-label="Version 3">Title: Use serverless for Orders'
        '<ins><span class="visually-hidden">added: </span>, mostly</ins></td>' in page
    )
    assert "unchanged lines</td>" in page
    assert "marked as a whole" not in page


@pytest.mark.django_db
def test_the_page_says_when_lines_are_too_long_to_compare_word_by_word(alice, team):
    paragraph = " ".join(f"word{n % 89}" for n in range(3_000))
    decision = make_decision(alice, team, status=Decision.Status.DRAFT, context=paragraph)
    decision_edit(
        decision=decision,
        actor=alice,
        base_version=1,
        **_fields(decision, context=paragraph.replace("word5 ", "word5, ", 1)),
    )

    page = _history(alice, decision, 1, 2)

    assert "1 changed line is marked as a whole: too long, or in too large a block" in page
    assert "only the first" not in page


@pytest.mark.django_db
def test_the_page_says_when_only_the_first_lines_are_compared(alice, team):
    body = "\n".join(f"Line {n}." for n in range(MAX_LINES + 100))
    decision = make_decision(alice, team, status=Decision.Status.DRAFT, body=body)
    decision_edit(
        decision=decision,
        actor=alice,
        base_version=1,
        body=body.replace("Line 7.", "Line seven."),
        **_fields(decision),
    )

    page = _history(alice, decision, 1, 2)

    assert f"only the first {MAX_LINES} lines of each are compared" in page
    assert '<ins><span class="visually-hidden">added: </span>seven</ins>' in page
