"""A bounded load test over real HTTP: gunicorn as served (DEBUG off, two sync workers) on a
loopback port, with 20 people going through the questionnaire and 3 downloading ADR PDFs at once,
none of them pausing between requests.

Prints requests, errors by status, p50/p99 latency per kind of request and the throughput;
asserts no timing. Exits 1 when any response was a 5xx. Stops by itself: about 12 s of set-up,
then 35 s of load (12 s with --quick).

Run: `.venv/bin/python benchmarks/load.py [--quick]`. The database is a throwaway SQLite file,
or with DATABASE_URL=postgres://... a database `advisor_load_<pid>` created on that server and
dropped afterwards. Caches are the database tables (REDIS_URL is not used).
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.servers import (  # noqa: E402
    PASSWORD,
    Gunicorn,
    Response,
    WebClient,
    manage,
    served_environment,
)

WIZARD_USERS = 20
PDF_DOWNLOADERS = 3
WORKERS = 2
# Past the deadline, a request already sent may take this long; then the run stops regardless.
REQUEST_TIMEOUT = 20.0
KINDS = ("login page", "sign-in", "start", "answer", "finish", "result", "pdf")
ASKED_TO_RETRY = "asked to come back"


class TimeUp(Exception):
    pass


@dataclass
class Recorder:
    """Every request's kind, outcome (status, or the exception's name) and duration."""

    deadline: float
    samples: list[tuple[str, int | str, float]] = field(default_factory=list)
    pdf_cache: Counter[str] = field(default_factory=Counter)

    def call(
        self,
        kind: str,
        expected: int,
        send: Callable[..., Response],
        *args: Any,
        on_retry: Callable[[], None] | None = None,
    ) -> Response | None:
        """The response when it has the expected status, else None; TimeUp past the deadline."""
        if time.monotonic() >= self.deadline:
            raise TimeUp
        start = time.perf_counter()
        try:
            response = send(*args)
        except OSError as error:
            self.samples.append((kind, type(error).__name__, time.perf_counter() - start))
            return None
        if response.status == 503 and response.headers.get("Retry-After"):
            # Asked to come back (a PDF another request is rendering): by design, not an error.
            self.samples.append((kind, ASKED_TO_RETRY, time.perf_counter() - start))
            if on_retry is not None:
                on_retry()
            return None
        self.samples.append((kind, response.status, time.perf_counter() - start))
        return response if response.status == expected else None


@contextmanager
def database(folder: Path) -> Iterator[tuple[str, str]]:
    """A throwaway database: yields its URL and the vendor's name."""
    url = os.environ.get("DATABASE_URL", "")
    if urlsplit(url).scheme not in ("postgres", "postgresql"):
        yield f"sqlite:///{folder / 'load.sqlite3'}", "SQLite"
        return

    import psycopg

    name = f"advisor_load_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(url)._replace(path=f"/{name}")), "PostgreSQL"
    finally:
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare(env: dict[str, str]) -> None:
    """Migrations and collected static files, side by side: each takes seconds."""
    commands = [
        ("migrate", "--no-input", "--verbosity", "0"),
        ("collectstatic", "--no-input", "--verbosity", "0"),
    ]
    with ThreadPoolExecutor(len(commands)) as pool:
        for done in [pool.submit(manage, env, *command) for command in commands]:
            done.result()


def create_people_and_decisions(env: dict[str, str]) -> list[int]:
    """The users (one password hash for all: hashing is slow by design) and two proposed
    decisions; returns the decisions' numbers."""
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.db import connections

    from advisor.models import Team
    from tests.decisions.conftest import make_decision

    password = make_password(PASSWORD)
    names = [f"wizard-{n}" for n in range(WIZARD_USERS)] + [
        f"reader-{n}" for n in range(PDF_DOWNLOADERS)
    ]
    User.objects.bulk_create([User(username=name, password=password) for name in names])
    author = User.objects.get(username="reader-0")
    team = Team.objects.create(name="Payments", slug="payments")
    numbers = [
        make_decision(author, team, title=title).number
        for title in ("Use serverless for Orders", "Use serverless for Refunds")
    ]
    connections.close_all()
    return numbers


def step_forms() -> list[dict[str, object]]:
    """Valid answers for every step, as the form posts them (the flow of benchmarks/wizard.py)."""
    from advisor.framework import default_framework
    from tests.conftest import BASE_ANSWERS

    forms = []
    for section in default_framework().sections:
        data: dict[str, object] = {"action": "next"}
        for question in section.questions:
            value = BASE_ANSWERS.get(question.id)
            if isinstance(value, bool):
                value = "true" if value else "false"
            data[question.id] = "" if value is None else value
        forms.append(data)
    return forms


def questionnaire_user(
    url: str, username: str, forms: list[dict[str, object]], rec: Recorder
) -> None:
    """Signs in, then starts, answers, finishes and views assessments until the time is up.
    Posts only, as the step pages' own GETs would mostly measure the same templates again."""
    client = WebClient(url, timeout=REQUEST_TIMEOUT)
    signed_in = False
    round_ = 0
    try:
        while True:
            if not signed_in:
                rec.call("login page", 200, client.get, "/accounts/login/")
                login = {"username": username, "password": PASSWORD}
                signed_in = bool(rec.call("sign-in", 302, client.post, "/accounts/login/", login))
                continue
            round_ += 1
            moved = rec.call(
                "start", 302, client.post, "/assessments/new/", {"name": f"Load {round_}"}
            )
            for form in forms:
                if moved is None:
                    break
                moved = rec.call("answer", 302, client.post, moved.headers["Location"], form)
            if moved is None:
                continue
            finished = rec.call("finish", 302, client.post, moved.headers["Location"], {})
            if finished is not None:
                rec.call("result", 200, client.get, finished.headers["Location"])
    except TimeUp:
        return


def pdf_reader(url: str, username: str, numbers: list[int], first: int, rec: Recorder) -> None:
    """Signs in, then downloads every decision on both papers, round and round, starting at a
    different one than the other readers."""
    client = WebClient(url, timeout=REQUEST_TIMEOUT)
    paths = [f"/decisions/{n}/adr.pdf?paper={paper}" for n in numbers for paper in ("a4", "letter")]
    try:
        client.sign_in(username, PASSWORD)
        for index in range(first, sys.maxsize):
            # Asked to come back, it waits a moment as a person would before the next one.
            pdf = rec.call(
                "pdf", 200, client.get, paths[index % len(paths)], on_retry=lambda: time.sleep(0.5)
            )
            if pdf is not None:
                valid = pdf.body.startswith(b"%PDF-")
                rec.pdf_cache[pdf.headers.get("X-ADR-Cache", "?") if valid else "not a PDF"] += 1
    except TimeUp:
        return


def run_load(url: str, numbers: list[int], seconds: float) -> tuple[Recorder, float]:
    forms = step_forms()
    start = time.monotonic()
    rec = Recorder(deadline=start + seconds)
    threads = [
        threading.Thread(target=questionnaire_user, args=(url, f"wizard-{n}", forms, rec))
        for n in range(WIZARD_USERS)
    ] + [
        threading.Thread(target=pdf_reader, args=(url, f"reader-{n}", numbers, n, rec))
        for n in range(PDF_DOWNLOADERS)
    ]
    for thread in threads:
        thread.daemon = True  # one stuck past every timeout must not keep the run alive
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, rec.deadline + REQUEST_TIMEOUT + 1 - time.monotonic()))
    return rec, time.monotonic() - start


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest rank: with few samples the p99 is the slowest one."""
    return sorted_values[max(0, math.ceil(fraction * len(sorted_values)) - 1)]


def report(rec: Recorder, elapsed: float, vendor: str, server: Gunicorn) -> bool:
    """Prints the figures; True when any response was a 5xx."""
    samples = list(rec.samples)
    by_kind: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, Counter[int | str]] = defaultdict(Counter)
    failures: Counter[int | str] = Counter()
    retries = 0
    for kind, outcome, seconds in samples:
        by_kind[kind].append(seconds)
        if outcome == ASKED_TO_RETRY:
            retries += 1
        elif isinstance(outcome, str) or outcome >= 400:
            errors[kind][outcome] += 1
            failures[outcome] += 1
    print(
        f"load test: {WIZARD_USERS} questionnaire users + {PDF_DOWNLOADERS} PDF downloaders, "
        f"{elapsed:.1f} s, gunicorn {WORKERS} sync workers, {vendor}, DEBUG off"
    )
    print(f"  {'kind':10} {'requests':>8} {'errors':>7} {'p50 ms':>8} {'p99 ms':>8}")
    for kind in [*KINDS, *sorted(set(by_kind) - set(KINDS))]:
        times = sorted(by_kind.get(kind, []))
        if not times:
            continue
        print(
            f"  {kind:10} {len(times):8} {sum(errors[kind].values()):7}"
            f" {percentile(times, 0.5) * 1000:8.1f} {percentile(times, 0.99) * 1000:8.1f}"
        )
    everything = sorted(seconds for _, _, seconds in samples)
    if everything:
        print(
            f"  {'all':10} {len(everything):8} {sum(failures.values()):7}"
            f" {percentile(everything, 0.5) * 1000:8.1f} {percentile(everything, 0.99) * 1000:8.1f}"
        )
    print(f"  throughput: {len(samples) / elapsed:.1f} requests/s")
    cache = ", ".join(f"{outcome} {count}" for outcome, count in sorted(rec.pdf_cache.items()))
    print(f"  PDFs by X-ADR-Cache: {cache or 'none served'}; asked to come back: {retries}")
    by_status = sorted(failures.items(), key=lambda item: str(item[0]))
    listed = ", ".join(f"{outcome} x{count}" for outcome, count in by_status)
    print(f"  errors by status: {listed or 'none'}")
    logged = [line for line in server.log_tail(100_000).splitlines() if '"level": "ERROR"' in line]
    print(f"  errors in the server log: {len(logged)}")
    for line in logged[:3]:
        print(f"    {line[:400]}")
    return any(isinstance(status, int) and status >= 500 for status in failures)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="12 s of load instead of 35, for CI")
    seconds = 12.0 if parser.parse_args().quick else 35.0
    # A plain `kill` runs the clean-up below too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    folder = Path(tempfile.mkdtemp(prefix="advisor-load-"))
    try:
        with database(folder) as (url, vendor):
            env = served_environment(url, folder / "static")
            prepare(env)
            numbers = create_people_and_decisions(env)
            server = Gunicorn.start(env, folder / "gunicorn.log", workers=WORKERS)
            try:
                server.wait_until_healthy()
                rec, elapsed = run_load(server.url, numbers, seconds)
            finally:
                server.stop()
            server_errors = report(rec, elapsed, vendor, server)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 1 if server_errors else 0


if __name__ == "__main__":
    sys.exit(main())
