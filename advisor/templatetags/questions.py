"""The questionnaire's questions as HTML, written in Python: a step renders every question on
each Next, and one question renders on every changed answer.

Django's widget templates (one template per option) and then a template per question made a
step's questions ~1.8 ms of a ~6 ms request. What is written here is the markup those templates
gave, from Django's own parts: the field's ids, its attributes as `BoundField` builds them
(required, aria-invalid, aria-describedby), its value as the widget formats it, and its choices.
Every value from the framework or the person is escaped (`advisor.markup`).
"""

from __future__ import annotations

from typing import Any, cast

from django import forms, template
from django.forms import BoundField
from django.utils.safestring import SafeString

from advisor.markup import escape_html as _e
from advisor.markup import html_attrs as _attrs

register = template.Library()


def _errors(field: BoundField) -> str:
    """The field's errors as Bootstrap shows them, under the id aria-describedby names."""
    items = "".join(
        f'<p id="error_{n}_{field.auto_id}"><strong>{_e(error)}</strong></p>'
        for n, error in enumerate(field.errors, start=1)
    )
    return f'<div id="{field.auto_id}_error" class="invalid-feedback">{items}</div>'


def _control(field: BoundField) -> str:
    """A single input with Bootstrap's class, marked invalid when the field has errors."""
    widget = field.field.widget
    css = "form-control is-invalid" if field.errors else "form-control"
    attrs = widget.build_attrs(
        widget.attrs, field.build_widget_attrs({"class": css, "id": field.auto_id})
    )
    value = widget.format_value(field.value())
    shown = f' value="{_e(value)}"' if value is not None else ""
    return f'<input type="{widget.input_type}" name="{field.html_name}"{shown}{_attrs(attrs)}>'


def _options(field: BoundField) -> str:
    """A radio or checkbox group's options, the errors after the last one (where Bootstrap
    shows them, beside an invalid input). Ids are Django's: the field's id and the index."""
    choice_field = field.field
    assert isinstance(choice_field, forms.ChoiceField)  # radios and checkboxes only
    widget = choice_field.widget
    invalid = bool(field.errors)
    # Django's rule for `required` on a group: every radio of a required field carries it, no
    # checkbox of a multiple choice does (that would demand every box).
    required = bool(field.build_widget_attrs({}).get("required"))
    chosen = set(widget.format_value(field.value()))
    name = field.html_name
    # Django keeps a field's choices as a flat list of (value, label); the questionnaire has
    # no option groups.
    choices = cast(list[tuple[Any, Any]], choice_field.choices)
    rows = []
    for index, (value, label) in enumerate(choices):
        option_id = f"{field.auto_id}_{index}"
        attrs = {"id": option_id, "required": required, "aria-invalid": "true" if invalid else None}
        rows.append(
            f'<div class="form-check"><input type="{widget.input_type}" class="form-check-input'
            f'{" is-invalid" if invalid else ""}" name="{name}" value="{_e(value)}"'
            f"{' checked' if str(value) in chosen else ''}{_attrs(attrs)}>"
            f'<label for="{option_id}" class="form-check-label">{_e(label)}</label></div>'
        )
    if invalid and rows:
        rows[-1] = rows[-1].removesuffix("</div>") + _errors(field) + "</div>"
    return "".join(rows)


@register.simple_tag
def question(field: BoundField, check_url: str) -> SafeString:
    """One question: its label or legend, its input or options, errors and help, in the box
    that re-checks it (htmx) when its answer changes."""
    auto_id = field.auto_id
    required = field.field.required
    mark = '<span class="asteriskField">*</span>' if required else ""
    needed = " requiredField" if required else ""
    help_text = (
        f'<div id="{auto_id}_helptext" class="form-text">{_e(field.help_text)}</div>'
        if field.help_text
        else ""
    )
    if field.use_fieldset:
        described = field.aria_describedby
        body = (
            f"<fieldset{_attrs({'aria-describedby': described or None})}>"
            f'<legend class="form-label{needed} fs-6">{_e(field.label)}{mark}</legend>'
            f"<div>{_options(field)}</div>{help_text}</fieldset>"
        )
    else:
        body = (
            f'<label for="{field.id_for_label}" class="form-label{needed}">'
            f"{_e(field.label)}{mark}</label>{_control(field)}"
            f"{_errors(field) if field.errors else ''}{help_text}"
        )
    return SafeString(
        f'<div id="q-{field.name}" class="question" hx-post="{_e(check_url)}" hx-trigger="change"'
        f' hx-target="this" hx-swap="outerHTML" hx-include="closest form" hx-sync="this:replace">'
        f'<div id="div_{auto_id}" class="mb-3">{body}</div></div>'
    )
