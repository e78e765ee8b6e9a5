"""`manage.py recount_decisions`: count the log again into the stored tally that home and the
log read (kept by database triggers; needed only after decisions were written without them)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from decisions.services import decision_tally_recount


class Command(BaseCommand):
    help = "Count the decisions again by status and outcome, and correct the stored tally."

    def handle(self, *args: Any, **options: Any) -> None:
        corrections = decision_tally_recount()
        if not corrections:
            self.stdout.write("The stored tally matches the log; nothing to correct.")
            return
        for fixed in corrections:
            self.stdout.write(
                f"{fixed.status}, {fixed.outcome or 'no outcome'}: "
                f"stored {fixed.stored}, counted {fixed.counted}"
            )
        self.stdout.write(self.style.SUCCESS(f"Corrected {len(corrections)} count(s)."))
