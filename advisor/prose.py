"""Small rules for writing generated text as a person would: one place for each.

Labels and reasons in the framework are whole sentences or capitalised labels; these helpers put
them inside other sentences (lowering the first letter unless it starts an acronym), join lists
and close sentences.
"""

from __future__ import annotations


def lower_first(text: str) -> str:
    """Text made to continue a sentence: "A new system" reads "a new system", but acronyms
    ("API calls", "HTTP requests"), "I" and "I/O" keep their capitals."""
    if text[1:2].isupper() or text[:2] in ("I ", "I'") or text[:3] == "I/O":
        return text
    return text[:1].lower() + text[1:]


def clause(text: str) -> str:
    """A sentence as a clause inside another: first letter lowered, final stop dropped."""
    return lower_first(text.strip().rstrip("."))


def sentence(text: str) -> str:
    """Text closed as a sentence."""
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def join_words(items: list[str], last: str = "and") -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"
