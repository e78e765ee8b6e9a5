"""Writes: the notifications that follow a change to a decision, review reminders, a person's
choices and feed tokens.

decisions.services calls `after_audit` for every audit entry it writes and `after_comment` for
every comment; what they start runs only once the change is committed, and nothing they do
can fail or undo it.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from decisions.models import AuditEntry, Comment, Decision
from notifications.channels import webhook_host
from notifications.messages import (
    Message,
    comment_message,
    review_due_message,
    transition_message,
)
from notifications.models import (
    Channel,
    Delivery,
    FeedToken,
    Kind,
    OptOut,
    ReviewReminder,
    token_digest,
)
from notifications.selectors import decision_reviewers, decision_team, recipients, reminders_due
from notifications.tasks import deliver, send_review_reminders_daily

logger = logging.getLogger("notifications")

Status = Decision.Status
# The audit entries that tell someone, by their action and the status they lead to. An approval
# that does not yet accept the decision stays proposed, and tells nobody.
EVENTS: dict[tuple[str, str], str] = {
    ("created", Status.PROPOSED): Kind.PROPOSED,
    ("submitted", Status.PROPOSED): Kind.PROPOSED,
    ("changes_requested", Status.DRAFT): Kind.CHANGES_REQUESTED,
    ("approved", Status.ACCEPTED): Kind.ACCEPTED,
    ("rejected", Status.REJECTED): Kind.REJECTED,
}
# The chat channel hears what everyone in the portal may see: no drafts, no comments.
WEBHOOK_KINDS = frozenset({Kind.PROPOSED, Kind.ACCEPTED, Kind.REJECTED, Kind.REVIEW_DUE})
REVIEWER_REASON = "you are an architecture reviewer"


# True while notifications_paused() is in force.
_paused: ContextVar[bool] = ContextVar("notifications_paused", default=False)


@contextmanager
def notifications_paused() -> Iterator[None]:
    """Changes made inside tell nobody: for data that is not real work, such as the demo,
    whose made-up proposals must not reach people's mail or the team's chat."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def _team_reason(decision: Decision) -> str:
    if decision.team is not None:
        return f"you are in the team {decision.team.name}"
    return "you wrote this decision"


def _after_commit(work: Callable[[], object], event: str) -> None:
    """Run `work` once the caller's transaction commits. A failure is logged, never raised: the
    change it follows is already saved and must stay done."""

    def run() -> None:
        try:
            work()
        except Exception:
            logger.exception("Notifications could not be prepared", extra={"event": event})

    transaction.on_commit(run)


def after_audit(entry: AuditEntry) -> None:
    """Called for every audit entry: queues the notifications of the transitions that have any."""
    # Checked now, not when the work runs: that is after the commit, outside the pause.
    if (entry.action, entry.to_status) in EVENTS and not _paused.get():
        entry_id = entry.pk
        _after_commit(lambda: audit_entry_notify(entry_id=entry_id), entry.action)


def after_comment(comment: Comment) -> None:
    if _paused.get():
        return
    comment_id = comment.pk
    _after_commit(lambda: comment_notify(comment_id=comment_id), "comment")


@transaction.atomic
def notification_send(*, message: Message, people: list[User], reason: str) -> list[Delivery]:
    """One e-mail delivery per person and one for the chat webhook, each queued for the worker
    in the same transaction: a delivery exists exactly when its task does."""
    deliveries: list[Delivery] = []
    common = {"kind": message.kind, "decision": message.decision, "subject": message.subject}
    if settings.NOTIFY_EMAIL and people:
        text, html = message.email(reason)
        for user in people:
            deliveries.append(
                Delivery(
                    **common,
                    channel=Channel.EMAIL,
                    recipient=user,
                    address=user.email,
                    text=text,
                    html=html,
                )
            )
    if settings.NOTIFY_WEBHOOK_URL and message.kind in WEBHOOK_KINDS:
        deliveries.append(
            Delivery(
                **common,
                channel=Channel.WEBHOOK,
                address=webhook_host(settings.NOTIFY_WEBHOOK_URL),
                text=message.chat(),
            )
        )
    for delivery in deliveries:
        delivery.save()
        deliver.enqueue(delivery.pk)
    return deliveries


def audit_entry_notify(*, entry_id: int) -> list[Delivery]:
    """Reviewers hear of a proposal; the decision's team of everything a reviewer decides."""
    entry = AuditEntry.objects.select_related("decision__team", "actor").get(pk=entry_id)
    kind = EVENTS.get((entry.action, entry.to_status))
    if kind is None:
        return []
    decision, actor = entry.decision, entry.actor
    if kind == Kind.PROPOSED:
        # Back from draft (changes requested, or withdrawn) counts as proposed again.
        again = entry.action == "submitted" and decision.review_round > 1
        message = transition_message(kind, decision, actor, entry.note, again=again)
        people = recipients(kind, decision_reviewers(decision), actor)
        return notification_send(message=message, people=people, reason=REVIEWER_REASON)
    message = transition_message(kind, decision, actor, entry.note)
    people = recipients(kind, decision_team(decision), actor)
    return notification_send(message=message, people=people, reason=_team_reason(decision))


def comment_notify(*, comment_id: int) -> list[Delivery]:
    comment = Comment.objects.select_related("decision__team", "author").get(pk=comment_id)
    decision = comment.decision
    message = comment_message(decision, comment.author, comment.body)
    people = recipients(Kind.COMMENT, decision_team(decision), comment.author)
    return notification_send(message=message, people=people, reason=_team_reason(decision))


def review_reminders_send(*, today: dt.date) -> list[ReviewReminder]:
    """Tell each team about its accepted decisions due for review, once per decision and review
    date; a decision whose date has moved since is reminded again. Each decision is settled in a
    transaction of its own, so two runs at once remind it once, and one that fails is logged,
    left to the next run and does not keep the others from their reminders."""
    sent: list[ReviewReminder] = []
    for decision in reminders_due(today):
        assert decision.review_by is not None  # reminders_due only finds dated decisions
        try:
            with transaction.atomic():
                reminder, created = ReviewReminder.objects.get_or_create(
                    decision=decision, review_by=decision.review_by
                )
                if not created:
                    continue
                message = review_due_message(decision, decision.review_by, today)
                people = recipients(Kind.REVIEW_DUE, decision_team(decision), None)
                notification_send(message=message, people=people, reason=_team_reason(decision))
        except Exception:
            logger.exception("Review reminder not sent", extra={"decision": decision.pk})
            continue
        sent.append(reminder)
    return sent


@transaction.atomic
def review_reminders_mark_sent(*, today: dt.date, before: dt.date) -> list[ReviewReminder]:
    """Record the reminders due today for review dates before `before` as given, sending
    nothing. For the first run on a log whose accepted decisions are long overdue (their review
    dates were filled in from their snapshots), which would otherwise remind of all at once."""
    marked: list[ReviewReminder] = []
    for decision in reminders_due(today).filter(review_by__lt=before):
        assert decision.review_by is not None  # reminders_due only finds dated decisions
        reminder, _ = ReviewReminder.objects.get_or_create(
            decision=decision, review_by=decision.review_by
        )
        marked.append(reminder)
    return marked


def next_run(at: dt.time, now: dt.datetime) -> dt.datetime:
    """The next moment after `now` the clock reads `at`, in the portal's time zone."""
    local = timezone.localtime(now)
    when = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return when if when > local else when + dt.timedelta(days=1)


def daily_reminders_schedule(*, at: dt.time) -> dt.datetime | None:
    """Queue the daily reminder task for the next time the clock reads `at`, unless one is
    queued already (so starting the schedule twice does not remind twice a day). Returns when
    it will run, or None when one was there."""
    waiting = DBTaskResult.objects.filter(
        task_path=send_review_reminders_daily.module_path, status=TaskResultStatus.READY
    )
    if waiting.exists():
        return None
    when = next_run(at, timezone.now())
    send_review_reminders_daily.using(run_after=when).enqueue(at.strftime("%H:%M"))
    return when


@transaction.atomic
def notification_kinds_set(*, user: User, enabled: Iterable[str]) -> None:
    """Keep these kinds on for the person and turn every other kind off."""
    on = set(enabled)
    OptOut.objects.filter(user=user, kind__in=on).delete()
    for kind in Kind.values:
        if kind not in on:
            OptOut.objects.get_or_create(user=user, kind=kind)


@transaction.atomic
def feed_token_create(*, user: User) -> str:
    """A new feed token for the person, returned to be shown once: only its digest is kept.
    The one they had stops working at once."""
    token = secrets.token_urlsafe(32)
    FeedToken.objects.filter(user=user).delete()
    FeedToken.objects.create(user=user, digest=token_digest(token))
    return token


@transaction.atomic
def feed_token_revoke(*, user: User) -> bool:
    """Delete the person's feed token, so its addresses answer 404. False when there was none."""
    deleted, _ = FeedToken.objects.filter(user=user).delete()
    return deleted > 0
