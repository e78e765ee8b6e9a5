"""`{{ value|grouped }}` and `{{ price|grouped:2 }}`: numbers in templates, shown by the same rule
as everywhere else (`advisor.digits.group_digits`)."""

from __future__ import annotations

from django import template

from advisor.digits import group_digits

register = template.Library()


@register.filter
def grouped(value: float | int | None, places: int | None = None) -> str:
    """Thousands grouped with commas; `places` rounds to that many decimals."""
    if value is None or isinstance(value, bool):
        return ""
    return group_digits(value, places)
