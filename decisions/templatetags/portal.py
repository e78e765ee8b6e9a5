"""Template help for the review portal's pages."""

from __future__ import annotations

from django import template
from django.utils.dates import MONTHS_3
from django.utils.safestring import SafeString, mark_safe

from advisor.markup import escape_html
from decisions.addresses import around_the_number
from decisions.models import Decision, adr_id
from decisions.selectors import LogRow

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
STATUS_LABELS: dict[str, str] = dict(Decision.Status.choices)
# What an empty cell of the log says.
NONE = "—"


def _badge(status: str, testid: str = "") -> str:
    # A status outside the list (written past the app) shows as it is, as Django would show it.
    label = escape_html(STATUS_LABELS.get(status, status))
    classes = STATUS_BADGE_CLASSES.get(status, OTHER_STATUS_CLASSES)
    named = f' data-testid="{escape_html(testid)}"' if testid else ""
    return f'<span class="badge {classes}"{named}>{label}</span>'


@register.simple_tag
def status_badge(decision: Decision, testid: str = "") -> SafeString:
    """`{% status_badge decision %}`; `testid` names the badge for the browser tests."""
    return mark_safe(_badge(decision.status, testid))  # noqa: S308 - escaped in _badge


@register.simple_tag
def log_rows(rows: list[LogRow]) -> SafeString:
    """The decision log's table rows (`decisions.selectors.log_rows`), the `data-label`s naming
    each cell for the stacked layout on a phone.

    Written here instead of in the template: a page of rows was most of the log's rendering
    time, a template variable lookup, filter and URL at a time. Every value is escaped."""
    head, tail = around_the_number()
    # Django's "M" date format: the month's three letters, in the active language.
    months = {row.decided_on.month: str(MONTHS_3[row.decided_on.month]).title() for row in rows}
    badges = {row.status: _badge(row.status) for row in rows}
    html = []
    for row in rows:
        url = escape_html(f"{head}{row.number}{tail}")
        tags = "".join(
            f' <span class="badge text-bg-light border fw-normal">{escape_html(tag)}</span>'
            for tag in row.tags
        )
        day = row.decided_on
        outcome = row.outcome[:1].upper() + row.outcome[1:]  # the `capfirst` filter
        html.append(
            "<tr>"
            f'\n    <th scope="row" class="text-nowrap stack-kicker"><a href="{url}">'
            f"{adr_id(row.number)}</a></th>"
            f'\n    <td class="stack-title"><a href="{url}" class="link-body-emphasis">'
            f"{escape_html(row.title)}</a>{tags}</td>"
            f"\n    <td>{badges[row.status]}</td>"
            f'\n    <td data-label="Outcome">{escape_html(outcome or NONE)}</td>'
            f'\n    <td data-label="Team">{escape_html(row.team or NONE)}</td>'
            f'\n    <td data-label="Author">{escape_html(row.author)}</td>'
            f'\n    <td class="text-nowrap" data-label="Date"><time datetime="{day.isoformat()}">'
            f"{day.day} {escape_html(months[day.month])} {day.year}</time></td>"
            "\n  </tr>"
        )
    return mark_safe("\n".join(html))  # noqa: S308 - every value escaped above
