"""Server time of the questionnaire against a bare Django view, measured in one run.

Prints medians and ratios; asserts nothing. Run: `.venv/bin/python benchmarks/wizard.py [--quick]`.
Aim: an htmx step POST and the results page within 3x the bare page (sign-in + base template).
"""

from __future__ import annotations

import argparse
import sys
import types
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from support import interleaved_medians, setup_django  # noqa: E402

setup_django()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.decorators import login_required  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.shortcuts import render  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import include, path, reverse  # noqa: E402

from advisor.framework import default_framework  # noqa: E402
from advisor.models import Assessment  # noqa: E402
from tests.conftest import BASE_ANSWERS  # noqa: E402


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


@login_required
def bare_page(request: HttpRequest) -> HttpResponse:
    """The same sign-in, session and base template as every product page, and nothing else."""
    return render(request, "base.html", {})


def _urlconf() -> str:
    module = types.ModuleType("bench_urls")
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("bare/", bare),
        path("bare-page/", bare_page),
        path("", include("advisor.urls")),
    ]
    sys.modules["bench_urls"] = module
    return "bench_urls"


def _ok(response: HttpResponse) -> None:
    assert response.status_code == 200, response.status_code


def _form(section_id: str) -> dict[str, object]:
    section = next(s for s in default_framework().sections if s.id == section_id)
    data: dict[str, object] = {"action": "next"}
    for question in section.questions:
        value = BASE_ANSWERS.get(question.id)
        if isinstance(value, bool):
            value = "true" if value else "false"
        data[question.id] = "" if value is None else value
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds, for CI")
    rounds = 30 if parser.parse_args().quick else 200

    settings.ROOT_URLCONF = _urlconf()
    user = get_user_model().objects.create_user("bench", password="bench-pass-123")
    client = Client()
    client.force_login(user)

    client.post(reverse("assessment_new"), {"name": "Bench", "team": ""})
    assessment = Assessment.objects.get()
    for section in ("traffic", "latency", "state", "duration", "workload", "team"):
        client.post(reverse("assessment_step", args=[assessment.pk, section]), _form(section))
    client.post(reverse("assessment_review", args=[assessment.pk]))

    step_url = reverse("assessment_step", args=[assessment.pk, "duration"])
    result_url = reverse("assessment_result", args=[assessment.pk])
    htmx = {"HX-Request": "true"}

    step_body = urlencode(_form("duration"), doseq=True)

    def step_post() -> HttpResponse:
        # Saving the same answers again: the full POST path, which lands on the next step.
        # Encoded as htmx and browsers send a form (the test client's default is multipart).
        return client.post(
            step_url, step_body, content_type="application/x-www-form-urlencoded", headers=htmx
        )

    def hello() -> HttpResponse:
        return client.get("/bare/")

    def page() -> HttpResponse:
        return client.get("/bare-page/")

    def results() -> HttpResponse:
        return client.get(result_url)

    for call in (hello, page, step_post, results):
        call()  # warm caches and templates
    calls = {
        "bare view (plain text)": hello,
        "bare page (login + base template)": page,
        "htmx step POST": step_post,
        "results page": results,
    }
    timings = interleaved_medians(calls, rounds, _ok)
    plain = timings["bare view (plain text)"]
    page_time = timings["bare page (login + base template)"]
    print(f"wizard benchmark: median of {rounds} requests taking turns, SQLite, DEBUG off")
    for name, seconds in timings.items():
        print(
            f"  {name:34} {seconds * 1000:7.2f} ms"
            f"  {seconds / plain:6.1f}x plain  {seconds / page_time:5.1f}x bare page"
        )
    print("  aim: step POST and results page within 3x the bare page")


if __name__ == "__main__":
    main()
