"""The decision log: every ADR the person may see, filtered, searched, sorted and paged.

The query string is the state, so a filtered log is a link that can be shared; htmx only swaps
the results in place and pushes the same URL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from functools import partial
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.core.exceptions import FieldError
from django.core.paginator import Page, Paginator
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import (
    Case,
    Count,
    Expression,
    OrderBy,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET
from django_htmx.http import push_url
from django_htmx.middleware import HtmxDetails

from advisor.compiled import PersonQuery
from advisor.forms import UserTextField
from advisor.framework import default_framework
from advisor.models import Team
from decisions.export import ExportForm
from decisions.models import Decision, Tag
from decisions.selectors import LOG_ROW_FIELDS, decisions_visible_to, log_rows, visible_count
from decisions.widgets import QuickDateInput, QuickSelect, QuickTextInput

PAGE_SIZE = 25
# No log reaches this page; a larger number would overflow the database's OFFSET.
LAST_PAGE = 1_000_000
# English stemming on both sides, so "containers" finds a decision whose outcome is containers.
SEARCH_CONFIG = "english"
# PostgreSQL only: what each decision's stored search vector holds. Migration 0015 keeps it in
# a generated column (with its index), so searching and ranking read it instead of computing it
# again for every match; a change here needs a migration that writes the column anew.
SEARCH_VECTOR = SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
    "search_text", weight="B", config=SEARCH_CONFIG
)
SEARCH_COLUMN = "search_vector"
# Lifecycle order reads better than the alphabet: draft, proposed, accepted, ...
STATUS_ORDER = Case(
    *[When(status=status, then=Value(i)) for i, status in enumerate(Decision.Status.values)]
)
# Each ends on the number, so a page never shows a row twice or skips one.
SORTS: dict[str, tuple[str | OrderBy, ...]] = {
    "-number": ("-number",),
    "number": ("number",),
    "title": (Lower("title").asc(), "number"),
    "-updated_at": ("-updated_at", "-number"),
    "status": (STATUS_ORDER.asc(), "-number"),
}
SORT_CHOICES = [
    ("", "Best match, else newest"),
    ("-number", "Newest first"),
    ("number", "Oldest first"),
    ("title", "Title A–Z"),
    ("-updated_at", "Recently updated"),
    ("status", "Status"),
]
# The outcome filter's choice for decisions without an assessment behind them.
FREE_FORM = "none"
DATES_REVERSED = "The end date is before the start date."


class StoredSearchVector(Expression):
    """The decision's `SEARCH_VECTOR` as PostgreSQL stores it: a column the model leaves out,
    since SQLite cannot compute it."""

    output_field = SearchVectorField()

    # A list, as Django's own expressions give: the search lookups add their parameters to it.
    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        # The query's own table: in a query of anything but decisions that would be another's.
        if compiler.query.model is not Decision:
            raise FieldError("The stored search vector belongs to a query of decisions.")
        table = compiler.quote_name_unless_alias(compiler.query.base_table)
        return f"{table}.{connection.ops.quote_name(SEARCH_COLUMN)}", []


class Request(HttpRequest):
    """What reaches these views: signed in (login_required) and inspected by django-htmx."""

    htmx: HtmxDetails
    user: User


class LogFilterForm(forms.Form):
    q = UserTextField(
        label="Search",
        max_length=200,
        required=False,
        widget=QuickTextInput(
            attrs={
                "type": "search",
                "class": "form-control",
                "placeholder": "Words anywhere in the ADR",
            }
        ),
    )
    status = forms.ChoiceField(
        choices=[("", "Any status"), *Decision.Status.choices],
        required=False,
        widget=QuickSelect(attrs={"class": "form-select"}),
    )
    # The team and tag options are read once (`_rows`), and a filter is checked against them
    # rather than looked up again; each cleans to its id.
    team = forms.ChoiceField(required=False, widget=QuickSelect(attrs={"class": "form-select"}))
    outcome = forms.ChoiceField(required=False, widget=QuickSelect(attrs={"class": "form-select"}))
    tag = forms.ChoiceField(required=False, widget=QuickSelect(attrs={"class": "form-select"}))
    sort = forms.ChoiceField(
        label="Sort by",
        choices=SORT_CHOICES,
        required=False,
        widget=QuickSelect(attrs={"class": "form-select"}),
    )
    # Not part of the visible form: changing a filter starts again at page 1.
    page = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        outcome = self.fields["outcome"]
        assert isinstance(outcome, forms.ChoiceField)
        outcome.choices = [
            ("", "Any outcome"),
            *[(o.id, o.name) for o in default_framework().outcomes],
            (FREE_FORM, "Written by hand or imported"),
        ]
        # Read on first use: the results that htmx swaps in show no options, and need them
        # only to check a team or tag asked for.
        self._options: dict[str, list[tuple[int, str, str]]] = {}
        for name, empty in (("team", "All teams"), ("tag", "Any tag")):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = partial(self._choices, name, empty)
        # `from` is a Python keyword, so these two cannot be declared on the class.
        date = QuickDateInput(format="%Y-%m-%d", attrs={"type": "date", "class": "form-control"})
        self.fields["from"] = forms.DateField(label="Dated from", required=False, widget=date)
        self.fields["to"] = forms.DateField(label="Dated until", required=False, widget=date)
        self.order_fields(["q", "status", "team", "outcome", "tag", "from", "to", "sort", "page"])

    def _rows(self, name: str) -> list[tuple[int, str, str]]:
        """(id, value, label) of each team or tag, in name order, read once per form."""
        if name not in self._options:
            rows = (
                Team.objects.values_list("pk", "slug", "name")
                if name == "team"
                else Tag.objects.values_list("pk", "name", "name")
            )
            self._options[name] = list(rows)
        return self._options[name]

    def _choices(self, name: str, empty: str) -> list[tuple[str, str]]:
        return [("", empty), *((value, label) for _, value, label in self._rows(name))]

    def _id(self, name: str) -> int | None:
        """The id of the team or tag a valid choice names."""
        value = self.cleaned_data[name]
        return next((pk for pk, v, _ in self._rows(name) if v == value), None) if value else None

    def clean_team(self) -> int | None:
        return self._id("team")

    def clean_tag(self) -> int | None:
        return self._id("tag")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("from"), data.get("to")
        if start and end and end < start:
            self.add_error("to", DATES_REVERSED)
        return data

    def filters(self) -> LogFilters:
        """The valid filters, as the log's queries take them."""
        data = getattr(self, "cleaned_data", {})
        outcome = data.get("outcome") or None
        return LogFilters(
            q=(data.get("q") or "").strip() or None,
            status=data.get("status") or None,
            team=data.get("team"),
            outcome="" if outcome == FREE_FORM else outcome,
            tag=data.get("tag"),
            start=data.get("from"),
            end=data.get("to"),
            sort=data.get("sort") or "",
        )


@dataclass(frozen=True, slots=True)
class LogFilters:
    """What narrows and orders the log. A filter is None when not asked for, and otherwise
    holds the value the database compares: a team's or a tag's id, "" for a free-form outcome.
    So whether a filter applies never depends on its value, and the values can be bound to a
    statement compiled once (`CompiledLog`)."""

    q: str | None = None
    status: str | None = None
    team: int | None = None
    outcome: str | None = None
    tag: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    sort: str = ""

    @property
    def filtering(self) -> bool:
        """Whether any filter applies: an empty result then means 'no match', not 'none'."""
        return any(getattr(self, f.name) is not None for f in fields(self) if f.name != "sort")


def search_decisions(queryset: QuerySet[Decision], q: str) -> QuerySet[Decision]:
    """Decisions matching every word of q in the title or the rest of the ADR (`search_text`:
    context, drivers, people, patterns, anti-patterns and services, the body of a free-form one).

    PostgreSQL: full-text search (websearch syntax, stemmed) ranked best first, the title
    weighing most. Elsewhere each word must appear somewhere, case-insensitively, unranked.
    """
    q = q.strip()
    if not q:
        return queryset
    if connections[queryset.db].vendor == "postgresql":
        query = SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)
        vector = StoredSearchVector()
        return (
            queryset.alias(search=vector)
            .filter(search=query)
            .annotate(rank=SearchRank(vector, query))
            .order_by("-rank", "-number")
        )
    for word in q.split():
        queryset = queryset.filter(Q(title__icontains=word) | Q(search_text__icontains=word))
    return queryset


def filter_decisions(queryset: QuerySet[Decision], filters: LogFilters) -> QuerySet[Decision]:
    """Narrow and order decisions by the log's filters."""
    if filters.status is not None:
        queryset = queryset.filter(status=filters.status)
    if filters.team is not None:
        queryset = queryset.filter(team=filters.team)
    if filters.outcome is not None:
        queryset = queryset.filter(outcome=filters.outcome)
    if filters.tag is not None:
        queryset = queryset.filter(tags=filters.tag)
    if filters.start is not None:
        queryset = queryset.filter(decided_on__gte=filters.start)
    if filters.end is not None:
        queryset = queryset.filter(decided_on__lte=filters.end)
    if filters.q is not None:
        queryset = search_decisions(queryset, filters.q)
    if filters.sort:
        queryset = queryset.order_by(*SORTS[filters.sort])
    elif filters.q is None:
        queryset = queryset.order_by(*SORTS["-number"])
    return queryset


def _filtered(person: User, keyed: tuple[tuple[str, Any], ...], bound: dict[str, Any]) -> Any:
    return filter_decisions(decisions_visible_to(person), LogFilters(**dict(keyed), **bound))


def _page_query(
    person: User, keyed: tuple[tuple[str, Any], ...], span: tuple[int, int], **bound: Any
) -> QuerySet[Any, Any]:
    return _filtered(person, keyed, bound).values_list(*LOG_ROW_FIELDS)[slice(*span)]


def _counted_page_query(
    person: User, keyed: tuple[tuple[str, Any], ...], span: tuple[int, int], **bound: Any
) -> QuerySet[Any, Any]:
    """A page whose rows end on how many rows there are in all (a window over them)."""
    counted = _filtered(person, keyed, bound).annotate(total=Window(Count("pk")))
    return counted.values_list(*LOG_ROW_FIELDS, "total")[slice(*span)]


def _count_query(
    person: User, keyed: tuple[tuple[str, Any], ...], **bound: Any
) -> QuerySet[Any, Any]:
    """One row: how many decisions match (`QuerySet.count()` as a values_list; the constant
    it groups by adds no GROUP BY)."""
    matching = _filtered(person, keyed, bound).order_by()
    return matching.annotate(one=Value(1)).values("one").annotate(n=Count("*")).values_list("n")


_PAGE = PersonQuery(_page_query)
_COUNTED_PAGE = PersonQuery(_counted_page_query)
_COUNT = PersonQuery(_count_query)


class CompiledLog:
    """A person's log under some filters, read through statements the ORM writes once per
    shape of filters (`PersonQuery`): a slice is a page of `LOG_ROW_FIELDS` tuples.

    Building and compiling the page's querysets took about a millisecond of every log request.
    Each filter's value is bound to the statement; only the sort, the page's place (the ORM
    writes LIMIT and OFFSET into the text) and which filters apply pick the statement. The
    plain search elsewhere than PostgreSQL turns each word into a pattern of its own, so there
    the words pick the statement too."""

    def __init__(self, person: User, filters: LogFilters) -> None:
        self.person = person
        values = {f.name: getattr(filters, f.name) for f in fields(filters)}
        keyed = {"sort": values.pop("sort")}
        if connections[DEFAULT_DB_ALIAS].vendor != "postgresql" and filters.q is not None:
            keyed["q"] = values.pop("q")
        self.keyed = tuple(keyed.items())
        self.bound = {name: value for name, value in values.items() if value is not None}

    def count(self) -> int:
        # The order does not change a count, so every sort shares one statement.
        keyed = tuple((name, value) for name, value in self.keyed if name != "sort")
        return int(_COUNT.rows(self.person, keyed, **self.bound)[0][0])

    def counted(self, start: int, stop: int) -> list[tuple[Any, ...]]:
        """Rows start to stop, each ending on the number of rows in all."""
        return _COUNTED_PAGE.rows(self.person, self.keyed, (start, stop), **self.bound)

    def rows(self, span: range) -> list[tuple[Any, ...]]:
        """The rows in a span of the log (a page's, from `paged`)."""
        if not span:
            return []
        return _PAGE.rows(self.person, self.keyed, (span.start, span.stop), **self.bound)


def paged(count: int, number: int) -> tuple[Page[Any], range]:
    """Page `number` of `count` rows (the last page if it is past the end), and the span of
    rows it shows, for `CompiledLog.rows`."""
    paginator: Paginator[Any] = Paginator(range(count), PAGE_SIZE)
    page = paginator.get_page(number)
    assert isinstance(page.object_list, range)
    return page, page.object_list


def _searched_page(log: CompiledLog, number: int) -> Page[Any]:
    """A page of a searched log, whose query counts the matches as well (a window over them).

    A search must read all its matches to rank or sort them, so counting them in the same
    query saves reading them a second time. Other filters count on their own: their page can
    stop early on the number index, and with a window over it PostgreSQL walked that whole
    index instead (12 ms, against 3.5 for the count and the page apart, on the benchmark's
    data). Only a page past the end needs a count of its own, and then the last page."""
    start = (number - 1) * PAGE_SIZE
    rows = log.counted(start, start + PAGE_SIZE)
    if rows:
        page, _ = paged(rows[0][-1], number)
        page.object_list = log_rows(row[:-1] for row in rows)  # the total left off
    else:
        # Nothing on the first page: nothing matches. Past the end: the last page.
        page, span = paged(log.count() if number > 1 else 0, number)
        page.object_list = log_rows(log.rows(span))
    return page


def _shareable_url(request: Request) -> tuple[str, bool]:
    """This URL without the empty fields a submitted form adds (`&status=&team=`), and whether
    there were any."""
    pairs = [(k, v) for k, values in request.GET.lists() for v in values]
    kept = [(k, v) for k, v in pairs if v.strip()]
    query = urlencode(kept)
    return request.path + (f"?{query}" if query else ""), len(kept) < len(pairs)


@require_GET
@login_required
def decision_list(request: Request) -> HttpResponse:
    tidy, untidy = _shareable_url(request)
    if untidy and not request.htmx:
        return redirect(tidy)  # a form submitted without JavaScript lands on the tidy link
    form = LogFilterForm(request.GET)
    # A bad value (an unknown status, a date that is not one) shows as an error on its field
    # and is left out; the valid filters still apply.
    form.is_valid()
    filters = form.filters()
    log = CompiledLog(request.user, filters)
    # A page number past any log's end (typed into the address) asks for the last page.
    number = min(form.cleaned_data.get("page") or 1, LAST_PAGE)
    if filters.q is not None:
        page = _searched_page(log, number)
    else:
        # The whole visible log's size is known from the stored tally; a filtered one is
        # counted on the decisions alone, without the joins its rows need.
        count = log.count() if filters.filtering else visible_count(request.user)
        page, span = paged(count, number)
        page.object_list = log_rows(log.rows(span))
    context = {
        "form": form,
        "page": page,
        "filtering": filters.filtering,
        "export_form": ExportForm(),
    }
    template = "decisions/decision_list.html"
    if request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request:
        template += "#results"
    response = render(request, template, context)
    # The same URL answers with a fragment or a page; a browser cache must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    if request.htmx:
        push_url(response, tidy)  # the address bar shows the link worth sharing
    return response
