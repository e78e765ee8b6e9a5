"""Background work: PDFs of proposed and accepted decisions rendered before anyone asks.

Run by `manage.py db_worker`. Without a worker nothing breaks: a download renders inline.
"""

from __future__ import annotations

from django_tasks import task

from decisions.documents import adr_document
from decisions.models import Decision
from decisions.pdfs import decision_pdf
from decisions.render.pdf import PAPERS

# Statuses whose PDF is likely to be downloaded: under review, and the record.
PRERENDERED = (Decision.Status.PROPOSED, Decision.Status.ACCEPTED)
# A worker may wait this long for a render slot; downloads by people come first.
SLOT_WAIT_SECONDS = 60.0


@task()
def prerender_decision_pdf(decision_id: int) -> str:
    """Render the decision's A4 PDF into the shared cache, if it is still worth having."""
    decision = Decision.objects.select_related("team").filter(pk=decision_id).first()
    if decision is None or decision.status not in PRERENDERED:
        return "skipped"
    return decision_pdf(adr_document(decision), PAPERS[0], wait_seconds=SLOT_WAIT_SECONDS).outcome
