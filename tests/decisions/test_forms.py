"""Every field where people type free text drops bidirectional controls before anything else."""

from __future__ import annotations

import pytest
from django import forms

from advisor.forms import AssessmentStartForm
from decisions.forms import ActionForm, CommentForm, DecisionEditForm, DecisionForm, LinkForm
from decisions.log import LogFilterForm
from tests.decisions.conftest import BIDI_CONTROLS

pytestmark = pytest.mark.django_db


def test_every_text_field_of_every_form_drops_bidirectional_controls(alice):
    every_form = [
        AssessmentStartForm(user=alice),
        DecisionForm(user=alice),
        DecisionForm(user=alice, free_form=True),
        DecisionEditForm(),
        DecisionEditForm(free_form=True),
        CommentForm(),
        ActionForm(),
        LogFilterForm(),
        LinkForm(),
    ]
    checked = []
    for form in every_form:
        for name, field in form.fields.items():
            if isinstance(field, forms.CharField):
                assert field.clean(f"\u202eOrders{BIDI_CONTROLS} API") == "Orders API", name
                checked.append(f"{type(form).__name__}.{name}")

    # name; 7 + 8 + 8 + 9 decision fields (tags on all, the body on free-form ones); comment,
    # note, search
    assert len(checked) == 36, checked
