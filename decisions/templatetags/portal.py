"""Template help for the review portal's pages."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from decisions.models import Decision

register = template.Library()

# A decision's status as a badge, coloured the same wherever it is shown; the statuses not
# named here (superseded, deprecated: no longer in force) are grey.
STATUS_BADGE_CLASSES = {
    Decision.Status.ACCEPTED: "text-bg-success",
    Decision.Status.PROPOSED: "text-bg-primary",
    Decision.Status.REJECTED: "text-bg-danger",
    Decision.Status.DRAFT: "text-bg-light border",
}
OTHER_STATUS_CLASSES = "text-bg-secondary"


@register.simple_tag
def status_badge(decision: Decision, testid: str = "") -> SafeString:
    """`{% status_badge decision %}`; `testid` names the badge for the browser tests."""
    return format_html(
        '<span class="badge {}"{}>{}</span>',
        STATUS_BADGE_CLASSES.get(decision.status, OTHER_STATUS_CLASSES),
        format_html(' data-testid="{}"', testid) if testid else "",
        decision.get_status_display(),
    )
