"""Every model of the advisor and decisions apps in Django's admin, and the record read-only."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from advisor.models import Assessment, SingleSignOnIdentity
from decisions.models import AuditEntry, Comment, Decision, DecisionLink
from decisions.services import comment_hide, decision_approve, decision_comment
from tests.decisions.conftest import make_decision

APPS = ("advisor", "decisions")


def _models():
    return [model for app in APPS for model in apps.get_app_config(app).get_models()]


def test_every_model_is_in_the_admin():
    missing = [model.__name__ for model in _models() if not admin.site.is_registered(model)]

    assert missing == []


@pytest.fixture
def one_of_each(alice, bob, rita, team):
    Assessment.objects.create(
        owner=alice, team=team, name="Orders", framework_id="default", framework_version="1"
    )
    decision = make_decision(alice, team, tags=["payments"])
    other = make_decision(alice, team, title="Queue the refunds")
    DecisionLink.objects.create(source=other, target=decision, kind=DecisionLink.Kind.AMENDS)
    comment = decision_comment(decision=decision, actor=bob, body="Cost the peak")
    comment_hide(comment=comment, actor=bob)
    decision_approve(decision=decision, actor=rita)
    SingleSignOnIdentity.objects.create(user=bob, issuer="https://id.example.org", subject="b0b")
    return decision


@pytest.mark.django_db
def test_each_admin_page_opens_for_a_superuser(admin_client, one_of_each):
    for model in _models():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert admin_client.get(changelist).status_code == 200, changelist
        assert admin_client.get(changelist, {"q": "1"}).status_code == 200, changelist
        row = model._default_manager.first()
        assert row is not None, opts.label
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])
        assert admin_client.get(change).status_code == 200, change


@pytest.mark.django_db
@pytest.mark.parametrize("model", [AuditEntry, Comment, Decision])
def test_the_record_cannot_be_changed_in_the_admin(admin_client, one_of_each, model):
    opts = model._meta
    row = model._default_manager.first()
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])
    delete = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[row.pk])

    assert admin_client.post(change, {}).status_code == 403
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert (
        admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code
        == 403
    )
    assert model._default_manager.filter(pk=row.pk).exists()
