"""Turning a stored Decision into the renderers' input."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import User

from decisions.models import Decision, DecisionLink
from decisions.render.context import AdrDocument, AdrLink, Snapshot
from decisions.selectors import decisions_visible_to

# How a link reads from each end: the source says the first, the target the second.
LINK_LABELS = {
    DecisionLink.Kind.RELATES_TO: ("Relates to", "Relates to"),
    DecisionLink.Kind.AMENDS: ("Amends", "Amended by"),
    DecisionLink.Kind.DEPENDS_ON: ("Depends on", "Needed by"),
}


def linked_decisions(decision: Decision) -> list[tuple[str, Decision]]:
    """The decisions this one links or is linked from, each with how the link reads from here,
    in a fixed order (by number, then label)."""
    found = []
    for link in decision.links.select_related("target"):
        found.append((LINK_LABELS[DecisionLink.Kind(link.kind)][0], link.target))
    for link in decision.linked_from.select_related("source"):
        found.append((LINK_LABELS[DecisionLink.Kind(link.kind)][1], link.source))
    found.sort(key=lambda pair: (pair[1].number, pair[0]))
    return found


def adr_links(
    decision: Decision, filename: Callable[[Decision], str] | None = None
) -> list[AdrLink]:
    """The decision's links both ways, in a fixed order; `filename` names the other file in an
    export."""
    return [adr_link(label, other, filename) for label, other in linked_decisions(decision)]


def adr_link(
    label: str, other: Decision, filename: Callable[[Decision], str] | None = None
) -> AdrLink:
    """How a link to `other` is rendered: the label, its id and title, and in an export its
    file."""
    return AdrLink(
        label=label,
        number=other.number,
        adr_id=other.adr_id,
        title=other.title,
        filename=filename(other) if filename else "",
    )


def adr_document(
    decision: Decision, links: list[AdrLink] | None = None, viewer: User | None = None
) -> AdrDocument:
    """The renderers' input; `links` replaces the decision's own (an export names the files).
    For a `viewer`, only links to decisions they may see are listed, so a link never tells
    them the title of another team's draft."""
    if links is None and viewer is not None:
        links = adr_links(decision)
        numbers = [link.number for link in links]
        shown = decisions_visible_to(viewer).filter(number__in=numbers)
        visible = set(shown.values_list("number", flat=True))
        links = [link for link in links if link.number in visible]
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
        snapshot=Snapshot.model_validate(decision.snapshot) if decision.snapshot else None,
        body=decision.body,
        review_by=decision.review_by,
        tags=[tag.name for tag in decision.tags.all()],
        links=adr_links(decision) if links is None else links,
    )
