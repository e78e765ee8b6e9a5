"""Cleaning of the free text people type: one rule, used by every form and by the renderers."""

from __future__ import annotations

import re

# The embedding, override and isolate controls and the invisible direction marks. In a title they
# reorder what follows on every page and in every ADR ("Trojan Source"), and no text typed into
# this product needs them: right-to-left scripts render correctly without them.
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def strip_bidi(text: str) -> str:
    """`text` without bidirectional control characters."""
    return BIDI_CONTROLS.sub("", text)
