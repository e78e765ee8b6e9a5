"""Sending, by the worker (`manage.py db_worker`): each delivery is tried, and a failed one is
queued again later until NOTIFY_MAX_ATTEMPTS tries are spent. A failure is logged and kept on
the delivery; it never reaches whoever caused the message."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from notifications.channels import post_webhook, send_email
from notifications.models import Channel, Delivery

logger = logging.getLogger("notifications")

# The longest error text kept on a delivery.
ERROR_LENGTH = 1000


def retry_delay(attempts: int) -> dt.timedelta:
    """The wait before the next try after `attempts` failed ones: doubling each time."""
    return dt.timedelta(seconds=settings.NOTIFY_RETRY_SECONDS * 2 ** (attempts - 1))


def _send(delivery: Delivery) -> None:
    if delivery.channel == Channel.WEBHOOK:
        if not settings.NOTIFY_WEBHOOK_URL:
            raise OSError("NOTIFY_WEBHOOK_URL is no longer set")
        post_webhook(url=settings.NOTIFY_WEBHOOK_URL, text=delivery.text)
    else:
        send_email(
            to=delivery.address, subject=delivery.subject, text=delivery.text, html=delivery.html
        )


@task()
def deliver(delivery_id: int) -> str:
    """Try one delivery once: "sent", "retry" (queued again), "failed" (tries spent) or
    "skipped" (already sent, or gone)."""
    delivery = Delivery.objects.filter(pk=delivery_id, sent_at__isnull=True).first()
    if delivery is None or delivery.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
        return "skipped"
    attempts = delivery.attempts + 1
    try:
        _send(delivery)
    # Whatever the far end or the network does (refused, timed out, TLS, a 5xx, a bad
    # address), the delivery records it and is retried; the worker carries on.
    except Exception as error:
        reason = f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
        Delivery.objects.filter(pk=delivery.pk).update(attempts=attempts, last_error=reason)
        details = {
            "delivery": delivery.pk,
            "channel": delivery.channel,
            "kind": delivery.kind,
            "attempt": attempts,
            "error": reason,
        }
        if attempts >= settings.NOTIFY_MAX_ATTEMPTS:
            logger.error("Notification not sent; no tries left", extra=details)
            return "failed"
        logger.warning("Notification not sent; it will be tried again", extra=details)
        deliver.using(run_after=timezone.now() + retry_delay(attempts)).enqueue(delivery.pk)
        return "retry"
    Delivery.objects.filter(pk=delivery.pk).update(
        attempts=attempts, last_error="", sent_at=timezone.now()
    )
    return "sent"


@task()
def send_review_reminders_daily(at: str) -> int:
    """The reminders of `manage.py send_review_reminders`, for installations without a
    scheduler: run them, then queue this task again for the next time the clock reads `at`
    (HH:MM). The next run is queued whatever happens to this one, so one failure never ends the
    schedule, and from the time of day rather than from now, so a late run does not drift."""
    from notifications.services import daily_reminders_schedule, review_reminders_send

    try:
        return len(review_reminders_send(today=timezone.localdate()))
    finally:
        daily_reminders_schedule(at=dt.time.fromisoformat(at))
