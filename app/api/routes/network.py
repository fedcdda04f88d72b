"""The stance network over several articles: ``POST /v1/network``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import anyio
import orjson
from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from app.api.deps import MetricsDep, PoolDep, SettingsDep, require_api_key
from app.api.routes.analyze import PROBLEM_RESPONSES
from app.api.service import ConnectedPool, check_batch_size
from app.core.analysis import analyze_documents, batch_entry
from app.core.config import Settings
from app.core.errors import ProblemError
from app.network import Level, build_network
from app.schemas import NetworkRequest, NetworkResponse

router = APIRouter(prefix="/v1", tags=["analysis"], dependencies=[Depends(require_api_key)])

# What one holder-target pair can add to the response beyond its texts: a dyad's fields, or one more
# evidence entry, with the JSON around them (measured: 250-450 bytes; rounded up).
PAIR_BYTES = 512


@router.post(
    "/network",
    operation_id="buildNetwork",
    response_model=NetworkResponse,
    responses={200: {"description": "The dyads between the actors' countries (or the actors)."}, **PROBLEM_RESPONSES},
)
async def build_stance_network(
    http_request: Request, request: NetworkRequest, pool: PoolDep, settings: SettingsDep, metrics: MetricsDep
) -> Response:
    """Aggregate stances into dyads (holder → target): counts by event and quad, mean score, evidence.

    Send `documents` (as to /v1/analyze/batch) to analyse them first, or `analyses` of earlier results.
    """
    entries: list[dict[str, Any]]
    if request.documents is not None:
        check_batch_size(request.documents, settings)
        runner = ConnectedPool(pool, http_request)
        results = await analyze_documents(request.documents, runner, settings, metrics=metrics)
        entries = [
            orjson.loads(batch_entry(document.id, result))
            for document, result in zip(request.documents, results, strict=True)
        ]
    else:
        entries = [analysis.model_dump() for analysis in request.analyses or []]
    check_network_size(entries, settings, request.max_evidence)
    # Off the event loop, one build at a time: even within the limits a build takes a while.
    body = await anyio.to_thread.run_sync(
        _render, entries, request.by, request.max_evidence, limiter=http_request.app.state.network_builds
    )
    return Response(body, media_type="application/json")


def _render(entries: Sequence[Mapping[str, Any]], by: Level, max_evidence: int) -> bytes:
    return orjson.dumps(build_network(entries, by=by, max_evidence=max_evidence))


def check_network_size(entries: Sequence[Mapping[str, Any]], settings: Settings, max_evidence: int) -> None:
    """Refuse (413) a network that would pair too many participants, before any of it is built.

    Every stance counts each holder with each target, so one stance naming 1,000 of each is a
    million dyads: refuse a stance over ``network_max_participants`` on either side, a request over
    ``network_max_dyads`` pairs, and one whose response could exceed ``network_max_response_bytes``.
    """
    pairs = size = 0
    for document, entry in enumerate(entries):
        doc_id = len(str(entry.get("id") or ""))
        for number, stance in enumerate(entry.get("stances") or []):
            holders, targets = len(stance.get("holder") or ()), len(stance.get("target") or ())
            if max(holders, targets) > settings.network_max_participants:
                raise ProblemError(
                    413,
                    f"Stance {number} of analysis {document} has {holders} holders and {targets} targets; "
                    f"a stance may have at most {settings.network_max_participants} of each.",
                    field="analyses",
                )
            evidence, trigger = stance.get("evidence") or {}, stance.get("trigger") or {}
            # With max_evidence 0 no evidence is answered; otherwise each pair may carry this stance's.
            texts = len(evidence.get("text", "")) + len(trigger.get("text", "")) if max_evidence else 0
            pairs += holders * targets
            size += holders * targets * (PAIR_BYTES + texts + doc_id)
    if pairs > settings.network_max_dyads:
        raise ProblemError(
            413,
            f"The stances pair {pairs} holders with targets; one request may count at most "
            f"{settings.network_max_dyads} pairs. Send fewer analyses per request.",
            field="analyses",
        )
    if size > settings.network_max_response_bytes:
        raise ProblemError(
            413,
            f"The network could take {size} bytes; one response may take at most "
            f"{settings.network_max_response_bytes}. Send fewer analyses per request, or a lower max_evidence.",
            field="analyses",
        )
