"""Reads: which teams a person is in, and which assessments they may see."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from advisor.models import Assessment, Team


def team_ids_of(user: User) -> QuerySet[Any]:
    """The ids of the person's teams, for `team__in=`: every visibility rule filters by it.

    Read from the membership table alone; going through Team added a join that each page
    compiled and planned again in every query it ran."""
    return Team.members.through.objects.filter(user=user).values("team_id")


def assessments_visible_to(user: User | AnonymousUser) -> QuerySet[Assessment]:
    """A person's own assessments and those of every team they belong to."""
    if not user.is_authenticated:
        return Assessment.objects.none()
    return Assessment.objects.filter(Q(owner=user) | Q(team__in=team_ids_of(user))).select_related(
        "owner", "team"
    )
