"""Every decision as one zip of MADR files, laid out the way adr-tools and log4brains read them.

`decisions/NNNN-slug.md` holds one ADR each (the Markdown renderer's output, with the supersede
links in its front matter) and `decisions/README.md` lists them. The archive depends on the
data alone: entries are sorted and every entry carries the same timestamp and permissions, so the
same decisions always give the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from decisions.documents import adr_document
from decisions.models import Decision
from decisions.render.markdown import inline, render_markdown
from decisions.selectors import decisions_visible_to

FOLDER = "decisions"
INDEX = "README.md"
ARCHIVE_NAME = "decisions.zip"
# Zip stores local times without a zone; a fixed one (the format's epoch) keeps the bytes stable.
FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)


def adr_filename(decision: Decision) -> str:
    return f"{decision.filename_stem}.md"


def adr_markdown(decision: Decision) -> str:
    """The decision's MADR file, with its supersede links in the front matter."""
    older = sorted(decision.supersedes.all(), key=lambda d: d.number)
    newer = [decision.superseded_by] if decision.superseded_by is not None else []
    document = adr_document(decision).model_copy(
        update={
            "supersedes": [adr_filename(d) for d in older],
            "superseded_by": [adr_filename(d) for d in newer],
        }
    )
    return render_markdown(document)


def _status(decision: Decision) -> str:
    label = decision.get_status_display()
    if decision.superseded_by is not None:
        newer = decision.superseded_by
        return f"{label} by [{newer.adr_id}]({adr_filename(newer)})"
    return label


def index_markdown(decisions: list[Decision]) -> str:
    """The index: a table of every exported decision, oldest first."""
    lines = [
        "# Architecture Decision Records",
        "",
        "Each record follows MADR 4 and lists its status and date in its front matter.",
        "",
    ]
    if not decisions:
        lines.append("No decisions have been recorded yet.")
        return "\n".join(lines) + "\n"
    lines += ["| Number | Title | Status | Date |", "| --- | --- | --- | --- |"]
    lines += [
        f"| {decision.number:04d} | [{inline(decision.title)}]({adr_filename(decision)}) "
        f"| {_status(decision)} | {decision.decided_on.isoformat()} |"
        for decision in decisions
    ]
    return "\n".join(lines) + "\n"


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(f"{FOLDER}/{name}", date_time=FIXED_DATE_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, so the permissions below mean the same on every platform
    info.external_attr = 0o644 << 16
    return info


def export_zip(decisions: Iterable[Decision]) -> bytes:
    ordered = sorted(decisions, key=lambda decision: decision.number)
    # Three queries for the whole export instead of three per decision.
    prefetch_related_objects(ordered, "team", "superseded_by", "supersedes")
    files = {adr_filename(decision): adr_markdown(decision) for decision in ordered}
    files[INDEX] = index_markdown(ordered)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            archive.writestr(_entry(name), files[name].encode("utf-8"))
    return buffer.getvalue()


@require_GET
@login_required
def decisions_export(request: HttpRequest) -> HttpResponse:
    """Every decision this person may see, as one zip of MADR files."""
    response = HttpResponse(
        export_zip(decisions_visible_to(request.user)), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="{ARCHIVE_NAME}"'
    return response
