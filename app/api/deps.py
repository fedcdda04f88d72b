"""Typed dependencies the routes declare with ``Annotated`` aliases."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from app.core.config import Settings
from app.core.errors import ProblemError
from app.core.metrics import Metrics
from app.core.pool import WorkerPool


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
    if not settings.api_keys:
        return
    scheme, _, presented = request.headers.get("authorization", "").partition(" ")
    presented_bytes = presented.strip().encode()
    # Compare against every key, always, so timing reveals neither which key nor how much matched.
    matched = False
    for key in settings.api_keys:
        matched |= hmac.compare_digest(presented_bytes, key.encode())
    if scheme.lower() != "bearer" or not matched:
        metrics.rejected.labels(reason="unauthorized").inc()
        raise ProblemError(401, "Send a valid API key as `Authorization: Bearer <key>`.")
