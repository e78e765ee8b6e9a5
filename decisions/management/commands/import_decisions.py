"""`manage.py import_decisions PATH`: ADR files from a folder or a zip, as decisions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from advisor.models import Team
from decisions.adr_files import LIMITS, read_source
from decisions.adr_import import ImportRefused
from decisions.importer import decisions_import


class Command(BaseCommand):
    help = (
        "Import ADRs (adr-tools, MADR 2 to 4, log4brains, this portal's export) from a folder "
        "or a zip, all of them or none, and print what was done. "
        f"{LIMITS}."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="a folder (searched recursively) or a .zip file")
        parser.add_argument("--team", help="the slug of the team the decisions belong to")
        parser.add_argument(
            "--author",
            help="the username recorded as the decisions' author (default: the only superuser)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="run the import, print the report, then roll it all back",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        team = None
        if options["team"]:
            team = Team.objects.filter(slug=options["team"]).first()
            if team is None:
                known = ", ".join(Team.objects.values_list("slug", flat=True)) or "none yet"
                raise CommandError(f"No team '{options['team']}' (teams: {known}).")
        author = self._author(options["author"])
        try:
            report = decisions_import(
                files=read_source(Path(options["path"])),
                author=author,
                team=team,
                dry_run=options["dry_run"],
            )
        except ImportRefused as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            count = len(exc.problems)
            raise CommandError(
                f"Nothing was imported: {count} problem{'s' if count != 1 else ''} above."
            ) from None
        self.stdout.write("\n".join(report.lines()))

    def _author(self, username: str | None) -> User:
        if username:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"No user '{username}'.")
            return user
        superusers = list(User.objects.filter(is_superuser=True)[:2])
        if len(superusers) != 1:
            raise CommandError(
                "Say who the author is with --author USERNAME "
                "(the default, the only superuser, needs exactly one)."
            )
        return superusers[0]
