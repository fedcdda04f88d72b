"""Analysis shared by the routes that take documents: batch analysis and the stance network."""

from __future__ import annotations

import time
from collections.abc import Sequence

from app.api.rendering import check_document, problem_entry, record_outcome, render_analysis
from app.core.config import Settings
from app.core.errors import ProblemError, pool_problem, problem
from app.core.metrics import Metrics
from app.core.pool import PoolError, WorkerPool
from app.schemas import AnalyzeRequest


def check_batch_size(documents: Sequence[AnalyzeRequest], settings: Settings) -> None:
    """Refuse a request that holds more documents than STANCEWIRE_MAX_BATCH."""
    if len(documents) > settings.max_batch:
        raise ProblemError(413, f"A batch holds at most {settings.max_batch} documents.", field="documents")


async def analyze_documents(
    documents: Sequence[AnalyzeRequest], pool: WorkerPool, settings: Settings, metrics: Metrics
) -> list[bytes]:
    """Analyse documents on the pool; return one JSON entry per document, in order.

    Each entry is a v1 analysis, or ``{"id", "error": <problem>}`` for a document that was
    refused or failed: one bad document never fails the others.
    """
    entries: list[bytes | None] = []
    admitted: list[int] = []
    for index, document in enumerate(documents):
        try:
            check_document(document, settings)
        except ProblemError as exc:
            entries.append(problem_entry(document.id, problem(exc.status, exc.detail, slug=exc.slug)))
            continue
        entries.append(None)
        admitted.append(index)
    started = time.perf_counter()
    items = [(documents[i].text, documents[i].options.include_sentences) for i in admitted]
    outcomes = await pool.analyze_many(items) if items else []
    elapsed = time.perf_counter() - started
    for index, outcome in zip(admitted, outcomes, strict=True):
        document = documents[index]
        if isinstance(outcome, PoolError):
            body, reason = pool_problem(outcome)
            metrics.rejected.labels(reason=reason).inc()
            entries[index] = problem_entry(document.id, body)
        else:
            record_outcome(metrics, outcome)
            entries[index] = render_analysis(document, outcome, elapsed, settings.model)
    return [entry for entry in entries if entry is not None]
