"""`manage.py export_decisions`: every decision as a zip of MADR files (adr-tools, log4brains)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from advisor.management.output import write_binary
from decisions.export import ARCHIVE_NAME, export_zip
from decisions.models import Decision


class Command(BaseCommand):
    help = "Write every decision (drafts only with --include-drafts) to a zip of MADR files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            default=ARCHIVE_NAME,
            help=f"where to write the zip (default: {ARCHIVE_NAME}); '-' writes to standard output",
        )
        parser.add_argument("--include-drafts", action="store_true", help="export drafts as well")

    def handle(self, *args: Any, **options: Any) -> None:
        queryset = Decision.objects.all()
        if not options["include_drafts"]:
            queryset = queryset.exclude(status=Decision.Status.DRAFT)
        decisions = list(queryset)
        content = export_zip(decisions)
        output: str = options["output"]
        write_binary(
            content,
            output,
            to_terminal="the export is a binary zip; redirect it or give --output FILE",
        )
        if output == "-":
            return
        count = len(decisions)
        self.stdout.write(f"Wrote {count} decision{'s' if count != 1 else ''} to {output}.")
