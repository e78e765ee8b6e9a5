"""The decision log at /decisions/: filters, search, visibility of drafts, sorting, pages, htmx
fragments and a query count that does not grow with the log. For alice (author, Payments),
bob (Payments), charlie (Search) and dana (staff), on SQLite or PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import re

import pytest
from django import forms
from django.core.exceptions import FieldError
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from advisor.engine import evaluate_raw
from advisor.framework import default_framework
from advisor.models import Team
from decisions.export import ExportForm
from decisions.log import (
    DATES_REVERSED,
    PAGE_SIZE,
    SEARCH_COLUMN,
    SEARCH_VECTOR,
    SORT_CHOICES,
    CompiledLog,
    LogFilterForm,
    LogFilters,
    StoredSearchVector,
    filter_decisions,
)
from decisions.models import Decision, Tag
from decisions.render.context import Snapshot
from decisions.selectors import LOG_ROW_FIELDS, decisions_visible_to, log_rows
from decisions.services import decision_create, decision_edit
from decisions.widgets import QuickInput, QuickSelect
from tests.decisions.conftest import OUTCOME_ANSWERS

pytestmark = pytest.mark.django_db

URL = "/decisions/"
ADR_LINK = re.compile(r'<a href="/decisions/(\d+)/">ADR-\d{4}</a>')


@pytest.fixture
def payments():
    return Team.objects.create(name="Payments", slug="payments")


@pytest.fixture
def search_team():
    return Team.objects.create(name="Search", slug="search")


@pytest.fixture
def alice(django_user_model, payments):
    user = django_user_model.objects.create_user(
        username="alice", password="pw-alice-123", first_name="Alice", last_name="Architect"
    )
    payments.members.add(user)
    return user


@pytest.fixture
def bob(django_user_model, payments):
    user = django_user_model.objects.create_user(username="bob", password="pw-bob-123")
    payments.members.add(user)
    return user


@pytest.fixture
def charlie(django_user_model, search_team):
    user = django_user_model.objects.create_user(username="charlie", password="pw-charlie-1")
    search_team.members.add(user)
    return user


@pytest.fixture
def dana(django_user_model):
    return django_user_model.objects.create_user(
        username="dana", password="pw-dana-1234", is_staff=True
    )


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@functools.cache
def _snapshot(outcome: str) -> Snapshot:
    framework = default_framework()
    snapshot = Snapshot.capture(framework, evaluate_raw(framework, OUTCOME_ANSWERS[outcome]))
    assert snapshot.recommendation.recommendation == outcome
    return snapshot


def _create(
    author,
    title: str,
    *,
    team=None,
    outcome: str = "serverless",
    status: str = Decision.Status.PROPOSED,
    context: str = "A workload needs a home.",
    decided_on: dt.date | None = None,
) -> Decision:
    decision = decision_create(
        author=author,
        assessment=None,
        snapshot=_snapshot(outcome),
        title=title,
        context=context,
        drivers=[],
        decision_makers=[],
        consulted=[],
        informed=[],
        team=team,
        status=status if status == Decision.Status.DRAFT else Decision.Status.PROPOSED,
        decided_on=decided_on,
    )
    if status not in (Decision.Status.DRAFT, Decision.Status.PROPOSED):
        # Test data only: the review workflow that gets a decision here is tested elsewhere.
        Decision.objects.filter(pk=decision.pk).update(status=status)
    return decision


def _numbers(response) -> list[int]:
    assert response.status_code == 200, response.status_code
    return [int(n) for n in ADR_LINK.findall(response.content.decode())]


def _bulk(author, count: int, start: int = 1000, **fields) -> None:
    Decision.objects.bulk_create(
        Decision(
            number=start + i,
            slug=f"bulk-{i}",
            title=f"Bulk decision {i}",
            status=Decision.Status.ACCEPTED,
            author=author,
            context="Generated.",
            snapshot={"bulk": True},
            **{"outcome": "containers", **fields},
        )
        for i in range(count)
    )


@pytest.fixture
def log(alice, bob, charlie, payments, search_team):
    """A small log across both teams, outcomes, statuses and dates."""
    return {
        "orders": _create(
            alice,
            "Use serverless for Orders",
            team=payments,
            outcome="serverless",
            context="Orders arrive in bursts after every marketing email.",
            decided_on=dt.date(2026, 1, 10),
        ),
        "ledger": _create(
            bob,
            "Run the ledger on Kubernetes",
            team=payments,
            outcome="containers",
            status=Decision.Status.ACCEPTED,
            context="The ledger keeps long-lived connections to the card network.",
            decided_on=dt.date(2026, 3, 5),
        ),
        "indexer": _create(
            charlie,
            "Split the indexer",
            team=search_team,
            outcome="hybrid",
            status=Decision.Status.REJECTED,
            context="Crawling is steady; query spikes are not.",
            decided_on=dt.date(2026, 6, 20),
        ),
    }


def test_it_requires_sign_in():
    response = Client().get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_refuses_a_post(alice):
    assert _client(alice).post(URL).status_code == 405


def test_it_lists_what_the_table_shows(alice, log):
    response = _client(alice).get(URL)

    page = response.content.decode()
    orders = log["orders"]
    assert f'<a href="{orders.get_absolute_url()}">{orders.adr_id}</a>' in page
    assert "Use serverless for Orders" in page
    assert "Alice Architect" in page
    assert '<td data-label="Team">Payments</td>' in page
    assert '<td data-label="Team">Search</td>' in page
    assert ">Accepted</span>" in page and ">Rejected</span>" in page
    assert '<td data-label="Outcome">Containers</td>' in page
    assert '<time datetime="2026-03-05">5 Mar 2026</time>' in page
    assert "3 decisions" in page
    assert "<caption" in page and '<th scope="col">ADR</th>' in page
    assert '<p id="log-status" class="visually-hidden" role="status"></p>' in page


def test_it_lists_newest_first_by_default(alice, log):
    response = _client(alice).get(URL)

    assert _numbers(response) == [3, 2, 1]


def test_it_filters_by_status(alice, log):
    response = _client(alice).get(URL, {"status": "accepted"})

    assert _numbers(response) == [log["ledger"].number]


def test_it_filters_by_team(alice, log):
    response = _client(alice).get(URL, {"team": "search"})

    assert _numbers(response) == [log["indexer"].number]


def test_it_filters_by_outcome(alice, log):
    response = _client(alice).get(URL, {"outcome": "hybrid"})

    assert _numbers(response) == [log["indexer"].number]


def test_it_filters_by_date_range(alice, log):
    client = _client(alice)

    assert _numbers(client.get(URL, {"from": "2026-03-05"})) == [3, 2]
    assert _numbers(client.get(URL, {"to": "2026-03-05"})) == [2, 1]
    assert _numbers(client.get(URL, {"from": "2026-02-01", "to": "2026-04-01"})) == [2]


def test_it_combines_filters(alice, log):
    response = _client(alice).get(URL, {"team": "payments", "outcome": "serverless"})

    assert _numbers(response) == [log["orders"].number]


def test_it_ignores_bad_values_and_says_so(alice, log):
    response = _client(alice).get(
        URL,
        {
            "status": "lost",
            "team": "nobody",
            "outcome": "mainframe",
            "from": "yesterday",
            "sort": "; drop table",
            "page": "many",
            "q": "x" * 500,
        },
    )

    assert _numbers(response) == [3, 2, 1]
    page = response.content.decode()
    assert "Select a valid choice" in page
    assert "Enter a valid date" in page
    assert 'aria-invalid="true"' in page


def test_it_refuses_a_reversed_date_range_but_keeps_the_start(alice, log):
    response = _client(alice).get(URL, {"from": "2026-03-01", "to": "2026-02-01"})

    assert _numbers(response) == [3, 2]
    assert DATES_REVERSED in response.content.decode()


def test_it_shows_the_last_page_for_a_page_past_the_end(alice, log):
    response = _client(alice).get(URL, {"page": "99"})

    assert _numbers(response) == [3, 2, 1]


def test_it_finds_a_word_in_the_title(alice, log):
    response = _client(alice).get(URL, {"q": "ledger"})

    assert _numbers(response) == [log["ledger"].number]


def test_it_finds_a_word_in_the_context(alice, log):
    response = _client(alice).get(URL, {"q": "marketing"})

    assert _numbers(response) == [log["orders"].number]


def test_it_finds_by_outcome(alice, log):
    response = _client(alice).get(URL, {"q": "hybrid"})

    assert _numbers(response) == [log["indexer"].number]


def test_it_needs_every_word_to_match(alice, log):
    client = _client(alice)

    assert _numbers(client.get(URL, {"q": "orders marketing"})) == [log["orders"].number]
    assert _numbers(client.get(URL, {"q": "orders kubernetes"})) == []


def test_it_searches_within_the_other_filters(alice, log):
    response = _client(alice).get(URL, {"q": "ledger", "status": "proposed"})

    assert _numbers(response) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ranking is PostgreSQL's")
def test_it_ranks_a_title_match_above_a_context_match(alice, payments):
    in_title = _create(alice, "Queue the refunds", team=payments, context="Money goes back.")
    _create(alice, "Batch the payouts", team=payments, context="Like the refunds queue.")
    newest = _create(alice, "Unrelated", team=payments)

    numbers = _numbers(_client(alice).get(URL, {"q": "refunds"}))

    assert numbers[0] == in_title.number
    assert newest.number not in numbers


def test_it_shows_a_draft_to_its_author_and_team_only(alice, bob, charlie, log, payments):
    draft = _create(alice, "Draft the payouts plan", team=payments, status=Decision.Status.DRAFT)

    assert draft.number in _numbers(_client(alice).get(URL))
    assert draft.number in _numbers(_client(bob).get(URL))
    assert draft.number not in _numbers(_client(charlie).get(URL))


def test_it_never_reveals_another_teams_draft_through_filters(charlie, alice, payments, log):
    draft = _create(alice, "Draft the payouts plan", team=payments, status=Decision.Status.DRAFT)
    client = _client(charlie)

    for params in ({"q": "payouts"}, {"status": "draft"}, {"team": "payments"}):
        assert draft.number not in _numbers(client.get(URL, params)), params


def test_it_shows_every_draft_to_staff(dana, alice, payments):
    draft = _create(alice, "Draft the payouts plan", team=payments, status=Decision.Status.DRAFT)

    assert _numbers(_client(dana).get(URL)) == [draft.number]


def test_it_sorts_by_title(alice, log):
    response = _client(alice).get(URL, {"sort": "title"})

    assert _numbers(response) == [
        log["ledger"].number,  # Run the ledger ...
        log["indexer"].number,  # Split the indexer
        log["orders"].number,  # Use serverless ...
    ]


def test_it_sorts_by_number_both_ways(alice, log):
    client = _client(alice)

    assert _numbers(client.get(URL, {"sort": "number"})) == [1, 2, 3]
    assert _numbers(client.get(URL, {"sort": "-number"})) == [3, 2, 1]


def test_it_sorts_by_status_in_lifecycle_order(alice, log):
    response = _client(alice).get(URL, {"sort": "status"})

    # proposed, accepted, rejected
    assert _numbers(response) == [1, 2, 3]


def test_it_pages_and_keeps_the_filters_in_the_links(alice, payments):
    _bulk(alice, PAGE_SIZE + 5, team=payments)
    client = _client(alice)

    first = client.get(URL, {"team": "payments", "status": "accepted"})

    assert len(_numbers(first)) == PAGE_SIZE
    page = first.content.decode()
    assert "30 decisions, showing 1–25" in page
    assert 'href="?team=payments&amp;status=accepted&amp;page=2"' in page
    second = client.get(URL, {"team": "payments", "status": "accepted", "page": "2"})
    assert len(_numbers(second)) == 5
    assert 'href="?team=payments&amp;status=accepted&amp;page=1"' in second.content.decode()


def test_a_searched_page_counts_its_matches_in_the_query_that_reads_it(alice, payments):
    _bulk(alice, PAGE_SIZE + 5, team=payments)
    _bulk(alice, 3, start=5000, team=payments, outcome="serverless")
    client = _client(alice)
    client.get(URL)  # the session and the user, as on any later request

    with CaptureQueriesContext(connection) as queries:
        second = client.get(URL, {"q": "bulk", "outcome": "containers", "page": "2"})

    assert len(_numbers(second)) == 5
    assert "30 decisions, showing 26–30" in second.content.decode()
    assert not [q["sql"] for q in queries if "COUNT(*) AS" in q["sql"]]
    # Past the end, the count is asked for on its own and the last page is shown.
    past = client.get(URL, {"q": "bulk", "outcome": "containers", "page": "9"})
    assert _numbers(past) == _numbers(second)
    assert "30 decisions, showing 26–30" in past.content.decode()
    nothing = client.get(URL, {"q": "bulk", "outcome": "hybrid", "page": "2"})
    assert _numbers(nothing) == [] and "No decisions match" in nothing.content.decode()
    with CaptureQueriesContext(connection) as first_of_none:
        none = client.get(URL, {"q": "bulk", "outcome": "hybrid"})
    assert _numbers(none) == [] and "No decisions match" in none.content.decode()
    assert not [q["sql"] for q in first_of_none if "COUNT(*) AS" in q["sql"]]


def test_a_page_number_past_any_logs_end_shows_the_last_page(alice, payments):
    _bulk(alice, PAGE_SIZE + 5, team=payments)
    client = _client(alice)
    huge = "9" * 20  # past a 64-bit OFFSET once multiplied by the page size

    for filters in ({}, {"status": "accepted"}, {"q": "bulk"}):
        response = client.get(URL, {**filters, "page": huge})
        assert response.status_code == 200, filters
        assert len(_numbers(response)) == 5, filters
        assert "30 decisions, showing 26–30" in response.content.decode()


def test_it_returns_only_the_results_to_htmx(alice, log):
    response = _client(alice).get(URL, {"status": "accepted"}, headers={"HX-Request": "true"})

    page = response.content.decode()
    assert "<html" not in page
    assert "<form" not in page
    assert _numbers(response) == [log["ledger"].number]
    assert "HX-Request" in response["Vary"]


def test_it_returns_the_whole_page_without_htmx(alice, log):
    page = _client(alice).get(URL, {"status": "accepted"}).content.decode()

    assert "<html" in page
    assert 'hx-get="/decisions/"' in page
    assert 'hx-target="#decision-results"' in page
    assert 'hx-push-url="true"' in page
    assert 'id="decision-results"' in page
    assert '<button class="btn btn-outline-primary w-100" type="submit">Filter</button>' in page
    # The form shows the filter it applied, so a shared link looks the same for everyone.
    assert '<option value="accepted" selected>' in page


def test_it_returns_the_whole_page_for_a_history_restore(alice, log):
    response = _client(alice).get(
        URL, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )

    assert "<html" in response.content.decode()


def test_it_labels_every_control(alice):
    page = _client(alice).get(URL).content.decode()

    for name in ("q", "status", "team", "outcome", "from", "to", "sort"):
        assert f'<label class="form-label small mb-1" for="id_{name}">' in page
    assert 'name="page"' not in page


def test_it_queries_the_same_number_of_times_for_10_and_500_decisions(alice, payments):
    client = _client(alice)
    client.get(URL)  # the session and the user, as on any later request
    _bulk(alice, 10, team=payments)

    with CaptureQueriesContext(connection) as few:
        assert len(_numbers(client.get(URL))) == 10
    _bulk(alice, 490, start=5000, team=payments)
    with CaptureQueriesContext(connection) as many:
        assert len(_numbers(client.get(URL, {"page": "2"}))) == PAGE_SIZE

    # Session, user, count, page, the page's tags, the team and tag filters' choices.
    assert len(many) == len(few) <= 7
    # The filters' choices come in one round trip each, not through a server-side cursor
    # (DECLARE, FETCH, CLOSE), which a pooling proxy would not keep either.
    assert not [q["sql"] for q in many.captured_queries if q["sql"].startswith("DECLARE")]


def test_a_tag_or_team_filter_is_checked_without_a_query_of_its_own(alice, log):
    log["ledger"].tags.add(Tag.objects.create(name="pci"))
    client = _client(alice)
    client.get(URL)  # the session and the user, as on any later request

    with CaptureQueriesContext(connection) as plain:
        client.get(URL, {"status": "accepted"})
    with CaptureQueriesContext(connection) as both:
        assert _numbers(client.get(URL, {"tag": "pci", "team": "payments"})) == [2]
    with CaptureQueriesContext(connection) as unknown:
        response = client.get(URL, {"tag": "nothing", "team": "nobody"})

    # Session, user, count, page, the page's tags, and each option list once.
    assert len(both) == len(plain) == len(unknown)
    assert _numbers(response) == [3, 2, 1]
    assert response.content.decode().count("Select a valid choice") == 2


def _ask(alice, dana, log, payments):
    """Every combination of the log's filters, each with a value that matches something, for
    a member of a team and for staff; cycling through the sorts."""
    pci = Tag.objects.create(name="pci")
    log["ledger"].tags.add(pci)
    log["orders"].tags.add(pci)
    _create(alice, "A draft of ours", team=payments, status=Decision.Status.DRAFT)
    Decision.objects.filter(pk=log["orders"].pk).update(outcome="")  # free-form
    values = {
        "q": "ledger",
        "status": "accepted",
        "team": payments.pk,
        "outcome": "",
        "tag": pci.pk,
        "start": dt.date(2026, 1, 1),
        "end": dt.date(2026, 4, 1),
    }
    sorts = [value for value, _ in SORT_CHOICES]
    names = list(values)
    for i in range(2 ** len(names)):
        given = {name: values[name] for bit, name in enumerate(names) if i >> bit & 1}
        for person in (alice, dana):
            yield person, LogFilters(**given, sort=sorts[i % len(sorts)])


def test_the_compiled_log_answers_as_its_querysets_do(alice, dana, log, payments):
    found = 0
    for person, filters in _ask(alice, dana, log, payments):
        decisions = filter_decisions(decisions_visible_to(person), filters)
        compiled = CompiledLog(person, filters)

        assert compiled.count() == decisions.count(), filters
        for span in (range(0, PAGE_SIZE), range(1, 3)):
            rows = list(decisions.values_list(*LOG_ROW_FIELDS)[span.start : span.stop])
            assert compiled.rows(span) == rows, filters
            counted = compiled.counted(span.start, span.stop)
            assert [row[:-1] for row in counted] == rows, filters
            assert {row[-1] for row in counted} <= {decisions.count()}
            found += bool(rows)
    # Many of the combinations find something, so the rows compared are not all empty.
    assert found > 2**7


@pytest.mark.skipif(
    connection.settings_dict["OPTIONS"].get("prepare_threshold") is None,
    reason="PostgreSQL prepares statements unless DATABASE_PREPARED_STATEMENTS=0",
)
def test_searches_for_different_words_share_one_prepared_statement(alice, payments):
    _create(alice, "Queue the refunds", team=payments)
    client = _client(alice)

    for word in ("refunds", "payouts", "ledger", "queue", "orders", "refund", "batch"):
        assert client.get(URL, {"q": word, "sort": "title"}).status_code == 200

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
        prepared = [row[0] for row in cursor.fetchall()]
    searches = [sql for sql in prepared if "websearch_to_tsquery" in sql]
    assert len(searches) == 1, searches
    assert "refund" not in searches[0] and "$" in searches[0]


def test_it_says_when_the_log_is_empty(alice):
    page = _client(alice).get(URL).content.decode()

    assert "No decisions yet" in page
    assert "No decisions match these filters" not in page


def test_it_says_when_nothing_matches_the_filters(alice, log):
    page = _client(alice).get(URL, {"q": "mainframe"}).content.decode()

    assert "No decisions match these filters" in page
    assert "No decisions yet" not in page
    assert f'<a class="btn btn-outline-primary" href="{URL}">Clear filters</a>' in page


def test_it_tidies_the_empty_fields_a_submitted_form_adds(alice, log):
    client = _client(alice)
    full = {"q": "", "status": "accepted", "team": "", "outcome": "", "from": "", "sort": ""}

    plain = client.get(URL, full)
    htmx = client.get(URL, full, headers={"HX-Request": "true"})

    assert plain.status_code == 302 and plain["Location"] == f"{URL}?status=accepted"
    assert _numbers(client.get(plain["Location"])) == [log["ledger"].number]
    assert _numbers(htmx) == [log["ledger"].number]
    assert htmx["HX-Push-Url"] == f"{URL}?status=accepted"
    assert client.get(URL, {"status": "", "q": " "})["Location"] == URL
    assert client.get(URL, {"status": "accepted"}).status_code == 200  # already tidy


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"status": "accepted", "team": "x-y", "outcome": "bogus"},
        {"team": "nobody", "outcome": "hybrid", "sort": "title"},
        {"outcome": "none", "sort": "-updated_at", "status": "<b>", "tag": "a&b"},
        {"tag": "nothing", "team": "payments"},
    ],
)
def test_the_quick_select_writes_what_djangos_select_writes(data):
    Team.objects.create(name='Ops & <b>"Infra"</b>', slug="x-y")
    Team.objects.create(name="Payments", slug="payments")
    Tag.objects.create(name="a&b"), Tag.objects.create(name="<i>pci</i>")
    quick, django = LogFilterForm(data), LogFilterForm(data)
    quick.is_valid(), django.is_valid()
    for name in ("status", "team", "outcome", "tag", "sort"):
        assert isinstance(quick.fields[name].widget, QuickSelect)
        django.fields[name].widget.__class__ = forms.Select

        assert parse_html(str(quick[name])) == parse_html(str(django[name])), name
        assert quick.cleaned_data.get(name) == django.cleaned_data.get(name), name
    assert "Ops &amp; &lt;b&gt;&quot;Infra&quot;&lt;/b&gt;" in str(quick["team"])
    assert "&lt;i&gt;pci&lt;/i&gt;" in str(quick["tag"])


def test_the_quick_select_writes_grouped_choices_as_djangos_select_does():
    choices = [("", "Any"), ("Kept", [("a", "A & b"), ("b", "<B>")]), ("c", "C")]

    for value in ("", "b", "c"):
        quick = QuickSelect(choices=choices, attrs={"class": "form-select"}).render("x", value)
        django = forms.Select(choices=choices, attrs={"class": "form-select"}).render("x", value)
        assert parse_html(quick) == parse_html(django), value


@pytest.mark.parametrize(
    "data",
    [{}, {"q": '"><script>x</script> & co', "from": "2026-01-02"}, {"from": "soon", "to": "1"}],
)
def test_the_quick_inputs_write_what_djangos_inputs_write(data):
    quick, django = LogFilterForm(data), LogFilterForm(data)
    quick.is_valid(), django.is_valid()
    for name, djangos in (
        ("q", forms.TextInput),
        ("from", forms.DateInput),
        ("to", forms.DateInput),
    ):
        assert isinstance(quick.fields[name].widget, QuickInput)
        django.fields[name].widget.__class__ = djangos

        assert parse_html(str(quick[name])) == parse_html(str(django[name])), name
    for checked in ({}, {"drafts": "1"}):
        quick_export, django_export = ExportForm(checked), ExportForm(checked)
        django_export.fields["drafts"].widget.__class__ = forms.CheckboxInput
        assert parse_html(str(quick_export["drafts"])) == parse_html(str(django_export["drafts"]))


def test_it_tells_htmx_which_filter_it_left_out(alice, log):
    query = {"from": "2026-11-10", "to": "2026-11-01"}

    htmx = _client(alice).get(URL, query, headers={"HX-Request": "true"}).content.decode()
    plain = _client(alice).get(URL, query).content.decode()

    assert '<div class="alert alert-warning" role="alert" data-announce>' in htmx
    assert f"Dated until: {DATES_REVERSED} This filter is left out." in htmx
    assert "This filter is left out." not in plain  # the page shows it beside the field
    assert DATES_REVERSED in plain


def test_the_stored_search_vector_is_built_on_the_expression_the_log_searches():
    indexed = importlib.import_module("decisions.migrations.0010_search_whole_adr")
    stored = importlib.import_module("decisions.migrations.0015_stored_search_vector")

    assert stored.VECTOR == SEARCH_VECTOR
    assert stored.COLUMN == SEARCH_COLUMN
    # Undone, 0015 indexes the expression again: the one 0010 left.
    assert indexed.VECTOR == stored.VECTOR
    assert indexed.OLD_VECTOR != SEARCH_VECTOR


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search is PostgreSQL's")
def test_the_stored_search_vector_follows_every_write(alice, payments):
    decision = _create(alice, "Queue the refunds", team=payments, context="Money goes back.")
    decision_edit(
        decision=decision,
        actor=alice,
        base_version=decision.version,
        title="Stream the payouts",
        context="Ledger entries flow to the bank.",
        drivers=["Auditors read every entry"],
        decision_makers=[],
        consulted=[],
        informed=[],
        tags=["finance"],
    )
    Decision.objects.filter(pk=decision.pk).update(title="Batch the payouts")  # past the app

    computed, stored = (
        Decision.objects.annotate(computed=SEARCH_VECTOR, stored=StoredSearchVector())
        .values_list("computed", "stored")
        .get(pk=decision.pk)
    )

    assert stored == computed
    for word in ("batch", "ledger", "auditor", "financ"):
        assert word in stored
    assert "refund" not in stored and "stream" not in stored


def test_the_stored_search_vector_is_refused_outside_a_query_of_decisions(alice):
    tags = Tag.objects.annotate(vector=StoredSearchVector())

    with pytest.raises(FieldError, match="query of decisions"):
        list(tags)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search is PostgreSQL's")
def test_a_search_reads_the_stored_vector_instead_of_computing_it(alice, payments):
    wanted = _create(alice, "Queue the refunds", team=payments)
    client = _client(alice)

    for params in ({"q": "refunds"}, {"q": "refunds", "sort": "title"}):
        with CaptureQueriesContext(connection) as queries:
            assert _numbers(client.get(URL, params)) == [wanted.number]
        searches = [q["sql"] for q in queries if "websearch_to_tsquery" in q["sql"]]
        assert searches, params
        for sql in searches:
            assert "to_tsvector" not in sql
            assert f'"decisions_decision"."{SEARCH_COLUMN}" @@' in sql


# The log's row as its template wrote it, before `log_rows` wrote the rows in Python.
ROW_TEMPLATE = """{% with url=decision.get_absolute_url %}
  <tr>
    <th scope="row" class="text-nowrap stack-kicker"><a href="{{ url }}">{{ decision.adr_id }}</a></th>
    <td class="stack-title"><a href="{{ url }}" class="link-body-emphasis">{{ decision.title }}</a>{% for tag in decision.tags.all %} <span class="badge text-bg-light border fw-normal">{{ tag.name }}</span>{% endfor %}</td>
    <td><span class="badge {% if decision.status == 'accepted' %}text-bg-success{% elif decision.status == 'proposed' %}text-bg-primary{% elif decision.status == 'rejected' %}text-bg-danger{% elif decision.status == 'draft' %}text-bg-light border{% else %}text-bg-secondary{% endif %}">{{ decision.get_status_display }}</span></td>
    <td data-label="Outcome">{{ decision.outcome|capfirst|default:"—" }}</td>
    <td data-label="Team">{{ decision.team.name|default:"—" }}</td>
    <td data-label="Author">{{ decision.author.get_full_name|default:decision.author.get_username }}</td>
    <td class="text-nowrap" data-label="Date"><time datetime="{{ decision.decided_on.isoformat }}">{{ decision.decided_on|date:"j M Y" }}</time></td>
  </tr>
{% endwith %}"""  # noqa: E501


def test_the_log_row_writes_what_the_row_template_wrote(alice, bob, dana, payments):
    hostile = _create(alice, "Use <script>alert(\"x\")</script> & 'quotes'", team=payments)
    hostile.tags.add(Tag.objects.create(name="<b>pci</b>"), Tag.objects.create(name="a & b"))
    for status in Decision.Status.values:
        _create(bob, f"A {status} one", status=status, outcome="hybrid")
    # Free-form: no outcome, and bob has no full name to show.
    Decision.objects.filter(author=bob).update(outcome="", team=None)
    decisions = filter_decisions(decisions_visible_to(dana), LogFilters())
    rows = log_rows(decisions.values_list(*LOG_ROW_FIELDS))
    written = Template("{% load portal %}{% log_rows rows %}")

    assert len(rows) == 1 + len(Decision.Status.values)
    for row, decision in zip(rows, decisions, strict=True):
        assert parse_html(written.render(Context({"rows": [row]}))) == parse_html(
            Template(ROW_TEMPLATE).render(Context({"decision": decision}))
        )
    hostile_row = written.render(Context({"rows": rows[-1:]}))
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quotes&#x27;" in (
        hostile_row
    )
    assert "&lt;b&gt;pci&lt;/b&gt;</span> <span" in hostile_row
