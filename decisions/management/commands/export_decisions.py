"""`manage.py export_decisions`: every decision as a zip of ADR files for MADR tools,
log4brains or adr-tools."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from advisor.management.output import write_binary
from decisions.export import ARCHIVE_NAME, DEFAULT_FLAVOUR, FLAVOURS, export_zip, without_drafts
from decisions.models import Decision


class Command(BaseCommand):
    help = "Write every decision (drafts only with --include-drafts) to a zip of ADR files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--flavour",
            choices=list(FLAVOURS),
            default=DEFAULT_FLAVOUR,
            help=(
                "madr: MADR 4 in docs/decisions; log4brains: docs/adr with .log4brains.yml; "
                f"nygard: adr-tools' doc/adr (default: {DEFAULT_FLAVOUR})"
            ),
        )
        parser.add_argument(
            "--output",
            default=ARCHIVE_NAME,
            help=f"where to write the zip (default: {ARCHIVE_NAME}); '-' writes to standard output",
        )
        parser.add_argument(
            "--include-drafts",
            action="store_true",
            help="export drafts as well, so every number in use is taken in the folder",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        decisions = list(
            without_drafts(Decision.objects.all(), include_drafts=options["include_drafts"])
        )
        content = export_zip(decisions, options["flavour"])
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
