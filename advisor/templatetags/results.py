"""The result page's repeated parts as HTML written in Python: the pattern and anti-pattern cards,
the "because" lists under them and the ruled-out options, what weighed most, the answers that
would change the result, the cost table, plain lists, and outcome names and summaries.

As Django templates, the cards and the list of answers that would change the result were half
of the page's ~3 ms of rendering (a template node costs a few microseconds, and a card has about
forty). The markup is what the template wrote; every value is escaped (`advisor.markup`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django import template
from django.utils.safestring import SafeString

from advisor.costs import CostComparison
from advisor.digits import group_digits
from advisor.engine.result import Because, Driver, EntryResult, Flip
from advisor.framework import Framework
from advisor.markup import escape_html as _e

register = template.Library()


def _lis(values: Sequence[object]) -> str:
    return "".join(f"<li>{_e(value)}</li>" for value in values)


def _items(values: Sequence[object], css: str) -> str:
    return f'<ul class="{css}">{_lis(values)}</ul>'


def _because(items: Sequence[Because]) -> str:
    if not items:
        return ""
    return '<p class="mb-1 fw-semibold">Because:</p>' + _items(
        [f"{item.label}: {item.display}" for item in items], "mb-2"
    )


@register.simple_tag
def because(items: Sequence[Because]) -> SafeString:
    """The answers behind a finding: "Because:" and one line per answer, or nothing."""
    return SafeString(_because(items))


@register.simple_tag
def outcome_name(names: Mapping[str, str], outcome_id: str) -> str:
    """An outcome's display name (escaped by the template), or its id if the framework has
    none by that id."""
    return names.get(outcome_id, outcome_id)


@register.simple_tag
def outcome_summary(framework: Framework, outcome_id: str) -> str:
    """An outcome's one-line summary (escaped by the template), or "" for an unknown id."""
    try:
        return framework.outcome(outcome_id).summary
    except KeyError:
        return ""


@register.simple_tag
def list_items(values: Sequence[object], empty: str = "") -> SafeString:
    """One `<li>` per value, or `empty` as the only one when there are none (nothing if "")."""
    if not values:
        return SafeString(f"<li>{_e(empty)}</li>" if empty else "")
    return SafeString(_lis(values))


@register.simple_tag
def cost_rows(cost: CostComparison) -> SafeString:
    """The cost table's body: each option, what is said beside it, its sizing and price."""
    rows = []
    for option, note in cost.rows:
        if note == "cheapest":
            badge = ' <span class="badge text-bg-success">cheapest</span>'
        else:
            badge = f' <span class="badge text-bg-secondary">{_e(note)}</span>' if note else ""
        rows.append(
            f'<tr><th scope="row" class="fw-normal">{_e(option.name)}{badge}</th>'
            f"<td>{_e(option.sizing)}</td>"
            f'<td class="text-end text-nowrap">${group_digits(option.monthly, 2)}</td></tr>'
        )
    return SafeString("".join(rows))


@register.simple_tag
def entry_cards(entries: Sequence[EntryResult], kind: str) -> SafeString:
    """The cards of recommended patterns (`kind` "pattern") or anti-patterns ("anti-pattern")."""
    cards = []
    for entry in entries:
        anchor = f"{kind}-{_e(entry.id)}"
        if kind == "pattern":
            border = "outcome-card"
            body = f"<p>{_e(entry.summary)}</p>" + (
                f'<p><span class="fw-semibold">Why:</span> {_e(entry.why)}</p>'
            )
            body += _because(entry.because)
            if entry.services:
                body += '<p class="mb-1 fw-semibold">Services:</p>' + _items(
                    [service.name for service in entry.services], "mb-2"
                )
            if entry.facts:
                body += '<p class="mb-1 fw-semibold">Facts:</p>' + _items(entry.facts, "small mb-0")
        else:
            border = "border-warning"
            body = f"<p>{_e(entry.why)}</p>" + _because(entry.because)
            if entry.instead:
                body += (
                    '<p class="mb-0"><span class="fw-semibold">Instead:</span> '
                    f"{_e(entry.instead)}</p>"
                )
        cards.append(
            f'<li class="col"><article class="card h-100 {border}" aria-labelledby="{anchor}">'
            f'<div class="card-body"><h3 class="h5 card-title" id="{anchor}">{_e(entry.name)}'
            f"</h3>{body}</div></article></li>"
        )
    return SafeString("".join(cards))


@register.simple_tag
def driver_items(drivers: Sequence[Driver], recommendation_name: str) -> SafeString:
    """The answers that weighed most, each for or against the recommendation, with reasons."""
    items = []
    for driver in drivers:
        side = "for" if driver.net > 0 else "against"
        items.append(
            f"<li><strong>{_e(driver.label)}</strong>: {_e(driver.display)} "
            f'<span class="text-body-secondary">({side} {_e(recommendation_name)})</span>'
            + "<ul>"
            + "".join(f"<li>{_e(reason)}</li>" for reason in driver.reasons)
            + "</ul></li>"
        )
    return SafeString("".join(items))


@register.simple_tag
def flip_items(flips: Sequence[Flip], names: Mapping[str, str]) -> SafeString:
    """Every single answer that would change the recommendation, and to what."""
    return SafeString(
        "".join(
            f"<li>If <strong>{_e(flip.label)}</strong> were <strong>{_e(flip.display)}</strong> "
            f"(now {_e(flip.current_display)}), the recommendation would be "
            f"<strong>{_e(outcome_name(names, flip.recommendation))}</strong>.</li>"
            for flip in flips
        )
    )
