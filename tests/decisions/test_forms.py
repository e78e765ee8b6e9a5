"""Every field where people type free text drops bidirectional controls before anything else."""

from __future__ import annotations

import pytest
from django import forms

from advisor.forms import AssessmentStartForm
from decisions.forms import ActionForm, CommentForm, DecisionEditForm, DecisionForm
from decisions.log import LogFilterForm
from tests.decisions.conftest import BIDI_CONTROLS

pytestmark = pytest.mark.django_db


def test_every_text_field_of_every_form_drops_bidirectional_controls(alice):
    every_form = [
        AssessmentStartForm(user=alice),
        DecisionForm(user=alice),
        DecisionEditForm(),
        CommentForm(),
        ActionForm(),
        LogFilterForm(),
    ]
    checked = []
    for form in every_form:
        for name, field in form.fields.items():
            if isinstance(field, forms.CharField):
                assert field.clean(f"\u202eOrders{BIDI_CONTROLS} API") == "Orders API", name
                checked.append(f"{type(form).__name__}.{name}")

    assert len(checked) == 17, checked  # name, 6 + 7 decision fields, comment, note, search
