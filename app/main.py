"""The ASGI application: ``create_app`` builds it, ``app`` is the default instance."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from app import __version__
from app.api.deps import needs_api_key
from app.api.routes import analyze, meta, network, ops, web
from app.core.config import Settings
from app.core.errors import install_error_handlers
from app.core.logging import configure_logging
from app.core.metrics import Metrics
from app.core.middleware import BodyGuardMiddleware, ProblemCORSMiddleware, RequestContextMiddleware
from app.core.pool import WorkerPool

DESCRIPTION = """\
Stancewire turns news articles into structured data: **who** (actors) takes **what stance or
action** (PLOVER 2021 event categories) **toward whom**, with the evidence to trust it.

Every error is an RFC 9457 `application/problem+json` document.
"""


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the worker pool before serving and stop it after the last request."""
    pool = WorkerPool(app.state.settings, app.state.metrics.pool_hooks())
    app.state.pool = pool
    app.state.network_builds = anyio.CapacityLimiter(1)
    app.state.metrics.watch_workers(pool.worker_pids)
    await pool.start()
    try:
        yield
    finally:
        await pool.close()


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the Stancewire ASGI app; nothing heavy happens until its lifespan starts."""
    settings = settings or Settings()
    configure_logging(settings.log_level)
    metrics = Metrics(version=__version__, model=settings.model)
    # Serves /docs and /redoc from packaged assets, so they work where no CDN is reachable.
    app = FastAPIOffline(
        title="Stancewire",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        license_info={"name": "Apache-2.0", "identifier": "Apache-2.0"},
    )
    app.state.settings = settings
    app.state.metrics = metrics
    install_error_handlers(app)
    app.include_router(analyze.router)
    app.include_router(meta.router)
    app.include_router(ops.router)
    app.include_router(network.router)
    app.include_router(web.router)
    web.mount_static(app)
    # Outermost last: request context, then CORS (so every refusal below carries its headers), then the guard.
    app.add_middleware(
        BodyGuardMiddleware,
        routes=[*analyze.router.routes, *network.router.routes],
        metrics=metrics,
        max_bytes=settings.max_body_bytes,
        read_timeout_s=settings.body_timeout_s,
        api_keys=settings.api_keys,
        needs_key=needs_api_key,
    )
    if settings.cors_origins:
        app.add_middleware(
            ProblemCORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After"],
        )
    app.add_middleware(
        RequestContextMiddleware,
        metrics=metrics,
        max_head_bytes=settings.max_head_bytes,
        max_headers=settings.max_headers,
    )
    return app


def __getattr__(name: str) -> FastAPI:
    # `app.main:app` is built on first access, so importing this module stays cheap.
    if name == "app":
        instance = create_app()
        globals()["app"] = instance
        return instance
    raise AttributeError(name)
