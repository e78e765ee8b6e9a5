"""Turning a stored Decision into the renderers' input."""

from __future__ import annotations

from decisions.models import Decision
from decisions.render.context import AdrDocument, Snapshot


def adr_document(decision: Decision) -> AdrDocument:
    return AdrDocument(
        number=decision.number,
        title=decision.title,
        status=decision.status,
        date=decision.decided_on,
        team=decision.team.name if decision.team else None,
        decision_makers=decision.decision_makers,
        consulted=decision.consulted,
        informed=decision.informed,
        context=decision.context,
        drivers=decision.drivers,
        snapshot=Snapshot.model_validate(decision.snapshot),
    )
