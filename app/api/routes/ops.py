"""Operational endpoints: liveness, readiness and metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.responses import Response

from app.api.deps import MetricsDep, PoolDep, SettingsDep, require_api_key
from app.core.errors import problem, problem_response
from app.schemas import Health, Problem

router = APIRouter(tags=["operations"])


@router.get("/healthz", operation_id="getHealth", response_model=Health)
async def healthz() -> Health:
    """Report that the event loop answers (liveness; workers are not consulted)."""
    return Health(status="ok")


@router.get(
    "/readyz",
    operation_id="getReadiness",
    response_model=Health,
    responses={503: {"model": Problem, "description": "Not ready.", "content": {"application/problem+json": {}}}},
)
async def readyz(pool: PoolDep, settings: SettingsDep) -> Health | Response:
    """Report whether every worker has its model loaded and the pool is not rebuilding."""
    if pool.ready:
        return Health(status="ready", workers=len(pool.worker_pids()), restarts=pool.restarts)
    body = problem(503, "Workers are starting, being replaced, or shutting down.", slug="not-ready", instance="/readyz")
    return problem_response(body, headers={"Retry-After": str(settings.retry_after_s)})


@router.get(
    "/metrics",
    operation_id="getMetrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {"schema": {"type": "string"}}}, "description": "Metrics."}},
)
async def metrics(request: Request, settings: SettingsDep, app_metrics: MetricsDep) -> Response:
    """Expose Prometheus metrics."""
    if settings.protect_ops_endpoints:
        require_api_key(request, settings, app_metrics)
    return Response(generate_latest(app_metrics.registry), media_type=CONTENT_TYPE_LATEST)
