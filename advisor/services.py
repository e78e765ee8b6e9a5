"""Writes to assessments, and to the accounts single sign-on makes. Keyword-only, one
transaction each."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from advisor.answers import Answers, validate_answers
from advisor.engine import Recommendation, evaluate
from advisor.framework import Framework
from advisor.models import REVIEW_STEP, Assessment, SingleSignOnIdentity, Team
from decisions.roles import REVIEWERS_GROUP

logger = logging.getLogger(__name__)


@transaction.atomic
def assessment_create(
    *, owner: User, name: str, team: Team | None, framework: Framework
) -> Assessment:
    first = framework.sections[0].id
    return Assessment.objects.create(
        owner=owner,
        team=team,
        name=name,
        framework_id=framework.id,
        framework_version=framework.version,
        step=first,
        visited=[first],
    )


@transaction.atomic
def assessment_save_answers(*, assessment: Assessment, answers: Answers, go_to: str) -> Assessment:
    """Store validated answers of one step and move to `go_to` (a section id or the review).

    A changed answer drops the stored result: a result always matches the answers beside it.
    """
    merged = dict(assessment.answers)
    for question_id, value in answers.items():
        if value is None:
            merged.pop(question_id, None)
        else:
            merged[question_id] = value
    # Only what this can change is written: the stored result is the largest field by far.
    changed = ["step", "visited", "updated_at"]
    if merged != assessment.answers:
        assessment.answers = merged
        assessment.result = None
        assessment.completed_at = None
        changed += ["answers", "result", "completed_at"]
    assessment.step = go_to
    if go_to not in assessment.visited:
        assessment.visited = [*assessment.visited, go_to]
    assessment.save(update_fields=changed)
    return assessment


@transaction.atomic
def assessment_finish(*, assessment: Assessment, framework: Framework) -> Recommendation:
    """Score the complete answer set and keep the result. Raises AnswersError if incomplete."""
    answers = validate_answers(framework, assessment.answers)
    result = evaluate(framework, answers)
    assessment.result = result.model_dump(mode="json")
    assessment.framework_id = framework.id
    assessment.framework_version = framework.version
    assessment.completed_at = timezone.now()
    assessment.step = REVIEW_STEP
    assessment.save()
    return result


@transaction.atomic
def assessment_reassess(
    *,
    owner: User,
    name: str,
    team: Team | None,
    framework: Framework,
    answers: Answers,
    reassesses_number: int,
) -> Assessment:
    """A new assessment prefilled with an earlier decision's answers, every step open."""
    steps = [section.id for section in framework.sections] + [REVIEW_STEP]
    known = {question.id for question in framework.questions}
    return Assessment.objects.create(
        owner=owner,
        team=team,
        name=name,
        framework_id=framework.id,
        framework_version=framework.version,
        answers={k: v for k, v in answers.items() if k in known and v is not None},
        step=steps[0],
        visited=steps,
        reassesses_number=reassesses_number,
    )


class AssessmentRefused(Exception):
    """This person may not do that to this assessment; nothing was changed."""


def assessment_delete_refusal(assessment: Assessment, actor: User) -> str:
    """Why this person may not delete the assessment, or "" when they may."""
    if assessment.owner_id != actor.pk:
        return "Only the person who started an assessment can delete it."
    recorded = assessment.decisions.order_by("number").first()
    if recorded is not None:
        return (
            f"{recorded.adr_id} was recorded from this assessment, so it stays as the record "
            "of the answers behind that decision."
        )
    return ""


@transaction.atomic
def assessment_delete(*, assessment: Assessment, actor: User) -> None:
    """Delete an assessment nobody recorded a decision from; only its owner may."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if refusal := assessment_delete_refusal(assessment, actor):
        raise AssessmentRefused(refusal)
    assessment.delete()


class SignInRefused(Exception):
    """The provider vouched for someone this portal will not sign in; the message says why, in
    words for that person."""


NAME_TAKEN = (
    "An account named {username} was made here before single sign-on and is not linked to "
    "{provider}. Ask an administrator to link it (Single sign-on identities in the admin)."
)
NO_USABLE_NAME = (
    "{provider} gave no user name this portal can use ({claim} or sub: letters, digits and "
    "@.+-_ only, at most 150 characters). Ask an administrator."
)
NO_SUBJECT = "{provider} did not say who you are (no usable sub claim). Ask an administrator."
SIGNED_IN_MEANWHILE = (
    "An account named {username} was made here while you were signing in. Please try again."
)
ACCOUNT_DISABLED = "This account is switched off here. Ask an administrator."
BAD_GROUPS = "{provider} sent the {claim} claim as something other than a list of names."


def _claim_text(claims: Mapping[str, Any], name: str) -> str:
    value = claims.get(name)
    return value.strip() if isinstance(value, str) else ""


def _max_length(model: type[Model], field_name: str) -> int:
    field = model._meta.get_field(field_name)
    return getattr(field, "max_length", None) or 0


def _username_for(claims: Mapping[str, Any], subject: str) -> str:
    """The configured claim, or the subject when the provider sends none; refused when it
    would not be a valid Django username. Normalised (NFKC) as create_user would store it, so
    the check for a taken name sees a look-alike such as a full-width letter."""
    username = User.normalize_username(_claim_text(claims, settings.OIDC_USERNAME_CLAIM) or subject)
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        username = ""
    if not username or len(username) > _max_length(User, "username"):
        raise SignInRefused(
            NO_USABLE_NAME.format(
                provider=settings.OIDC_PROVIDER_NAME, claim=settings.OIDC_USERNAME_CLAIM
            )
        )
    return username


def _groups_in(claims: Mapping[str, Any]) -> set[str]:
    """The groups claim as a set of names: absent is none; one name alone is accepted, as some
    providers send it that way."""
    value = claims.get(settings.OIDC_GROUPS_CLAIM)
    if value is None:
        return set()
    if isinstance(value, str):
        return {value}
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return set(value)
    raise SignInRefused(
        BAD_GROUPS.format(provider=settings.OIDC_PROVIDER_NAME, claim=settings.OIDC_GROUPS_CLAIM)
    )


def _profile_update(user: User, claims: Mapping[str, Any]) -> list[str]:
    """Copy the name and e-mail address the provider sends; what does not fit is left as it was,
    and so is the address when the provider says it has not verified it (notifications go there)."""
    changed = []
    # Some providers send the flag as the string "false".
    email_verified = str(claims.get("email_verified", "")).lower() != "false"
    for field, claim in (
        ("email", "email"),
        ("first_name", "given_name"),
        ("last_name", "family_name"),
    ):
        value = _claim_text(claims, claim)
        if field == "email" and not email_verified:
            continue
        if field == "email" and value:
            try:
                validate_email(value)
            except ValidationError:
                continue
        if value and value != getattr(user, field) and len(value) <= _max_length(User, field):
            setattr(user, field, value)
            changed.append(field)
    return changed


def _roles_apply(user: User, groups: set[str]) -> list[str]:
    """Make the roles the mapping manages match the groups; returns what changed, for the log.

    The provider decides each role it is given a mapping for: the reviewer role when
    OIDC_REVIEWER_GROUPS is set, staff when OIDC_STAFF_GROUPS is (never for a superuser), and
    membership of each team OIDC_TEAM_GROUPS names. Roles without a mapping, and teams it does
    not name, are left as they were set by hand.
    """
    changes = []
    if settings.OIDC_REVIEWER_GROUPS:
        reviewers, _ = Group.objects.get_or_create(name=REVIEWERS_GROUP)
        wanted = bool(groups & set(settings.OIDC_REVIEWER_GROUPS))
        has = user.groups.filter(pk=reviewers.pk).exists()
        if wanted and not has:
            user.groups.add(reviewers)
            changes.append("+reviewer")
        elif has and not wanted:
            user.groups.remove(reviewers)
            changes.append("-reviewer")
    if settings.OIDC_STAFF_GROUPS and not user.is_superuser:
        wanted = bool(groups & set(settings.OIDC_STAFF_GROUPS))
        if user.is_staff != wanted:
            user.is_staff = wanted
            user.save(update_fields=["is_staff"])
            changes.append("+staff" if wanted else "-staff")
    managed: Mapping[str, list[str]] = settings.OIDC_TEAM_GROUPS
    teams = {team.slug: team for team in Team.objects.filter(slug__in=managed)}
    member_of = set(user.teams.filter(slug__in=managed).values_list("slug", flat=True))
    for slug, team_groups in managed.items():
        team = teams.get(slug)
        if team is None:
            logger.warning("OIDC_TEAM_GROUPS names team %r, which does not exist", slug)
            continue
        wanted = bool(groups & set(team_groups))
        if wanted and slug not in member_of:
            team.members.add(user)
            changes.append(f"+team {slug}")
        elif slug in member_of and not wanted:
            team.members.remove(user)
            changes.append(f"-team {slug}")
    return changes


@transaction.atomic
def sso_sign_in(*, issuer: str, claims: Mapping[str, Any]) -> User:
    """The account for the person the provider vouched for, made on their first sign-in, with
    their name, e-mail address and mapped roles brought up to date. Raises SignInRefused.

    The account is found by issuer and subject. A first sign-in takes its username from
    OIDC_USERNAME_CLAIM (else the subject) and is refused when an account of that name,
    ignoring case, already exists: linking it is an administrator's decision.
    """
    subject = _claim_text(claims, "sub")
    if not subject or len(subject) > _max_length(SingleSignOnIdentity, "subject"):
        raise SignInRefused(NO_SUBJECT.format(provider=settings.OIDC_PROVIDER_NAME))
    groups = _groups_in(claims)
    identity = (
        SingleSignOnIdentity.objects.select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    if identity is not None:
        user = identity.user
        if not user.is_active:
            raise SignInRefused(ACCOUNT_DISABLED)
    else:
        username = _username_for(claims, subject)
        if User.objects.filter(username__iexact=username).exists():
            logger.warning(
                "single sign-on refused: %r (subject %r at %s) matches an unlinked account",
                username,
                subject,
                issuer,
            )
            raise SignInRefused(
                NAME_TAKEN.format(username=username, provider=settings.OIDC_PROVIDER_NAME)
            )
        try:
            # Two first sign-ins at once (the same person in two tabs, or two people with one
            # name) can both pass the check; the second is told to try again, which then signs
            # in or names the clash, instead of a server error.
            with transaction.atomic():
                user = User.objects.create_user(username=username)
                SingleSignOnIdentity.objects.create(user=user, issuer=issuer, subject=subject)
        except IntegrityError:
            logger.warning(
                "single sign-on refused: %r (subject %r at %s) was taken meanwhile",
                username,
                subject,
                issuer,
            )
            raise SignInRefused(SIGNED_IN_MEANWHILE.format(username=username)) from None
        logger.info("single sign-on made the account %r for subject %r", username, subject)
    if changed := _profile_update(user, claims):
        user.save(update_fields=changed)
    if changes := _roles_apply(user, groups):
        logger.info("single sign-on changed the roles of %r: %s", user.username, " ".join(changes))
    return user
