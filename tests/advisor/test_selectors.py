"""Who sees which assessment: the list's query and the one-by-id look-up keep the same rule."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from advisor.models import Assessment, Team
from advisor.selectors import assessment_visible_to, assessments_visible_to, team_ids_of

pytestmark = pytest.mark.django_db


def _assessment(owner, team=None, name="Orders"):
    return Assessment.objects.create(
        owner=owner, team=team, name=name, framework_id="f", framework_version="1", step="s"
    )


def test_the_look_up_by_id_agrees_with_the_list_for_every_person_and_assessment():
    users = get_user_model().objects
    owner, teammate, outsider, other = (
        users.create_user(name) for name in ("owner", "teammate", "outsider", "other")
    )
    payments = Team.objects.create(name="Payments", slug="payments")
    payments.members.add(owner, teammate)
    search = Team.objects.create(name="Search", slug="search")
    search.members.add(other)
    assessments = {
        "own, no team": _assessment(owner),
        "own, team": _assessment(owner, payments),
        "teammate's, team": _assessment(teammate, payments),
        "teammate's, no team": _assessment(teammate),
        "other team's": _assessment(other, search),
    }
    expected = {
        "owner": {"own, no team", "own, team", "teammate's, team"},
        "teammate": {"own, team", "teammate's, team", "teammate's, no team"},
        "outsider": set(),
        "other": {"other team's"},
    }

    for person in (owner, teammate, outsider, other):
        listed = set(assessments_visible_to(person).values_list("pk", flat=True))
        looked_up = {
            label
            for label, assessment in assessments.items()
            if assessment_visible_to(person, assessment.pk) is not None
        }
        assert looked_up == expected[person.username]
        assert {assessments[label].pk for label in looked_up} == listed


def test_nobody_signed_out_and_no_missing_id_is_found():
    owner = get_user_model().objects.create_user("owner")
    assessment = _assessment(owner)

    assert assessment_visible_to(AnonymousUser(), assessment.pk) is None
    assert assessment_visible_to(owner, assessment.pk + 1000) is None
    assert assessment_visible_to(owner, assessment.pk) == assessment


def test_the_teams_query_kept_on_a_person_reads_the_membership_as_it_is_when_it_runs():
    users = get_user_model().objects
    owner, teammate = users.create_user("owner"), users.create_user("teammate")
    payments = Team.objects.create(name="Payments", slug="payments")
    shared = _assessment(owner, payments)
    payments.members.add(owner)

    assert list(assessments_visible_to(teammate)) == []
    assert list(team_ids_of(teammate)) == []  # a copy was read; the kept query was not
    payments.members.add(teammate)

    # The same user object, so the same kept query: it still sees the new membership.
    assert list(assessments_visible_to(teammate)) == [shared]
    assert [row["team_id"] for row in team_ids_of(teammate)] == [payments.pk]
    assert team_ids_of(teammate) is not team_ids_of(teammate)
