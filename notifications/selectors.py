"""Reads: who hears about what, and what a feed shows."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, QuerySet

from advisor.models import Team
from decisions.models import Decision
from decisions.roles import REVIEWERS_GROUP, review_refusal
from decisions.selectors import decisions_due_for_review, decisions_visible_to
from notifications.models import FeedToken, Kind, OptOut, ReviewReminder, token_digest

# A team is reminded of an accepted decision once its review date is this close, or past; once
# per decision and review date (ReviewReminder).
REMINDER_WITHIN = dt.timedelta(days=14)
# Entries in a feed, newest change first.
FEED_LENGTH = 50


def decision_team(decision: Decision) -> QuerySet[User]:
    """The people a decision belongs to: its team's members, or its author when it has none."""
    if decision.team_id is not None:
        return User.objects.filter(teams=decision.team_id)
    return User.objects.filter(pk=decision.author_id)


def decision_reviewers(decision: Decision) -> list[User]:
    """The architecture reviewers who may review this decision (roles.review_refusal): the
    author, its co-writers and whoever entered its answers are not asked."""
    reviewers = User.objects.filter(groups__name=REVIEWERS_GROUP).prefetch_related("groups")
    return [user for user in reviewers if not review_refusal(decision, user)]


def recipients(kind: str, people: QuerySet[User] | list[User], actor: User | None) -> list[User]:
    """Of these people, those to tell: active, with an address, not whoever acted (nobody hears
    about their own action), and not having turned this kind off."""
    chosen = [
        user
        for user in people
        if user.is_active and user.email and (actor is None or user.pk != actor.pk)
    ]
    muted = set(
        OptOut.objects.filter(kind=kind, user__in=[user.pk for user in chosen]).values_list(
            "user_id", flat=True
        )
    )
    return sorted((user for user in chosen if user.pk not in muted), key=lambda user: user.pk)


def kinds_enabled(user: User) -> list[str]:
    muted = set(OptOut.objects.filter(user=user).values_list("kind", flat=True))
    return [kind for kind in Kind.values if kind not in muted]


def reminders_due(today: dt.date) -> QuerySet[Decision]:
    """Accepted decisions due for review within REMINDER_WITHIN (or overdue) whose team has not
    yet been reminded of this review date."""
    reminded = ReviewReminder.objects.filter(
        decision=OuterRef("pk"), review_by=OuterRef("review_by")
    )
    due = decisions_due_for_review(
        Decision.objects.select_related("team", "author"), today=today, within=REMINDER_WITHIN
    )
    return due.exclude(Exists(reminded))


def feed_owner(token: str) -> User | None:
    """Whose feed this token opens, or None for a token revoked, replaced or never made."""
    found = (
        FeedToken.objects.select_related("user")
        .filter(digest=token_digest(token), user__is_active=True)
        .first()
    )
    return found.user if found is not None else None


def feed_decisions(user: User, team: Team | None = None) -> QuerySet[Decision]:
    """What the person may see of the log (or of one team's decisions), last changed first."""
    decisions = decisions_visible_to(user)
    if team is not None:
        decisions = decisions.filter(team=team)
    return decisions.prefetch_related("tags").order_by("-updated_at", "-number")[:FEED_LENGTH]
