"""Who may do what with a decision. One place for the role rules."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User

from decisions.models import Decision

REVIEWERS_GROUP = "Architecture reviewers"


def is_reviewer(user: User | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    # Prefetched groups make this free inside loops; otherwise it is one query.
    return any(group.name == REVIEWERS_GROUP for group in user.groups.all())


def acts_for_team(user: User | AnonymousUser, decision: Decision) -> bool:
    """A member of the decision's team; for a decision without a team, its author.

    An author who leaves the team leaves its decisions with the team.
    """
    if not user.is_authenticated:
        return False
    team = decision.team
    if team is None:
        return decision.author_id == user.pk
    return team.members.filter(pk=user.pk).exists()
