"""Questionnaire-made decisions store the review date their ADR shows (its review plan's months
after the decision date), so the dashboard and reminders can query it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import migrations


def _add_months(day: dt.date, months: int) -> dt.date:
    # A copy of decisions.render.context._add_months: a migration must not change when the
    # application code does.
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def fill(apps: Any, schema_editor: Any) -> None:
    Decision = apps.get_model("decisions", "Decision")
    pending = Decision.objects.filter(review_by__isnull=True, snapshot__isnull=False)
    for decision in pending.only("pk", "decided_on", "snapshot").iterator(chunk_size=500):
        review = (decision.snapshot.get("recommendation") or {}).get("review") or {}
        months = review.get("months")
        if isinstance(months, int):
            Decision.objects.filter(pk=decision.pk).update(
                review_by=_add_months(decision.decided_on, months)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0011_review_by"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
