"""Widgets written in Python rather than through a template each.

The log's filters render on every pause in typing a search; Django renders each input and each
option of a select through a template of its own, which made the form a third of the page's
time. What the widgets write (attributes, values, what is selected or checked, the escaping)
comes from Django's own `get_context`, so they read as Django's widgets do."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.widgets import Input
from django.utils.safestring import SafeString, mark_safe

from advisor.markup import escape_html, html_attrs


class QuickSelect(forms.Select):
    """A single-choice select whose options are written in Python, not one template each.

    Its options are written straight from the choices, as `Select.optgroups` would build them:
    only the first option whose value matches is selected, and a select's options inherit none
    of its attributes. Grouped choices go through Django's own widget."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        wanted = set(self.format_value(value))
        options = []
        # Iterated once, never measured: a model choice field's len() is a COUNT query.
        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):
                return super().render(name, value, attrs, renderer)
            text = "" if option_value is None else str(option_value)
            selected = text in wanted
            if selected:
                wanted = set()  # a single select marks only the first match
            options.append(
                f'<option value="{escape_html(text)}"{" selected" if selected else ""}>'
                f"{escape_html(label)}</option>"
            )
        final_attrs = self.build_attrs(self.attrs, attrs)
        return mark_safe(  # noqa: S308 - every value escaped
            f'<select name="{escape_html(name)}"{html_attrs(final_attrs)}>{"".join(options)}'
            "</select>"
        )


class QuickInput(Input):
    """An <input> written in Python: what Django's input.html and attrs.html write."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        shown = widget["value"]
        return mark_safe(  # noqa: S308 - every value escaped
            f'<input type="{escape_html(widget["type"])}" name="{escape_html(widget["name"])}"'
            + (f' value="{escape_html(shown)}"' if shown is not None else "")
            + f"{html_attrs(widget['attrs'])}>"
        )


class QuickTextInput(QuickInput, forms.TextInput):
    pass


class QuickDateInput(QuickInput, forms.DateInput):
    pass


class QuickCheckboxInput(QuickInput, forms.CheckboxInput):
    pass
