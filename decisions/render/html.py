"""Markdown as safe HTML for the decision page: the ADR and the comments on it.

Raw HTML is not passed through, nh3 cleans what the Markdown produced, and images load only
from this site (see `same_origin_image`).
"""

from __future__ import annotations

from collections.abc import Sequence

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

# What a refused image becomes: its description and address as plain text, so the reader still
# sees what was meant and can follow it by hand, and the browser fetches nothing.
BLOCKED_IMAGE = "{alt} (image not shown: {src})"


def same_origin_image(src: str) -> bool:
    """Whether an image address stays on this site: a path from its root, like "/static/x.png".

    Anything else may reach another host or the intranet on the reader's behalf (a tracking
    pixel, a GET with their cookies) or carry its own content: "http:", "data:", "//host/x".
    Browsers also read a backslash as a slash and drop tabs and newlines inside an address, so
    "/\\host" or "/<tab>/host" would be "//host"; any of those characters refuses the image.
    """
    return (
        src.startswith("/")
        and not src.startswith("//")
        and not any(char == "\\" or char.isspace() or ord(char) < 32 for char in src)
    )


def _image(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    if same_origin_image(src):
        return self.image(tokens, idx, options, env)
    alt = self.renderInlineAsText(token.children or [], options, env)
    return escapeHtml(BLOCKED_IMAGE.format(alt=alt, src=src).strip())


_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_MARKDOWN.add_render_rule("image", _image)


def _only_same_origin_images(tag: str, attribute: str, value: str) -> str | None:
    """The same rule once more on the final HTML, where nh3 has decoded every entity."""
    if tag == "img" and attribute == "src" and not same_origin_image(value):
        return None
    return value


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


def _to_html(markdown: str) -> str:
    tokens = _checkboxes(_MARKDOWN.parse(markdown))
    html = _MARKDOWN.renderer.render(tokens, _MARKDOWN.options, {})
    return nh3.clean(html, attribute_filter=_only_same_origin_images)


def markdown_to_html(markdown: str) -> str:
    """The ADR's Markdown (front matter and all) as safe HTML."""
    return _to_html(strip_front_matter(markdown))


def comment_to_html(body: str) -> str:
    """A comment as safe HTML. Unlike an ADR it has no front matter: a comment that opens with
    "---" keeps every line."""
    return _to_html(body)
