"""A decision's address without resolving its route each time.

Lists link every line to its decision, and Django's `reverse` walks the URL patterns on each
call: a page of links spent more on that than on its rows. The route is resolved once per
script prefix and URL configuration, with a mark where the number goes."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# Any number no decision has, put where the number sits in the resolved route.
MARK = 987654321


def decision_url(number: int) -> str:
    """What `reverse("decision_detail", args=[number])` returns."""
    head, tail = around_the_number()
    return f"{head}{number}{tail}"


def around_the_number() -> tuple[str, str]:
    """What comes before and after the number in a decision's address, for a page that writes
    many (with the request's script prefix and URL configuration, so read it once per page)."""
    return _around_the_number(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@lru_cache(maxsize=32)
def _around_the_number(prefix: str, urlconf: str) -> tuple[str, str]:
    head, _, tail = reverse("decision_detail", args=[MARK], urlconf=urlconf).rpartition(str(MARK))
    return head, tail
