"""Template help for the questionnaire's fields, which render on every step and every check."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.forms.utils import flatatt
from django.utils.html import format_html
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
