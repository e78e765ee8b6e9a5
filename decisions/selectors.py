"""Reads: which decisions a person may see."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from advisor.models import Team
from decisions.models import Decision


def decisions_visible_to(user: User | AnonymousUser) -> QuerySet[Decision]:
    """Every decision past draft, plus the drafts of the person and of their teams."""
    if not user.is_authenticated:
        return Decision.objects.none()
    team_ids = Team.objects.filter(members=user).values("id")
    mine = Q(author=user) | Q(team__in=team_ids)
    return Decision.objects.filter(~Q(status=Decision.Status.DRAFT) | mine).select_related(
        "author", "team"
    )
