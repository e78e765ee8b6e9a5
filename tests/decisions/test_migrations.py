"""The hand-written steps of the decisions migrations, on rows made before each of them runs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from tests.migrations import migrate_to, migrate_to_latest

BEFORE = [("decisions", "0003_search_index"), ("advisor", "0002_reassesses")]
AFTER = [("decisions", "0004_review_round")]


def _decision(apps, author, number: int, **fields):
    """A decision as the models stood at the migration `apps` comes from: number 1 is "a"/"A",
    number 2 "b"/"B", unless `fields` say otherwise."""
    slug = "ab"[number - 1]
    given = {"slug": slug, "title": slug.upper(), "outcome": "serverless", "context": ""}
    return apps.get_model("decisions", "Decision").objects.create(
        number=number, author=author, snapshot={}, **{**given, **fields}
    )


@pytest.mark.django_db(transaction=True)
def test_it_numbers_the_rounds_of_decisions_sent_back_to_draft():
    apps = migrate_to(BEFORE)
    try:
        user = apps.get_model("auth", "User").objects.create(username="alice")
        # Before 0004 one reviewer could approve a version only once, so a second reviewer
        # gives the approval after the return to draft.
        second = apps.get_model("auth", "User").objects.create(username="ravi")
        audit = apps.get_model("decisions", "AuditEntry").objects
        review = apps.get_model("decisions", "Review").objects
        returned = _decision(apps, user, 1)
        untouched = _decision(apps, user, 2)
        start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        early = review.create(decision=returned, reviewer=user, verdict="approve", version=1)
        sent_back = audit.create(decision=returned, actor=user, action="changes_requested")
        late = review.create(decision=returned, reviewer=second, verdict="approve", version=1)
        other = review.create(decision=untouched, reviewer=user, verdict="approve", version=1)
        for row, minutes in ((early, 1), (sent_back, 2), (late, 3), (other, 1)):
            type(row).objects.filter(pk=row.pk).update(
                created_at=start + dt.timedelta(minutes=minutes)
            )

        apps = migrate_to(AFTER)

        decisions = apps.get_model("decisions", "Decision").objects
        reviews = apps.get_model("decisions", "Review").objects
        assert decisions.get(number=1).review_round == 2
        assert decisions.get(number=2).review_round == 1
        assert reviews.get(pk=early.pk).review_round == 1
        assert reviews.get(pk=late.pk).review_round == 2
        assert reviews.get(pk=other.pk).review_round == 1
    finally:
        migrate_to_latest()


@pytest.mark.django_db(transaction=True)
def test_it_renders_the_comments_already_posted():
    apps = migrate_to([("decisions", "0005_visibility_index")])
    try:
        user = apps.get_model("auth", "User").objects.create(username="alice")
        decision = _decision(apps, user, 1)
        comments = apps.get_model("decisions", "Comment").objects
        plain = comments.create(decision=decision, author=user, body="Cost the **peak**")
        hostile = comments.create(
            decision=decision,
            author=user,
            body="<script>alert(1)</script> ![pixel](https://tracker.example/p.gif)",
        )

        apps = migrate_to([("decisions", "0006_comment_body_html")])

        stored = apps.get_model("decisions", "Comment").objects
        assert stored.get(pk=plain.pk).body_html == "<p>Cost the <strong>peak</strong></p>\n"
        html = stored.get(pk=hostile.pk).body_html
        assert "&lt;script&gt;" in html and "<img" not in html
        assert "image not shown: https://tracker.example/p.gif" in html
    finally:
        migrate_to_latest()


@pytest.mark.django_db(transaction=True)
def test_it_stores_the_review_date_of_questionnaire_decisions_already_made():
    apps = migrate_to([("decisions", "0011_review_by")])
    try:
        user = apps.get_model("auth", "User").objects.create(username="alice")
        decisions = apps.get_model("decisions", "Decision").objects
        common = {"author": user, "context": "", "decided_on": dt.date(2026, 1, 31)}
        planned = decisions.create(
            number=1,
            slug="a",
            title="A",
            snapshot={"recommendation": {"review": {"months": 13}}},
            **common,
        )
        unplanned = decisions.create(number=2, slug="b", title="B", snapshot={}, **common)
        free = decisions.create(number=3, slug="c", title="C", snapshot=None, **common)
        kept = decisions.create(
            number=4,
            slug="d",
            title="D",
            review_by=dt.date(2030, 1, 1),
            snapshot={"recommendation": {"review": {"months": 6}}},
            **common,
        )

        apps = migrate_to([("decisions", "0012_review_by_from_snapshot")])

        after = apps.get_model("decisions", "Decision").objects
        # 13 months after 31 January is the end of the next February.
        assert after.get(pk=planned.pk).review_by == dt.date(2027, 2, 28)
        assert after.get(pk=unplanned.pk).review_by is None
        assert after.get(pk=free.pk).review_by is None
        assert after.get(pk=kept.pk).review_by == dt.date(2030, 1, 1)
    finally:
        migrate_to_latest()


def _columns_and_indexes() -> tuple[set[str], set[str]]:
    with connection.cursor() as cursor:
        table = connection.introspection.get_table_description(cursor, "decisions_decision")
        constraints = connection.introspection.get_constraints(cursor, "decisions_decision")
    return {column.name for column in table}, set(constraints)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_it_stores_the_search_vector_of_decisions_already_made_and_can_be_undone():
    apps = migrate_to([("decisions", "0014_decision_tally")])
    try:
        columns, indexes = _columns_and_indexes()
        assert "search_vector" not in columns
        assert "decision_search" in indexes
        user = apps.get_model("auth", "User").objects.create(username="alice")
        _decision(
            apps, user, 1, title="Queue the refunds", search_text="Ledger entries flow to the bank."
        )

        migrate_to([("decisions", "0015_stored_search_vector")])

        columns, indexes = _columns_and_indexes()
        assert "search_vector" in columns
        assert "decision_search_vector" in indexes
        assert "decision_search" not in indexes
        with connection.cursor() as cursor:
            cursor.execute("SELECT search_vector::text FROM decisions_decision WHERE number = 1")
            (stored,) = cursor.fetchone()
        assert "'refund':3A" in stored
        assert "'ledger':4B" in stored
    finally:
        migrate_to_latest()
