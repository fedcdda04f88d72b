"""ASGI middleware: request ids, access logs and metrics; body size, type and pace limits."""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid

import orjson
from starlette.exceptions import HTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import PROBLEM_MEDIA_TYPE, problem
from app.core.logging import request_id_var
from app.core.metrics import Metrics

access_log = logging.getLogger("stancewire.access")
error_log = logging.getLogger("stancewire.errors")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_JSON_TYPE = re.compile(r"^application/([a-z0-9.+-]+\+)?json\s*(;.*)?$", re.IGNORECASE)


async def send_problem(send: Send, status: int, detail: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    """Send a problem document straight from middleware."""
    body = orjson.dumps(problem(status, detail))
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class RequestContextMiddleware:
    """Tag each request with an id, count and time it, and write one access log line."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            # Answer an unexpected error here, inside the request's context, so that its log line
            # and its 500 problem both carry the request id (Starlette's outermost handler runs
            # after the context is gone). The log names the exception type, never a stack trace.
            error_log.exception("unhandled error on %s", scope.get("path", ""))
            if response_started:
                raise
            await send_problem(send_with_id, 500, "The service failed to handle this request.")
        finally:
            elapsed = time.perf_counter() - started
            route_label = _route_label(scope)
            self.metrics.requests.labels(route=route_label, method=scope["method"], status=str(status)).inc()
            self.metrics.request_duration.labels(route=route_label).observe(elapsed)
            access_log.info(
                "request",
                extra={
                    "fields": {
                        "method": scope["method"],
                        "route": route_label,
                        "status": status,
                        "duration_ms": round(elapsed * 1000, 2),
                    }
                },
            )
            request_id_var.reset(token)


def _route_label(scope: Scope) -> str:
    """The route template that answered, ``<mount>/*`` for mounted files, else ``unmatched``."""
    template = getattr(scope.get("route"), "path", None)
    if template:
        return str(template)
    # A mount (static files) sets no route, but extends root_path by its own fixed prefix.
    mount = scope.get("root_path", "")[len(scope.get("app_root_path", "")) :]
    return f"{mount}/*" if mount and "endpoint" in scope else "unmatched"


def _routed(scope: Scope) -> bool:
    """True when a route takes this method and path, so its body will be read."""
    router = getattr(scope.get("app"), "router", None)
    if router is None:
        return True
    return any(route.matches(scope)[0] == Match.FULL for route in router.routes)


class BodyGuardMiddleware:
    """Refuse bodies that are too large, not JSON, or sent too slowly, before anyone parses them."""

    def __init__(self, app: ASGIApp, metrics: Metrics, max_bytes: int, read_timeout_s: float) -> None:
        self.app = app
        self.metrics = metrics
        self.max_bytes = max_bytes
        self.read_timeout_s = read_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH") or not _routed(scope):
            # Nothing will read this body: let the router answer (404, or 405 for a wrong method).
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        content_type = headers.get(b"content-type", b"").decode("latin-1")
        if not _JSON_TYPE.match(content_type):
            self.metrics.rejected.labels(reason="unsupported_media_type").inc()
            await send_problem(send, 415, "Send the body as application/json.")
            return
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            self.metrics.rejected.labels(reason="too_large").inc()
            await send_problem(
                send, 413, f"The body is larger than {self.max_bytes} bytes.", [(b"connection", b"close")]
            )
            return
        await self._guarded(scope, receive, send)

    async def _guarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        received = 0
        complete = False
        loop = asyncio.get_running_loop()
        # One deadline for the whole body, not per chunk: a client trickling a byte at a time
        # must not hold the connection open for ever.
        deadline = loop.time() + self.read_timeout_s

        async def limited_receive() -> Message:
            nonlocal received, complete
            if complete:  # later receives only wait for a disconnect; they are not part of the body
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), max(deadline - loop.time(), 0.0))
            except TimeoutError:
                self.metrics.rejected.labels(reason="body_timeout").inc()
                raise HTTPException(408, f"The body was not received within {self.read_timeout_s:g} s.") from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    self.metrics.rejected.labels(reason="too_large").inc()
                    raise HTTPException(413, f"The body is larger than {self.max_bytes} bytes.")
                complete = not message.get("more_body", False)
            return message

        await self.app(scope, limited_receive, send)
