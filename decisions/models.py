from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from advisor.models import Assessment, Team
from decisions.addresses import decision_url


class DecisionSequence(models.Model):
    """The one row that hands out ADR numbers: one per installation, no gaps, no repeats."""

    last = models.PositiveIntegerField(default=0)


def adr_id(number: int) -> str:
    """How a decision is named in lists, links and exports: ADR-0042."""
    return f"ADR-{number:04d}"


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
    # On PostgreSQL a generated column (`search_vector`, migration 0015) reads the title and
    # `search_text`: a migration that alters or drops either must drop that column first and
    # add it again after (PostgreSQL refuses the one, and the other drops it silently).
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
    # The recommended outcome, copied out of the snapshot so the log can filter and count by it;
    # empty for a free-form decision.
    outcome = models.CharField(max_length=20, db_index=True, blank=True)
    # Bumped by every edit; an edit based on an older version is refused (optimistic locking).
    version = models.PositiveIntegerField(default=1)
    # Bumped each time the decision goes back to draft: approvals from an earlier round of review
    # no longer count, even when the text comes back unchanged.
    review_round = models.PositiveIntegerField(default=1)
    # Set when a newer accepted decision replaces this one; `supersedes` is the other direction.
    superseded_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="supersedes"
    )
    # A reassessment names the decision it means to replace once it is accepted.
    replaces = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by_drafts"
    )
    context = models.TextField("context and problem statement")
    drivers = models.JSONField("decision drivers", default=list, blank=True)
    decision_makers = models.JSONField(default=list, blank=True)
    consulted = models.JSONField(default=list, blank=True)
    informed = models.JSONField(default=list, blank=True)
    # What was decided, frozen at creation: the recommendation, the outcomes as described then,
    # the answers and the framework id and version. The ADR renders this; it never re-scores.
    # None for a free-form decision (imported, or written by hand), whose `body` says it all.
    snapshot = models.JSONField(null=True, blank=True)
    # A free-form decision's sections after the drivers (options, outcome, consequences...), as
    # Markdown. Empty for a questionnaire-made decision, whose sections come from the snapshot.
    body = models.TextField(blank=True)
    tags: models.ManyToManyField[Tag, Any] = models.ManyToManyField(
        "Tag", blank=True, related_name="decisions"
    )
    # Every word the log's search looks at beyond the title: context, drivers, people, the
    # patterns and anti-patterns with their services, the body. Kept by the services on write;
    # the stored search vector reads it (see `title`).
    search_text = models.TextField(blank=True, editable=False)
    # Where an imported decision came from, and what the import could not map (a status it did
    # not know, a link it could not resolve).
    # When a free-form decision should be looked at again (a questionnaire-made one works its
    # date out from the snapshot); an import keeps the file's `review-by`.
    review_by = models.DateField(null=True, blank=True)
    imported_from = models.CharField(max_length=300, blank=True)
    import_note = models.TextField(blank=True)
    decided_on = models.DateField(default=timezone.localdate)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-number"]
        indexes = [
            models.Index(fields=["status", "-number"]),
            models.Index(fields=["-updated_at"]),
            # Everything the visibility rule and the log's filters other than words read, and
            # the id for joining tags, so counting a filtered log is an index-only scan instead
            # of a pass over the rows and their long text (and stored search vector).
            models.Index(
                fields=["status", "outcome", "author", "team", "decided_on"],
                include=["id"],
                name="decision_visibility",
            ),
            # The dashboard's "due for review": accepted decisions in review-date order, read
            # until ten are found instead of sorting every accepted decision.
            models.Index(
                fields=["review_by", "number"],
                condition=models.Q(status="accepted", review_by__isnull=False),
                name="decision_due_for_review",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.adr_id}: {self.title}"

    @property
    def adr_id(self) -> str:
        return adr_id(self.number)

    @property
    def filename_stem(self) -> str:
        return f"{self.number:04d}-{self.slug}"

    def get_absolute_url(self) -> str:
        return decision_url(self.number)

    @property
    def free_form(self) -> bool:
        return self.snapshot is None


class DecisionTally(models.Model):
    """How many decisions have each status and outcome, kept current by the database itself:
    triggers (migration 0014) count every insert, delete and change of status or outcome, so
    bulk writes, the admin and plain `.update()` calls are counted too. The home page and the
    log's unfiltered total read these few rows instead of counting the whole log per request.
    A pair whose decisions are all gone may stay, at 0; `decision_tally_recount` rebuilds it."""

    status = models.CharField(max_length=20)
    outcome = models.CharField(max_length=20, blank=True)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["status", "outcome"], name="one_tally_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.status}/{self.outcome or '-'}: {self.n}"


class Tag(models.Model):
    """A word a team files decisions under ("payments", "data", "security")."""

    name = models.CharField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DecisionLink(models.Model):
    """A relation between two decisions beyond supersession, which `superseded_by` holds."""

    class Kind(models.TextChoices):
        RELATES_TO = "relates_to", "Relates to"
        AMENDS = "amends", "Amends"
        DEPENDS_ON = "depends_on", "Depends on"

    source = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="links")
    target = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="linked_from")
    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta:
        ordering = ["kind", "target__number"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="one_link_per_kind"),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="no_link_to_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.kind} {self.target_id}"


class Revision(models.Model):
    """The editable text of a decision as it was after one save. Never changed afterwards."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    context = models.TextField()
    drivers = models.JSONField(default=list)
    decision_makers = models.JSONField(default=list)
    consulted = models.JSONField(default=list)
    informed = models.JSONField(default=list)
    body = models.TextField(blank=True)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decision", "version"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "version"], name="one_revision_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.decision_id} v{self.version}"


class AuditEntry(models.Model):
    """Who did what to a decision, when, from which status to which, and why."""

    LABELS = {
        "created": "created it",
        "imported": "imported it",
        "submitted": "proposed it for review",
        "withdrawn": "withdrew it to draft",
        "changes_requested": "requested changes",
        "approved": "approved it",
        "rejected": "rejected it",
        "deprecated": "deprecated it",
        "superseded": "marked it superseded",
        "edited": "edited it",
        "comment_hidden": "hid a comment",
        "linked": "linked it",
        "unlinked": "removed a link",
        "review_by_set": "set the review date",
    }

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="audit")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.action} on {self.decision_id}"

    @property
    def label(self) -> str:
        return self.label_of(self.action)

    @classmethod
    def label_of(cls, action: str) -> str:
        """What the action reads as after the actor's name: "approved it"."""
        return cls.LABELS.get(action, action.replace("_", " "))


class Review(models.Model):
    """A reviewer's verdict on one version of a decision."""

    class Verdict(models.TextChoices):
        APPROVE = "approve", "Approved"
        REQUEST_CHANGES = "request_changes", "Requested changes"
        REJECT = "reject", "Rejected"

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews"
    )
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    version = models.PositiveIntegerField()
    review_round = models.PositiveIntegerField(default=1)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "reviewer", "version", "review_round"],
                condition=models.Q(verdict="approve"),
                name="one_approval_per_reviewer_and_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.verdict} by {self.reviewer_id}"


class Comment(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    # The body as sanitised HTML, rendered once when the comment is written: a page with many
    # comments shows this and never renders Markdown again.
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # A hidden comment keeps its text here but shows only who hid it and when.
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.decision_id}"


class Flag(models.Model):
    """A catalogue entry an ADR lists, so the dashboard can count them in the database."""

    class Kind(models.TextChoices):
        PATTERN = "pattern", "Pattern"
        ANTI_PATTERN = "anti_pattern", "Anti-pattern"

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    entry_id = models.CharField(max_length=64)
    name = models.CharField(max_length=120)

    class Meta:
        indexes = [models.Index(fields=["kind", "entry_id"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.entry_id}"
