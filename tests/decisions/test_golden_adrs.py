"""Three ADRs reviewed once by hand and held: any change to what a record says shows up here as
a diff to read, not as a silent drift. Regenerate after a deliberate change with
`UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/decisions/test_golden_adrs.py`, then read the
diff before committing it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from decisions.render.markdown import render_markdown
from tests.decisions.conftest import make_document

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("outcome", ["serverless", "containers", "hybrid"])
def test_the_adr_reads_as_reviewed(outcome: str) -> None:
    markdown = render_markdown(make_document(outcome))
    path = GOLDEN / f"{outcome}.md"

    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(markdown, encoding="utf-8")
    assert markdown == path.read_text(encoding="utf-8")
