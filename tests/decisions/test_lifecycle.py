"""The decision lifecycle through its services: every allowed and refused transition, reviews,
supersession, edits with optimistic locking, and the audit trail."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connections
from django.utils import timezone

from advisor.models import Assessment
from decisions.documents import adr_document
from decisions.models import AuditEntry, Decision, Review, Revision
from decisions.render.context import snapshot_review_by
from decisions.render.markdown import render_markdown
from decisions.selectors import dashboard
from decisions.services import (
    TRANSITIONS,
    EditConflict,
    MissingInput,
    TransitionError,
    allowed_actions,
    decision_approve,
    decision_comment,
    decision_create,
    decision_edit,
    decision_request_changes,
    decision_transition,
)
from tests.decisions.conftest import make_decision, make_reviewer, snapshot_for

pytestmark = pytest.mark.django_db
Status = Decision.Status


def _actions(decision: Decision) -> list[tuple[str, str, str]]:
    return list(decision.audit.values_list("action", "from_status", "to_status"))


def _set_status(decision: Decision, status: str) -> Decision:
    Decision.objects.filter(pk=decision.pk).update(status=status)
    decision.refresh_from_db()
    return decision


def test_creation_writes_a_revision_an_audit_entry_and_flags(alice, team):
    decision = make_decision(alice, team, Status.DRAFT)

    assert _actions(decision) == [("created", "", "draft")]
    assert list(decision.revisions.values_list("version", flat=True)) == [1]
    assert decision.outcome == "serverless"
    assert decision.flags.filter(kind="anti_pattern").count() == len(
        snapshot_for().recommendation.anti_patterns
    )


@pytest.mark.parametrize(
    ("name", "source", "target", "actor"),
    [
        ("submit", Status.DRAFT, Status.PROPOSED, "bob"),
        ("withdraw", Status.PROPOSED, Status.DRAFT, "alice"),
        ("reject", Status.PROPOSED, Status.REJECTED, "rita"),
        ("deprecate", Status.ACCEPTED, Status.DEPRECATED, "rita"),
    ],
)
def test_every_allowed_move_changes_status_and_is_audited_once(
    request, alice, team, name, source, target, actor
):
    decision = _set_status(make_decision(alice, team, Status.DRAFT), source)
    user = request.getfixturevalue(actor)

    decision_transition(decision=decision, actor=user, name=name, note="why not")

    decision.refresh_from_db()
    assert decision.status == target
    assert _actions(decision)[1:] == [(TRANSITIONS[name].audit, source, target)]
    assert decision.audit.last().actor == user
    assert decision.audit.last().note == "why not"


@pytest.mark.parametrize("status", [s for s in Status if s != Status.DRAFT])
def test_submit_is_refused_from_any_other_status(alice, team, status):
    decision = _set_status(make_decision(alice, team, Status.DRAFT), status)

    with pytest.raises(TransitionError, match="only a draft decision"):
        decision_transition(decision=decision, actor=alice, name="submit")

    decision.refresh_from_db()
    assert decision.status == status
    assert len(_actions(decision)) == 1


@pytest.mark.parametrize("name", ["reject", "deprecate"])
def test_review_moves_are_refused_to_non_reviewers(alice, bob, charlie, team, name):
    status = Status.PROPOSED if name == "reject" else Status.ACCEPTED
    decision = _set_status(make_decision(alice, team), status)
    for user in (alice, bob, charlie):
        with pytest.raises(TransitionError, match="Only architecture reviewers"):
            decision_transition(decision=decision, actor=user, name=name)
    decision.refresh_from_db()
    assert decision.status == status


def test_team_moves_are_refused_to_other_teams(alice, charlie, rita, team):
    decision = make_decision(alice, team, Status.DRAFT)

    for user in (charlie, rita):
        with pytest.raises(TransitionError, match="author or the decision's team"):
            decision_transition(decision=decision, actor=user, name="submit")


def test_an_author_cannot_approve_their_own_decision(django_user_model, team):
    author = make_reviewer(django_user_model, "rex")
    team.members.add(author)
    decision = make_decision(author, team)

    with pytest.raises(TransitionError, match="cannot review their own"):
        decision_approve(decision=decision, actor=author)

    assert allowed_actions(decision, author) == ["withdraw"]
    decision.refresh_from_db()
    assert decision.status == Status.PROPOSED
    assert not Review.objects.exists()


def test_a_questionnaire_decision_is_due_for_review_its_plan_s_months_after_acceptance(
    alice, rita, team
):
    decision = make_decision(alice, team)
    months = snapshot_for().recommendation.review.months
    created_on = decision.decided_on
    assert decision.review_by == snapshot_review_by(snapshot_for(), created_on)
    Decision.objects.filter(pk=decision.pk).update(decided_on=dt.date(2025, 1, 31))
    decision.refresh_from_db()

    approved = decision_approve(decision=decision, actor=rita)

    # Counted again from the day it was accepted, as the ADR says.
    assert approved.decided_on == timezone.localdate()
    assert approved.review_by == snapshot_review_by(snapshot_for(), approved.decided_on)
    assert approved.review_by > approved.decided_on
    assert months > 0
    shown = render_markdown(adr_document(approved))
    assert f"review-by: {approved.review_by.isoformat()}" in shown


def test_a_review_date_set_on_an_accepted_decision_is_the_one_its_adr_shows(alice, rita, team):
    decision = decision_approve(decision=make_decision(alice, team), actor=rita)
    Decision.objects.filter(pk=decision.pk).update(review_by=dt.date(2031, 2, 3))
    decision.refresh_from_db()

    assert "review-by: 2031-02-03" in render_markdown(adr_document(decision))


def test_a_free_form_decision_has_no_review_date_unless_given(alice, team):
    decision = decision_create(
        author=alice,
        assessment=None,
        snapshot=None,
        title="Keep ADRs in Markdown",
        context="Why.",
        drivers=[],
        decision_makers=[],
        consulted=[],
        informed=[],
        team=team,
        body="## Decision Outcome\n\nYes.",
    )

    assert decision.review_by is None


def test_one_approval_accepts_by_default(alice, rita, team):
    decision = make_decision(alice, team)

    decision_approve(decision=decision, actor=rita, note="Looks right")

    decision.refresh_from_db()
    assert decision.status == Status.ACCEPTED
    assert _actions(decision)[-1] == ("approved", "proposed", "accepted")
    assert decision.reviews.get().verdict == "approve"


def test_the_number_of_approvals_is_a_setting(alice, rita, ravi, team, settings):
    settings.DECISION_APPROVALS_REQUIRED = 2
    decision = make_decision(alice, team)

    decision_approve(decision=decision, actor=rita)
    decision.refresh_from_db()
    assert decision.status == Status.PROPOSED
    with pytest.raises(TransitionError, match="already approved"):
        decision_approve(decision=decision, actor=rita)

    decision_approve(decision=decision, actor=ravi)
    decision.refresh_from_db()
    assert decision.status == Status.ACCEPTED
    assert [a for a, _, _ in _actions(decision)].count("approved") == 2


def test_requesting_changes_needs_a_note_and_returns_to_draft(alice, rita, team):
    decision = make_decision(alice, team)

    with pytest.raises(TransitionError, match="Say what should change"):
        decision_request_changes(decision=decision, actor=rita, note="  ")
    decision_request_changes(decision=decision, actor=rita, note="Cost the peak.")

    decision.refresh_from_db()
    assert decision.status == Status.DRAFT
    assert _actions(decision)[-1] == ("changes_requested", "proposed", "draft")
    assert decision.reviews.get().body == "Cost the peak."


def test_accepting_a_replacement_supersedes_the_old_decision_both_ways(alice, rita, team):
    old = make_decision(alice, team)
    decision_approve(decision=old, actor=rita)
    new = make_decision(alice, team, replaces=old)

    decision_approve(decision=new, actor=rita)

    old.refresh_from_db()
    assert old.status == Status.SUPERSEDED
    assert old.superseded_by == new
    assert list(new.supersedes.all()) == [old]
    assert _actions(old)[-1] == ("superseded", "accepted", "superseded")
    assert AuditEntry.objects.filter(action="superseded").count() == 1


def test_two_reassessments_of_one_decision_cannot_both_supersede_it(alice, rita, team):
    old = make_decision(alice, team)
    decision_approve(decision=old, actor=rita)
    first = make_decision(alice, team, replaces=old)
    second = make_decision(alice, team, replaces=old)
    decision_approve(decision=first, actor=rita)

    with pytest.raises(TransitionError, match=f"already been superseded by {first.adr_id}"):
        decision_approve(decision=second, actor=rita)

    second.refresh_from_db()
    old.refresh_from_db()
    assert second.status == Status.PROPOSED and not second.reviews.exists()
    assert old.superseded_by == first


def _edit(decision: Decision, actor, title: str) -> Decision:
    return decision_edit(
        decision=decision,
        actor=actor,
        base_version=decision.version,
        title=title,
        context="Changed.",
        drivers=[],
        decision_makers=[],
        consulted=[],
        informed=[],
    )


@pytest.mark.parametrize("name", ["approve", "request_changes", "reject"])
def test_a_review_of_a_version_edited_since_it_was_opened_is_refused(alice, rita, team, name):
    decision = make_decision(alice, team)
    seen = decision.version
    _edit(decision, alice, "Totally different")

    with pytest.raises(TransitionError, match="edited while you had it open"):
        if name == "approve":
            decision_approve(decision=decision, actor=rita, seen_version=seen)
        elif name == "request_changes":
            decision_request_changes(decision=decision, actor=rita, note="No", seen_version=seen)
        else:
            decision_transition(decision=decision, actor=rita, name=name, seen_version=seen)

    decision.refresh_from_db()
    assert decision.status == Status.PROPOSED and decision.version == 2
    assert not decision.reviews.exists()
    decision_approve(decision=decision, actor=rita, seen_version=2)
    decision.refresh_from_db()
    assert decision.status == Status.ACCEPTED


def test_approvals_from_an_earlier_round_of_review_do_not_count(
    django_user_model, alice, rita, ravi, team, settings
):
    settings.DECISION_APPROVALS_REQUIRED = 2
    rex = make_reviewer(django_user_model, "rex")
    decision = make_decision(alice, team)
    decision_approve(decision=decision, actor=rita)
    decision_request_changes(decision=decision, actor=ravi, note="Cost the peak.")
    decision_transition(decision=decision, actor=alice, name="submit")  # unedited

    decision_approve(decision=decision, actor=rex)

    decision.refresh_from_db()
    assert decision.status == Status.PROPOSED, "rita's approval was for the earlier round"
    decision_approve(decision=decision, actor=rita)  # she may approve again in this round
    decision.refresh_from_db()
    assert decision.status == Status.ACCEPTED
    assert decision.reviews.filter(verdict="approve").count() == 3


def test_a_reviewer_who_wrote_any_of_the_text_cannot_review_it(alice, rita, ravi, team):
    team.members.add(rita)
    decision = _edit(make_decision(alice, team), rita, "Rita's text")
    decision = _edit(decision, alice, "Rita's text")  # re-saved by the author, unchanged

    with pytest.raises(TransitionError, match="You wrote part of this decision's text"):
        decision_approve(decision=decision, actor=rita)

    assert "approve" not in allowed_actions(decision, rita)
    assert "approve" in allowed_actions(decision, ravi)
    # The home page's "awaiting my review" follows the same rule.
    assert decision.number not in {line.number for line in dashboard(rita)["awaiting"]}
    assert decision.number in {line.number for line in dashboard(ravi)["awaiting"]}
    decision_approve(decision=decision, actor=ravi)
    decision.refresh_from_db()
    assert decision.status == Status.ACCEPTED


def test_an_author_who_left_the_team_no_longer_acts_for_it(alice, bob, team):
    decision = make_decision(alice, team, Status.DRAFT)
    team.members.remove(alice)

    with pytest.raises(TransitionError, match="author or the decision's team"):
        decision_transition(decision=decision, actor=alice, name="submit")

    decision_transition(decision=decision, actor=bob, name="submit")
    decision.refresh_from_db()
    assert decision.status == Status.PROPOSED


def test_edits_create_immutable_revisions(alice, bob, team):
    decision = make_decision(alice, team, Status.DRAFT)

    decision_edit(
        decision=decision,
        actor=bob,
        base_version=1,
        title="Use serverless for the Orders API",
        context="New context",
        drivers=[],
        decision_makers=["Alice", "Bob"],
        consulted=[],
        informed=[],
        note="Sharper title",
    )

    decision.refresh_from_db()
    assert decision.version == 2
    assert decision.slug == "use-serverless-for-the-orders-api"
    first, second = Revision.objects.filter(decision=decision)
    assert (first.title, second.title) == (
        "Use serverless for Orders",
        "Use serverless for the Orders API",
    )
    assert _actions(decision)[-1] == ("edited", "draft", "draft")


def test_the_second_of_two_edits_from_the_same_version_is_refused(alice, bob, team):
    decision = make_decision(alice, team, Status.DRAFT)
    fields: dict = {"drivers": [], "decision_makers": [], "consulted": [], "informed": []}
    decision_edit(decision=decision, actor=alice, base_version=1, title="A", context="a", **fields)

    with pytest.raises(EditConflict, match="changed by someone else"):
        decision_edit(
            decision=decision, actor=bob, base_version=1, title="B", context="b", **fields
        )

    decision.refresh_from_db()
    assert (decision.title, decision.version) == ("A", 2)


@pytest.mark.parametrize("status", [Status.ACCEPTED, Status.REJECTED, Status.SUPERSEDED])
def test_decided_decisions_are_read_only(alice, team, status):
    decision = _set_status(make_decision(alice, team), status)

    with pytest.raises(TransitionError, match="read-only"):
        decision_edit(
            decision=decision,
            actor=alice,
            base_version=1,
            title="x",
            context="x",
            drivers=[],
            decision_makers=[],
            consulted=[],
            informed=[],
        )


def test_a_comment_needs_text(alice, team):
    decision = make_decision(alice, team)

    with pytest.raises(TransitionError):
        decision_comment(decision=decision, actor=alice, body=" ")
    decision_comment(decision=decision, actor=alice, body="Looks good")

    assert decision.comments.get().body == "Looks good"


def _race(*calls):
    barrier = threading.Barrier(len(calls))
    results: list[object] = []

    def run(call):
        try:
            barrier.wait()
            results.append(call())
        except BaseException as exc:
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_accepts_accept_once(alice, rita, ravi, team):
    decision = make_decision(alice, team)

    results = _race(
        lambda: decision_approve(decision=decision, actor=rita),
        lambda: decision_approve(decision=decision, actor=ravi),
    )

    refused = [r for r in results if isinstance(r, TransitionError)]
    assert len(refused) == 1 and "accepted" in str(refused[0])
    decision.refresh_from_db()
    assert decision.status == Status.ACCEPTED
    assert AuditEntry.objects.filter(decision=decision, to_status="accepted").count() == 1
    assert Review.objects.filter(decision=decision).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_edits_keep_one_and_refuse_the_other(alice, bob, team):
    decision = make_decision(alice, team, Status.DRAFT)
    fields: dict = {"drivers": [], "decision_makers": [], "consulted": [], "informed": []}

    results = _race(
        lambda: decision_edit(
            decision=decision, actor=alice, base_version=1, title="A", context="a", **fields
        ),
        lambda: decision_edit(
            decision=decision, actor=bob, base_version=1, title="B", context="b", **fields
        ),
    )

    assert len([r for r in results if isinstance(r, EditConflict)]) == 1
    decision.refresh_from_db()
    assert decision.version == 2
    assert Revision.objects.filter(decision=decision).count() == 2


def test_a_reviewer_who_entered_the_answers_cannot_review_the_decision(alice, rita, ravi, team):
    # Rita filled in the questionnaire; Alice wrote the decision from it.
    assessment = Assessment.objects.create(
        owner=rita,
        team=team,
        name="Orders",
        framework_id="serverless-vs-containers",
        framework_version="2.1.0",
        step="review",
    )
    decision = make_decision(alice, team)
    Decision.objects.filter(pk=decision.pk).update(assessment=assessment)
    decision.refresh_from_db()

    with pytest.raises(TransitionError, match="You entered the answers"):
        decision_approve(decision=decision, actor=rita)

    assert "approve" not in allowed_actions(decision, rita)
    assert decision.number not in {line.number for line in dashboard(rita)["awaiting"]}
    assert decision.number in {line.number for line in dashboard(ravi)["awaiting"]}


def test_a_rejection_needs_a_reason(alice, rita, team):
    decision = make_decision(alice, team)

    with pytest.raises(MissingInput, match="Say why it is rejected"):
        decision_transition(decision=decision, actor=rita, name="reject", note="  ")

    decision.refresh_from_db()
    assert decision.status == Decision.Status.PROPOSED
    decision_transition(decision=decision, actor=rita, name="reject", note="No cost model.")
    decision.refresh_from_db()
    assert decision.status == Decision.Status.REJECTED
