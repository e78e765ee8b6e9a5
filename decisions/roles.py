"""Who may do what with a decision. One place for the role rules."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, Group, User
from django.db.models import Exists, OuterRef, Q, QuerySet

from advisor.selectors import team_ids_of
from decisions.models import Comment, Decision, Revision

REVIEWERS_GROUP = "Architecture reviewers"
# Decisions whose text can still change; the others are the record and are read-only.
EDITABLE = (Decision.Status.DRAFT, Decision.Status.PROPOSED)


def is_reviewer(user: User | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    # Prefetched groups make this free inside loops; otherwise it is one query.
    return any(group.name == REVIEWERS_GROUP for group in user.groups.all())


def reviewer_exists(user: User) -> Exists:
    """`is_reviewer` as a condition the database checks, inside a query that runs anyway."""
    return Exists(Group.objects.filter(user=user, name=REVIEWERS_GROUP))


def team_decisions_q(user: User) -> Q:
    """The decisions a person acts for: their teams' decisions, and their own without a team.

    An author who leaves the team leaves its decisions with the team.
    """
    return Q(team__in=team_ids_of(user)) | Q(team__isnull=True, author=user)


def acts_for_team(user: User | AnonymousUser, decision: Decision) -> bool:
    """Whether `team_decisions_q` holds for this one decision."""
    if not user.is_authenticated:
        return False
    return Decision.objects.filter(team_decisions_q(user), pk=decision.pk).exists()


def _revisions_by(user: User) -> QuerySet[Revision]:
    return Revision.objects.filter(author=user)


def wrote_text_of(user: User) -> Exists:
    """For a decision queryset: whether this person wrote any version of the decision's text."""
    return Exists(_revisions_by(user).filter(decision=OuterRef("pk")))


def edit_refusal(decision: Decision, user: User) -> str:
    """Why this person may not edit the decision's text, or "" when they may."""
    if decision.status not in EDITABLE:
        return (
            f"{decision.adr_id} is {decision.get_status_display().lower()} and read-only; "
            "record a new decision to change it."
        )
    if not acts_for_team(user, decision):
        return "Only the author or the decision's team can edit it."
    return ""


def review_refusal(decision: Decision, user: User) -> str:
    """Why this person may not review the decision, or "" when they may.

    Reviewers judge other people's work: whoever wrote any version of the text, the author, a
    reviewer on the team who edited it, or whoever entered the answers it was made from, leaves
    the review to someone else.
    """
    if not is_reviewer(user):
        return "Only architecture reviewers can do this."
    if decision.author_id == user.pk:
        return "Authors cannot review their own decision."
    if decision.assessment is not None and decision.assessment.owner_id == user.pk:
        return (
            "You entered the answers this decision was made from; another reviewer must review it."
        )
    if _revisions_by(user).filter(decision=decision).exists():
        return "You wrote part of this decision's text; another reviewer must review it."
    return ""


def review_by_refusal(decision: Decision, user: User | AnonymousUser) -> str:
    """Why this person may not set the decision's review date, or "" when they may: reviewers
    keep the record's review dates, and only an accepted decision is due for review."""
    if not is_reviewer(user):
        return "Only architecture reviewers can set a decision's review date."
    if decision.status != Decision.Status.ACCEPTED:
        return "Only an accepted decision has a review date to set."
    # Moving the review date puts off the next review: those who may not review the decision
    # (its author, anyone who wrote its text or its answers) may not put it off either.
    assert isinstance(user, User)
    return review_refusal(decision, user)


def reassess_refusal(decision: Decision, user: User) -> str:
    """Why this person may not reassess (and so replace) the decision, or "" when they may."""
    if decision.status != Decision.Status.ACCEPTED:
        return "Only an accepted decision can be reassessed."
    if decision.free_form:
        return (
            "This decision was not made with the questionnaire, so it has no answers to reassess."
        )
    if not acts_for_team(user, decision):
        return "Only the decision's team can reassess it and replace it."
    return ""


def link_refusal(decision: Decision, user: User) -> str:
    """Why this person may not add or remove the decision's links, or "" when they may. Links
    are filing, not text: the team and reviewers may keep them up to date in any status."""
    if acts_for_team(user, decision) or is_reviewer(user) or user.is_staff:
        return ""
    return "Only the decision's team or an architecture reviewer can change its links."


def hide_comment_refusal(comment: Comment, user: User | AnonymousUser) -> str:
    """Why this person may not hide the comment, or "" when they may: its author and staff may."""
    if comment.hidden_at is not None:
        return "This comment is already hidden."
    if not user.is_authenticated or not (user.is_staff or comment.author_id == user.pk):
        return "Only the comment's author or staff can hide it."
    return ""


def import_refusal(user: User | AnonymousUser) -> str:
    """Why this person may not import decisions, or "" when they may: an import writes
    decisions straight into accepted and other final statuses, past every review."""
    if not user.is_authenticated or not user.is_staff:
        return "Only staff can import decisions."
    return ""
