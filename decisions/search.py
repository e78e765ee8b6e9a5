"""What the decision log's search reads beyond the title: one text per decision, kept on write.

A questionnaire-made decision adds what its ADR names of the design (the outcome, the patterns
and anti-patterns, their services and where each part runs), so "Lambda", "SQS" or
"idempotent" find it; a free-form decision adds its body. The function takes plain values so
the migration that fills the column for existing rows can call it too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def _design_words(snapshot: dict[str, Any]) -> Iterable[str]:
    recommendation = snapshot.get("recommendation") or {}
    yield str(recommendation.get("recommendation_name") or "")
    for key in ("patterns", "anti_patterns"):
        for entry in recommendation.get(key) or []:
            # Names and services, not the catalogue's prose: every decision shares that, so
            # "billing" would find each one whose pattern says what is billed.
            yield str(entry.get("name") or "")
            for service in entry.get("services") or []:
                yield str(service.get("name") or "")
    for component in recommendation.get("components") or []:
        yield str(component.get("service") or "")


def search_text(
    *,
    context: str,
    drivers: list[str],
    people: Iterable[str],
    snapshot: dict[str, Any] | None,
    body: str,
    tags: Iterable[str] = (),
) -> str:
    parts = [context, *drivers, *people, body, *tags]
    if snapshot:
        parts.extend(_design_words(snapshot))
    return "\n".join(part for part in parts if part)


def decision_search_text(decision: Any, tags: Iterable[str] | None = None) -> str:
    """The text for one Decision (or a historical model of it, in a migration)."""
    return search_text(
        context=decision.context,
        drivers=list(decision.drivers or []),
        people=[*decision.decision_makers, *decision.consulted, *decision.informed],
        snapshot=decision.snapshot,
        body=decision.body,
        tags=tags if tags is not None else [tag.name for tag in decision.tags.all()],
    )
