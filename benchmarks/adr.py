"""ADR rendering: Markdown, PDF (against WeasyPrint on a one-page plain document, same run) and
a cached PDF download. Prints its figures and asserts nothing.

Run: `.venv/bin/python benchmarks/adr.py [--quick]`.
Aim: Markdown under 20 ms, PDF under 1 s, cached download under 20 ms.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from support import median_seconds, setup_django  # noqa: E402

setup_django()

import weasyprint  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from advisor.engine import evaluate_raw  # noqa: E402
from advisor.framework import default_framework  # noqa: E402
from advisor.models import Assessment  # noqa: E402
from decisions.documents import adr_document  # noqa: E402
from decisions.render.context import Snapshot  # noqa: E402
from decisions.render.markdown import render_markdown  # noqa: E402
from decisions.render.pdf import render_pdf  # noqa: E402
from decisions.services import decision_create  # noqa: E402
from tests.conftest import BASE_ANSWERS  # noqa: E402

PLAIN = "<html><body><h1>Plain</h1><p>One page of text, no images, no tables.</p></body></html>"


def _cached(response: HttpResponse) -> None:
    assert response.status_code == 200 and response["X-ADR-Cache"] == "hit"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds, for CI")
    quick = parser.parse_args().quick
    rounds, pdf_rounds = (20, 3) if quick else (200, 10)

    framework = default_framework()
    user = get_user_model().objects.create_user("bench", password="bench-pass-123")
    result = evaluate_raw(framework, BASE_ANSWERS)
    assessment = Assessment.objects.create(
        owner=user,
        name="Orders",
        framework_id=framework.id,
        framework_version=framework.version,
        answers=BASE_ANSWERS,
        step="review",
        visited=["review"],
        result=result.model_dump(mode="json"),
    )
    decision = decision_create(
        author=user,
        assessment=assessment,
        snapshot=Snapshot.capture(framework, result),
        title="Use serverless for Orders",
        context="Orders needs a home.",
        drivers=["Spiky traffic"],
        decision_makers=["Alice"],
        consulted=[],
        informed=[],
        team=None,
    )
    document = adr_document(decision)

    markdown = median_seconds(lambda: render_markdown(document), rounds)
    plain = median_seconds(lambda: weasyprint.HTML(string=PLAIN).write_pdf(), pdf_rounds)
    pdf = median_seconds(lambda: render_pdf(document), pdf_rounds)
    pages = len(PdfReader(io.BytesIO(render_pdf(document))).pages)

    client = Client()
    client.force_login(user)
    url = reverse("decision_pdf", args=[decision.number])
    client.get(url)  # renders once and fills the cache
    cached = median_seconds(lambda: client.get(url), rounds, _cached)

    print(f"ADR benchmark: medians ({rounds} Markdown/download rounds, {pdf_rounds} PDF rounds)")
    print(f"  Markdown render          {markdown * 1000:8.2f} ms   (aim < 20 ms)")
    print(f"  WeasyPrint, plain page   {plain * 1000:8.2f} ms   (baseline)")
    print(
        f"  ADR PDF render           {pdf * 1000:8.2f} ms   {pages} pages, "
        f"{pdf / plain:.1f}x the plain page   (aim < 1000 ms)"
    )
    print(f"  cached PDF download      {cached * 1000:8.2f} ms   (aim < 20 ms)")


if __name__ == "__main__":
    main()
