"""Reads: which decisions a person may see."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.fields.json import KT
from django.utils import timezone

from advisor.compiled import PersonQuery
from advisor.selectors import assessments_visible_to, team_ids_of
from decisions.addresses import decision_url
from decisions.models import AuditEntry, Decision, DecisionTally, Flag, Review, adr_id
from decisions.roles import reviewer_exists, team_decisions_q, wrote_text_of

# What a row of the decision log shows (decisions.templatetags.portal.log_rows), read as plain
# tuples: a page of model instances, with their authors and teams, cost twice as much to build
# as the database took to send them, and a snapshot alone is tens of kilobytes of JSON.
LOG_ROW_FIELDS = (
    "pk",
    "number",
    "title",
    "status",
    "outcome",
    "decided_on",
    "team__name",
    "author__username",
    "author__first_name",
    "author__last_name",
)


@dataclass(frozen=True, slots=True)
class LogRow:
    """One decision as a line of the log."""

    number: int
    title: str
    status: str
    outcome: str
    decided_on: dt.date
    team: str
    author: str
    tags: tuple[str, ...]


def log_rows(values: Iterable[tuple[Any, ...]]) -> list[LogRow]:
    """A page of the log from `LOG_ROW_FIELDS` tuples, with each decision's tags in name order:
    one more query for the whole page."""
    values = list(values)
    tags: defaultdict[int, list[str]] = defaultdict(list)
    if values:
        tagged = Decision.tags.through.objects.filter(decision_id__in=[v[0] for v in values])
        pairs = tagged.order_by("tag__name").values_list("decision_id", "tag__name")
        for decision_id, name in pairs:
            tags[decision_id].append(name)
    rows = []
    for pk, number, title, status, outcome, decided_on, team, username, first, last in values:
        rows.append(
            LogRow(
                number=number,
                title=title,
                status=status,
                outcome=outcome,
                decided_on=decided_on,
                team=team or "",
                # User.get_full_name, else the user name.
                author=f"{first} {last}".strip() or username,
                tags=tuple(tags[pk]),
            )
        )
    return rows


class _NamesADecision:
    """A line that names a decision by its number: its ADR id, linked to its page."""

    __slots__ = ()
    number: int

    @property
    def adr_id(self) -> str:
        return adr_id(self.number)

    @property
    def url(self) -> str:
        return decision_url(self.number)


@dataclass(frozen=True, slots=True)
class ActivityLine(_NamesADecision):
    """One entry of the home page's recent activity: who did what to which decision, when."""

    created_at: dt.datetime
    actor: str
    label: str
    number: int


def decisions_visible_to(user: User | AnonymousUser) -> QuerySet[Decision]:
    """Every decision past draft, plus the drafts of the person and of their teams (staff: all)."""
    if not user.is_authenticated:
        return Decision.objects.none()
    return Decision.objects.filter(visible_q(user)).select_related("author", "team")


def visible_q(user: User | AnonymousUser, decision: str = "") -> Q:
    """The rule of `decisions_visible_to` as a filter, for decisions or, with `decision` (a path
    such as "decision__"), for rows of another model that belong to one: joined rather than
    through a subquery of visible ids."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_staff:
        return Q()
    # Past draft, a decision is everyone's to see.
    return ~Q(**{f"{decision}status": Decision.Status.DRAFT}) | drafts_visible_q(user, decision)


def drafts_visible_q(user: User, decision: str = "") -> Q:
    """Which drafts the person may see: their own and their teams' (staff: every draft)."""
    if user.is_staff:
        return Q()
    return Q(**{f"{decision}author": user}) | Q(**{f"{decision}team__in": team_ids_of(user)})


def _tally_query(user: User) -> QuerySet[Any, Any]:
    stored = DecisionTally.objects.filter(n__gt=0).order_by().values_list("status", "outcome", "n")
    if user.is_staff:
        return stored
    drafts = (
        Decision.objects.filter(drafts_visible_q(user), status=Decision.Status.DRAFT)
        .order_by()
        .values_list("status", "outcome")
        .annotate(n=Count("*"))
        .values_list("status", "outcome", "n")
    )
    return stored.exclude(status=Decision.Status.DRAFT).union(drafts, all=True)


_TALLY = PersonQuery(_tally_query)


def tally(user: User) -> list[tuple[str, str, int]]:
    """(status, outcome, how many) for the decisions the person may see, in one query.

    Past draft, everyone sees every decision (`visible_q`), so those pairs come from the stored
    tally (`DecisionTally`, kept by the database); only the drafts the person may see are
    counted here. Staff see every draft too."""
    return _TALLY.rows(user)


def visible_count(user: User) -> int:
    """How many decisions the person may see: the unfiltered log's total."""
    return sum(n for _, _, n in tally(user))


# The dashboard's horizon: a decision shows there this long before its review date.
DUE_SOON = dt.timedelta(days=30)


def decisions_due_for_review(
    decisions: QuerySet[Decision], *, today: dt.date, within: dt.timedelta
) -> QuerySet[Decision]:
    """Accepted decisions whose review date has passed or falls within `within` of `today`,
    the most overdue first."""
    return decisions.filter(
        status=Decision.Status.ACCEPTED, review_by__isnull=False, review_by__lte=today + within
    ).order_by("review_by", "number")


@dataclass(frozen=True, slots=True)
class DecisionLine(_NamesADecision):
    """A decision as a line of one of home's lists: what the line shows, and nothing else."""

    number: int
    title: str
    team: str = ""
    author: str = ""
    review_by: dt.date | None = None


@dataclass(frozen=True, slots=True)
class AssessmentLine:
    """One of a person's recent assessments: its name and, once finished, its recommendation."""

    pk: int
    name: str
    recommendation_name: str | None


def _awaiting(user: User) -> QuerySet[Any, Any]:
    """Proposed decisions this reviewer may review and has not approved in their current form
    (nothing for someone who is not a reviewer)."""
    mine_approved = Review.objects.filter(
        decision=OuterRef("pk"),
        reviewer=user,
        verdict=Review.Verdict.APPROVE,
        version=OuterRef("version"),
        review_round=OuterRef("review_round"),
    )
    # The rule of roles.review_refusal, as a filter: a reviewer, not the author, not a
    # co-writer, not whoever entered the answers. Proposed decisions are everyone's to see
    # (`visible_q`).
    return (
        Decision.objects.filter(reviewer_exists(user), status=Decision.Status.PROPOSED)
        .exclude(author=user)
        .exclude(assessment__owner=user)
        .exclude(wrote_text_of(user))
        .exclude(Exists(mine_approved))
        .order_by("number")
        .values_list("number", "title", "team__name", "author__username")[:10]
    )


def _drafts(user: User) -> QuerySet[Any, Any]:
    # A team's drafts, and a person's own, are theirs to see: no visibility rule to add.
    return (
        Decision.objects.filter(team_decisions_q(user), status=Decision.Status.DRAFT)
        .order_by("-updated_at")
        .values_list("number", "title")[:10]
    )


def _flagged(user: User) -> QuerySet[Any, Any]:
    return (
        Flag.objects.filter(kind=Flag.Kind.ANTI_PATTERN, decision__status=Decision.Status.ACCEPTED)
        .values("entry_id", "name")
        .annotate(n=Count("id"))
        .order_by("-n", "entry_id")
        .values_list("name", "n")[:5]
    )


def _activity(user: User) -> QuerySet[Any, Any]:
    return (
        AuditEntry.objects.filter(visible_q(user, "decision__"))
        .order_by("-created_at", "-id")
        .values_list("created_at", "actor__username", "action", "decision__number")[:10]
    )


def _due(user: User, today: dt.date) -> QuerySet[Any, Any]:
    # Accepted decisions are everyone's to see (`visible_q`).
    due = decisions_due_for_review(Decision.objects.all(), today=today, within=DUE_SOON)
    return due.values_list("number", "title", "team__name", "review_by")[:10]


def _recent(user: User) -> QuerySet[Any, Any]:
    # The recommendation's name is read from the stored result in the database, which leaves
    # the rest of it (tens of kilobytes of JSON) unread.
    return assessments_visible_to(user).values_list(
        "pk", "name", KT("result__recommendation_name")
    )[:5]


AWAITING = PersonQuery(_awaiting)
DRAFTS = PersonQuery(_drafts)
FLAGGED = PersonQuery(_flagged)
ACTIVITY = PersonQuery(_activity)
DUE = PersonQuery(_due)
RECENT = PersonQuery(_recent)


def dashboard(user: User, today: dt.date | None = None) -> dict[str, Any]:
    """Everything the home page shows, in a fixed number of queries, each compiled once
    (`PersonQuery`) and reading only what its lines show."""
    today = today or timezone.localdate()
    by_status: Counter[str] = Counter()
    by_outcome: Counter[str] = Counter()
    for status, outcome, n in tally(user):
        by_status[status] += n
        by_outcome[outcome] += n
    return {
        "awaiting": [
            DecisionLine(number, title, team=team or "", author=author)
            for number, title, team, author in AWAITING.rows(user)
        ],
        "due": [
            DecisionLine(number, title, team=team or "", review_by=review_by)
            for number, title, team, review_by in DUE.rows(user, today)
        ],
        "today": today,
        "drafts": [DecisionLine(number, title) for number, title in DRAFTS.rows(user)],
        "by_status": [(s.label, by_status.get(s.value, 0), s.value) for s in Decision.Status],
        "by_outcome": sorted(by_outcome.items()),
        "flagged": FLAGGED.rows(user),
        "activity": [
            ActivityLine(created_at, actor, AuditEntry.label_of(action), number)
            for created_at, actor, action, number in ACTIVITY.rows(user)
        ],
        "recent": [AssessmentLine(*row) for row in RECENT.rows(user)],
    }
