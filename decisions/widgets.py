"""Widgets written in Python rather than through a template each.

The log's filters render on every pause in typing a search; Django renders each input and each
option of a select through a template of its own, which made the form a third of the page's
time. What the widgets write (attributes, values, what is selected or checked, the escaping)
comes from Django's own `get_context`, so they read as Django's widgets do."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.forms.widgets import Input
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

SELECTED = mark_safe(" selected")


class QuickSelect(forms.Select):
    """A single-choice select whose options are written in Python, not one template each."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}{}>{}</option>',
            (
                (
                    option["value"],
                    flatatt({k: v for k, v in option["attrs"].items() if k != "selected"}),
                    SELECTED if option["selected"] else "",
                    option["label"],
                )
                for _, group, _ in widget["optgroups"]
                for option in group
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options
        )


class QuickInput(Input):
    """An <input> written in Python: what Django's input.html and attrs.html write."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            widget["name"],
            format_html(' value="{}"', widget["value"]) if widget["value"] is not None else "",
            flatatt(widget["attrs"]),
        )


class QuickTextInput(QuickInput, forms.TextInput):
    pass


class QuickDateInput(QuickInput, forms.DateInput):
    pass


class QuickCheckboxInput(QuickInput, forms.CheckboxInput):
    pass
