"""The decision log: every ADR the person may see, filtered, searched, sorted and paged.

The query string is the state, so a filtered log is a link that can be shared; htmx only swaps
the results in place and pushes the same URL.
"""

from __future__ import annotations

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
from django.db import connections
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
# The fields that narrow the log; `sort` and `page` only order and page it.
FILTERS = ("q", "status", "team", "outcome", "tag", "from", "to")
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
    team = forms.ModelChoiceField(
        queryset=Team.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="All teams",
        widget=QuickSelect(attrs={"class": "form-select"}),
    )
    outcome = forms.ChoiceField(required=False, widget=QuickSelect(attrs={"class": "form-select"}))
    tag = forms.ModelChoiceField(
        queryset=Tag.objects.all(),
        to_field_name="name",
        required=False,
        empty_label="Any tag",
        widget=QuickSelect(attrs={"class": "form-select"}),
    )
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
        # `from` is a Python keyword, so these two cannot be declared on the class.
        date = QuickDateInput(format="%Y-%m-%d", attrs={"type": "date", "class": "form-control"})
        self.fields["from"] = forms.DateField(label="Dated from", required=False, widget=date)
        self.fields["to"] = forms.DateField(label="Dated until", required=False, widget=date)
        self.order_fields(["q", "status", "team", "outcome", "tag", "from", "to", "sort", "page"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("from"), data.get("to")
        if start and end and end < start:
            self.add_error("to", DATES_REVERSED)
        return data

    def is_filtering(self) -> bool:
        """Whether any filter took effect: an empty result then means 'no match', not 'none'."""
        data = getattr(self, "cleaned_data", {})
        return any(data.get(name) not in (None, "") for name in FILTERS)


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


def filter_decisions(queryset: QuerySet[Decision], data: dict[str, Any]) -> QuerySet[Decision]:
    """Apply the valid part of a LogFilterForm's cleaned data."""
    if data.get("status"):
        queryset = queryset.filter(status=data["status"])
    if data.get("team") is not None:
        queryset = queryset.filter(team=data["team"])
    if data.get("outcome"):
        outcome = "" if data["outcome"] == FREE_FORM else data["outcome"]
        queryset = queryset.filter(outcome=outcome)
    if data.get("tag") is not None:
        queryset = queryset.filter(tags=data["tag"])
    if data.get("from"):
        queryset = queryset.filter(decided_on__gte=data["from"])
    if data.get("to"):
        queryset = queryset.filter(decided_on__lte=data["to"])
    queryset = search_decisions(queryset, data.get("q") or "")
    if data.get("sort"):
        queryset = queryset.order_by(*SORTS[data["sort"]])
    elif not data.get("q"):
        queryset = queryset.order_by(*SORTS["-number"])
    return queryset


def _searched_page(decisions: QuerySet[Decision], number: int) -> Page[Any]:
    """A page of a searched log, whose query counts the matches as well (a window over them).

    A search must read all its matches to rank or sort them, so counting them in the same
    query saves reading them a second time. Other filters count on their own: their page can
    stop early on the number index, and with a window over it PostgreSQL walked that whole
    index instead (12 ms, against 3.5 for the count and the page apart, on the benchmark's
    data). Only a page past the end needs a count of its own, and then the last page."""
    counted = decisions.annotate(total=Window(Count("pk"))).values_list(*LOG_ROW_FIELDS, "total")
    paginator: Paginator[Any] = Paginator(counted, PAGE_SIZE)
    start = (number - 1) * PAGE_SIZE
    rows = list(counted[start : start + PAGE_SIZE])
    if rows:
        paginator.count = rows[0][-1]
        page = paginator.page(number)
    else:
        # Nothing on the first page: nothing matches. Past the end: the last page.
        paginator.count = decisions.count() if number > 1 else 0
        page = paginator.get_page(number)
        rows = list(page.object_list) if paginator.count else []
    page.object_list = log_rows(row[:-1] for row in rows)  # the total left off
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
    decisions = filter_decisions(decisions_visible_to(request.user), form.cleaned_data)
    # A page number past any log's end (typed into the address) asks for the last page.
    number = min(form.cleaned_data.get("page") or 1, LAST_PAGE)
    if form.cleaned_data.get("q"):
        page = _searched_page(decisions, number)
    else:
        paginator = Paginator(decisions.values_list(*LOG_ROW_FIELDS), PAGE_SIZE)
        # The whole visible log's size is known from the stored tally; a filtered one is
        # counted on the decisions alone, without the joins its rows need.
        paginator.count = decisions.count() if form.is_filtering() else visible_count(request.user)
        page = paginator.get_page(number)
        page.object_list = log_rows(page.object_list)
    context = {
        "form": form,
        "page": page,
        "filtering": form.is_filtering(),
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
