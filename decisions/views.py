from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from advisor.framework import default_framework
from advisor.selectors import assessments_visible_to
from decisions.documents import adr_document
from decisions.forms import DecisionForm, split_lines, split_names
from decisions.models import Decision
from decisions.render.context import Snapshot, default_context, default_drivers, default_title
from decisions.render.html import markdown_to_html
from decisions.render.markdown import render_markdown
from decisions.render.pdf import PdfRenderError, pdf_cache_key, render_pdf
from decisions.selectors import decisions_visible_to
from decisions.services import decision_create

PAPERS = ("a4", "letter")


class Request(HttpRequest):
    user: User


def _get_decision_for_user(request: Request, number: int) -> Decision:
    """The decision, if this person may see it; a 404 otherwise, so nothing leaks."""
    return get_object_or_404(decisions_visible_to(request.user), number=number)


@require_http_methods(["GET", "POST"])
@login_required
def decision_new(request: Request, assessment_pk: int) -> HttpResponse:
    """Create an ADR from a finished assessment, with its fields prefilled from the answers."""
    assessment = get_object_or_404(assessments_visible_to(request.user), pk=assessment_pk)
    result = assessment.recommendation
    if result is None:
        return redirect(assessment.get_absolute_url())
    snapshot = Snapshot.capture(default_framework(), result)
    initial = {
        "title": default_title(assessment.name, result.recommendation_name),
        "context": default_context(assessment.name, snapshot),
        "drivers": "\n".join(default_drivers(snapshot)),
        "decision_makers": request.user.get_full_name() or request.user.get_username(),
        "team": assessment.team,
    }
    form = DecisionForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        decision = decision_create(
            author=request.user,
            assessment=assessment,
            snapshot=snapshot,
            title=data["title"],
            context=data["context"],
            drivers=split_lines(data["drivers"]),
            decision_makers=split_names(data["decision_makers"]),
            consulted=split_names(data["consulted"]),
            informed=split_names(data["informed"]),
            team=data["team"],
            status=data["status"],
        )
        return redirect(decision)
    context = {"form": form, "assessment": assessment, "result": result}
    return render(request, "decisions/decision_new.html", context)


@require_GET
@login_required
def decision_detail(request: Request, number: int) -> HttpResponse:
    decision = _get_decision_for_user(request, number)
    markdown = render_markdown(adr_document(decision))
    context = {"decision": decision, "adr_html": markdown_to_html(markdown)}
    return render(request, "decisions/decision_detail.html", context)


def _attachment(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@login_required
def decision_markdown(request: Request, number: int) -> HttpResponse:
    decision = _get_decision_for_user(request, number)
    markdown = render_markdown(adr_document(decision))
    return _attachment(markdown, "text/markdown; charset=utf-8", f"{decision.filename_stem}.md")


@require_GET
@login_required
def decision_pdf(request: Request, number: int) -> HttpResponse:
    decision = _get_decision_for_user(request, number)
    paper = request.GET.get("paper", "a4")
    if paper not in PAPERS:
        paper = "a4"
    document = adr_document(decision)
    cache = caches["pdf"]
    key = pdf_cache_key(document, paper)  # type: ignore[arg-type]
    pdf = cache.get(key)
    status = "hit"
    if pdf is None:
        status = "miss"
        try:
            pdf = render_pdf(
                document,
                paper=paper,  # type: ignore[arg-type]
                timeout=settings.ADR_PDF_TIMEOUT,
            )
        except PdfRenderError as exc:
            context = {"decision": decision, "error": str(exc)}
            return render(request, "decisions/pdf_failed.html", context, status=503)
        cache.set(key, pdf, timeout=None)
    suffix = "" if paper == "a4" else f"-{paper}"
    response = _attachment(pdf, "application/pdf", f"{decision.filename_stem}{suffix}.pdf")
    response["X-ADR-Cache"] = status
    return response
