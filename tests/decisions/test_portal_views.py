"""Every portal view for five people: anonymous, the author (alice), her team-mate (bob),
someone from another team (charlie), an architecture reviewer (rita) and staff (sam)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from advisor.models import Assessment, Team
from decisions.models import AuditEntry, Decision
from decisions.roles import REVIEWERS_GROUP
from decisions.selectors import DecisionLine, dashboard, decisions_visible_to
from decisions.services import decision_approve
from tests.conftest import BASE_ANSWERS
from tests.decisions.conftest import make_decision

pytestmark = pytest.mark.django_db
Status = Decision.Status


@pytest.fixture
def team():
    return Team.objects.create(name="Payments", slug="payments")


@pytest.fixture
def people(django_user_model, team):
    make = django_user_model.objects.create_user
    alice = make(username="alice", password="pw-alice-123")
    bob = make(username="bob", password="pw-bob-123")
    charlie = make(username="charlie", password="pw-charlie-1")
    rita = make(username="rita", password="pw-rita-123")
    sam = make(username="sam", password="pw-sam-1234", is_staff=True)
    team.members.add(alice, bob)
    Team.objects.create(name="Search", slug="search").members.add(charlie)
    Group.objects.get(name=REVIEWERS_GROUP).user_set.add(rita)
    return {"alice": alice, "bob": bob, "charlie": charlie, "rita": rita, "sam": sam}


def _client(user=None, **kwargs) -> Client:
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def _read_urls(decision: Decision) -> list[str]:
    n = decision.number
    return [
        reverse("decision_detail", args=[n]),
        reverse("decision_history", args=[n]),
        reverse("decision_markdown", args=[n]),
    ]


def test_it_requires_login(people, team):
    decision = make_decision(people["alice"], team)
    client = _client()
    urls = [*_read_urls(decision), reverse("decision_list"), reverse("home")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/"), url
    posts = [
        reverse("decision_action", args=[decision.number, "approve"]),
        reverse("decision_comment", args=[decision.number]),
        reverse("decision_edit", args=[decision.number]),
        reverse("decision_reassess", args=[decision.number]),
    ]
    for url in posts:
        assert client.post(url).status_code == 302, url


@pytest.mark.parametrize(
    ("viewer", "sees_draft"),
    [("alice", True), ("bob", True), ("charlie", False), ("rita", False), ("sam", True)],
)
def test_it_checks_team_for_drafts(people, team, viewer, sees_draft):
    draft = make_decision(people["alice"], team, Status.DRAFT)
    client = _client(people[viewer])

    for url in _read_urls(draft):
        assert client.get(url).status_code == (200 if sees_draft else 404), url
    action = reverse("decision_action", args=[draft.number, "submit"])
    response = client.post(action)
    assert response.status_code in ((302, 403) if sees_draft else (404,))


@pytest.mark.parametrize("viewer", ["alice", "bob", "charlie", "rita", "sam"])
def test_everyone_signed_in_reads_a_proposedmake_decision(people, team, viewer):
    decision = make_decision(people["alice"], team)

    for url in _read_urls(decision):
        assert _client(people[viewer]).get(url).status_code == 200, url


@pytest.mark.parametrize(
    ("viewer", "allowed"),
    [("alice", False), ("bob", False), ("charlie", False), ("rita", True), ("sam", False)],
)
def test_only_reviewers_approve(people, team, viewer, allowed):
    decision = make_decision(people["alice"], team)
    url = reverse("decision_action", args=[decision.number, "approve"])
    client = _client(people[viewer])

    asked = client.post(url, {"note": "ok"})
    response = client.post(url, {"note": "ok", "confirm": "1"})

    decision.refresh_from_db()
    if allowed:
        assert asked.status_code == 200 and "Approve ADR-0001?" in asked.content.decode()
        assert response.status_code == 302
        assert decision.status == Status.ACCEPTED
    else:
        # Refused with the reason at once, not asked a question that can only end in a no.
        assert asked.status_code == response.status_code == 403
        assert "Approve ADR-0001?" not in asked.content.decode()
        assert decision.status == Status.PROPOSED
        assert b"alert-danger" in response.content


@pytest.mark.parametrize(
    ("viewer", "allowed"),
    [("alice", True), ("bob", True), ("charlie", False), ("rita", False), ("sam", False)],
)
def test_only_the_team_submits_and_edits(people, team, viewer, allowed):
    draft = make_decision(people["alice"], team, Status.DRAFT)
    client = _client(people[viewer])

    edit = client.get(reverse("decision_edit", args=[draft.number]))
    submit = client.post(reverse("decision_action", args=[draft.number, "submit"]))

    draft.refresh_from_db()
    if allowed:
        assert edit.status_code == 200
        assert submit.status_code == 302 and draft.status == Status.PROPOSED
    else:
        assert edit.status_code in (403, 404)
        assert submit.status_code in (403, 404) and draft.status == Status.DRAFT


def test_a_refused_htmx_action_swaps_the_panel_with_the_reason(people, team):
    decision = make_decision(people["alice"], team)
    url = reverse("decision_action", args=[decision.number, "approve"])

    response = _client(people["bob"]).post(url, headers={"HX-Request": "true"})

    assert response.status_code == 403
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="actions"')
    assert "Only architecture reviewers can do this." in page


def test_comments_post_with_and_without_javascript(people, team):
    decision = make_decision(people["alice"], team)
    client = _client(people["charlie"])
    url = reverse("decision_comment", args=[decision.number])

    plain = client.post(url, {"body": "Have you costed the **peak**?"})
    htmx = client.post(url, {"body": "<script>alert(1)</script>"}, headers={"HX-Request": "true"})

    assert plain.status_code == 302
    page = htmx.content.decode()
    assert page.lstrip().startswith('<section id="timeline"')
    assert "<strong>peak</strong>" in page
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert decision.comments.count() == 2
    # The swapped-in form is empty and takes the cursor back; the post is announced.
    assert 'role="status">Your comment is posted.' in page
    assert re.search(r'<textarea name="body"[^>]* autofocus', page)
    empty = client.post(url, {"body": " "}, headers={"HX-Request": "true"})
    assert empty.status_code == 422
    assert re.search(r'<textarea name="body"[^>]* autofocus', empty.content.decode())
    assert "Your comment is posted." not in empty.content.decode()


def test_an_empty_comment_is_refused_and_kept_out(people, team):
    decision = make_decision(people["alice"], team)

    response = _client(people["bob"]).post(
        reverse("decision_comment", args=[decision.number]), {"body": ""}
    )

    assert response.status_code == 422
    assert decision.comments.count() == 0


def test_the_timeline_interleaves_transitions_reviews_and_comments(people, team):
    decision = make_decision(people["alice"], team)
    client = _client(people["rita"])
    client.post(reverse("decision_comment", args=[decision.number]), {"body": "First look"})
    client.post(
        reverse("decision_action", args=[decision.number, "approve"]),
        {"note": "Fine", "confirm": "1"},
    )

    page = client.get(reverse("decision_detail", args=[decision.number])).content.decode()
    timeline = page.split('id="timeline"')[1]

    order = [timeline.index(t) for t in ("created it", "First look", "Approved", "approved it")]
    assert order == sorted(order)


def test_an_edit_conflict_keeps_the_typed_text(people, team):
    draft = make_decision(people["alice"], team, Status.DRAFT)
    url = reverse("decision_edit", args=[draft.number])
    form = {
        "title": "Alice's title",
        "context": "Alice's context",
        "drivers": "",
        "decision_makers": "",
        "consulted": "",
        "informed": "",
        "note": "",
        "base_version": 1,
    }
    assert _client(people["alice"]).post(url, form).status_code == 302

    response = _client(people["bob"]).post(
        url, {**form, "title": "Bob's title", "context": "Bob's careful context"}
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert "changed by someone else" in page
    assert "Bob&#x27;s careful context" in page
    draft.refresh_from_db()
    assert draft.title == "Alice's title"


def test_the_history_shows_a_diff_between_versions(people, team):
    draft = make_decision(people["alice"], team, Status.DRAFT)
    _client(people["alice"]).post(
        reverse("decision_edit", args=[draft.number]),
        {
            "title": "Use serverless for Orders",
            "context": "A sharper context",
            "drivers": "",
            "decision_makers": "",
            "consulted": "",
            "informed": "",
            "note": "tighter",
            "base_version": 1,
        },
    )

    page = (
        _client(people["bob"])
        .get(reverse("decision_history", args=[draft.number]) + "?from=1&to=2")
        .content.decode()
    )

    removed = '<del><span class="visually-hidden">removed: </span>Orders needs a home.</del>'
    added = '<ins><span class="visually-hidden">added: </span>A sharper context</ins>'
    assert f'<td class="diff-old" data-label="Version 1">{removed}</td>' in page
    assert f'<td class="diff-new" data-label="Version 2">{added}</td>' in page
    missing = (
        _client(people["bob"])
        .get(reverse("decision_history", args=[draft.number]) + "?from=1&to=9")
        .content.decode()
    )
    assert "There is no version 9 of ADR-0001" in missing and "<ins>" not in missing


def test_reassess_starts_a_prefilled_assessment_whose_adr_supersedes(people, team):
    old = make_decision(people["alice"], team)
    decision_approve(decision=old, actor=people["rita"])
    client = _client(people["alice"])

    response = client.post(reverse("decision_reassess", args=[old.number]))

    assessment = Assessment.objects.get(reassesses_number=old.number)
    assert response["Location"] == reverse("assessment_step", args=[assessment.pk, "traffic"])
    assert assessment.answers == BASE_ANSWERS
    client.post(reverse("assessment_review", args=[assessment.pk]))
    client.post(
        reverse("decision_new", args=[assessment.pk]),
        {
            "title": "Use serverless for Orders, again",
            "context": "Reviewed a year on.",
            "status": "proposed",
            "team": team.pk,
        },
    )
    new = Decision.objects.get(replaces=old)
    decision_approve(decision=new, actor=people["rita"])
    old.refresh_from_db()
    assert old.status == Status.SUPERSEDED and old.superseded_by == new
    page = client.get(reverse("decision_detail", args=[old.number])).content.decode()
    assert f'Superseded by <a href="{new.get_absolute_url()}">{new.adr_id}' in page


def test_another_team_cannot_reassess_or_replace_a_decision(people, team):
    old = make_decision(people["alice"], team)
    decision_approve(decision=old, actor=people["rita"])
    client = _client(people["charlie"])

    page = client.get(reverse("decision_detail", args=[old.number])).content.decode()
    response = client.post(reverse("decision_reassess", args=[old.number]))

    assert "Reassess" not in page
    assert response.status_code == 403
    assert "Only the decision&#x27;s team can reassess it" in response.content.decode()
    assert not Assessment.objects.exists()


def test_the_approve_button_posts_the_version_on_screen(people, team):
    decision = make_decision(people["alice"], team)
    client = _client(people["rita"])
    page = client.get(reverse("decision_detail", args=[decision.number])).content.decode()
    assert '<input type="hidden" name="version" value="1">' in page
    _client(people["alice"]).post(
        reverse("decision_edit", args=[decision.number]),
        {"title": "Changed", "context": "New text.", "base_version": 1},
    )

    url = reverse("decision_action", args=[decision.number, "approve"])
    confirmed = {"confirm": "1"}
    response = client.post(url, {"note": "Looks right", "version": "1", **confirmed}, follow=True)
    htmx = client.post(
        url, {"note": "", "version": "1", **confirmed}, headers={"HX-Request": "true"}
    )
    # Asking first checks the version as well: no question about text that was never seen.
    asked = client.post(url, {"note": "", "version": "1"})

    decision.refresh_from_db()
    assert decision.status == Status.PROPOSED and not decision.reviews.exists()
    # Without JavaScript the page comes back with the new text; with htmx the page reloads, so
    # a second click cannot approve text that was never on screen.
    page = response.content.decode()
    assert "it is now version 2, you were looking at version 1" in page
    assert '<input type="hidden" name="version" value="2">' in page and "New text." in page
    assert ">Looks right</textarea>" in page  # the note waits for them, once
    assert ">Looks right</textarea>" not in client.get(decision.get_absolute_url()).content.decode()
    assert htmx.status_code == 200 and htmx["HX-Refresh"] == "true"
    assert asked.status_code == 302 and asked["Location"] == decision.get_absolute_url()
    refused = client.post(url, {"version": "x", "note": "Kept?", **confirmed})
    assert refused.status_code == 422
    assert ">Kept?</textarea>" in refused.content.decode()  # the typed note survives
    assert client.post(url, {"version": "2", **confirmed}).status_code == 302


def test_the_dashboard_shows_what_waits_for_a_reviewer(people, team):
    decision = make_decision(people["alice"], team)
    draft = make_decision(people["alice"], team, Status.DRAFT)

    rita_page = _client(people["rita"]).get(reverse("home")).content.decode()
    bob_page = _client(people["bob"]).get(reverse("home")).content.decode()

    awaiting = rita_page.split('id="awaiting-title"')[1].split("</section>")[0]
    assert decision.adr_id in awaiting and draft.adr_id not in awaiting
    drafts = bob_page.split('id="drafts-title"')[1].split("</section>")[0]
    assert draft.adr_id in drafts
    # Not a reviewer: nothing waits for bob, although he did not write the decision either.
    bobs = bob_page.split('id="awaiting-title"')[1].split("</section>")[0]
    assert decision.adr_id not in bobs and "Nothing is waiting for you." in bobs
    assert AuditEntry.objects.count() == 2


def test_the_dashboard_lists_accepted_decisions_due_for_review_within_30_days(people, team):
    today = timezone.localdate()
    make = make_decision

    def accepted(title: str, review_by: dt.date) -> Decision:
        decision = decision_approve(
            decision=make(people["alice"], team, title=title), actor=people["rita"]
        )
        Decision.objects.filter(pk=decision.pk).update(review_by=review_by)
        return decision

    overdue = accepted("Overdue one", today - dt.timedelta(days=3))
    soon = accepted("Soon one", today + dt.timedelta(days=30))
    later = accepted("Later one", today + dt.timedelta(days=31))
    proposed = make(people["alice"], team, title="Proposed one")
    Decision.objects.filter(pk=proposed.pk).update(review_by=today)

    page = _client(people["charlie"]).get(reverse("home")).content.decode()

    due = page.split('id="due-title"')[1].split("</section>")[0]
    assert due.index(overdue.adr_id) < due.index(soon.adr_id)
    assert later.adr_id not in due and proposed.adr_id not in due
    assert "overdue since" in due.split(soon.adr_id)[0]
    assert "review by" in due.split(soon.adr_id)[1]


def test_the_dashboard_lists_read_only_what_their_lines_show(people, team):
    proposed = make_decision(people["alice"], team)
    draft = make_decision(people["alice"], team, Status.DRAFT)
    accepted = decision_approve(decision=make_decision(people["bob"], team), actor=people["rita"])
    Decision.objects.filter(pk=accepted.pk).update(review_by=timezone.localdate())

    with CaptureQueriesContext(connection) as queries:
        shown = dashboard(people["rita"])
        mine = dashboard(people["alice"])

    assert shown["awaiting"] == [
        DecisionLine(proposed.number, proposed.title, team="Payments", author="alice")
    ]
    assert mine["drafts"] == [DecisionLine(draft.number, draft.title)]
    assert shown["due"] == [
        DecisionLine(
            accepted.number, accepted.title, team="Payments", review_by=timezone.localdate()
        )
    ]
    decision_columns = re.compile(r'"decisions_decision"\."(snapshot|body|search_text|context)"')
    assert not any(decision_columns.search(query["sql"]) for query in queries)


def test_the_dashboard_queries_the_same_number_of_times_however_full_its_lists(people, team):
    rita = people["rita"]
    client = _client(rita)
    client.get(reverse("home"))  # the session and the user, as on any later request

    def add(count: int) -> None:
        for _ in range(count):
            make_decision(people["alice"], team)  # awaits rita's review
            make_decision(rita, None, Status.DRAFT)  # her own draft, without a team
            accepted = decision_approve(decision=make_decision(people["bob"], team), actor=rita)
            Decision.objects.filter(pk=accepted.pk).update(review_by=timezone.localdate())
            Assessment.objects.create(
                owner=rita,
                name="Orders",
                framework_id="serverless-decision",
                framework_version="1",
                step="review",
                result={"recommendation_name": "Containers"},
            )

    def sections(page: str) -> dict[str, str]:
        return {
            name: page.split(f'id="{name}-title"')[1].split("</section>")[0]
            for name in ("awaiting", "due", "drafts", "activity", "assessments")
        }

    add(1)
    with CaptureQueriesContext(connection) as few:
        one = sections(client.get(reverse("home")).content.decode())
    add(4)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("home"))
        five = sections(response.content.decode())

    # Session, user, the four lists (the reviewer's role checked inside the first), the
    # tallies, the flagged anti-patterns and the recent assessments: nothing per line.
    assert len(many) == len(few) <= 9
    assert {name: text.count("<li") for name, text in one.items()} == {
        "awaiting": 1,
        "due": 1,
        "drafts": 1,
        "activity": 4,
        "assessments": 1,
    }
    assert {name: text.count("<li") for name, text in five.items()} == {
        "awaiting": 5,
        "due": 5,
        "drafts": 5,
        "activity": 10,
        "assessments": 5,
    }
    assert "rita approved it" in five["activity"] and "· Payments" in five["due"]
    links = re.findall(r'<a href="/decisions/(\d+)/">ADR-(\d{4})</a>', five["activity"])
    assert len(links) == 10 and all(int(url) == int(name) for url, name in links)
    assert "Payments · alice" in five["awaiting"]
    assert ">Orders</a> — Containers</li>" in five["assessments"]
    # The recommendation's name comes out of the stored result; the rest of it stays unread.
    read = [query["sql"] for query in many if 'FROM "advisor_assessment"' in query["sql"]]
    assert len(read) == 1 and '"advisor_assessment"."result"' in read[0]
    # Only inside the expression that extracts the name, never as a column of its own.
    assert not re.search(r'(SELECT|,)\s*"advisor_assessment"\."result"\s*(,|FROM|AS)', read[0])


def test_the_dashboard_names_a_finished_assessments_recommendation_and_marks_the_rest(people, team):
    alice = people["alice"]
    common = {"owner": alice, "framework_id": "serverless-decision", "framework_version": "1"}
    Assessment.objects.create(name="Ledger", step="traffic", **common)
    Assessment.objects.create(
        name="Refunds", step="review", result={"recommendation_name": "<b>Hybrid</b>"}, **common
    )

    page = _client(alice).get(reverse("home")).content.decode()
    recent = page.split('id="assessments-title"')[1].split("</section>")[0]

    assert ">Ledger</a> — in progress</li>" in recent
    assert ">Refunds</a> — &lt;b&gt;Hybrid&lt;/b&gt;</li>" in recent


def test_every_decision_home_lists_is_one_its_reader_may_see(people, team):
    # The lists of proposed and accepted decisions, and a team's drafts, leave the visibility
    # rule out because it cannot remove a row from them: this holds them to it.
    search = people["charlie"].teams.get()
    for author, owner in (
        (people["alice"], team),
        (people["charlie"], search),
        (people["bob"], None),
    ):
        make_decision(author, owner, Status.DRAFT)
        make_decision(author, owner)  # proposed: awaits rita
        accepted = decision_approve(decision=make_decision(author, owner), actor=people["rita"])
        Decision.objects.filter(pk=accepted.pk).update(review_by=timezone.localdate())
        make_decision(author, owner, Status.DRAFT).audit.create(actor=author, action="edited")

    listed_somewhere = set()
    for person in people.values():
        shown = dashboard(person)
        visible = set(decisions_visible_to(person).values_list("number", flat=True))
        listed = {d.number for name in ("awaiting", "due", "drafts") for d in shown[name]}
        listed |= {line.number for line in shown["activity"]}
        assert listed <= visible, person.username
        listed_somewhere |= listed
    assert len(listed_somewhere) == Decision.objects.count()


def test_the_dashboard_says_when_nothing_is_due_for_review(people, team):
    make_decision(people["alice"], team)

    page = _client(people["bob"]).get(reverse("home")).content.decode()

    due = page.split('id="due-title"')[1].split("</section>")[0]
    assert "No accepted decision is due for review" in due


def test_requesting_changes_without_a_note_is_bad_input_not_forbidden(people, team):
    decision = make_decision(people["alice"], team)
    url = reverse("decision_action", args=[decision.number, "request_changes"])

    response = _client(people["rita"]).post(url, {"note": "  ", "version": "1", "confirm": "1"})

    assert response.status_code == 422
    assert "Say what should change." in response.content.decode()
    decision.refresh_from_db()
    assert decision.status == Status.PROPOSED


def test_an_error_message_is_styled_as_one(alice, rita, team):
    decision = make_decision(alice, team)
    client = Client()
    client.force_login(rita)

    # rita's page showed version 1; alice has saved version 2 since.
    Decision.objects.filter(pk=decision.pk).update(version=2)
    response = client.post(
        reverse("decision_action", args=[decision.number, "approve"]),
        {"version": 1, "confirm": 1},
        follow=True,
    )

    page = response.content.decode()
    assert 'class="alert alert-danger"' in page
    assert 'class="alert alert-error"' not in page


def test_the_status_badge_has_the_same_colour_on_the_page_and_in_the_log(alice, rita, team):
    decision = decision_approve(decision=make_decision(alice, team), actor=rita)
    client = Client()
    client.force_login(alice)

    page = client.get(decision.get_absolute_url()).content.decode()
    log = client.get(reverse("decision_list")).content.decode()

    badge = '<span class="badge text-bg-success"'
    assert badge in page and badge in log
