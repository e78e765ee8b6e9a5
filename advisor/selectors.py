"""Reads: which assessments a person may see."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from advisor.models import Assessment, Team


def assessments_visible_to(user: User | AnonymousUser) -> QuerySet[Assessment]:
    """A person's own assessments and those of every team they belong to."""
    if not user.is_authenticated:
        return Assessment.objects.none()
    team_ids = Team.objects.filter(members=user).values("id")
    return Assessment.objects.filter(Q(owner=user) | Q(team__in=team_ids)).select_related(
        "owner", "team"
    )
