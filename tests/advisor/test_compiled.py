"""Queries compiled once and run for many people answer as their querysets would."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from advisor.compiled import CACHE_ATTR, CACHE_SIZE, STAND_INS, PersonQuery
from advisor.models import Assessment, Team
from advisor.selectors import assessments_visible_to

pytestmark = pytest.mark.django_db


def _assessment(owner, team=None, name="Orders", **fields):
    return Assessment.objects.create(
        owner=owner,
        team=team,
        name=name,
        framework_id="f",
        framework_version="1",
        step="s",
        **fields,
    )


def _visible(person):
    # A datetime and a JSON column: both go through the ORM's converters on the way out.
    return (
        assessments_visible_to(person)
        .order_by("pk")
        .values_list("pk", "name", "updated_at", "answers", "owner__username", "team__name")
    )


@pytest.fixture
def people():
    users = get_user_model().objects
    owner, teammate, outsider = (users.create_user(name) for name in ("owner", "mate", "out"))
    staff = users.create_user("staff", is_staff=True)
    payments = Team.objects.create(name="Payments", slug="payments")
    payments.members.add(owner, teammate)
    _assessment(owner, answers={"peak_rps": 40, "triggers": ["http"]})
    _assessment(owner, payments, name="Ledger")
    _assessment(teammate, payments, name="Refunds")
    _assessment(outsider, name="Search")
    return {"owner": owner, "mate": teammate, "out": outsider, "staff": staff}


def test_each_person_gets_the_rows_their_own_queryset_returns(people):
    query = PersonQuery(_visible)

    # Twice round, so the second reads from the statements the first compiled.
    for person in [*people.values(), *people.values()]:
        rows = query.rows(person)
        assert rows == list(_visible(person)), person.username
    counts = {name: len(query.rows(person)) for name, person in people.items()}
    assert counts == {"owner": 3, "mate": 2, "out": 1, "staff": 0}
    assert query.rows(people["owner"])[0][3] == {"peak_rps": 40, "triggers": ["http"]}


def test_it_compiles_once_per_shape_and_binds_each_persons_id(people):
    built = []

    def build(person, name):
        built.append((person.pk, person.is_staff, name))
        return _visible(person).filter(name=name)

    query = PersonQuery(build)
    for person in people.values():
        query.rows(person, "Ledger")
    query.rows(people["owner"], "Orders")

    # Two stand-ins write each shape: staff or not, and for each argument.
    shapes = [(False, "Ledger"), (True, "Ledger"), (False, "Orders")]
    assert sorted(built) == sorted((pk, *shape) for shape in shapes for pk in STAND_INS)
    assert [row[1] for row in query.rows(people["mate"], "Ledger")] == ["Ledger"]
    assert query.rows(people["out"], "Ledger") == []


def test_membership_is_read_when_the_query_runs_not_when_it_was_compiled(people):
    query = PersonQuery(_visible)
    assert [row[1] for row in query.rows(people["out"])] == ["Search"]

    Team.objects.get(slug="payments").members.add(people["out"])

    assert sorted(row[1] for row in query.rows(people["out"])) == ["Ledger", "Refunds", "Search"]


def test_columns_the_database_needs_only_for_ordering_are_left_off(people):
    # DISTINCT with an ordering outside the selected columns makes the ORM select them too.
    def names(person):
        return assessments_visible_to(person).order_by("updated_at").values_list("name").distinct()

    query = PersonQuery(names)

    for person in people.values():
        assert query.rows(person) == list(names(person))
        assert all(len(row) == 1 for row in query.rows(person))


def test_a_lookup_of_the_id_itself_keeps_its_place_beside_others(people):
    # A lookup on the user table's own key: an id out of its column's range would make the ORM
    # drop the whole branch as impossible.
    def own_or_ledger(person):
        rule = Q(owner__pk=person.pk) | Q(name="Search")
        return Assessment.objects.filter(rule).order_by("pk").values_list("name")

    for person in people.values():
        assert PersonQuery(own_or_ledger).rows(person) == list(own_or_ledger(person))
    assert PersonQuery(own_or_ledger).rows(people["owner"]) == [
        ("Orders",),
        ("Ledger",),
        ("Search",),
    ]


def _named(person, *, name=None, team=None, since=None):
    # The builder tests whether each value was given, never what it is.
    visible = _visible(person)
    if name is not None:
        visible = visible.filter(name=name)
    if team is not None:
        visible = visible.filter(team=team)
    if since is not None:
        visible = visible.filter(created_at__date__gte=since)
    return visible


def test_bound_values_share_a_statement_and_answer_as_the_queryset(people):
    built = []

    def build(person, **bound):
        built.append(person.pk)
        return _named(person, **bound)

    query = PersonQuery(build)
    payments = Team.objects.get(slug="payments").pk
    today = timezone.localdate()
    asks = [
        {"name": name, "team": team, "since": since}
        for name in ("Ledger", "Refunds", "Orders", "nothing")
        for team in (payments, -1)
        for since in (today, today + dt.timedelta(days=1))
    ]

    for person in (people["owner"], people["mate"]):
        for bound in asks:
            assert query.rows(person, **bound) == list(_named(person, **bound)), bound
        assert query.rows(person, name="Ledger") == list(_named(person, name="Ledger"))

    # One shape with all three values, one with the name alone: each written twice.
    assert len(built) == 2 * 2
    ledger = query.rows(people["mate"], name="Ledger", team=payments, since=today)
    assert [row[1] for row in ledger] == ["Ledger"]


def test_a_bound_value_the_statement_does_not_take_as_it_is_is_refused(people):
    def in_a_pattern(person, name):
        return _visible(person).filter(name__icontains=name)

    def written_in(person, name):
        return _visible(person).filter(name=RawSQL(f"'{name}'", ()))  # the mistake under test

    def dropped(person, name):
        return _visible(person)

    for build in (in_a_pattern, written_in, dropped):
        with pytest.raises(ImproperlyConfigured, match="other than as a value"):
            PersonQuery(build).rows(people["owner"], name="Ledger")


@pytest.mark.parametrize("value", [True, 1.5, dt.datetime(2026, 1, 1, tzinfo=dt.UTC), None])
def test_only_ints_strings_and_dates_can_be_bound(people, value):
    query = PersonQuery(lambda person, name: _visible(person).filter(name=name))

    with pytest.raises(TypeError, match="binds int, str and date values"):
        query.rows(people["owner"], name=value)


def test_an_id_used_other_than_as_a_value_is_refused(people):
    def written_in(person):
        where = RawSQL(f"SELECT {person.pk}", ())  # noqa: S608 - the mistake under test
        return Assessment.objects.filter(owner_id=where).values_list("pk")

    def inside_a_pattern(person):
        mentioned = Q(name__icontains=f"by {person.pk}")
        return Assessment.objects.filter(Q(owner=person) | mentioned).values_list("pk")

    for build in (written_in, inside_a_pattern):
        with pytest.raises(ImproperlyConfigured, match="other than as a value"):
            PersonQuery(build).rows(people["owner"])


def test_it_reads_only_plain_rows_and_nothing_when_nothing_can_match(people):
    with pytest.raises(ImproperlyConfigured, match="plain values_list"):
        PersonQuery(lambda person: Assessment.objects.values("pk")).rows(people["owner"])
    with pytest.raises(ImproperlyConfigured, match="plain values_list"):
        flat = PersonQuery(lambda person: Assessment.objects.values_list("pk", flat=True))
        flat.rows(people["owner"])

    nothing = PersonQuery(lambda person: Assessment.objects.none().values_list("pk"))
    assert nothing.rows(people["owner"]) == []


def test_a_connection_keeps_a_bounded_number_of_statements(people):
    query = PersonQuery(lambda person, n: Assessment.objects.values_list(F("pk") + n))

    for n in range(CACHE_SIZE + 5):
        expected = [(pk + n,) for pk in Assessment.objects.values_list("pk", flat=True)]
        assert query.rows(people["owner"], n) == expected

    assert 0 < len(getattr(connection, CACHE_ATTR)) <= CACHE_SIZE
