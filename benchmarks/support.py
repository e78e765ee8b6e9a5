"""Shared set-up for the benchmarks: Django on a throwaway SQLite database, and a timer."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


def production_environment(database_url: str | None = None) -> None:
    """Production settings, as served (DEBUG off, on plain HTTP for the test client), in a
    throwaway folder; the database is the given URL or a fresh SQLite file there."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advisor.settings")
    folder = Path(tempfile.mkdtemp(prefix="advisor-bench-"))
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    # Kept between runs: collectstatic then only re-hashes what changed.
    os.environ["STATIC_ROOT"] = str(ROOT / "var" / "bench-static")
    os.environ["DEBUG"] = "0"
    os.environ["SECRET_KEY"] = "benchmark-only-" + "x" * 50
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ["SESSION_COOKIE_SECURE"] = "0"
    os.environ["CSRF_COOKIE_SECURE"] = "0"


def setup_django() -> None:
    """Configure Django on a fresh SQLite file (never the developer's database) and migrate."""
    production_environment()

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    collect_static()


def collect_static() -> None:
    """The hashed static files production pages link to (DEBUG off uses the manifest)."""
    from django.core.management import call_command

    call_command("collectstatic", "--no-input", verbosity=0)


def median_seconds(
    call: Callable[[], T], rounds: int, check: Callable[[T], None] | None = None
) -> float:
    """Median wall time of `rounds` calls; `check` validates each result outside the timing."""
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        result = call()
        samples.append(time.perf_counter() - start)
        if check is not None:
            check(result)
    return statistics.median(samples)


def interleaved_medians(
    calls: dict[str, Callable[[], T]],
    rounds: int,
    check: Callable[[T], None] | None = None,
    *,
    rounds_of: dict[str, int] | None = None,
) -> dict[str, float]:
    """Median wall time of each call, taking one sample of every call per round.

    A ratio against a baseline is only as good as the two being measured under the same load:
    measured one after the other, a machine that slows down for a few seconds (another process,
    a neighbour on the same host) lands on whichever call was running then. Interleaved, every
    call sees the same share of it. `rounds_of` gives some calls fewer rounds (the first ones)."""
    samples: dict[str, list[float]] = {name: [] for name in calls}
    limits = {name: (rounds_of or {}).get(name, rounds) for name in calls}
    for round_number in range(rounds):
        for name, call in calls.items():
            if round_number >= limits[name]:
                continue
            start = time.perf_counter()
            result = call()
            samples[name].append(time.perf_counter() - start)
            if check is not None:
                check(result)
    return {name: statistics.median(taken) for name, taken in samples.items()}
