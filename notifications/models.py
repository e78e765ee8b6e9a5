"""What the portal tells people: who turned which kind off, every message it sent or tried to
send, the review reminders already given, and the tokens behind private feeds."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    """The kinds of notification, each of which a person can turn off. The labels are the
    settings page's sentences."""

    PROPOSED = "proposed", "A decision is proposed for review, or proposed again (reviewers)"
    CHANGES_REQUESTED = "changes_requested", "A reviewer requests changes to my team's decision"
    ACCEPTED = "accepted", "My team's decision is accepted"
    REJECTED = "rejected", "My team's decision is rejected"
    COMMENT = "comment", "Someone comments on my team's decision"
    REVIEW_DUE = "review_due", "My team's accepted decision is due for review"


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    WEBHOOK = "webhook", "Chat webhook"


class OptOut(models.Model):
    """A kind of notification this person does not want. Everything is on until turned off."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_opt_outs"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_opt_out_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} off {self.kind}"


class Delivery(models.Model):
    """One message to one person by e-mail, or to the chat webhook. Written with its whole text
    before the first try, so a retry sends exactly the same, and kept afterwards as the record
    of what was sent to whom."""

    kind = models.CharField(max_length=30, choices=Kind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.CASCADE, related_name="deliveries"
    )
    # Empty for the webhook, which speaks to a channel rather than a person.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    # The e-mail address, or the webhook's host (its full address is a secret).
    address = models.CharField(max_length=254)
    subject = models.CharField(max_length=300)
    text = models.TextField()
    html = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.kind} to {self.address} by {self.channel}"


class ReviewReminder(models.Model):
    """A review reminder already given: one per decision and review date, so a decision whose
    date is moved is reminded again when the new date comes near."""

    decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.CASCADE, related_name="review_reminders"
    )
    review_by = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "review_by"], name="one_reminder_per_review_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.decision_id} due {self.review_by}"


def token_digest(token: str) -> str:
    """What is stored of a feed token: its SHA-256, so a copy of the database (a backup, a
    read-only role) opens no feed. The token is long and random, so no salt is needed."""
    return hashlib.sha256(token.encode()).hexdigest()


class FeedToken(models.Model):
    """The secret in a person's feed addresses: feed readers cannot sign in, so the address
    itself says whose view of the log to show. Only its digest is kept; the token is shown to
    its owner once, when made. Regenerating replaces it; revoking deletes it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_token"
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"feed token of {self.user_id}"
