"""Reads: which teams a person is in, and which assessments they may see.

The assessment rule, in both its forms below: a person sees their own assessments and those of
every team they belong to.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from advisor.models import Assessment, Team

# Where `team_ids_of` keeps the query it built on the user object.
TEAM_IDS_ATTR = "_team_ids_query"


def team_ids_of(user: User) -> QuerySet[Any]:
    """The ids of the person's teams, for `team__in=`: every visibility rule filters by it.

    Read from the membership table alone; going through Team added a join that each page
    compiled and planned again in every query it ran. It stays a subquery, so it always reads
    the membership as it is when its query runs; a page filtering by it several times builds
    it once per person (kept on the user object, handed out as a fresh copy each time)."""
    built = getattr(user, TEAM_IDS_ATTR, None)
    if built is None:
        built = Team.members.through.objects.filter(user=user).values("team_id")
        setattr(user, TEAM_IDS_ATTR, built)
    return built.all()


def assessments_visible_to(user: User | AnonymousUser) -> QuerySet[Assessment]:
    """Every assessment the person may see, for lists."""
    if not user.is_authenticated:
        return Assessment.objects.none()
    return Assessment.objects.filter(Q(owner=user) | Q(team__in=team_ids_of(user))).select_related(
        "owner", "team"
    )


def assessment_visible_to(
    user: User | AnonymousUser, pk: int, *, with_result: bool = True
) -> Assessment | None:
    """One assessment by its id if the person may see it, else None. `with_result=False` leaves
    the stored result (tens of kilobytes of JSON) in the database, for the steps, which only
    ever drop it.

    Fetched by key and then checked, rather than through the list's subquery: building that
    query cost more than running it (0.8 ms against 0.3 ms on SQLite), and the questionnaire
    looks an assessment up on every step and every changed answer. A team member's look-up
    costs one more small query; the owner's none."""
    if not user.is_authenticated:
        return None
    found = Assessment.objects.select_related("team")
    if not with_result:
        found = found.defer("result")
    try:
        assessment = found.get(pk=pk)
    except Assessment.DoesNotExist:
        return None
    if assessment.owner_id == user.pk:
        return assessment
    if assessment.team_id is not None and (
        team_ids_of(user).filter(team_id=assessment.team_id).exists()
    ):
        return assessment
    return None
