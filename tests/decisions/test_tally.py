"""The stored decision tally (`DecisionTally`, kept by the triggers of migration 0014): it follows
every kind of write to the log, each person's tally counts exactly what they may see, and the
log and home page read their totals from it. On SQLite and on PostgreSQL alike."""

from __future__ import annotations

import copy
import io
import random
import re
from collections import Counter
from importlib import import_module

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from decisions.apps import TALLY_MIGRATION
from decisions.models import Decision, DecisionTally
from decisions.selectors import decisions_visible_to, tally, visible_count
from tests.decisions.conftest import make_decision
from tests.migrations import migrate_to, migrate_to_latest

SQLITE_TALLY_TRIGGERS = import_module(TALLY_MIGRATION).SQLITE_TRIGGERS

pytestmark = pytest.mark.django_db

OUTCOMES = ("serverless", "containers", "hybrid", "")


def _stored() -> Counter[tuple[str, str]]:
    return Counter({(t.status, t.outcome): t.n for t in DecisionTally.objects.all() if t.n != 0})


def _counted(decisions=None) -> Counter[tuple[str, str]]:
    rows = (decisions if decisions is not None else Decision.objects.all()).order_by()
    pairs = rows.values_list("status", "outcome").annotate(n=Count("*"))
    return Counter({(s, o): n for s, o, n in pairs.values_list("status", "outcome", "n")})


def _decision(author, team, status: str, **fields) -> Decision:
    """A decision made through the service (which starts one as a draft or proposed), then
    moved to `status` as a review would."""
    decision = make_decision(
        author, team, status="draft" if status == "draft" else "proposed", **fields
    )
    Decision.objects.filter(pk=decision.pk).update(status=status)
    return decision


def _raw(sql: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_stored_tally_follows_every_kind_of_write(alice, bob, team):
    rng = random.Random(14)
    statuses = Decision.Status.values
    make_decision(alice, team, status="draft")
    kinds = ("create", "status", "outcome", "both", "same", "delete", "bulk", "sql")
    seen: Counter[str] = Counter()
    for step in range(60):
        numbers = list(Decision.objects.values_list("number", flat=True))
        kind = rng.choice(kinds)
        seen[kind] += 1
        chosen = Decision.objects.filter(number__in=rng.sample(numbers, min(3, len(numbers))))
        if kind == "create":
            _decision(rng.choice((alice, bob)), team, status=rng.choice(statuses))
        elif kind == "status":
            chosen.update(status=rng.choice(statuses))
        elif kind == "outcome":
            chosen.update(outcome=rng.choice(OUTCOMES))
        elif kind == "both":
            chosen.update(status=rng.choice(statuses), outcome=rng.choice(OUTCOMES))
        elif kind == "same":
            # Rewriting the same values, or other fields only, leaves the tally alone.
            for decision in chosen:
                decision.title = f"Renamed {step}"
                decision.save()
        elif kind == "delete" and len(numbers) > 1:
            Decision.objects.filter(number=rng.choice(numbers)).delete()
        elif kind == "bulk":
            start = 10_000 + 10 * step  # clear of the numbers the service hands out
            Decision.objects.bulk_create(
                Decision(
                    number=start + i,
                    slug=f"bulk-{start + i}",
                    title="Bulk",
                    author=alice,
                    status=rng.choice(statuses),
                    outcome=rng.choice(OUTCOMES),
                    context="",
                )
                for i in range(rng.randrange(1, 4))
            )
        elif kind == "sql":
            _raw(
                "UPDATE decisions_decision SET status = %s WHERE number = %s",
                rng.choice(statuses),
                rng.choice(numbers),
            )
        assert _stored() == _counted(), f"after step {step} ({kind})"
    assert set(seen) == set(kinds)
    assert sum(_stored().values()) == Decision.objects.count() > 5


def test_each_person_is_tallied_what_they_may_see(django_user_model, alice, bob, charlie, team):
    search = charlie.teams.get()
    outsider = django_user_model.objects.create_user(username="olga", password="pw-olga-123")
    staff = django_user_model.objects.create_user(
        username="dana", password="pw-dana-123", is_staff=True
    )
    for status in Decision.Status.values:
        _decision(alice, team, status=status)
        _decision(charlie, search, status=status)
    make_decision(alice, None, status="draft")  # her own, without a team
    make_decision(bob, None, status="draft")  # bob's alone: alice may not see it
    Decision.objects.filter(team=search).update(outcome="containers")

    for person in (alice, bob, charlie, outsider, staff):
        visible = decisions_visible_to(person)
        expected = _counted(visible)
        assert Counter({(s, o): n for s, o, n in tally(person)}) == expected, person
        assert visible_count(person) == visible.count()
    # The rule bites: each of these sees a different number of drafts.
    drafts = {
        person.username: sum(n for s, _, n in tally(person) if s == "draft")
        for person in (alice, bob, charlie, outsider, staff)
    }
    assert drafts == {"alice": 2, "bob": 2, "charlie": 1, "olga": 0, "dana": 4}


def test_the_unfiltered_log_and_home_page_show_the_tallied_totals(alice, bob, charlie, team):
    search = charlie.teams.get()
    for i in range(3):
        _decision(alice, team, status="accepted", title=f"Accepted {i}")
    make_decision(bob, team, status="draft")
    make_decision(charlie, search, status="draft")  # another team's draft: not alice's to see
    client = Client()
    client.force_login(alice)

    log = client.get(reverse("decision_list")).content.decode()
    assert re.search(r"data-announce>4 decisions<", log)
    # A filtered log counts its own rows.
    filtered = client.get(reverse("decision_list"), {"status": "draft"}).content.decode()
    assert re.search(r"data-announce>1 decision<", filtered)

    home = client.get(reverse("home")).content.decode()
    cells = re.findall(r'\?status=(\w+)">[^<]+</a></th><td class="text-end">(\d+)<', home)
    assert dict(cells)["accepted"] == "3"
    assert dict(cells)["draft"] == "1"


def test_a_recount_corrects_a_tally_written_past_and_says_what_was_off(alice, team):
    for status in ("draft", "proposed", "accepted", "accepted"):
        _decision(alice, team, status=status)
    out = io.StringIO()
    call_command("recount_decisions", stdout=out)
    assert "nothing to correct" in out.getvalue()

    # As after a data-only restore with the triggers off: one pair off, one missing, one extra.
    DecisionTally.objects.filter(status="accepted").update(n=7)
    DecisionTally.objects.filter(status="draft").delete()
    DecisionTally.objects.create(status="rejected", outcome="hybrid", n=3)
    out = io.StringIO()
    call_command("recount_decisions", stdout=out)

    assert _stored() == _counted()
    lines = out.getvalue().splitlines()
    assert lines == [
        "accepted, serverless: stored 7, counted 2",
        "draft, serverless: stored 0, counted 1",
        "rejected, hybrid: stored 3, counted 0",
        "Corrected 3 count(s).",
    ]
    # The triggers carry on from the corrected counts.
    _decision(alice, team, status="accepted")
    assert _stored() == _counted()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
@pytest.mark.django_db(transaction=True)  # writes in the same transaction would block TRUNCATE
def test_emptying_the_log_with_truncate_empties_its_tally(alice, team):
    _decision(alice, team, status="accepted")
    assert _stored()

    _raw("TRUNCATE decisions_decision CASCADE")

    assert not _stored()
    make_decision(alice, team, status="proposed")
    assert _stored() == _counted() == Counter({("proposed", "serverless"): 1})


@pytest.mark.django_db(transaction=True)
def test_the_migration_tallies_the_log_as_it_stands_and_its_reversal_stops_counting():
    before = [("decisions", "0013_due_for_review_index")]
    after = [("decisions", "0014_decision_tally")]
    apps = migrate_to(before)
    try:
        user = User.objects.create(username="alice")
        decision_model = apps.get_model("decisions", "Decision")
        for number, (status, outcome) in enumerate(
            [("accepted", "serverless"), ("accepted", "serverless"), ("draft", "")], start=1
        ):
            decision_model.objects.create(
                number=number,
                slug=f"d{number}",
                title="D",
                author_id=user.pk,
                status=status,
                outcome=outcome,
                context="",
            )

        migrate_to(after)

        assert _stored() == Counter({("accepted", "serverless"): 2, ("draft", ""): 1})
        Decision.objects.filter(number=3).update(status="proposed")
        assert _stored() == _counted()

        migrate_to(before)
        # The triggers went with the table: a write no longer reaches for it.
        Decision.objects.filter(number=1).delete()
        assert "decisions_decisiontally" not in connection.introspection.table_names()
    finally:
        migrate_to_latest()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite rebuilds tables to alter them")
@pytest.mark.django_db(transaction=True)  # SQLite changes a schema only outside a transaction
def test_a_table_rebuild_on_sqlite_loses_the_triggers_and_migrate_puts_them_back(alice, team):
    _decision(alice, team, status="accepted")
    title = Decision._meta.get_field("title")
    longer = copy.deepcopy(title)
    longer.max_length = title.max_length + 1

    def triggers() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            return {row[0] for row in cursor.fetchall()}

    assert triggers() >= set(SQLITE_TALLY_TRIGGERS)
    try:
        with connection.schema_editor() as editor:
            editor.alter_field(Decision, title, longer)  # what a migration altering it does
        assert not triggers() & set(SQLITE_TALLY_TRIGGERS)
        _decision(alice, team, status="rejected")  # not counted: no triggers
        assert _stored() != _counted()

        call_command("migrate", verbosity=0)

        assert triggers() >= set(SQLITE_TALLY_TRIGGERS)
        assert _stored() == _counted()  # counted again when they were put back
        _decision(alice, team, status="proposed")
        assert _stored() == _counted()
    finally:
        with connection.schema_editor() as editor:
            editor.alter_field(Decision, longer, title)
        call_command("migrate", verbosity=0)
