"""Analysis routes: one article, or a batch of them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request
from starlette.responses import Response

from app.api.deps import MetricsDep, PoolDep, SettingsDep, require_api_key
from app.api.examples import analyze_request_example, analyze_response_example
from app.api.service import JSON, ConnectedPool, answer, check_batch_size
from app.core.analysis import analyze_documents, batch_entry
from app.schemas import AnalyzeRequest, AnalyzeResponse, BatchRequest, BatchResponse, Problem

router = APIRouter(prefix="/v1", tags=["analysis"], dependencies=[Depends(require_api_key)])

# The problem responses every document-taking operation documents.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "description": description, "content": {"application/problem+json": {}}}
    for status, description in {
        400: "The request is not valid HTTP, or the body is not valid UTF-8 or not parseable at all.",
        401: "Missing or wrong API key (only when API keys are configured); checked before the body.",
        408: "The request head or the body arrived too slowly.",
        413: "The body or a `text` is too large (or, for /v1/network, what it would pair).",
        415: "The body is not JSON.",
        422: "The body is invalid, `text` is blank, or the language is not `en`.",
        429: "The admission queue is full; retry after `Retry-After` seconds.",
        431: "The request head is too large or has too many header fields.",
        503: "Not ready, rebuilding, shutting down, or too many connections; retry after `Retry-After` seconds.",
        504: "The analysis took longer than STANCEWIRE_TIMEOUT_S.",
    }.items()
}


@router.post(
    "/analyze",
    operation_id="analyze",
    response_model=AnalyzeResponse,
    responses={
        200: {"content": {JSON: {"example": analyze_response_example()}}, "description": "The analysis."},
        **PROBLEM_RESPONSES,
    },
)
async def analyze(
    request: Request,
    document: Annotated[AnalyzeRequest, Body(examples=[analyze_request_example()])],
    pool: PoolDep,
    settings: SettingsDep,
    metrics: MetricsDep,
) -> Response:
    """Analyse one article and return its actors and stances."""
    runner = ConnectedPool(pool, request)
    (result,) = await analyze_documents([document], runner, settings, metrics=metrics, instance=request.url.path)
    return answer(result, settings)


@router.post(
    "/analyze/batch",
    operation_id="analyzeBatch",
    response_model=BatchResponse,
    responses={200: {"description": "One result per document, in order."}, **PROBLEM_RESPONSES},
)
async def analyze_batch(
    request: Request, batch: BatchRequest, pool: PoolDep, settings: SettingsDep, metrics: MetricsDep
) -> Response:
    """Analyse several articles; a document that fails never fails the others."""
    check_batch_size(batch.documents, settings)
    results = await analyze_documents(batch.documents, ConnectedPool(pool, request), settings, metrics=metrics)
    entries = [batch_entry(document.id, result) for document, result in zip(batch.documents, results, strict=True)]
    return Response(b'{"results":[' + b",".join(entries) + b"]}", media_type=JSON)
