from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import push_url
from django_htmx.middleware import HtmxDetails

from advisor.answers import Answers, AnswersError, format_answer, validate_answers
from advisor.charts import NARROW, cost_chart_svg
from advisor.engine import answer_warnings, lean
from advisor.forms import AssessmentStartForm, StepForm
from advisor.framework import Framework, default_framework
from advisor.framework.schema import Question, Section
from advisor.models import REVIEW_STEP, Assessment
from advisor.selectors import assessment_visible_to, assessments_visible_to
from advisor.services import (
    AssessmentRefused,
    assessment_create,
    assessment_delete,
    assessment_delete_refusal,
    assessment_finish,
    assessment_save_answers,
)

PAGE_SIZE = 20


class Request(HttpRequest):
    """What reaches these views: signed in (login_required) and inspected by django-htmx."""

    htmx: HtmxDetails
    user: User


def _get_assessment_for_user(request: Request, pk: int, *, with_result: bool = True) -> Assessment:
    """The assessment, if this person may see it; a 404 otherwise, so nothing leaks."""
    assessment = assessment_visible_to(request.user, pk, with_result=with_result)
    if assessment is None:
        raise Http404("No such assessment.")
    return assessment


def _section(framework: Framework, step: str) -> Section | None:
    for section in framework.sections:
        if section.id == step:
            return section
    return None


def _stored(framework: Framework, assessment: Assessment) -> Answers:
    """The stored answers that still pass today's checks.

    Answers saved under an older framework, or before a rule tying two of them together, may
    not: those are left out (so they are asked again) and every other answer is kept.
    """
    answers = dict(assessment.answers)
    while True:
        try:
            return validate_answers(framework, answers, partial=True)
        except AnswersError as exc:
            wrong = {problem.question for problem in exc.problems} & set(answers)
            if not wrong:
                return {}
            answers = {key: value for key, value in answers.items() if key not in wrong}


def _steps(framework: Framework, assessment: Assessment, current: str) -> list[dict[str, Any]]:
    ids = [section.id for section in framework.sections] + [REVIEW_STEP]
    titles = [section.title for section in framework.sections] + ["Review"]
    steps = []
    for number, (step_id, title) in enumerate(zip(ids, titles, strict=True), start=1):
        steps.append(
            {
                "id": step_id,
                "number": number,
                "title": title,
                "url": assessment.step_url(step_id),
                "current": step_id == current,
                "visited": step_id in assessment.visited,
            }
        )
    return steps


def _wizard_context(
    framework: Framework,
    assessment: Assessment,
    current: str,
    answers: Answers,
    **extra: Any,
) -> dict[str, Any]:
    steps = _steps(framework, assessment, current)
    position = next(step["number"] for step in steps if step["current"])
    return {
        "framework": framework,
        "assessment": assessment,
        "steps": steps,
        "position": position,
        "progress": round(100 * (position - 1) / (len(steps) - 1)),
        "leaning": lean(framework, answers),
        **extra,
    }


def _render_wizard(
    request: Request, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    # An htmx navigation swaps just the wizard; a history restore or a plain request gets the page.
    if request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request:
        template = f"{template}#wizard"
    return render(request, template, context, status=status)


@require_GET
@login_required
def framework_overview(request: Request) -> HttpResponse:
    """The whole framework, readable: questions, rules, knockouts and the catalogue."""
    framework = default_framework()
    return render(request, "advisor/framework.html", {"framework": framework})


@require_GET
@login_required
def assessment_list(request: Request) -> HttpResponse:
    paginator = Paginator(assessments_visible_to(request.user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "advisor/assessment_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
@login_required
def assessment_new(request: Request) -> HttpResponse:
    form = AssessmentStartForm(
        request.POST if request.method == "POST" else None, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        assessment = assessment_create(
            owner=request.user,
            name=form.cleaned_data["name"],
            team=form.cleaned_data["team"],
            framework=default_framework(),
        )
        return redirect(assessment.step_url(assessment.step))
    return render(request, "advisor/assessment_new.html", {"form": form})


@require_GET
@login_required
def assessment_resume(request: Request, pk: int) -> HttpResponse:
    assessment = _get_assessment_for_user(request, pk)
    return redirect(assessment.get_absolute_url())


def _check_url(assessment: Assessment, section: Section) -> str:
    """Where a question posts its changed answer to be checked."""
    return reverse("assessment_check", args=[assessment.pk, section.id])


def _step_page(
    request: Request,
    framework: Framework,
    assessment: Assessment,
    section: Section,
    form: StepForm,
    answers: Answers,
) -> HttpResponse:
    context = _wizard_context(
        framework,
        assessment,
        section.id,
        answers,
        section=section,
        form=form,
        check_url=_check_url(assessment, section),
        first=section == framework.sections[0],
    )
    return _render_wizard(request, "advisor/wizard.html", context)


def _review_page(
    request: Request,
    framework: Framework,
    assessment: Assessment,
    answers: Answers,
    problems: list[str] | None = None,
) -> HttpResponse:
    context = _wizard_context(
        framework,
        assessment,
        REVIEW_STEP,
        answers,
        problems=problems or [],
        **_review(framework, answers),
    )
    return _render_wizard(request, "advisor/review.html", context)


def _moved(request: Request, framework: Framework, assessment: Assessment) -> HttpResponse:
    """After a step is saved: a redirect, or for htmx the next step in place with its URL."""
    url = assessment.step_url(assessment.step)
    if not request.htmx:
        return redirect(url)
    stored = _stored(framework, assessment)
    section = _section(framework, assessment.step)
    if section is None:
        response = _review_page(request, framework, assessment, stored)
    else:
        form = StepForm(framework=framework, section=section, answers=stored)
        response = _step_page(request, framework, assessment, section, form, stored)
    return push_url(response, url)


@require_http_methods(["GET", "POST"])
@login_required
def assessment_step(request: Request, pk: int, step: str) -> HttpResponse:
    framework = default_framework()
    # A step never reads the stored result; saving a changed answer only drops it.
    assessment = _get_assessment_for_user(request, pk, with_result=False)
    section = _section(framework, step)
    if section is None or step not in assessment.visited:
        # An unknown step, or one further than the person has been: back to where they are.
        return redirect(assessment.step_url(assessment.step))
    stored = _stored(framework, assessment)
    # Not `request.POST or None`: a POST with an empty body is still a submission to check.
    form = StepForm(
        request.POST if request.method == "POST" else None,
        framework=framework,
        section=section,
        answers=stored,
    )
    if request.method == "POST":
        index = framework.sections.index(section)
        if request.POST.get("action") == "back":
            # Going back keeps every answer that is valid; a half-typed one is not forced.
            target = framework.sections[max(index - 1, 0)].id
            assessment_save_answers(
                assessment=assessment, answers=form.valid_answers(), go_to=target
            )
            return _moved(request, framework, assessment)
        if form.is_valid():
            last = index == len(framework.sections) - 1
            target = REVIEW_STEP if last else framework.sections[index + 1].id
            assessment_save_answers(
                assessment=assessment, answers=form.step_answers(), go_to=target
            )
            return _moved(request, framework, assessment)
        stored = {**stored, **form.valid_answers()}
    return _step_page(request, framework, assessment, section, form, stored)


@require_POST
@login_required
def assessment_check(request: Request, pk: int, step: str) -> HttpResponse:
    """htmx: validate the field that just changed and refresh the leaning panel."""
    framework = default_framework()
    # A step never reads the stored result; saving a changed answer only drops it.
    assessment = _get_assessment_for_user(request, pk, with_result=False)
    section = _section(framework, step)
    trigger = (request.htmx.trigger or "") if request.htmx else ""
    name = trigger.removeprefix("q-")
    if section is None or name not in {q.id for q in section.questions}:
        return HttpResponse(status=400)
    stored = _stored(framework, assessment)
    form = StepForm(request.POST, framework=framework, section=section, answers=stored)
    form.is_valid()
    field_html = render_to_string(
        "advisor/wizard.html#question",
        {"field": form[name], "check_url": _check_url(assessment, section)},
        request=request,
    )
    leaning_html = render_to_string(
        "advisor/wizard.html#leaning",
        {"leaning": lean(framework, {**stored, **form.valid_answers()}), "oob": True},
        request=request,
    )
    return HttpResponse(field_html + leaning_html)


def _unanswered(question: Question) -> str:
    if question.default is not None:
        return f"Not answered: taken as {format_answer(question, question.default)}"
    if question.required:
        return "Not answered"
    return "Not answered: worked out from the other answers"


def _review(framework: Framework, answers: Answers) -> dict[str, Any]:
    sections = []
    missing = 0
    step_of = {q.id: s.id for s in framework.sections for q in s.questions}
    for section in framework.sections:
        rows = []
        for question in section.questions:
            value = answers.get(question.id)
            if value is None and question.required:
                missing += 1
            rows.append(
                {
                    "question": question,
                    "display": _unanswered(question)
                    if value is None
                    else format_answer(question, value),
                    "missing": value is None and question.required,
                }
            )
        sections.append({"section": section, "rows": rows})
    warnings = [
        {
            "message": warning.message,
            "questions": [framework.question(q).label for q in warning.questions],
            "step": step_of[warning.questions[0]],
        }
        for warning in answer_warnings(framework, answers)
    ]
    return {"review_sections": sections, "missing": missing, "warnings": warnings}


@require_http_methods(["GET", "POST"])
@login_required
def assessment_review(request: Request, pk: int) -> HttpResponse:
    framework = default_framework()
    assessment = _get_assessment_for_user(request, pk)
    if REVIEW_STEP not in assessment.visited:
        return redirect(assessment.step_url(assessment.step))
    if request.method == "POST":
        try:
            assessment_finish(assessment=assessment, framework=framework)
        except AnswersError as exc:
            problems = [str(problem) for problem in exc.problems]
            stored = _stored(framework, assessment)
            return _review_page(request, framework, assessment, stored, problems)
        return redirect("assessment_result", pk=assessment.pk)
    return _review_page(request, framework, assessment, _stored(framework, assessment))


@require_GET
@login_required
def assessment_result(request: Request, pk: int) -> HttpResponse:
    framework = default_framework()
    assessment = _get_assessment_for_user(request, pk)
    result = assessment.recommendation
    if result is None:
        return redirect(assessment.step_url(assessment.step))
    context = {
        "assessment": assessment,
        "result": result,
        "framework": framework,
        "chart_svg": cost_chart_svg(result.cost),
        "chart_svg_narrow": cost_chart_svg(
            result.cost, layout=NARROW, id_prefix="cost-chart-narrow"
        ),
        "edit_url": assessment.step_url(framework.sections[0].id),
        "outcome_names": {outcome.id: outcome.name for outcome in framework.outcomes},
        "create_adr_url": reverse("decision_new", args=[assessment.pk]),
    }
    return render(request, "advisor/assessment_result.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def assessment_delete_view(request: Request, pk: int) -> HttpResponse:
    """Ask first (GET), then delete (POST); a refusal says why and changes nothing."""
    assessment = _get_assessment_for_user(request, pk)
    refusal = assessment_delete_refusal(assessment, request.user)
    if request.method == "POST" and not refusal:
        try:
            assessment_delete(assessment=assessment, actor=request.user)
        except AssessmentRefused as exc:
            refusal = str(exc)
        else:
            messages.success(request, f"Deleted the assessment “{assessment.name}”.")
            return redirect("assessment_list")
    status = 403 if refusal and request.method == "POST" else 200
    context = {"assessment": assessment, "refusal": refusal}
    return render(request, "advisor/assessment_delete.html", context, status=status)
