"""Analysis shared by the routes that take documents: batch analysis and the stance network."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Sequence
from typing import TypeVar

from starlette.requests import Request

from app.api.rendering import check_document, problem_entry, record_outcome, render_analysis
from app.core.config import Settings
from app.core.errors import ProblemError, pool_problem, problem
from app.core.metrics import Metrics
from app.core.middleware import ClientDisconnected
from app.core.pool import CLIENT_GONE, PoolError, WorkerPool
from app.schemas import AnalyzeRequest

T = TypeVar("T")


async def while_connected(request: Request, work: Awaitable[T]) -> T:
    """Await ``work``; if the client disconnects first, cancel it (its documents are dropped) and raise."""
    task = asyncio.ensure_future(work)
    watcher = asyncio.create_task(_disconnected(request))
    try:
        await asyncio.wait({task, watcher}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        watcher.cancel()
        if not task.done():
            task.cancel(CLIENT_GONE)
    if task.done() and not task.cancelled():
        return task.result()
    await asyncio.gather(task, return_exceptions=True)
    raise ClientDisconnected


async def _disconnected(request: Request) -> None:
    # The body has been read: the next message can only be the disconnect (uvicorn sends it when the
    # socket closes; it is never sent for a client that is still there).
    while (await request.receive())["type"] != "http.disconnect":
        pass


def check_batch_size(documents: Sequence[AnalyzeRequest], settings: Settings) -> None:
    """Refuse a request that holds more documents than STANCEWIRE_MAX_BATCH."""
    if len(documents) > settings.max_batch:
        raise ProblemError(413, f"A batch holds at most {settings.max_batch} documents.", field="documents")


async def analyze_documents(
    request: Request, documents: Sequence[AnalyzeRequest], pool: WorkerPool, settings: Settings, metrics: Metrics
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
    outcomes = await while_connected(request, pool.analyze_many(items)) if items else []
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
