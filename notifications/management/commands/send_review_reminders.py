"""`manage.py send_review_reminders`: tell each team about its accepted decisions due for
review, once per decision and review date. Run it daily from a scheduler, or once with
--daily-at to have the worker run it every day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from notifications.selectors import REMINDER_WITHIN
from notifications.services import (
    daily_reminders_schedule,
    review_reminders_mark_sent,
    review_reminders_send,
)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--mark-sent-before takes a date such as 2026-01-31; got {text!r}"
        ) from None


def _time(text: str) -> dt.time:
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--daily-at takes a time such as 07:00; got {text!r}") from None


class Command(BaseCommand):
    help = (
        f"Remind teams of accepted decisions whose review date has passed or is within "
        f"{REMINDER_WITHIN.days} days; each decision once per review date."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        once = parser.add_mutually_exclusive_group()
        once.add_argument(
            "--mark-sent-before",
            metavar="YYYY-MM-DD",
            help="send nothing; record the reminders now due for review dates before this day "
            "as sent (before the first run, so decisions long overdue are not all reminded)",
        )
        once.add_argument(
            "--daily-at",
            metavar="HH:MM",
            help="instead of sending now, have the worker (make worker) send them every day at "
            "this time; running it again keeps one schedule",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["mark_sent_before"]:
            before = _date(options["mark_sent_before"])
            marked = review_reminders_mark_sent(today=timezone.localdate(), before=before)
            self.stdout.write(
                f"Recorded {len(marked)} reminder(s) as sent, without sending them, for review "
                f"dates before {before.isoformat()}."
            )
            return
        if options["daily_at"]:
            when = daily_reminders_schedule(at=_time(options["daily_at"]))
            if when is not None:
                self.stdout.write(
                    f"The worker sends review reminders daily from {when:%Y-%m-%d %H:%M}."
                )
            else:
                self.stdout.write("The worker already has daily review reminders queued.")
            return
        sent = review_reminders_send(today=timezone.localdate())
        self.stdout.write(f"Reminded {len(sent)} decision(s) due for review.")
        for reminder in sent:
            self.stdout.write(f"  {reminder.decision.adr_id} due {reminder.review_by.isoformat()}")
