"""The stance network over several articles: ``POST /v1/network``."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Depends
from starlette.responses import Response

from app.api.deps import MetricsDep, PoolDep, SettingsDep, require_api_key
from app.api.routes.analyze import PROBLEM_RESPONSES
from app.api.service import analyze_documents, check_batch_size
from app.network import build_network
from app.schemas import NetworkRequest, NetworkResponse

router = APIRouter(prefix="/v1", tags=["analysis"], dependencies=[Depends(require_api_key)])


@router.post(
    "/network",
    operation_id="buildNetwork",
    response_model=NetworkResponse,
    responses={200: {"description": "The dyads between the actors' countries (or the actors)."}, **PROBLEM_RESPONSES},
)
async def build_stance_network(
    request: NetworkRequest, pool: PoolDep, settings: SettingsDep, metrics: MetricsDep
) -> Response:
    """Aggregate stances into dyads (holder → target): counts by event and quad, mean score, evidence.

    Send `documents` (as to /v1/analyze/batch) to analyse them first, or `analyses` of earlier results.
    """
    entries: list[dict[str, Any]]
    if request.documents is not None:
        check_batch_size(request.documents, settings)
        entries = [orjson.loads(entry) for entry in await analyze_documents(request.documents, pool, settings, metrics)]
    else:
        entries = [analysis.model_dump() for analysis in request.analyses or []]
    network = build_network(entries, by=request.by, max_evidence=request.max_evidence)
    return Response(orjson.dumps(network), media_type="application/json")
