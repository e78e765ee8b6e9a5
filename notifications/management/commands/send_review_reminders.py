"""`manage.py send_review_reminders`: tell each team about its accepted decisions due for
review, once per decision and review date. Run it daily from a scheduler, or once with
--daily-at to have the worker run it every day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from notifications.selectors import REMINDER_WITHIN
from notifications.services import daily_reminders_schedule, review_reminders_send


def _time(text: str) -> dt.time:
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--daily-at takes a time such as 07:00; got {text!r}") from None


def next_run(at: dt.time, now: dt.datetime) -> dt.datetime:
    """The next moment the clock reads `at`, in the portal's time zone."""
    local = timezone.localtime(now)
    when = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return when if when > local else when + dt.timedelta(days=1)


class Command(BaseCommand):
    help = (
        f"Remind teams of accepted decisions whose review date has passed or is within "
        f"{REMINDER_WITHIN.days} days; each decision once per review date."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--daily-at",
            metavar="HH:MM",
            help="instead of sending now, have the worker (make worker) send them every day at "
            "this time; running it again keeps one schedule",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["daily_at"]:
            when = next_run(_time(options["daily_at"]), timezone.now())
            if daily_reminders_schedule(after=when):
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
