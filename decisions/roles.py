"""Who may do what with a decision. One place for the role rules."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, OuterRef, Q

from advisor.models import Team
from decisions.models import Decision, Revision

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


def team_decisions_q(user: User) -> Q:
    """The decisions `acts_for_team` lets this person act on, as a filter for querysets."""
    teams = Team.objects.filter(members=user).values("id")
    return Q(team__in=teams) | Q(team__isnull=True, author=user)


def wrote_text_of(user: User) -> Exists:
    """For a decision queryset: whether this person wrote any version of the decision's text."""
    return Exists(Revision.objects.filter(decision=OuterRef("pk"), author=user))


def review_refusal(decision: Decision, user: User) -> str:
    """Why this person may not review the decision, or "" when they may.

    Reviewers judge other people's text: whoever wrote any version of it, the author or a
    reviewer on the team who edited it, leaves the review to someone else.
    """
    if not is_reviewer(user):
        return "Only architecture reviewers can do this."
    if decision.author_id == user.pk:
        return "Authors cannot review their own decision."
    if Revision.objects.filter(decision=decision, author=user).exists():
        return "You wrote part of this decision's text; another reviewer must review it."
    return ""


def reassess_refusal(decision: Decision, user: User) -> str:
    """Why this person may not reassess (and so replace) the decision, or "" when they may."""
    if decision.status != Decision.Status.ACCEPTED:
        return "Only an accepted decision can be reassessed."
    if not acts_for_team(user, decision):
        return "Only the decision's team can reassess it and replace it."
    return ""
