"""Writes to decisions. Keyword-only, one transaction each."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from advisor.models import Assessment, Team
from decisions.models import Decision, DecisionSequence
from decisions.render.context import Snapshot

SLUG_LENGTH = 60


def _next_number() -> int:
    """Take the next ADR number inside the caller's transaction.

    The UPDATE locks the sequence row (PostgreSQL) or the database (SQLite) before the value is
    read, so two creations at the same instant get consecutive numbers; a creation that rolls
    back gives its number back, so there are no gaps.
    """
    DecisionSequence.objects.filter(pk=1).update(last=F("last") + 1)
    return DecisionSequence.objects.values_list("last", flat=True).get(pk=1)


def decision_slug(title: str) -> str:
    return slugify(title)[:SLUG_LENGTH].strip("-") or "decision"


@transaction.atomic
def decision_create(
    *,
    author: User,
    assessment: Assessment,
    snapshot: Snapshot,
    title: str,
    context: str,
    drivers: list[str],
    decision_makers: list[str],
    consulted: list[str],
    informed: list[str],
    team: Team | None,
    status: str = Decision.Status.PROPOSED,
    decided_on: dt.date | None = None,
) -> Decision:
    if status not in (Decision.Status.DRAFT, Decision.Status.PROPOSED):
        raise ValueError("a new decision starts as a draft or proposed")
    return Decision.objects.create(
        number=_next_number(),
        slug=decision_slug(title),
        title=title,
        status=status,
        author=author,
        team=team,
        assessment=assessment,
        context=context,
        drivers=drivers,
        decision_makers=decision_makers,
        consulted=consulted,
        informed=informed,
        snapshot=snapshot.model_dump(mode="json"),
        decided_on=decided_on or timezone.localdate(),
    )
