"""What the routes that take documents share: the pool bound to a request, and their answers."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from typing import TypeVar

from starlette.requests import Request
from starlette.responses import Response

from app.core.analysis import Analysed, DocumentResult
from app.core.config import Settings
from app.core.errors import ProblemError, problem_response, retry_headers
from app.core.middleware import ClientDisconnected
from app.core.pool import CLIENT_GONE, PoolError, WorkerPool
from app.core.worker import Outcome, WorkItem
from app.schemas import AnalyzeRequest

T = TypeVar("T")
JSON = "application/json"


class ConnectedPool:
    """The worker pool, for one request: its documents are dropped when its client disconnects."""

    def __init__(self, pool: WorkerPool, request: Request) -> None:
        self.pool = pool
        self.request = request

    async def prepare(self) -> None:
        await self.pool.prepare()

    async def analyze_many(self, items: Sequence[WorkItem]) -> list[Outcome | PoolError]:
        return await while_connected(self.request, self.pool.analyze_many(items))


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


def answer(result: DocumentResult, settings: Settings) -> Response:
    """The response to a one-document request: the analysis, or its problem (with Retry-After where due)."""
    if isinstance(result, Analysed):
        return Response(result.body, media_type=JSON)
    return problem_response(result.problem, headers=retry_headers(result.problem["status"], settings.retry_after_s))
