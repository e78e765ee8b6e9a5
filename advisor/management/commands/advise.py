"""`manage.py advise ANSWERS`: the engine from the command line, for scripts and CI pipelines."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from advisor.answers import MAX_ANSWERS_BYTES, AnswersError, parse_answers_text
from advisor.engine import evaluate_raw
from advisor.framework import FrameworkError, default_framework

FORMATS = ("json",)


def _read(source: str) -> str:
    if source == "-":
        return sys.stdin.read(MAX_ANSWERS_BYTES + 1)
    path = Path(source)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_ANSWERS_BYTES + 1)
    except OSError as exc:
        raise CommandError(f"{source}: cannot be read ({exc.strerror})") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise CommandError(f"{source}: is not UTF-8 text") from None


class Command(BaseCommand):
    help = "Score a file of answers (YAML or JSON, '-' for standard input) and print the result."
    # The command needs no database or URLs; a broken framework is reported as one line below.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("answers", help="answers file, YAML or JSON; '-' reads standard input")
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("--output", help="write here instead of standard output")
        parser.add_argument(
            "--free-tier",
            action="store_true",
            help="deduct the functions free tier from the cost estimate",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: str = options["answers"]
        name = "standard input" if source == "-" else source
        try:
            framework = default_framework()
            data = parse_answers_text(_read(source), name)
            result = evaluate_raw(framework, data, free_tier=options["free_tier"])
        except (AnswersError, FrameworkError) as exc:
            raise CommandError(str(exc)) from None
        text = json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
        output = options.get("output")
        if not output:
            self.stdout.write(text, ending="")
            return
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{output}: cannot be written ({exc.strerror})") from None
