from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh
from django_htmx.middleware import HtmxDetails

from advisor.framework import default_framework
from advisor.selectors import assessment_visible_to
from advisor.services import assessment_reassess
from decisions.adr_files import read_zip
from decisions.adr_import import ImportRefused
from decisions.documents import adr_document
from decisions.forms import (
    ActionForm,
    CommentForm,
    DecisionEditForm,
    DecisionForm,
    ImportForm,
    LinkForm,
    ReviewByForm,
)
from decisions.history import Comparison, revision_diff
from decisions.importer import decisions_import
from decisions.models import Decision, adr_id
from decisions.pdfs import decision_pdf as cached_pdf
from decisions.render.context import Snapshot, default_context, default_drivers, default_title
from decisions.render.html import markdown_to_html
from decisions.render.markdown import render_markdown
from decisions.render.pdf import PAPERS
from decisions.roles import (
    edit_refusal,
    hide_comment_refusal,
    import_refusal,
    link_refusal,
    reassess_refusal,
    review_by_refusal,
)
from decisions.selectors import dashboard as dashboard_data
from decisions.selectors import decisions_visible_to
from decisions.services import (
    TRANSITIONS,
    EditConflict,
    MissingInput,
    StaleVersion,
    TransitionError,
    allowed_actions,
    approvals_missing,
    approvals_required,
    comment_hide,
    decision_approve,
    decision_comment,
    decision_create,
    decision_edit,
    decision_link,
    decision_request_changes,
    decision_set_review_by,
    decision_transition,
    decision_unlink,
    transition_check,
)
from decisions.throttle import change_refusal, change_wait, comment_refusal, comment_wait


class Request(HttpRequest):
    """What reaches these views: signed in (login_required) and inspected by django-htmx."""

    htmx: HtmxDetails
    user: User


@require_GET
@login_required
def dashboard(request: Request) -> HttpResponse:
    """Home: what waits for me, my team's drafts, the log in numbers, recent activity."""
    return render(request, "decisions/dashboard.html", dashboard_data(request.user))


def _get_decision_for_user(request: Request, number: int) -> Decision:
    """The decision, if this person may see it; a 404 otherwise, so nothing leaks."""
    return get_object_or_404(decisions_visible_to(request.user), number=number)


@require_http_methods(["GET", "POST"])
@login_required
def decision_new(request: Request, assessment_pk: int) -> HttpResponse:
    """Create an ADR from a finished assessment, with its fields prefilled from the answers."""
    assessment = assessment_visible_to(request.user, assessment_pk)
    if assessment is None:
        raise Http404("No such assessment.")
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
    form = DecisionForm(
        request.POST if request.method == "POST" else None, user=request.user, initial=initial
    )
    replaces = replaced_already = None
    if assessment.reassesses_number is not None:
        replaces = (
            decisions_visible_to(request.user).filter(number=assessment.reassesses_number).first()
        )
        # Only the owning team replaces a decision, and only while it is the accepted one.
        if replaces is not None and reassess_refusal(replaces, request.user):
            replaced_already = replaces
            replaces = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        decision = decision_create(
            replaces=replaces,
            author=request.user,
            assessment=assessment,
            snapshot=snapshot,
            team=data["team"],
            status=data["status"],
            **form.text_fields(),
        )
        return redirect(decision)
    context = {
        "form": form,
        "assessment": assessment,
        "result": result,
        "replaces": replaces,
        "replaced_already": replaced_already,
    }
    return render(request, "decisions/decision_new.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def decision_write(request: Request) -> HttpResponse:
    """Create a free-form ADR: no assessment behind it, its sections written by hand."""
    initial = {"decision_makers": request.user.get_full_name() or request.user.get_username()}
    form = DecisionForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        free_form=True,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        decision = decision_create(
            author=request.user,
            assessment=None,
            snapshot=None,
            team=data["team"],
            status=data["status"],
            **form.text_fields(),
        )
        return redirect(decision)
    return render(request, "decisions/decision_write.html", {"form": form})


@require_GET
@login_required
def decision_detail(request: Request, number: int) -> HttpResponse:
    decision = _get_decision_for_user(request, number)
    # A note typed for a review that was refused as stale comes back once, in the note box.
    note = request.session.pop(_kept_note_key(decision), "")
    context = _detail_context(request, decision, note=note)
    return render(request, "decisions/decision_detail.html", context)


def _kept_note_key(decision: Decision) -> str:
    return f"kept-note-{decision.pk}"


def _attachment(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@login_required
def decision_markdown(request: Request, number: int) -> HttpResponse:
    decision = _get_decision_for_user(request, number)
    markdown = render_markdown(adr_document(decision, viewer=request.user))
    return _attachment(markdown, "text/markdown; charset=utf-8", f"{decision.filename_stem}.md")


@require_GET
@login_required
def decision_pdf(request: Request, number: int) -> HttpResponse:
    decision = _get_decision_for_user(request, number)
    paper = request.GET.get("paper", "a4")
    if paper not in PAPERS:
        paper = "a4"
    result = cached_pdf(adr_document(decision, viewer=request.user), paper)  # type: ignore[arg-type]
    if result.pdf is None:
        busy = result.outcome == "busy"
        context = {"decision": decision, "busy": busy}
        response = render(request, "decisions/pdf_failed.html", context, status=503)
        if busy:
            response["Retry-After"] = "10"
            # Being asked to come back is the design working, not a server error to log.
            response._has_been_logged = True  # type: ignore[attr-defined]
        return response
    suffix = "" if paper == "a4" else f"-{paper}"
    response = _attachment(result.pdf, "application/pdf", f"{decision.filename_stem}{suffix}.pdf")
    response["X-ADR-Cache"] = "hit" if result.outcome == "hit" else "miss"
    return response


# -- the review portal ---------------------------------------------------------------------------


def _timeline(decision: Decision, user: User) -> list[dict[str, Any]]:
    """Comments, reviews and transitions on one time line, oldest first."""
    items: list[dict[str, Any]] = []
    for entry in decision.audit.select_related("actor"):
        items.append({"kind": "audit", "at": entry.created_at, "id": entry.pk, "item": entry})
    # Only the HTML stored at posting time is shown, so the Markdown source is not even read.
    for comment in decision.comments.select_related("author", "hidden_by").defer("body"):
        items.append(
            {
                "kind": "comment",
                "at": comment.created_at,
                "id": comment.pk,
                "item": comment,
                "can_hide": not hide_comment_refusal(comment, user),
            }
        )
    for review in decision.reviews.select_related("reviewer"):
        items.append({"kind": "review", "at": review.created_at, "id": review.pk, "item": review})
    order = {"audit": 0, "review": 1, "comment": 2}
    return sorted(items, key=lambda item: (item["at"], order[item["kind"]], item["id"]))


def _detail_context(request: Request, decision: Decision, **extra: Any) -> dict[str, Any]:
    document = adr_document(decision, viewer=request.user)
    markdown = render_markdown(document)
    actions = _choices(decision, allowed_actions(decision, request.user))
    return {
        "decision": decision,
        "adr_html": markdown_to_html(markdown),
        "tags": document.tags,
        # Links both ways, as the ADR lists them; the ones this decision holds can be removed.
        "links": document.links,
        "outgoing": decision.links.select_related("target"),
        "can_link": not link_refusal(decision, request.user),
        "link_form": LinkForm(),
        "actions": actions,
        "reasons_for": " or ".join(choice.label.lower() for choice in actions if choice.reason),
        "can_edit": not edit_refusal(decision, request.user),
        "can_reassess": not reassess_refusal(decision, request.user),
        "can_set_review_by": not review_by_refusal(decision, request.user),
        "timeline": _timeline(decision, request.user),
        "comment_form": CommentForm(),
        **extra,
    }


def _throttled(request: Request, decision: Decision, wait: int, note: str = "") -> HttpResponse:
    response = _refused(request, decision, change_refusal(wait), status=429, note=note)
    response["Retry-After"] = str(wait)
    return response


def _refused(
    request: Request, decision: Decision, message: str, status: int = 403, note: str = ""
) -> HttpResponse:
    """The decision page (or its actions panel, for htmx) with the reason nothing happened and
    the note the person typed: 403 for what they may not do, 422 for input that needs fixing."""
    context = _detail_context(request, decision, error=message, note=note)
    template = "decisions/decision_detail.html"
    if request.htmx:
        template += "#actions"
    return render(request, template, context, status=status)


# What each button says, for the actions in TRANSITIONS.
ACTION_LABELS = {
    "submit": "Propose for review",
    "withdraw": "Withdraw to draft",
    "request_changes": "Request changes",
    "approve": "Approve",
    "reject": "Reject",
    "deprecate": "Deprecate",
}
# A reviewer's verdict settles the decision and cannot be taken back by the one who gave it,
# so each is confirmed first: in a dialog, or on a page of its own without JavaScript.
CONFIRMED_ACTIONS = frozenset({"approve", "request_changes", "reject", "deprecate"})


@dataclass(frozen=True)
class ActionChoice:
    """One action as the page offers it."""

    name: str
    label: str
    confirm: bool
    reason: str  # what to say when the required reason is missing; empty: the note is optional
    consequence: str  # what confirming does, for the dialog and the confirmation page


def _consequence(decision: Decision, name: str) -> str:
    adr = decision.adr_id
    if name == "approve":
        if (missing := approvals_missing(decision)) > 1:
            others = "1 more reviewer approves" if missing == 2 else f"{missing - 1} more approve"
            return (
                f"Your approval of version {decision.version} is recorded. {adr} is accepted "
                f"once {others} this version."
            )
        replaced = decision.replaces
        also = (
            f" It supersedes {replaced.adr_id}."
            if replaced is not None and replaced.status == Decision.Status.ACCEPTED
            else ""
        )
        return f"{adr} becomes accepted, and its text can no longer be edited.{also}"
    if name == "request_changes":
        sent_back = (
            f"{adr} goes back to draft for its team to change, with your reason in its timeline."
        )
        if approvals_missing(decision) < approvals_required():
            return f"{sent_back} The approvals it has so far stop counting."
        return sent_back
    if name == "reject":
        return (
            f"{adr} becomes rejected: it can no longer be edited or proposed again. Your "
            "reason is shown in its timeline."
        )
    if name == "deprecate":
        return f"{adr} becomes deprecated. It stays in the log, read-only, for reference."
    return ""


def _choices(decision: Decision, names: list[str]) -> list[ActionChoice]:
    return [
        ActionChoice(
            name=name,
            label=ACTION_LABELS[name],
            confirm=name in CONFIRMED_ACTIONS,
            reason=TRANSITIONS[name].reason,
            consequence=_consequence(decision, name) if name in CONFIRMED_ACTIONS else "",
        )
        for name in names
    ]


def _confirmation(
    request: Request,
    decision: Decision,
    action: str,
    *,
    note: str,
    version: int,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The question a review action asks before it happens, as a page (the dialog's twin)."""
    context = {
        "decision": decision,
        "choice": _choices(decision, [action])[0],
        "note": note,
        "version": version,
        "error": error,
    }
    return render(request, "decisions/decision_confirm.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def decision_action(request: Request, number: int, action: str) -> HttpResponse:
    """Submit, withdraw, approve, request changes, reject or deprecate; refusals say why.

    A reviewer's verdict (CONFIRMED_ACTIONS) happens only with `confirm`: a GET, or a POST
    without it, shows what it would do and changes nothing."""
    decision = _get_decision_for_user(request, number)
    asks_first = action in CONFIRMED_ACTIONS
    if request.method == "GET" and not asks_first:
        return HttpResponseNotAllowed(["POST"])
    # A GET asks the question about what the page had (its version and any note); a link never
    # acts, whatever it says.
    data: QueryDict = request.POST if request.method == "POST" else request.GET.copy()
    if request.method == "GET":
        data.pop("confirm", None)
    form = ActionForm(data)
    if not form.is_valid():
        typed = request.POST.get("note", "")
        return _refused(request, decision, form.refusal(), status=422, note=typed)
    note, seen = form.cleaned_data["note"], form.cleaned_data["version"]
    try:
        if asks_first and not form.cleaned_data["confirm"]:
            # Only asked when the answer could be yes: a refusal says why straight away.
            transition_check(decision=decision, actor=request.user, name=action, seen_version=seen)
            if request.htmx:
                # A button from a page older than the confirmations: open the question instead,
                # still about the version that page showed, with the note typed there.
                asked = {"version": seen, "note": note} if note else {"version": seen}
                query = urlencode({k: v for k, v in asked.items() if v is not None})
                return HttpResponseClientRedirect(
                    f"{request.path}?{query}" if query else request.path
                )
            return _confirmation(
                request, decision, action, note=note, version=seen or decision.version
            )
        if wait := change_wait(request.user):
            return _throttled(request, decision, wait, note)
        if action == "approve":
            done = decision_approve(
                decision=decision, actor=request.user, note=note, seen_version=seen
            )
        elif action == "request_changes":
            done = decision_request_changes(
                decision=decision, actor=request.user, note=note, seen_version=seen
            )
        else:
            done = decision_transition(
                decision=decision, actor=request.user, name=action, note=note, seen_version=seen
            )
    except StaleVersion as exc:
        # The text on their screen is out of date: show them the new one before anything else,
        # with their note kept for when they have read it.
        messages.error(request, str(exc))
        if note:
            request.session[_kept_note_key(decision)] = note
        if request.htmx:
            return HttpResponseClientRefresh()
        return redirect(decision)
    except MissingInput as exc:
        if asks_first:  # the reason is asked for where it was left out, with the rest kept
            version = seen or decision.version
            return _confirmation(
                request, decision, action, note=note, version=version, error=str(exc), status=422
            )
        return _refused(request, decision, str(exc), status=422, note=note)
    except TransitionError as exc:
        return _refused(request, decision, str(exc), note=note)
    if action == "approve" and done.status == Decision.Status.PROPOSED:
        messages.success(
            request,
            f"Your approval of {done.adr_id} is recorded; it is accepted after "
            f"{approvals_required()} approvals of this version.",
        )
    else:
        messages.success(request, f"{done.adr_id} is now {done.get_status_display().lower()}.")
    if request.htmx:
        return HttpResponseClientRedirect(decision.get_absolute_url())
    return redirect(decision)


@require_POST
@login_required
def decision_comment_view(request: Request, number: int) -> HttpResponse:
    """Post a comment; a refused one (empty, or one too many this minute) keeps its text."""
    decision = _get_decision_for_user(request, number)
    form = CommentForm(request.POST)
    posted, status, wait = False, 422, 0
    if form.is_valid() and (wait := comment_wait(request.user)):
        form.add_error("body", comment_refusal(wait))
        status = 429
    elif form.is_valid():
        try:
            decision_comment(decision=decision, actor=request.user, body=form.cleaned_data["body"])
        except TransitionError as exc:
            form.add_error("body", str(exc))
        else:
            form, posted, status = CommentForm(), True, 200
            if not request.htmx:
                messages.success(request, "Your comment is posted.")
                return redirect(f"{decision.get_absolute_url()}#timeline")
    if request.htmx:
        context = _detail_context(request, decision, comment_form=form.focus(), posted=posted)
        template = "decisions/decision_detail.html#timeline"
    else:
        context = _detail_context(request, decision, comment_form=form)
        template = "decisions/decision_detail.html"
    response = render(request, template, context, status=status)
    if wait:
        response["Retry-After"] = str(wait)
    return response


@require_POST
@login_required
def comment_hide_view(request: Request, number: int, comment_pk: int) -> HttpResponse:
    """Hide a comment: its author or staff may; the timeline then says who hid it and when."""
    decision = _get_decision_for_user(request, number)
    comment = get_object_or_404(decision.comments, pk=comment_pk)
    try:
        comment_hide(comment=comment, actor=request.user)
    except TransitionError as exc:
        return _refused(request, decision, str(exc))
    messages.success(request, "The comment is hidden.")
    return redirect(f"{decision.get_absolute_url()}#timeline")


@require_POST
@login_required
def decision_link_view(request: Request, number: int) -> HttpResponse:
    """Link this decision to another one the person can see, by its number."""
    decision = _get_decision_for_user(request, number)
    form = LinkForm(request.POST)
    if not form.is_valid():
        return _refused(request, decision, form.refusal(), status=400)
    if wait := change_wait(request.user):
        return _throttled(request, decision, wait)
    target = decisions_visible_to(request.user).filter(number=form.cleaned_data["number"]).first()
    if target is None:
        message = f"There is no {adr_id(form.cleaned_data['number'])} you can see."
        return _refused(request, decision, message, status=400)
    try:
        decision_link(
            decision=decision, actor=request.user, target=target, kind=form.cleaned_data["kind"]
        )
    except MissingInput as exc:  # before TransitionError, of which it is a kind
        return _refused(request, decision, str(exc), status=400)
    except TransitionError as exc:
        return _refused(request, decision, str(exc))
    messages.success(request, f"Linked to {target.adr_id}.")
    return redirect(f"{decision.get_absolute_url()}#links")


@require_POST
@login_required
def decision_unlink_view(request: Request, number: int, link_pk: int) -> HttpResponse:
    decision = _get_decision_for_user(request, number)
    link = get_object_or_404(decision.links, pk=link_pk)
    if wait := change_wait(request.user):
        return _throttled(request, decision, wait)
    try:
        decision_unlink(link=link, actor=request.user)
    except TransitionError as exc:
        return _refused(request, decision, str(exc))
    messages.success(request, "The link is removed.")
    return redirect(f"{decision.get_absolute_url()}#links")


@require_POST
@login_required
def decision_review_by_view(request: Request, number: int) -> HttpResponse:
    """A reviewer sets or moves an accepted decision's review date, saying why."""
    decision = _get_decision_for_user(request, number)
    form = ReviewByForm(request.POST)
    if not form.is_valid():
        return _refused(request, decision, form.refusal(), status=422)
    if wait := change_wait(request.user):
        return _throttled(request, decision, wait)
    try:
        review_by = form.cleaned_data["review_by"]
        decision_set_review_by(
            decision=decision,
            actor=request.user,
            review_by=review_by,
            note=form.cleaned_data["note"],
        )
    except MissingInput as exc:  # before TransitionError, of which it is a kind
        return _refused(request, decision, str(exc), status=422)
    except TransitionError as exc:
        return _refused(request, decision, str(exc))
    when = f"{review_by.day} {review_by:%B %Y}"
    messages.success(request, f"{decision.adr_id} is now to be reviewed by {when}.")
    return redirect(f"{decision.get_absolute_url()}#review-date")


@require_http_methods(["GET", "POST"])
@login_required
def decision_edit_view(request: Request, number: int) -> HttpResponse:
    decision = _get_decision_for_user(request, number)
    if refusal := edit_refusal(decision, request.user):
        return _refused(request, decision, refusal)
    initial = {
        "title": decision.title,
        "context": decision.context,
        "drivers": "\n".join(decision.drivers),
        "decision_makers": ", ".join(decision.decision_makers),
        "consulted": ", ".join(decision.consulted),
        "informed": ", ".join(decision.informed),
        "tags": ", ".join(tag.name for tag in decision.tags.all()),
        "body": decision.body,
        "base_version": decision.version,
    }
    form = DecisionEditForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        free_form=decision.free_form,
    )
    conflict, status, wait = "", 200, 0
    if request.method == "POST" and form.is_valid() and (wait := change_wait(request.user)):
        form.add_error(None, change_refusal(wait))  # the typed text stays in the form
        status = 429
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision_edit(
                decision=decision,
                actor=request.user,
                base_version=data["base_version"],
                note=data["note"],
                **form.text_fields(),
            )
        except EditConflict as exc:
            conflict, status = str(exc), 409
            decision.refresh_from_db()
        except TransitionError as exc:
            return _refused(request, decision, str(exc))
        else:
            messages.success(request, f"Saved as version {decision.version + 1}.")
            return redirect(decision)
    context = {"decision": decision, "form": form, "conflict": conflict}
    response = render(request, "decisions/decision_edit.html", context, status=status)
    if wait:
        response["Retry-After"] = str(wait)
    return response


@require_GET
@login_required
def decision_history(request: Request, number: int) -> HttpResponse:
    decision = _get_decision_for_user(request, number)
    revisions = list(decision.revisions.select_related("author"))
    versions = [revision.version for revision in revisions]
    try:
        old = int(request.GET.get("from", versions[-2] if len(versions) > 1 else versions[0]))
        new = int(request.GET.get("to", versions[-1]))
    except (ValueError, IndexError):
        old = new = decision.version
    by_version = {revision.version: revision for revision in revisions}
    diff: Comparison | None = None
    missing = [v for v in (old, new) if v not in by_version]
    if not missing:
        diff = revision_diff(by_version[old], by_version[new])
    context = {
        "decision": decision,
        "revisions": revisions,
        "old": old,
        "new": new,
        "diff": diff,
        "missing": missing,
    }
    return render(request, "decisions/decision_history.html", context)


@require_POST
@login_required
def decision_reassess(request: Request, number: int) -> HttpResponse:
    """Start a new assessment with this decision's answers; its ADR will supersede this one."""
    decision = _get_decision_for_user(request, number)
    if refusal := reassess_refusal(decision, request.user):
        return _refused(request, decision, refusal)
    framework = default_framework()
    snapshot = Snapshot.model_validate(decision.snapshot)
    assessment = assessment_reassess(
        owner=request.user,
        # The workload's own name, not the ADR's title ("Use … for …"), which would nest.
        name=decision.assessment.name if decision.assessment else decision.title,
        team=decision.team,
        framework=framework,
        answers=snapshot.recommendation.answers,
        reassesses_number=decision.number,
    )
    messages.info(
        request,
        f"A new assessment starts from the answers behind {decision.adr_id}. Change what is "
        "different now; its ADR, once accepted, supersedes the old one.",
    )
    return redirect(assessment.step_url(framework.sections[0].id))


# The last real import's report, shown once on the page the import redirects to.
IMPORT_REPORT_KEY = "import-report"


@require_http_methods(["GET", "POST"])
@login_required
def decisions_import_view(request: Request) -> HttpResponse:
    """Staff upload a zip of ADRs; a dry run shows its report at once, a real import redirects
    to this page with it (so reloading cannot import twice)."""
    if refusal := import_refusal(request.user):
        raise PermissionDenied(refusal)
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "report": None, "problems": []}
    if request.method == "GET":
        context["report"] = request.session.pop(IMPORT_REPORT_KEY, None)
        return render(request, "decisions/decision_import.html", context)
    if not form.is_valid():
        return render(request, "decisions/decision_import.html", context, status=422)
    data = form.cleaned_data
    try:
        report = decisions_import(
            files=read_zip(data["archive"], data["archive"].name),
            author=request.user,
            team=data["team"],
            dry_run=data["dry_run"],
        )
    except ImportRefused as exc:
        context["problems"] = [str(problem) for problem in exc.problems]
        return render(request, "decisions/decision_import.html", context, status=422)
    if data["dry_run"]:
        context["report"] = report.as_dict()
        return render(request, "decisions/decision_import.html", context)
    request.session[IMPORT_REPORT_KEY] = report.as_dict()
    messages.success(request, report.summary())
    return redirect("decisions_import")
