from __future__ import annotations

from django import forms

from notifications.models import Kind


class KindsForm(forms.Form):
    """The kinds of notification a person wants: ticked is on."""

    kinds = forms.MultipleChoiceField(
        label="E-mail me when",
        choices=Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
