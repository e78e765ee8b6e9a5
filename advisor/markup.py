"""HTML written in Python, for markup a page repeats many times (a step's questions, a result's
cards), where Django's template nodes cost more than the page's data.

Everything from the framework, the engine or a person goes through `escape_html`.
"""

from __future__ import annotations

from html import escape
from typing import Any


def escape_html(value: Any) -> str:
    """Django's `conditional_escape` without its lazy-string wrapper (a third of its cost):
    safe strings pass as they are, anything else is escaped as Django escapes it."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return escape(str(value), quote=True)


def html_attrs(attrs: dict[str, Any]) -> str:
    """Attributes as `flatatt` writes them: True as a bare name, False and None left out."""
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(f" {name}")
        elif value is not False and value is not None:
            parts.append(f' {name}="{escape_html(value)}"')
    return "".join(parts)
