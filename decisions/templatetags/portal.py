"""Template help for the review portal's pages."""

from __future__ import annotations

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst

from decisions.models import Decision
from decisions.selectors import LISTED_TAGS_ATTR

register = template.Library()

# A decision's status as a badge, coloured the same wherever it is shown; the statuses not
# named here (superseded, deprecated: no longer in force) are grey.
STATUS_BADGE_CLASSES: dict[str, str] = {
    Decision.Status.ACCEPTED: "text-bg-success",
    Decision.Status.PROPOSED: "text-bg-primary",
    Decision.Status.REJECTED: "text-bg-danger",
    Decision.Status.DRAFT: "text-bg-light border",
}
OTHER_STATUS_CLASSES = "text-bg-secondary"
# What an empty cell of the log says.
NONE = "—"


@register.simple_tag
def status_badge(decision: Decision, testid: str = "") -> SafeString:
    """`{% status_badge decision %}`; `testid` names the badge for the browser tests."""
    return format_html(
        '<span class="badge {}"{}>{}</span>',
        STATUS_BADGE_CLASSES.get(decision.status, OTHER_STATUS_CLASSES),
        format_html(' data-testid="{}"', testid) if testid else "",
        decision.get_status_display(),
    )


@register.simple_tag
def log_row(decision: Decision) -> SafeString:
    """One row of the decision log's table, the `data-label`s naming each cell for the stacked
    layout on a phone.

    Written here instead of in the template: a page of rows was most of the log's rendering
    time, a template variable lookup, filter and URL at a time. Reads `LOG_ROW_FIELDS` and the
    tags prefetched as `LISTED_TAGS`."""
    url = decision.get_absolute_url()
    author = decision.author
    return format_html(
        "<tr>"
        '\n    <th scope="row" class="text-nowrap stack-kicker"><a href="{}">{}</a></th>'
        '\n    <td class="stack-title"><a href="{}" class="link-body-emphasis">{}</a>{}</td>'
        "\n    <td>{}</td>"
        '\n    <td data-label="Outcome">{}</td>'
        '\n    <td data-label="Team">{}</td>'
        '\n    <td data-label="Author">{}</td>'
        '\n    <td class="text-nowrap" data-label="Date"><time datetime="{}">{}</time></td>'
        "\n  </tr>",
        url,
        decision.adr_id,
        url,
        decision.title,
        format_html_join(
            "",
            ' <span class="badge text-bg-light border fw-normal">{}</span>',
            ((tag.name,) for tag in getattr(decision, LISTED_TAGS_ATTR)),
        ),
        status_badge(decision),
        capfirst(decision.outcome) or NONE,
        (decision.team.name if decision.team else "") or NONE,
        author.get_full_name() or author.get_username(),
        decision.decided_on.isoformat(),
        date_format(decision.decided_on, "j M Y"),
    )
