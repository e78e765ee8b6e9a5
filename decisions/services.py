"""Writes to decisions: creation, lifecycle transitions, reviews, comments and edits.

Keyword-only, one transaction each. Every transition checks the actor's role against the rule in
TRANSITIONS, locks the decision row, and writes exactly one audit entry. A refused transition
raises TransitionError with the reason and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, F, Max, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from advisor.models import Assessment, Team
from decisions.models import (
    AuditEntry,
    Comment,
    Decision,
    DecisionLink,
    DecisionSequence,
    DecisionTally,
    Flag,
    Review,
    Revision,
    Tag,
)
from decisions.render.context import Snapshot, snapshot_review_by
from decisions.render.html import comment_to_html
from decisions.roles import (
    acts_for_team,
    edit_refusal,
    hide_comment_refusal,
    link_refusal,
    review_by_refusal,
    review_refusal,
)
from decisions.search import decision_search_text
from decisions.tasks import PRERENDERED, prerender_decision_pdf
from notifications.services import after_audit, after_comment

SLUG_LENGTH = 60
Status = Decision.Status


class TransitionError(Exception):
    """A transition that is not allowed now, or not for this person. Nothing was changed."""


class MissingInput(TransitionError):
    """The action is allowed, but needs something the person left out (a note, a comment)."""


class StaleVersion(TransitionError):
    """The decision was edited after the person opened it; they must read it again first."""


class EditConflict(Exception):
    """Someone saved the decision after the version this edit started from."""


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    role: str  # "team": the author or a team member; "reviewer": an architecture reviewer
    audit: str
    # What to ask for when the note is left empty; an action with none takes an optional note.
    # The team acts on a review that sends its decision back or turns it down, so those two
    # cannot go without a reason.
    reason: str = ""


TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(Status.DRAFT, Status.PROPOSED, "team", "submitted"),
    "withdraw": Transition(Status.PROPOSED, Status.DRAFT, "team", "withdrawn"),
    "request_changes": Transition(
        Status.PROPOSED, Status.DRAFT, "reviewer", "changes_requested", "Say what should change."
    ),
    "approve": Transition(Status.PROPOSED, Status.ACCEPTED, "reviewer", "approved"),
    "reject": Transition(
        Status.PROPOSED,
        Status.REJECTED,
        "reviewer",
        "rejected",
        "Say why it is rejected, so the team knows what to change.",
    ),
    "deprecate": Transition(Status.ACCEPTED, Status.DEPRECATED, "reviewer", "deprecated"),
}
# The ADR's date is the day a reviewer decided; until then it is the day it was written.
DECIDED = (Status.ACCEPTED, Status.REJECTED)


def approvals_required() -> int:
    return int(getattr(settings, "DECISION_APPROVALS_REQUIRED", 1))


def _next_number() -> int:
    """Take the next ADR number inside the caller's transaction.

    The UPDATE locks the sequence row (PostgreSQL) or the database (SQLite) before the value is
    read, so two creations at the same instant get consecutive numbers; a creation that rolls
    back gives its number back, so there are no gaps.
    """
    if not DecisionSequence.objects.filter(pk=1).update(last=F("last") + 1):
        _restore_sequence()
        DecisionSequence.objects.filter(pk=1).update(last=F("last") + 1)
    return DecisionSequence.objects.values_list("last", flat=True).get(pk=1)


def _restore_sequence() -> None:
    """The migration creates the row; a flushed database (or a restore) may have lost it."""
    if not DecisionSequence.objects.filter(pk=1).exists():
        highest = Decision.objects.aggregate(highest=Max("number"))["highest"] or 0
        DecisionSequence.objects.get_or_create(pk=1, defaults={"last": highest})


def _advance_sequence(number: int) -> None:
    """Make sure the sequence never hands out `number`, nor any number below it, again: an
    import keeps the numbers the files had, and new decisions must come after them."""
    _restore_sequence()
    DecisionSequence.objects.filter(pk=1, last__lt=number).update(last=number)


def decision_slug(title: str) -> str:
    return slugify(title)[:SLUG_LENGTH].strip("-") or "decision"


def _audit(
    decision: Decision, actor: User, action: str, source: str = "", target: str = "", note: str = ""
) -> AuditEntry:
    """Record a change to the decision. Every change goes through here, so this is also where
    the new PDF of a proposed or accepted decision is queued for the worker, and where the
    people who should hear of the change are told (once it is committed)."""
    if target in PRERENDERED:
        decision_id = decision.pk
        transaction.on_commit(lambda: prerender_decision_pdf.enqueue(decision_id))
    entry = AuditEntry.objects.create(
        decision=decision,
        actor=actor,
        action=action,
        from_status=source,
        to_status=target,
        note=note,
    )
    after_audit(entry)
    return entry


def _revision(decision: Decision, actor: User, note: str = "") -> Revision:
    return Revision.objects.create(
        decision=decision,
        version=decision.version,
        author=actor,
        title=decision.title,
        context=decision.context,
        drivers=decision.drivers,
        decision_makers=decision.decision_makers,
        consulted=decision.consulted,
        informed=decision.informed,
        body=decision.body,
        note=note,
    )


TAG_LENGTH = 50


def clean_tags(names: list[str]) -> list[str]:
    """Tags as stored: lower case, inner spaces as hyphens, no blanks or repeats, in order."""
    cleaned: list[str] = []
    for name in names:
        tag = "-".join(name.strip().lower().split())[:TAG_LENGTH]
        if tag and tag not in cleaned:
            cleaned.append(tag)
    return cleaned


def _set_tags(decision: Decision, names: list[str]) -> None:
    """Replace the decision's tags and refresh what the search reads, which includes them."""
    tags = clean_tags(names)
    for name in tags:
        Tag.objects.get_or_create(name=name)
    decision.tags.set(Tag.objects.filter(name__in=tags))
    decision.search_text = decision_search_text(decision, tags)
    decision.save(update_fields=["search_text"])


@transaction.atomic
def decision_create(
    *,
    author: User,
    assessment: Assessment | None,
    snapshot: Snapshot | None,
    title: str,
    context: str,
    drivers: list[str],
    decision_makers: list[str],
    consulted: list[str],
    informed: list[str],
    team: Team | None,
    status: str = Status.PROPOSED,
    decided_on: dt.date | None = None,
    replaces: Decision | None = None,
    body: str = "",
    tags: list[str] | None = None,
) -> Decision:
    """A new decision: from an assessment's snapshot, or free-form (no snapshot, a body)."""
    if status not in (Status.DRAFT, Status.PROPOSED):
        raise ValueError("a new decision starts as a draft or proposed")
    decision = Decision.objects.create(
        number=_next_number(),
        slug=decision_slug(title),
        title=title,
        status=status,
        author=author,
        team=team,
        assessment=assessment,
        outcome=snapshot.recommendation.recommendation if snapshot else "",
        context=context,
        drivers=drivers,
        decision_makers=decision_makers,
        consulted=consulted,
        informed=informed,
        snapshot=snapshot.model_dump(mode="json") if snapshot else None,
        body=body,
        decided_on=decided_on or timezone.localdate(),
        review_by=snapshot_review_by(snapshot, decided_on or timezone.localdate()),
        replaces=replaces,
    )
    if snapshot is not None:
        recommendation = snapshot.recommendation
        Flag.objects.bulk_create(
            [
                Flag(decision=decision, kind=Flag.Kind.PATTERN, entry_id=e.id, name=e.name)
                for e in recommendation.patterns
            ]
            + [
                Flag(decision=decision, kind=Flag.Kind.ANTI_PATTERN, entry_id=e.id, name=e.name)
                for e in recommendation.anti_patterns
            ]
        )
    _set_tags(decision, tags or [])
    _revision(decision, author, "created")
    _audit(decision, author, "created", "", status)
    return decision


@transaction.atomic
def decision_import(
    *,
    author: User,
    team: Team | None,
    number: int,
    slug: str,
    title: str,
    status: str,
    decided_on: dt.date,
    context: str,
    drivers: list[str],
    decision_makers: list[str],
    consulted: list[str],
    informed: list[str],
    body: str,
    tags: list[str],
    imported_from: str,
    import_note: str = "",
    review_by: dt.date | None = None,
) -> Decision:
    """A free-form decision brought in from another tool's files: it keeps its own number,
    status and date, so it skips the lifecycle; the audit trail says where it came from."""
    if status not in Status.values:
        raise ValueError(f"unknown status {status!r}")
    _advance_sequence(number)
    decision = Decision.objects.create(
        number=number,
        slug=slug,
        title=title,
        status=status,
        author=author,
        team=team,
        context=context,
        drivers=drivers,
        decision_makers=decision_makers,
        consulted=consulted,
        informed=informed,
        snapshot=None,
        body=body,
        decided_on=decided_on,
        review_by=review_by,
        imported_from=imported_from,
        import_note=import_note,
    )
    _set_tags(decision, tags)
    _revision(decision, author, "imported")
    _audit(decision, author, "imported", "", status, f"Imported from {imported_from}.")
    return decision


@transaction.atomic
def imported_link(*, source: Decision, target: Decision, kind: str) -> None:
    """Record that `source` supersedes, amends, depends on or relates to `target`, once, as an
    import found it (no audit entry of its own: the import's "imported" entry covers it).

    Supersession is `target.superseded_by`; the status stays what it is (an import takes it
    from the file, the lifecycle sets it in decision_approve)."""
    if source.pk == target.pk:
        raise ValueError(f"{source.adr_id} cannot be linked to itself")
    if kind == "supersedes":
        Decision.objects.filter(pk=target.pk).update(superseded_by=source)
        target.superseded_by = source
        return
    kind = DecisionLink.Kind(kind)
    if _existing_link(source, target, kind) is None:
        DecisionLink.objects.create(source=source, target=target, kind=kind)


def _existing_link(source: Decision, target: Decision, kind: str) -> DecisionLink | None:
    """The link that already says this. "Relates to" reads the same from both ends, so one row
    holds it whichever way it was named."""
    same = DecisionLink.objects.filter(source=source, target=target, kind=kind)
    if kind == DecisionLink.Kind.RELATES_TO:
        same = same | DecisionLink.objects.filter(source=target, target=source, kind=kind)
    return same.first()


def _locked(decision: Decision) -> Decision:
    """The decision re-read under a row lock, so concurrent transitions queue up."""
    return (
        Decision.objects.select_for_update(of=("self",)).select_related("team").get(pk=decision.pk)
    )


def _check(
    decision: Decision, actor: User, name: str, seen_version: int | None = None
) -> Transition:
    transition = TRANSITIONS[name]
    if decision.status != transition.source:
        raise TransitionError(
            f"{decision.adr_id} is {decision.get_status_display().lower()}; "
            f"only a {Status(transition.source).label.lower()} decision can be "
            f"{transition.audit.replace('_', ' ')}."
        )
    if transition.role == "reviewer":
        if refusal := review_refusal(decision, actor):
            raise TransitionError(refusal)
    elif not acts_for_team(actor, decision):
        raise TransitionError("Only the author or the decision's team can do this.")
    if seen_version is not None and seen_version != decision.version:
        raise StaleVersion(
            f"{decision.adr_id} was edited while you had it open: it is now version "
            f"{decision.version}, you were looking at version {seen_version}. Nothing was "
            "changed; read the new text, then try again."
        )
    return transition


def _check_reason(name: str, note: str) -> None:
    if (missing := TRANSITIONS[name].reason) and not note.strip():
        raise MissingInput(missing)


def transition_check(
    *, decision: Decision, actor: User, name: str, seen_version: int | None = None
) -> None:
    """Raise what the action itself would raise for who and when (not for a missing reason),
    without doing it: a page that asks the person to confirm asks only when it may go ahead."""
    if name not in TRANSITIONS:
        raise TransitionError(f"Unknown action '{name}'.")
    _check(decision, actor, name, seen_version)


def _move(decision: Decision, actor: User, name: str, note: str = "") -> Decision:
    transition = TRANSITIONS[name]
    source = decision.status
    decision.status = transition.target
    if transition.target == Status.DRAFT:
        decision.review_round += 1
    if transition.target in DECIDED:
        decision.decided_on = timezone.localdate()
        # A questionnaire-made decision's review date counts from the day it was decided.
        if decision.snapshot is not None:
            snapshot = Snapshot.model_validate(decision.snapshot)
            decision.review_by = snapshot_review_by(snapshot, decision.decided_on)
    decision.save(update_fields=["status", "review_round", "decided_on", "review_by", "updated_at"])
    _audit(decision, actor, transition.audit, source, transition.target, note)
    return decision


def _review(decision: Decision, actor: User, verdict: str, note: str) -> Review:
    return Review.objects.create(
        decision=decision,
        reviewer=actor,
        verdict=verdict,
        version=decision.version,
        review_round=decision.review_round,
        body=note,
    )


@transaction.atomic
def decision_transition(
    *,
    decision: Decision,
    actor: User,
    name: str,
    note: str = "",
    seen_version: int | None = None,
) -> Decision:
    """submit, withdraw, reject or deprecate: a plain move from one status to the next.

    `seen_version` is the version the person had on screen; when someone has edited the
    decision since, the action is refused rather than applied to text they have not read.
    """
    if name not in ("submit", "withdraw", "reject", "deprecate"):
        raise TransitionError(f"Unknown action '{name}'.")
    decision = _locked(decision)
    _check(decision, actor, name, seen_version)
    _check_reason(name, note)
    if name == "reject":
        _review(decision, actor, Review.Verdict.REJECT, note)
    return _move(decision, actor, name, note)


@transaction.atomic
def decision_request_changes(
    *, decision: Decision, actor: User, note: str, seen_version: int | None = None
) -> Decision:
    decision = _locked(decision)
    _check(decision, actor, "request_changes", seen_version)
    _check_reason("request_changes", note)
    _review(decision, actor, Review.Verdict.REQUEST_CHANGES, note)
    return _move(decision, actor, "request_changes", note)


def _approvals(decision: Decision) -> QuerySet[Review]:
    """The approvals that count: of this version, since it was last proposed."""
    return Review.objects.filter(
        decision=decision,
        verdict=Review.Verdict.APPROVE,
        version=decision.version,
        review_round=decision.review_round,
    )


def approvals_missing(decision: Decision) -> int:
    """How many more approvals of the current version accept the decision."""
    return max(0, approvals_required() - _approvals(decision).count())


@transaction.atomic
def decision_approve(
    *, decision: Decision, actor: User, note: str = "", seen_version: int | None = None
) -> Decision:
    """Record an approval; with enough approvals of this version in this round, accept it."""
    decision = _locked(decision)
    _check(decision, actor, "approve", seen_version)
    if _approvals(decision).filter(reviewer=actor).exists():
        raise TransitionError("You have already approved this version.")
    # Locked before anything is written, so two reassessments of one decision cannot both
    # supersede it: the second waits here, then sees the first's link.
    old = _locked(Decision(pk=decision.replaces_id)) if decision.replaces_id else None
    newer = old.superseded_by if old is not None else None
    if old is not None and newer is not None and newer.pk != decision.pk:
        raise TransitionError(
            f"{old.adr_id}, which this decision was meant to replace, has already been "
            f"superseded by {newer.adr_id}. Reject this one, or reassess {newer.adr_id} instead."
        )
    _review(decision, actor, Review.Verdict.APPROVE, note)
    if approvals_missing(decision):
        _audit(decision, actor, "approved", decision.status, decision.status, note)
        return decision
    _move(decision, actor, "approve", note)
    if old is not None and old.status == Status.ACCEPTED:
        old.status = Status.SUPERSEDED
        old.superseded_by = decision
        old.save(update_fields=["status", "superseded_by", "updated_at"])
        _audit(
            old,
            actor,
            "superseded",
            Status.ACCEPTED,
            Status.SUPERSEDED,
            f"Superseded by {decision.adr_id}.",
        )
    return decision


@transaction.atomic
def decision_comment(*, decision: Decision, actor: User, body: str) -> Comment:
    """Post a comment, rendered to HTML here and only here: pages show the stored HTML."""
    body = body.strip()
    if not body:
        raise MissingInput("A comment needs some text.")
    comment = Comment.objects.create(
        decision=decision, author=actor, body=body, body_html=comment_to_html(body)
    )
    after_comment(comment)
    return comment


@transaction.atomic
def comment_hide(*, comment: Comment, actor: User) -> Comment:
    """Hide a comment from everyone, noting on the decision's audit trail who hid it."""
    comment = (
        Comment.objects.select_for_update(of=("self",))
        .select_related("author", "decision")
        .get(pk=comment.pk)
    )
    if refusal := hide_comment_refusal(comment, actor):
        raise TransitionError(refusal)
    comment.hidden_by = actor
    comment.hidden_at = timezone.now()
    comment.save(update_fields=["hidden_by", "hidden_at"])
    decision = comment.decision
    posted = timezone.localtime(comment.created_at).strftime("%d %b %Y, %H:%M")
    note = f"A comment by {comment.author.get_username()} posted {posted}."
    _audit(decision, actor, "comment_hidden", decision.status, decision.status, note)
    return comment


@transaction.atomic
def decision_edit(
    *,
    decision: Decision,
    actor: User,
    base_version: int,
    title: str,
    context: str,
    drivers: list[str],
    decision_makers: list[str],
    consulted: list[str],
    informed: list[str],
    note: str = "",
    body: str | None = None,
    tags: list[str] | None = None,
) -> Decision:
    """Save new text as a new immutable revision. Refused when someone saved in between.
    `body` and `tags` left as None keep what the decision has."""
    decision = _locked(decision)
    if refusal := edit_refusal(decision, actor):
        raise TransitionError(refusal)
    if decision.version != base_version:
        raise EditConflict(
            f"{decision.adr_id} was changed by someone else (now version {decision.version}, "
            f"you started from version {base_version}). Your text is kept below; compare and "
            "save again."
        )
    decision.title = title
    decision.slug = decision_slug(title)
    decision.context = context
    decision.drivers = drivers
    decision.decision_makers = decision_makers
    decision.consulted = consulted
    decision.informed = informed
    if body is not None:
        decision.body = body
    decision.version += 1
    decision.save()
    _set_tags(decision, tags if tags is not None else [t.name for t in decision.tags.all()])
    _revision(decision, actor, note)
    _audit(decision, actor, "edited", decision.status, decision.status, note)
    return decision


# How far ahead a reviewer may set a review date: far enough for any review plan, not so far
# that the decision drops out of every reminder.
LONGEST_REVIEW_WAIT = dt.timedelta(days=5 * 365)


@transaction.atomic
def decision_set_review_by(
    *, decision: Decision, actor: User, review_by: dt.date, note: str
) -> Decision:
    """Set or move an accepted decision's review date, with the reason in its audit trail."""
    decision = _locked(decision)
    if refusal := review_by_refusal(decision, actor):
        raise TransitionError(refusal)
    today = timezone.localdate()
    if review_by < today:
        raise MissingInput(f"{review_by:%d %b %Y} has passed; choose today or a later day.")
    if review_by > today + LONGEST_REVIEW_WAIT:
        raise MissingInput(
            f"{review_by:%d %b %Y} is more than five years away; a decision is looked at again "
            "sooner than that."
        )
    if not note.strip():
        raise MissingInput("Say why the review date changes.")
    previous = decision.review_by
    decision.review_by = review_by
    decision.save(update_fields=["review_by", "updated_at"])
    was = f" (was {previous.isoformat()})" if previous else ""
    change = f"Review by {review_by.isoformat()}{was}: {note.strip()}"
    _audit(decision, actor, "review_by_set", decision.status, decision.status, change)
    return decision


@transaction.atomic
def decision_link(*, decision: Decision, actor: User, target: Decision, kind: str) -> DecisionLink:
    """Record that `decision` relates to, amends or depends on `target`."""
    if refusal := link_refusal(decision, actor):
        raise TransitionError(refusal)
    if kind not in DecisionLink.Kind.values:
        raise MissingInput("Choose how the decisions are related.")
    if target.pk == decision.pk:
        raise MissingInput("A decision cannot be linked to itself.")
    if _existing_link(decision, target, kind) is not None:
        label = DecisionLink.Kind(kind).label.lower()
        raise MissingInput(f"{decision.adr_id} already {label} {target.adr_id}.")
    link = DecisionLink.objects.create(source=decision, target=target, kind=kind)
    note = f"{link.get_kind_display()} {target.adr_id}."
    _audit(decision, actor, "linked", decision.status, decision.status, note)
    return link


@transaction.atomic
def decision_unlink(*, link: DecisionLink, actor: User) -> None:
    decision = link.source
    if refusal := link_refusal(decision, actor):
        raise TransitionError(refusal)
    note = f"No longer {link.get_kind_display().lower()} {link.target.adr_id}."
    link.delete()
    _audit(decision, actor, "unlinked", decision.status, decision.status, note)


def allowed_actions(decision: Decision, actor: User) -> list[str]:
    """The transitions this person may make now, in the order the page offers them."""
    found = []
    for name in TRANSITIONS:
        try:
            _check(decision, actor, name)  # the same rule the transition itself applies
        except TransitionError:
            continue
        found.append(name)
    return found


@dataclass(frozen=True)
class TallyCorrection:
    """A (status, outcome) pair whose stored count was not what the log holds."""

    status: str
    outcome: str
    stored: int
    counted: int


@transaction.atomic
def decision_tally_recount() -> list[TallyCorrection]:
    """Count the log again into the stored tally (`DecisionTally`), for when the decisions were
    written with the database's triggers off (a data-only restore); returns what was off.

    Writers wait meanwhile: PostgreSQL's table lock here, SQLite's write lock taken when the
    transaction begins (the project's `transaction_mode`)."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE decisions_decision IN SHARE ROW EXCLUSIVE MODE")
    pairs = Decision.objects.order_by().values_list("status", "outcome").annotate(n=Count("*"))
    counted = {(s, o): n for s, o, n in pairs.values_list("status", "outcome", "n")}
    stored = {(t.status, t.outcome): t.n for t in DecisionTally.objects.all()}
    corrections = [
        TallyCorrection(status, outcome, stored.get((status, outcome), 0), n)
        for (status, outcome), n in sorted({**dict.fromkeys(stored, 0), **counted}.items())
        if stored.get((status, outcome), 0) != n
    ]
    if corrections:
        DecisionTally.objects.all().delete()
        DecisionTally.objects.bulk_create(
            DecisionTally(status=status, outcome=outcome, n=n)
            for (status, outcome), n in counted.items()
        )
    return corrections
