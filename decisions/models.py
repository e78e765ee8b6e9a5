from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from advisor.models import Assessment, Team


class DecisionSequence(models.Model):
    """The one row that hands out ADR numbers: one per installation, no gaps, no repeats."""

    last = models.PositiveIntegerField(default=0)


class Decision(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PROPOSED = "proposed", "Proposed"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        SUPERSEDED = "superseded", "Superseded"
        DEPRECATED = "deprecated", "Deprecated"

    number = models.PositiveIntegerField(unique=True)
    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="decisions"
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    assessment = models.ForeignKey(
        Assessment, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    context = models.TextField("context and problem statement")
    drivers = models.JSONField("decision drivers", default=list, blank=True)
    decision_makers = models.JSONField(default=list, blank=True)
    consulted = models.JSONField(default=list, blank=True)
    informed = models.JSONField(default=list, blank=True)
    # What was decided, frozen at creation: the recommendation, the outcomes as described then,
    # the answers and the framework id and version. The ADR renders this; it never re-scores.
    snapshot = models.JSONField()
    decided_on = models.DateField(default=timezone.localdate)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"{self.adr_id}: {self.title}"

    @property
    def adr_id(self) -> str:
        return f"ADR-{self.number:04d}"

    @property
    def filename_stem(self) -> str:
        return f"{self.number:04d}-{self.slug}"

    def get_absolute_url(self) -> str:
        return reverse("decision_detail", args=[self.number])
