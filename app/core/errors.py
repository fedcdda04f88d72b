"""RFC 9457 problem responses for every error the service returns."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

import orjson
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response

from app.core.logging import request_id_var
from app.core.pool import AnalysisFailed, AnalysisTimeout, NotReady, PoolError, QueueFull, WorkerLost
from app.core.security import WWW_AUTHENTICATE

if TYPE_CHECKING:
    from fastapi import FastAPI

PROBLEM_MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("stancewire.errors")

# Pool failures as (status, problem slug, reason label for stancewire_rejected_total).
_POOL_STATUS: dict[type[PoolError], tuple[int, str, str]] = {
    QueueFull: (429, "queue-full", "queue_full"),
    NotReady: (503, "not-ready", "not_ready"),
    WorkerLost: (503, "worker-lost", "worker_lost"),
    AnalysisTimeout: (504, "timeout", "timeout"),
    AnalysisFailed: (500, "analysis-failed", "analysis_failed"),
}
_SLUGS = {400: "bad-request", 401: "unauthorized", 404: "not-found", 405: "method-not-allowed", 408: "body-timeout",
          413: "too-large", 415: "unsupported-media-type", 422: "invalid-body", 431: "header-too-large",
          503: "not-ready"}  # fmt: skip


class ProblemError(Exception):
    """An error the routes raise to answer with a problem document."""

    def __init__(self, status: int, detail: str, *, slug: str | None = None, field: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.slug = slug or _SLUGS.get(status, "error")
        self.field = field


def problem(
    status: int,
    detail: str,
    *,
    slug: str | None = None,
    instance: str | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Build a problem document; inside a request it carries the request's id, as its log lines do."""
    body: dict[str, Any] = {
        "type": f"/problems/{slug or _SLUGS.get(status, 'error')}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if instance is not None:
        body["instance"] = instance
    if errors is not None:
        body["errors"] = errors
    if (request_id := request_id_var.get()) is not None:
        body["request_id"] = request_id
    return body


def problem_response(body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    """Wrap a problem document in an ``application/problem+json`` response."""
    return Response(orjson.dumps(body), status_code=body["status"], media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def problem_of(error: ProblemError | PoolError, instance: str | None = None) -> dict[str, Any]:
    """Return the problem document for a refused document.

    With ``instance`` (the path of the request it answers) a refusal of a field names the field in
    ``errors``; without (an entry of a batch answer) it carries neither.
    """
    if isinstance(error, ProblemError):
        named = error.field is not None and instance is not None
        errors = [{"loc": ["body", error.field], "msg": error.detail, "type": error.slug}] if named else None
        return problem(error.status, error.detail, slug=error.slug, instance=instance, errors=errors)
    status, slug, _ = _POOL_STATUS.get(type(error), (500, "error", "error"))
    return problem(status, str(error), slug=slug, instance=instance)


def rejection_reason(error: PoolError) -> str:
    """The ``reason`` label under which ``stancewire_rejected_total`` counts a pool failure."""
    return _POOL_STATUS.get(type(error), (500, "error", "error"))[2]


def invalid_body_problem(errors: Sequence[Mapping[str, Any]], instance: str | None) -> dict[str, Any]:
    """The 422 problem for a body that fails validation: every offending field, none of its (possibly huge) input."""
    listed = [
        {"loc": [str(part) for part in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": e.get("type")}
        for e in errors
    ]
    first = listed[0] if listed else {"loc": [], "msg": "invalid body"}
    detail = f"{'.'.join(first['loc'])}: {first['msg']}" if first["loc"] else str(first["msg"])
    return problem(422, detail, instance=instance, errors=listed)


def retry_headers(status: int, retry_after: int) -> dict[str, str] | None:
    """Return Retry-After for the statuses a client should retry."""
    return {"Retry-After": str(retry_after)} if status in (429, 503) else None


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error as a problem document, never a stack trace."""
    from fastapi.exceptions import RequestValidationError

    @app.exception_handler(ProblemError)
    async def _problem_error(request: Request, exc: ProblemError) -> Response:
        headers = {"WWW-Authenticate": WWW_AUTHENTICATE} if exc.status == 401 else None
        return problem_response(problem_of(exc, request.url.path), headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        return problem_response(invalid_body_problem(exc.errors(), request.url.path))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).description
        headers = dict(exc.headers) if exc.headers else None
        return problem_response(problem(exc.status_code, detail, instance=request.url.path), headers=headers)

    @app.exception_handler(PoolError)
    async def _pool(request: Request, exc: PoolError) -> Response:
        settings = request.app.state.settings
        body = problem_of(exc, request.url.path)
        request.app.state.metrics.rejected.labels(reason=rejection_reason(exc)).inc()
        return problem_response(body, headers=retry_headers(body["status"], settings.retry_after_s))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path)
        return problem_response(problem(500, "The service failed to handle this request.", instance=request.url.path))
