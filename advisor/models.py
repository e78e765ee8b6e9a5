from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse

from advisor.engine import Recommendation

REVIEW_STEP = "review"


class Team(models.Model):
    """A group of people who share assessments and, later, decisions."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="teams", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Assessment(models.Model):
    """One workload's questionnaire: the answers so far and, once finished, the result."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments"
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="assessments"
    )
    name = models.CharField("workload name", max_length=120)
    framework_id = models.CharField(max_length=64)
    framework_version = models.CharField(max_length=20)
    # Only validated answers are stored; keys are question ids, values plain JSON.
    answers = models.JSONField(default=dict, blank=True)
    step = models.CharField(max_length=64)
    visited = models.JSONField(default=list, blank=True)
    # The Recommendation the engine returned for exactly these answers; None while unfinished
    # or after an answer changed.
    result = models.JSONField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Set on a reassessment: the ADR number it means to replace once its own ADR is accepted.
    # A plain number rather than a foreign key keeps the questionnaire free of the portal.
    reassesses_number = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["owner", "-updated_at"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        if self.result is not None:
            return reverse("assessment_result", args=[self.pk])
        return self.step_url(self.step)

    def step_url(self, step: str) -> str:
        if step == REVIEW_STEP:
            return reverse("assessment_review", args=[self.pk])
        return reverse("assessment_step", args=[self.pk, step])

    @property
    def recommendation(self) -> Recommendation | None:
        if self.result is None:
            return None
        return Recommendation.model_validate(self.result)

    def answer(self, question_id: str) -> Any:
        return self.answers.get(question_id)


class SingleSignOnIdentity(models.Model):
    """The person an identity provider signed in as this account: its issuer and subject.

    Sign-ins are matched on this pair, never on a username or an e-mail address, so an account
    made by hand cannot be taken over by someone whose provider name happens to match it.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identity"
    )
    issuer = models.CharField(max_length=255)
    subject = models.CharField(
        max_length=255, help_text="The provider's 'sub' claim: its fixed id for the person."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "single sign-on identity"
        verbose_name_plural = "single sign-on identities"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sso_identity_unique")
        ]

    def __str__(self) -> str:
        return f"{self.subject} at {self.issuer}"
