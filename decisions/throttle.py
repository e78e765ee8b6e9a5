"""How many comments, and how many other changes, one person may make in a minute.

The count lives in the default cache, not in the process, so every app instance that shares
that cache (Redis, the database) shares the count. Each clock minute has its own counter: one
key per person and minute, which expires on its own.
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import caches

# Comments per person per minute, unless settings.COMMENT_RATE_LIMIT says otherwise. Enough for
# a quick exchange of replies; far below the 50 in 4 seconds that once slowed a page to 25 s.
COMMENT_RATE_LIMIT = 5
# Edits, reviews, lifecycle moves and links per person per minute: far above what a person
# clicks, far below a script filling the timeline with notes.
CHANGE_RATE_LIMIT = 20
WINDOW_SECONDS = 60


def _now() -> float:
    """The clock the windows are cut from (tests move it; cache expiry keeps real time)."""
    return time.time()


def comment_rate_limit() -> int:
    return int(getattr(settings, "COMMENT_RATE_LIMIT", COMMENT_RATE_LIMIT))


def _wait(user: User, kind: str, limit: int) -> int:
    """Count one `kind` of write by this person: 0 when it may go ahead, otherwise the whole
    seconds until the next minute starts and they may write again."""
    now = _now()
    window = int(now // WINDOW_SECONDS)
    key = f"{kind}-rate:{user.pk}:{window}"
    cache = caches["default"]
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between the two calls: this is the first one
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        count = 1
    if count <= limit:
        return 0
    return max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))


def comment_wait(user: User) -> int:
    return _wait(user, "comment", comment_rate_limit())


def change_rate_limit() -> int:
    return int(getattr(settings, "CHANGE_RATE_LIMIT", CHANGE_RATE_LIMIT))


def change_wait(user: User) -> int:
    """Edits, lifecycle actions and links: each adds to the timeline and may queue a PDF."""
    return _wait(user, "change", change_rate_limit())


def _seconds(wait: int) -> str:
    return "1 second" if wait == 1 else f"{wait} seconds"


def change_refusal(wait: int) -> str:
    return (
        f"You have made {change_rate_limit()} changes to decisions this minute, the most "
        f"allowed. Nothing was lost; try again in {_seconds(wait)}."
    )


def comment_refusal(wait: int) -> str:
    return (
        f"You have posted {comment_rate_limit()} comments this minute, the most allowed. "
        f"Your text is kept; post it again in {_seconds(wait)}."
    )
