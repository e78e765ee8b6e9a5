"""`manage.py advise ANSWERS`: the engine from the command line, for scripts and CI pipelines."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from advisor.answers import MAX_ANSWERS_BYTES, AnswersError, parse_answers_text
from advisor.engine import Recommendation, evaluate_raw
from advisor.framework import Framework, FrameworkError, default_framework
from advisor.management.output import write_binary
from advisor.text import strip_bidi
from decisions.render.context import (
    AdrDocument,
    Snapshot,
    default_context,
    default_drivers,
    default_title,
)
from decisions.render.markdown import render_markdown
from decisions.render.pdf import PdfRenderError, render_pdf

FORMATS = ("json", "markdown", "pdf")
PAPERS = ("a4", "letter")


def _adr(framework: Framework, result: Recommendation, workload: str) -> AdrDocument:
    """An unnumbered ADR straight from an answers file, drafted the way the web form drafts it."""
    snapshot = Snapshot.capture(framework, result)
    return AdrDocument(
        number=None,
        title=default_title(workload, result.recommendation_name),
        status="proposed",
        date=timezone.localdate(),
        team=None,
        decision_makers=[],
        consulted=[],
        informed=[],
        context=default_context(workload, snapshot),
        drivers=default_drivers(snapshot),
        snapshot=snapshot,
    )


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


def _same_file(first: str, second: str) -> bool:
    """Whether two paths name one file, through symlinks, `..` and hard links alike; `-` is
    standard input, which may be that file redirected (`advise - --output a.yaml < a.yaml`)."""
    try:
        if first == "-":
            return os.path.samestat(os.fstat(sys.stdin.fileno()), os.stat(second))
        return os.path.samefile(first, second)
    except (OSError, ValueError):  # no such file (yet), or no real stdin: not the same file
        return False


class Command(BaseCommand):
    help = "Score a file of answers (YAML or JSON, '-' for standard input) and print the result."
    # The command needs no database or URLs; a broken framework is reported as one line below.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("answers", help="answers file, YAML or JSON; '-' reads standard input")
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("--output", help="write here instead of standard output")
        parser.add_argument("--paper", choices=PAPERS, default="a4", help="PDF page size")
        parser.add_argument(
            "--workload",
            help="workload name for the ADR title (default: the answers file's name)",
        )
        parser.add_argument(
            "--free-tier",
            action="store_true",
            help="deduct the functions free tier from the cost estimate",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: str = options["answers"]
        name = "standard input" if source == "-" else source
        output = options.get("output")
        if output and _same_file(source, output):
            raise CommandError(f"{output}: is the answers file; write the result somewhere else")
        try:
            framework = default_framework()
            data = parse_answers_text(_read(source), name)
            result = evaluate_raw(framework, data, free_tier=options["free_tier"])
        except (AnswersError, FrameworkError) as exc:
            raise CommandError(str(exc)) from None
        for warning in result.warnings:
            # Unlikely answers are advised on all the same; standard error keeps stdout clean.
            self.stderr.write(f"warning: {', '.join(warning.questions)}: {warning.message}")
        workload = strip_bidi(
            options.get("workload")
            or (
                "the workload"
                if source == "-"
                else Path(source).stem.replace("-", " ").replace("_", " ")
            )
        )
        content: bytes
        if options["format"] == "json":
            text = json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False)
            content = (text + "\n").encode("utf-8")
        elif options["format"] == "markdown":
            content = render_markdown(_adr(framework, result, workload)).encode("utf-8")
        else:
            try:
                content = render_pdf(_adr(framework, result, workload), paper=options["paper"])
            except PdfRenderError as exc:
                raise CommandError(f"the PDF could not be rendered: {exc}") from None
        if not output and options["format"] != "pdf":
            self.stdout.write(content.decode("utf-8"), ending="")
            return
        write_binary(
            content, output, to_terminal="--format pdf writes binary data; give --output FILE"
        )
