"""Writes to assessments. Keyword-only, one transaction each."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from advisor.answers import Answers, validate_answers
from advisor.engine import Recommendation, evaluate
from advisor.framework import Framework
from advisor.models import REVIEW_STEP, Assessment, Team


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
    if merged != assessment.answers:
        assessment.answers = merged
        assessment.result = None
        assessment.completed_at = None
    assessment.step = go_to
    if go_to not in assessment.visited:
        assessment.visited = [*assessment.visited, go_to]
    assessment.save()
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
