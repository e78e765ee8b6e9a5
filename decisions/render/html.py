"""The ADR on the decision page: its Markdown rendered with raw HTML off, then sanitised."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def strip_front_matter(markdown: str) -> str:
    if not markdown.startswith("---\n"):
        return markdown
    end = markdown.find("\n---\n", 4)
    return markdown[end + 5 :] if end != -1 else markdown


# A checklist item as the ADR writes it. User text can never match: the renderer escapes its
# brackets, so its source reads "\\[ \\]".
_TASK = "[ ] "
BALLOT_BOX = "\u2610 "


def _checkboxes(tokens: list[Token]) -> list[Token]:
    """Checklist items ("- [ ] ...") shown with a ballot box, as the PDF shows them."""
    for token in tokens:
        if token.type == "inline" and token.content.startswith(_TASK) and token.children:
            first = token.children[0]
            if first.type == "text" and first.content.startswith(_TASK):
                first.content = BALLOT_BOX + first.content[len(_TASK) :]
    return tokens


def markdown_to_html(markdown: str) -> str:
    """Safe HTML for any Markdown: raw HTML is not passed through, and nh3 cleans the rest."""
    tokens = _checkboxes(_MARKDOWN.parse(strip_front_matter(markdown)))
    return nh3.clean(_MARKDOWN.renderer.render(tokens, _MARKDOWN.options, {}))
