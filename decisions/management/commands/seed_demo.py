"""`manage.py seed_demo`: fill an empty database with a portal worth clicking through (DEBUG only).

Three teams, seven people (two architecture reviewers, one staff), a finished assessment per
workload and a dozen decisions in every status. Everything goes through the same service
functions the portal uses, so revisions, reviews and audit entries are the real ones.

`make run` calls it with --if-empty and `make demo` without; run again, it prints the logins
and how to reset. `--reset` deletes only the demo's data (decisions.demo), never the database:
the same database may hold someone's own work, which a reset then refuses to touch.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from advisor.answers import Answers, validate_answers
from advisor.framework import Framework, default_framework
from advisor.models import REVIEW_STEP, Assessment, Team
from advisor.services import (
    assessment_create,
    assessment_finish,
    assessment_reassess,
    assessment_save_answers,
)
from decisions.demo import (
    DEMO_GROUP,
    PEOPLE,
    ROLES_LEGEND,
    TEAMS,
    DemoLogin,
    demo_delete,
    demo_logins,
    demo_passwords_renew,
    demo_reset_refusal,
    demo_users,
    new_password,
    passwords_write,
)
from decisions.models import Decision
from decisions.render.context import Snapshot, default_context, default_drivers, default_title
from decisions.roles import REVIEWERS_GROUP
from decisions.services import (
    decision_approve,
    decision_comment,
    decision_create,
    decision_edit,
    decision_request_changes,
    decision_transition,
)
from notifications.services import notifications_paused

NOT_DEBUG = (
    "refusing to create demo logins while DEBUG is off: their passwords are printed in the "
    "clear (--force loads the demo anyway; DEMO=0 make run starts without it)"
)
RESET_HINT = "Start again from a fresh demo: make reset-demo (manage.py seed_demo --reset)."

# A small, spiky HTTP API for a team without operations staff; each workload changes what
# makes it different, the way the examples/ answer files do.
_BASE: Answers = {
    "traffic_pattern": "spiky",
    "monthly_requests": 500_000,
    "peak_rps": 50,
    "latency_target": "under_1s",
    "user_facing": True,
    "runtime": "python",
    "state": "external",
    "local_disk_gb": 0,
    "typical_duration_ms": 200,
    "max_duration_minutes": 1,
    "triggers": ["http", "queue"],
    "workflow": "none",
    "gpu": False,
    "memory_mb": 512,
    "endpoints": 6,
    "ops_capacity": "none",
    "container_experience": "none",
    "starting_point": "greenfield",
    "cloud": "aws",
}

WORKLOADS: dict[str, Answers] = {
    "the orders API": {
        **_BASE,
        "monthly_requests": 800_000,
        "peak_rps": 120,
        "runtime": "node",
        "typical_duration_ms": 150,
        "triggers": ["http", "queue", "schedule"],
        "workflow": "pipeline",
        "memory_mb": 256,
        "endpoints": 8,
    },
    "the reporting service": {
        **_BASE,
        "traffic_pattern": "steady",
        "monthly_requests": 100_000_000,
        "peak_rps": 60,
        "latency_target": "under_50ms",
        "runtime": "java",
        "state": "in_memory",
        "local_disk_gb": 1,
        "max_duration_minutes": 40,
        "triggers": ["http"],
        "endpoints": 12,
        "ops_capacity": "some",
        "container_experience": "some",
        "cloud": "gcp",
    },
    "the storefront migration": {
        **_BASE,
        "traffic_pattern": "variable",
        "monthly_requests": 20_000_000,
        "peak_rps": 60,
        "triggers": ["http", "schedule"],
        "endpoints": 40,
        "ops_capacity": "some",
        "container_experience": "some",
        "starting_point": "monolith_migration",
        "cloud": "azure",
    },
    "image thumbnails": {
        **_BASE,
        "monthly_requests": 2_000_000,
        "latency_target": "async",
        "user_facing": False,
        "state": "stateless",
        "typical_duration_ms": 800,
        "triggers": ["file_upload"],
        "memory_mb": 1024,
        "endpoints": 0,
    },
    "notification fan-out": {
        **_BASE,
        "latency_target": "async",
        "user_facing": False,
        "runtime": "go",
        "typical_duration_ms": 50,
        "triggers": ["queue", "pub_sub"],
        "memory_mb": 128,
        "endpoints": 1,
    },
    "the search indexer": {
        **_BASE,
        "traffic_pattern": "steady",
        "monthly_requests": 300_000_000,
        "peak_rps": 200,
        "utilization_percent": 80,
        "latency_target": "async",
        "user_facing": False,
        "runtime": "java",
        "state": "connections",
        "typical_duration_ms": 30,
        "triggers": ["stream"],
        "memory_mb": 2048,
        "endpoints": 0,
        "ops_capacity": "platform_team",
        "container_experience": "strong",
    },
    "the SOAP partner gateway": {
        **_BASE,
        "traffic_pattern": "steady",
        "monthly_requests": 40_000_000,
        "peak_rps": 40,
        "latency_target": "under_200ms",
        "runtime": "dotnet",
        "state": "connections",
        "endpoints": 25,
        "ops_capacity": "platform_team",
        "container_experience": "strong",
        "starting_point": "monolith_migration",
        "cloud": "azure",
    },
    "payment webhooks": {
        **_BASE,
        "monthly_requests": 150_000,
        "peak_rps": 30,
        "triggers": ["webhook"],
        "endpoints": 3,
    },
    "the internal metrics API": {
        **_BASE,
        "traffic_pattern": "variable",
        "monthly_requests": 15_000_000,
        "peak_rps": 80,
        "runtime": "go",
        "triggers": ["http", "queue", "schedule"],
        "endpoints": 30,
        "ops_capacity": "some",
        "container_experience": "some",
        "cloud": "gcp",
    },
    "scheduled billing runs": {
        **_BASE,
        "monthly_requests": 50_000,
        "latency_target": "async",
        "user_facing": False,
        "typical_duration_ms": 5_000,
        "max_duration_minutes": 10,
        "triggers": ["schedule"],
        "workflow": "multi_step",
        "endpoints": 0,
    },
    "the admin console": {
        **_BASE,
        "traffic_pattern": "variable",
        "monthly_requests": 300_000,
        "peak_rps": 10,
        "latency_target": "under_200ms",
        "endpoints": 20,
        "ops_capacity": "some",
        "container_experience": "some",
    },
}

# The orders API a year on: busy and steady, now run by a platform team. Reassessed, it
# replaces the first orders decision once accepted.
ORDERS_GROWN: Answers = {
    **WORKLOADS["the orders API"],
    "traffic_pattern": "steady",
    "monthly_requests": 100_000_000,
    "peak_rps": 50,
    "utilization_percent": 85,
    "ops_capacity": "platform_team",
    "container_experience": "strong",
}


class Seeder:
    """Creates the demo data step by step, through the service layer only."""

    def __init__(self, passwords: dict[str, str], *, say: Callable[[str], object]) -> None:
        self.framework: Framework = default_framework()
        self.today = timezone.localdate()
        self.say = say
        self.group, _ = Group.objects.get_or_create(name=REVIEWERS_GROUP)
        demo_group, _ = Group.objects.get_or_create(name=DEMO_GROUP)
        self.teams = {
            slug: Team.objects.create(name=name, slug=slug) for slug, name in TEAMS.items()
        }
        say(f"  teams: {', '.join(TEAMS.values())}")
        self.users: dict[str, User] = {}
        self.team_of: dict[str, Team | None] = {}
        for person in PEOPLE:
            user = User.objects.create_user(
                username=person.username,
                password=passwords[person.username],
                first_name=person.first_name,
                last_name=person.last_name,
                email=f"{person.username}@example.com",
                is_staff=person.staff,
                is_superuser=person.staff,
            )
            user.groups.add(demo_group)
            team = self.teams[person.team] if person.team else None
            if team is not None:
                team.members.add(user)
            self.team_of[person.username] = team
            if person.reviewer:
                user.groups.add(self.group)
            self.users[person.username] = user
        say(f"  logins: {', '.join(self.users)}")
        self.reviewers = [self.users[p.username] for p in PEOPLE if p.reviewer]
        self.assessments = 0

    def _finish(self, assessment: Assessment) -> Snapshot:
        result = assessment_finish(assessment=assessment, framework=self.framework)
        self.assessments += 1
        return Snapshot.capture(self.framework, result)

    def decide(
        self,
        author: str,
        workload: str,
        *,
        status: str = Decision.Status.PROPOSED,
        days_ago: int = 0,
        consulted: tuple[str, ...] = (),
        informed: tuple[str, ...] = (),
        replaces: Decision | None = None,
        answers: Answers | None = None,
    ) -> Decision:
        """Assess the workload the way the questionnaire does, then record the ADR from it."""
        user = self.users[author]
        team = self.team_of[author]
        raw = answers or WORKLOADS[workload]
        if replaces is None:
            assessment = assessment_create(
                owner=user, name=workload, team=team, framework=self.framework
            )
            assessment_save_answers(
                assessment=assessment,
                answers=validate_answers(self.framework, raw),
                go_to=REVIEW_STEP,
            )
        else:
            assessment = assessment_reassess(
                owner=user,
                name=workload,
                team=team,
                framework=self.framework,
                answers=raw,
                reassesses_number=replaces.number,
            )
        snapshot = self._finish(assessment)
        decision = decision_create(
            author=user,
            assessment=assessment,
            snapshot=snapshot,
            title=default_title(workload, snapshot.recommendation.recommendation_name),
            context=default_context(workload, snapshot),
            drivers=default_drivers(snapshot),
            decision_makers=[user.get_full_name()],
            consulted=list(consulted),
            informed=list(informed),
            team=team,
            status=status,
            decided_on=self.today - dt.timedelta(days=days_ago),
            replaces=replaces,
        )
        self.say(f"  {decision.adr_id}: {decision.title}")
        return decision

    def comment(self, decision: Decision, author: str, body: str) -> None:
        decision_comment(decision=decision, actor=self.users[author], body=body)

    def edit(self, decision: Decision, author: str, note: str, **changes: Any) -> Decision:
        fields: dict[str, Any] = {
            "title": decision.title,
            "context": decision.context,
            "drivers": decision.drivers,
            "decision_makers": decision.decision_makers,
            "consulted": decision.consulted,
            "informed": decision.informed,
        }
        fields.update(changes)
        return decision_edit(
            decision=decision,
            actor=self.users[author],
            base_version=decision.version,
            note=note,
            **fields,
        )

    def move(self, decision: Decision, actor: str, name: str, note: str = "") -> Decision:
        return decision_transition(decision=decision, actor=self.users[actor], name=name, note=note)

    def request_changes(self, decision: Decision, reviewer: str, note: str) -> Decision:
        return decision_request_changes(decision=decision, actor=self.users[reviewer], note=note)

    def accept(self, decision: Decision, note: str = "") -> Decision:
        """Approve with as many reviewers as DECISION_APPROVALS_REQUIRED asks for."""
        for reviewer in self.reviewers:
            if decision.author_id == reviewer.pk:
                continue
            decision = decision_approve(decision=decision, actor=reviewer, note=note)
            if decision.status == Decision.Status.ACCEPTED:
                return decision
        raise CommandError(
            f"{decision.adr_id} needs more approvals than the demo's "
            f"{len(self.reviewers)} reviewers can give (DECISION_APPROVALS_REQUIRED)"
        )

    def run(self) -> None:
        orders = self.decide(
            "alice", "the orders API", days_ago=400, consulted=("Security",), informed=("Support",)
        )
        self.comment(orders, "erin", "Does the pipeline step need its own queue?")
        self.comment(orders, "alice", "Yes: one queue per stage, so a slow stage cannot block.")
        orders = self.accept(orders, "Fits a small team with spiky traffic.")

        reporting = self.decide("carol", "the reporting service", days_ago=300)
        reporting = self.request_changes(
            reporting, "frank", "Say how the 40-minute export survives a deploy."
        )
        reporting = self.edit(
            reporting,
            "carol",
            "Explain the export job",
            context=reporting.context
            + "\n\nThe nightly export runs as a separate job that checkpoints every minute.",
        )
        reporting = self.move(reporting, "carol", "submit")
        reporting = self.accept(reporting)

        storefront = self.decide(
            "dan", "the storefront migration", days_ago=250, informed=("Storefront squad",)
        )
        self.comment(storefront, "frank", "Start with the checkout routes: they spike most.")
        storefront = self.accept(storefront, "Strangler approach agreed.")

        thumbnails = self.decide(
            "carol", "image thumbnails", status=Decision.Status.DRAFT, days_ago=5
        )
        thumbnails = self.edit(
            thumbnails,
            "carol",
            "Add a driver",
            drivers=[*thumbnails.drivers, "Uploads arrive in bursts after marketing campaigns"],
        )

        notifications = self.decide("bob", "notification fan-out", days_ago=12)
        self.comment(notifications, "alice", "We should reuse the orders queue conventions.")
        self.comment(notifications, "frank", "Which dead-letter policy do you have in mind?")

        indexer = self.decide("carol", "the search indexer", days_ago=90)
        indexer = self.move(
            indexer,
            "frank",
            "reject",
            "The indexer will move to the managed search service; no new compute is needed.",
        )

        gateway = self.decide("dan", "the SOAP partner gateway", days_ago=700)
        gateway = self.accept(gateway)
        gateway = self.move(
            gateway, "erin", "deprecate", "The last partner moved to the REST API this spring."
        )

        webhooks = self.decide("alice", "payment webhooks", days_ago=20)
        webhooks = self.move(
            webhooks, "alice", "withdraw", "Waiting for the payment provider's retry policy."
        )

        metrics = self.decide("dan", "the internal metrics API", days_ago=30)
        metrics = self.request_changes(
            metrics, "erin", "Name who is consulted: the observability guild owns the SLOs."
        )
        metrics = self.edit(
            metrics, "dan", "Consult observability", consulted=["Observability guild"]
        )
        metrics = self.move(metrics, "dan", "submit")

        orders_v2 = self.decide(
            "alice",
            "the orders API",
            days_ago=10,
            answers=ORDERS_GROWN,
            replaces=orders,
            consulted=("Platform",),
        )
        self.comment(orders_v2, "erin", "The platform team confirmed they can run it.")
        orders_v2 = self.accept(orders_v2, "Traffic is steady now; containers are cheaper.")

        billing = self.decide("bob", "scheduled billing runs", days_ago=60)
        billing = self.accept(billing)

        self.decide("dan", "the admin console", status=Decision.Status.DRAFT, days_ago=2)


class Command(BaseCommand):
    help = (
        "Load the demo (teams, logins with their roles, a dozen decisions) into an empty "
        "database and print the logins; when it is loaded already, print them again. DEBUG only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="say so and leave a database that already has other data, instead of failing",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="delete the demo's logins, teams and decisions (nothing else), then load it again",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="load the demo even with DEBUG off (a showcase server)",
        )

    def handle(self, *args: Any, if_empty: bool, reset: bool, force: bool, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(NOT_DEBUG)
        # The demo's decisions are made up: nobody's mail or chat hears of them.
        with notifications_paused(), transaction.atomic():
            if reset:
                self._delete()
            elif demo_users().exists():
                self._show_loaded()
                return
            taken = _why_not_empty(reset=reset)
            if taken and if_empty:
                self.stdout.write(f"The demo was not loaded: {taken}.")
                return
            if taken:
                raise CommandError(f"refusing to load the demo: {taken}. {_start_over()}")
            self._load(if_empty=if_empty)
        self._print_logins()

    def _delete(self) -> None:
        refusal = demo_reset_refusal()
        if refusal:
            raise CommandError(f"{refusal}. {_start_over()}")
        deleted = demo_delete()
        self.stdout.write(
            f"Deleted the demo: {deleted.decisions} decisions, {deleted.assessments} "
            f"assessments, {deleted.teams} teams and {deleted.logins} logins."
        )

    def _load(self, *, if_empty: bool) -> None:
        # --if-empty is how `make run` calls it, on a database nobody asked to fill.
        skip = " (DEMO=0 make run starts without it)" if if_empty else ""
        self.stdout.write(f"Loading the demo{skip}:")
        passwords = {person.username: new_password() for person in PEOPLE}
        seeder = Seeder(passwords, say=self.stdout.write)
        seeder.run()
        passwords_write(passwords)
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {len(TEAMS)} teams, {len(PEOPLE)} logins, {seeder.assessments} finished "
                f"assessments and {_decisions_summary()}."
            )
        )

    def _show_loaded(self) -> None:
        renewed = demo_passwords_renew()
        self.stdout.write(
            f"The demo is loaded: {_decisions_summary()} in {Team.objects.count()} teams."
        )
        if renewed:
            self.stdout.write(
                f"New passwords for {', '.join(renewed)}: {_shown(settings.DEMO_LOGINS_FILE)} "
                "had none for this database."
            )
        self._print_logins()
        self.stdout.write(RESET_HINT)

    def _print_logins(self) -> None:
        logins = demo_logins()
        header = DemoLogin("login", "password", "role")
        width_name = max(len(login.username) for login in [header, *logins])
        width_password = max(len(login.password) for login in [header, *logins])
        self.stdout.write(
            f"Demo logins (passwords kept in {_shown(settings.DEMO_LOGINS_FILE)}, "
            "git-ignored, and shown on every make run):"
        )
        for login in [header, *logins]:
            self.stdout.write(
                f"  {login.username:<{width_name}}  {login.password:<{width_password}}  "
                f"{login.role}"
            )
        self.stdout.write(f"{ROLES_LEGEND}\nSign in at /accounts/login/.")


def _why_not_empty(*, reset: bool) -> str:
    """What keeps the demo out of this database, or "" when nothing does.

    The demo goes only where it cannot mix with anyone's work. After a reset the teams left are
    other people's, made in /admin/; they are in the way only when their names clash.
    """
    teams = Team.objects.all()
    if reset:
        teams = teams.filter(Q(slug__in=TEAMS) | Q(name__in=TEAMS.values()))
    if Decision.objects.exists() or Assessment.objects.exists() or teams.exists():
        return "the database already has assessments, decisions or teams"
    usernames = [person.username for person in PEOPLE]
    taken = User.objects.filter(username__in=usernames).values_list("username", flat=True)
    if taken:
        return f"the login '{taken[0]}' already exists"
    return ""


def _start_over() -> str:
    if connection.vendor == "sqlite":
        database = _shown(Path(connection.settings_dict["NAME"]))
        return f"To start over from nothing instead, stop the server and delete {database}."
    return "To start over from nothing instead, drop the database and create it again."


def _decisions_summary() -> str:
    statuses = Counter(Decision.objects.values_list("status", flat=True))
    by_status = ", ".join(
        f"{statuses[status]} {label.lower()}"
        for status, label in Decision.Status.choices
        if statuses[status]
    )
    total = sum(statuses.values())
    return f"{total} decisions ({by_status})" if total else "no decisions"


def _shown(path: Path) -> str:
    """The file's path from the checkout when it is inside it (var/demo-logins.json)."""
    path = Path(path)
    return (
        str(path.relative_to(settings.BASE_DIR))
        if path.is_relative_to(settings.BASE_DIR)
        else str(path)
    )
