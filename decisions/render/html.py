"""The ADR on the decision page: its Markdown rendered with raw HTML off, then sanitised."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def strip_front_matter(markdown: str) -> str:
    if not markdown.startswith("---\n"):
        return markdown
    end = markdown.find("\n---\n", 4)
    return markdown[end + 5 :] if end != -1 else markdown


def markdown_to_html(markdown: str) -> str:
    """Safe HTML for any Markdown: raw HTML is not passed through, and nh3 cleans the rest."""
    return nh3.clean(_MARKDOWN.render(strip_front_matter(markdown)))
