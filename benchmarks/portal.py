"""Server time of the decision log with 10,000 decisions, against a bare Django view measured in
the same run. Prints medians and ratios; asserts nothing.

Run: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python benchmarks/portal.py
[--quick]`. The URL only names the server: the benchmark creates a throwaway database
`advisor_bench_<pid>` there and drops it afterwards. Without a PostgreSQL URL it says so and runs
on SQLite, whose search is the plain fallback and not what production runs.
Aim: every page within 5x the bare page (sign-in + base template).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from support import (  # noqa: E402
    collect_static,
    interleaved_medians,
    production_environment,
    setup_django,
)

DECISIONS = 10_000
WORKLOADS = (
    "Orders", "Ledger", "Refunds", "Search indexer", "Thumbnails", "Checkout", "Invoices",
    "Notifications", "Fraud scoring", "Reporting", "Payouts", "Catalogue", "Recommendations",
    "Audit trail", "Webhooks", "Onboarding", "Pricing", "Inventory", "Shipping", "Analytics",
)  # fmt: skip
TAGS = (
    "pci", "gdpr", "eu-only", "customer-facing", "internal", "batch", "real-time", "kafka",
    "legacy", "cost", "latency", "on-call", "mobile", "partner-api", "reporting", "ml",
    "migration", "multi-region", "cache", "search", "payments", "identity", "audit", "edge",
)  # fmt: skip
PATTERNS = ("spiky", "steady", "variable", "seasonal")
OUTCOMES = ("serverless", "containers", "hybrid")
# Mostly past review, as in a log that has been used for a while; a tenth are drafts.
STATUSES = ("accepted",) * 5 + ("proposed", "rejected", "superseded", "deprecated", "draft")


@contextmanager
def database() -> Iterator[str]:
    """Django set up and migrated on a throwaway database; yields the database's vendor name."""
    url = os.environ.get("DATABASE_URL", "")
    if urlsplit(url).scheme not in ("postgres", "postgresql"):
        print("portal benchmark: needs PostgreSQL (DATABASE_URL=postgres://...) to measure the")
        print("  full-text search production runs; falling back to SQLite and its plain search.")
        setup_django()
        yield "SQLite"
        return

    import psycopg

    parts = urlsplit(url)
    name = f"advisor_bench_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        production_environment(urlunsplit(parts._replace(path=f"/{name}")))

        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        collect_static()
        yield "PostgreSQL"
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _context(rng: random.Random, workload: str) -> str:
    return (
        f"{workload} handles about {rng.randrange(1, 500) * 100_000:,} requests or events a month "
        f"({rng.choice(PATTERNS)} traffic, peaking at {rng.randrange(5, 900)} per second). It "
        "needs responses under 1 second and keeps its state in a database or cache. We need to "
        "decide where it runs: on functions, on containers, or on a container core with "
        "functions around it."
    )


def _populate(viewer_id: int) -> None:
    """10,000 decisions over 24 authors and 8 teams, with up to three of 24 tags each; the
    viewer is in one team and not staff."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from advisor.models import Team
    from decisions.models import Decision, Tag
    from decisions.search import decision_search_text

    rng = random.Random(7)
    user_model = get_user_model()
    authors = user_model.objects.bulk_create(
        user_model(username=f"author{i}", first_name="Author", last_name=str(i)) for i in range(24)
    )
    teams = Team.objects.bulk_create(Team(name=f"Team {i}", slug=f"team-{i}") for i in range(8))
    teams[0].members.add(viewer_id, *authors[:3])
    tags = Tag.objects.bulk_create(Tag(name=name) for name in TAGS)
    start = dt.date(2023, 1, 1)
    rows, tagged = [], []
    for number in range(1, DECISIONS + 1):
        workload = f"{rng.choice(WORKLOADS)} {number}"
        outcome = rng.choice(OUTCOMES)
        context = _context(rng, workload)
        chosen = rng.sample(tags, rng.randrange(4))
        decision = Decision(
            number=number,
            slug=f"use-{outcome}-for-{number}",
            title=f"Use {outcome} for {workload}",
            status=rng.choice(STATUSES),
            author=rng.choice(authors),
            team=rng.choice(teams),
            outcome=outcome,
            context=context,
            # The log never reads the snapshot; a stand-in keeps the set-up quick.
            snapshot={"recommendation": {"recommendation": outcome}},
            decided_on=start + dt.timedelta(days=rng.randrange(3 * 365)),
        )
        # What saving through the app keeps for the search (bulk_create does not).
        decision.search_text = decision_search_text(decision, [tag.name for tag in chosen])
        rows.append(decision)
        tagged.append(chosen)
    Decision.objects.bulk_create(rows, batch_size=1000)
    Decision.tags.through.objects.bulk_create(
        (
            Decision.tags.through(decision_id=decision.pk, tag_id=tag.pk)
            for decision, chosen in zip(rows, tagged, strict=True)
            for tag in chosen
        ),
        batch_size=5000,
    )
    if connection.vendor == "postgresql":
        # What autovacuum does to a table that has been in use for a while: fresh statistics,
        # and a visibility map, without which no index-only scan is possible.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds, for CI")
    rounds = 20 if parser.parse_args().quick else 200
    with database() as vendor:
        _measure(vendor, rounds)


def _measure(vendor: str, rounds: int) -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.decorators import login_required
    from django.http import HttpRequest, HttpResponse
    from django.shortcuts import render
    from django.test import Client
    from django.urls import NoReverseMatch, include, path, reverse

    def bare(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")

    @login_required
    def bare_page(request: HttpRequest) -> HttpResponse:
        """The same sign-in, session and base template as every product page, and nothing else."""
        return render(request, "base.html", {})

    module = types.ModuleType("bench_portal_urls")
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("bare/", bare),
        path("bare-page/", bare_page),
        path("", include("advisor.urls")),
    ]
    sys.modules["bench_portal_urls"] = module
    settings.ROOT_URLCONF = "bench_portal_urls"

    viewer = get_user_model().objects.create_user("bench", password="bench-pass-123")
    _populate(viewer.pk)
    client = Client()
    client.force_login(viewer)

    log = reverse("decision_list")
    pages: dict[str, Callable[[], HttpResponse]] = {
        "bare view (plain text)": lambda: client.get("/bare/"),
        "bare page (login + base template)": lambda: client.get("/bare-page/"),
        "log, first page": lambda: client.get(log),
        "log, filtered": lambda: client.get(
            log, {"status": "accepted", "outcome": "containers", "from": "2024-01-01"}
        ),
        "log, by tag": lambda: client.get(log, {"tag": "edge"}),
        "log, search (htmx)": lambda: client.get(
            log, {"q": "ledger"}, headers={"HX-Request": "true"}
        ),
        "log, search, page 3 by title": lambda: client.get(
            log, {"q": "ledger", "sort": "title", "page": "3"}
        ),
    }
    try:
        home = reverse("home")
    except NoReverseMatch:
        print("  (no home URL to measure)")
    else:
        pages["home page"] = lambda: client.get(home)

    def ok(response: HttpResponse) -> None:
        assert response.status_code == 200, response.status_code

    def measure(calls: dict[str, Callable[[], HttpResponse]]) -> dict[str, float]:
        for call in calls.values():
            ok(call())  # warm caches, templates and the database's buffers
        # An unindexed search takes about a second; fewer rounds keep the run short.
        fewer = {name: search_rounds for name in calls if "search" in name}
        return interleaved_medians(calls, rounds, ok, rounds_of=fewer)

    search_rounds = max(5, rounds // 10)
    timings = measure(pages)
    plain = timings["bare view (plain text)"]
    page_time = timings["bare page (login + base template)"]

    def show(name: str, seconds: float) -> None:
        print(
            f"  {name:38} {seconds * 1000:8.2f} ms"
            f"  {seconds / plain:7.1f}x plain  {seconds / page_time:6.1f}x bare page"
        )

    print(
        f"portal benchmark: {DECISIONS:,} decisions, {vendor}, DEBUG off; median of {rounds} "
        f"requests ({search_rounds} for searches), the pages taking turns"
    )
    for name, seconds in timings.items():
        show(name, seconds)
    print("  aim: every log page and the home page within 5x the bare page")


if __name__ == "__main__":
    main()
