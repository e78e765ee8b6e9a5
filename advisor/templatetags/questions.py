"""Template help for the questionnaire's fields, which render on every step and every check."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def as_control(field: BoundField, css: str) -> SafeString:
    """A single-input field's widget with Bootstrap's class, marked invalid when it has errors.

    Written here instead of through the widget's template (one render per input per step);
    the attributes are Django's own: the widget's, then required, aria-invalid and
    aria-describedby as BoundField adds them, and the value as the widget formats it."""
    widget = field.field.widget
    attrs = widget.build_attrs(
        widget.attrs,
        field.build_widget_attrs(
            {"class": f"{css} is-invalid" if field.errors else css, "id": field.auto_id}
        ),
    )
    value = widget.format_value(field.value())
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        widget.input_type,
        field.html_name,
        format_html(' value="{}"', value) if value is not None else "",
        flatatt(attrs),
    )


@register.filter
def choice_inputs(field: BoundField) -> SafeString:
    """A radio or checkbox group's options in Bootstrap's markup, the field's errors after the
    last one (where Bootstrap shows them, beside an invalid input).

    Written here instead of through Django's template per option: a step of choices is most of
    what a step renders. What each option says and whether it is checked are Django's own
    (`subwidgets`)."""
    invalid = " is-invalid" if field.errors else ""
    rows = []
    for option in field.subwidgets:
        data = option.data
        attrs = {"id": data["attrs"]["id"], "required": data["attrs"].get("required", False)}
        if field.errors:
            attrs["aria-invalid"] = "true"
        rows.append(
            format_html(
                '<div class="form-check"><input type="{}" class="form-check-input{}" name="{}"'
                ' value="{}"{}{}><label for="{}" class="form-check-label">{}</label></div>',
                data["type"],
                invalid,
                data["name"],
                data["value"],
                " checked" if data["selected"] else "",
                flatatt(attrs),
                data["attrs"]["id"],
                data["label"],
            )
        )
    if field.errors and rows:
        rows[-1] = SafeString(rows[-1].removesuffix("</div>") + field_errors(field) + "</div>")
    return SafeString("".join(rows))


@register.filter
def field_errors(field: BoundField) -> SafeString:
    """The field's errors as Bootstrap shows them, under the id aria-describedby names."""
    return format_html(
        '<div id="{}_error" class="invalid-feedback">{}</div>',
        field.auto_id,
        format_html_join(
            "",
            '<p id="error_{}_{}"><strong>{}</strong></p>',
            ((n, field.auto_id, error) for n, error in enumerate(field.errors, start=1)),
        ),
    )
