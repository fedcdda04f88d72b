"""Typed dependencies the routes declare with ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.routing import BaseRoute

from app.core.config import Settings
from app.core.errors import ProblemError
from app.core.metrics import Metrics
from app.core.pool import WorkerPool
from app.core.security import UNAUTHORIZED_DETAIL, api_key_accepted


def get_settings(request: Request) -> Settings:
    """Return the settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_pool(request: Request) -> WorkerPool:
    """Return the app's worker pool."""
    pool: WorkerPool = request.app.state.pool
    return pool


def get_metrics(request: Request) -> Metrics:
    """Return the app's metrics."""
    metrics: Metrics = request.app.state.metrics
    return metrics


SettingsDep = Annotated[Settings, Depends(get_settings)]
PoolDep = Annotated[WorkerPool, Depends(get_pool)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]


def require_api_key(request: Request, settings: SettingsDep, metrics: MetricsDep) -> None:
    """Require ``Authorization: Bearer <key>`` when API keys are configured."""
    # Requests with a body were checked before it was read (BodyGuardMiddleware); this covers the rest.
    if settings.api_keys and not api_key_accepted(request.headers.get("authorization", ""), settings.api_keys):
        metrics.rejected.labels(reason="unauthorized").inc()
        raise ProblemError(401, UNAUTHORIZED_DETAIL)


def needs_api_key(route: BaseRoute) -> bool:
    """True for a route that declares ``require_api_key`` (every /v1 route)."""
    return any(depends.dependency is require_api_key for depends in getattr(route, "dependencies", ()))
