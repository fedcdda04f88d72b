"""ASGI middleware: request ids, access logs and metrics; header, key, body size, type and pace limits."""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid
from collections.abc import Callable, Sequence

import orjson
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import PROBLEM_MEDIA_TYPE, problem, problem_response
from app.core.logging import request_id_var
from app.core.metrics import Metrics
from app.core.security import UNAUTHORIZED_DETAIL, WWW_AUTHENTICATE, api_key_accepted

access_log = logging.getLogger("stancewire.access")
error_log = logging.getLogger("stancewire.errors")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_JSON_TYPE = re.compile(r"^application/([a-z0-9.+-]+\+)?json\s*(;.*)?$", re.IGNORECASE)


_CLOSE = (b"connection", b"close")
# Logged and counted for a request whose client left before its answer (nginx's code; nothing is sent).
CLIENT_CLOSED_REQUEST = 499


class ClientDisconnected(Exception):
    """The client went away before its answer was ready; the work for it was dropped."""


async def send_problem(
    send: Send, scope: Scope, status: int, detail: str, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    """Send a problem document straight from middleware."""
    body = orjson.dumps(problem(status, detail, instance=scope.get("path")))
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
    """Tag each request with an id, count and time it, and write one access log line.

    It also refuses a request head over ``max_head_bytes`` or with more than ``max_headers`` fields
    (431), and closes the connection after any response sent before the request's body was read to
    its end, so that a client the service gave up on cannot keep its socket by trickling the rest.
    """

    def __init__(self, app: ASGIApp, *, metrics: Metrics, max_head_bytes: int, max_headers: int) -> None:
        self.app = app
        self.metrics = metrics
        self.max_head_bytes = max_head_bytes
        self.max_headers = max_headers

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
        body_read = not _has_body(scope)

        async def receive_tracked() -> Message:
            nonlocal body_read
            message = await receive()
            if message["type"] == "http.request" and not message.get("more_body", False):
                body_read = True
            return message

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                headers = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
                if not body_read and _CLOSE not in headers:
                    headers.append(_CLOSE)
                message["headers"] = headers
            await send(message)

        app = self._refusal(scope) or self.app
        try:
            await app(scope, receive_tracked, send_with_id)
        except ClientDisconnected:
            status = CLIENT_CLOSED_REQUEST
        except Exception:
            # Answer an unexpected error here, inside the request's context, so that its log line
            # and its 500 problem both carry the request id (Starlette's outermost handler runs
            # after the context is gone). The log names the exception type, never a stack trace.
            error_log.exception("unhandled error on %s", scope.get("path", ""))
            if response_started:
                raise
            await send_problem(send_with_id, scope, 500, "The service failed to handle this request.")
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

    def _refusal(self, scope: Scope) -> ASGIApp | None:
        """A 431 answer for a head over the limits, else None."""
        headers = scope["headers"]
        if len(headers) > self.max_headers:
            reason, detail = "too_many_headers", f"The request has more than {self.max_headers} header fields."
        elif _head_bytes(scope) > self.max_head_bytes:
            reason, detail = "header_too_large", f"The request head is larger than {self.max_head_bytes} bytes."
        else:
            return None
        self.metrics.rejected.labels(reason=reason).inc()

        async def refuse(scope: Scope, receive: Receive, send: Send) -> None:
            await send_problem(send, scope, 431, detail, [_CLOSE])

        return refuse


def _route_label(scope: Scope) -> str:
    """The route template that answered, ``<mount>/*`` for mounted files, else ``unmatched``."""
    template = getattr(scope.get("route"), "path", None)
    if template:
        return str(template)
    # A mount (static files) sets no route, but extends root_path by its own fixed prefix.
    mount = scope.get("root_path", "")[len(scope.get("app_root_path", "")) :]
    return f"{mount}/*" if mount and "endpoint" in scope else "unmatched"


def _head_bytes(scope: Scope) -> int:
    """The size of the request line and header fields as they came (each ``name: value`` line with its CRLF)."""
    line = len(scope.get("raw_path", b"")) + len(scope.get("query_string", b"")) + len(scope["method"]) + 12
    return line + sum(len(name) + len(value) + 4 for name, value in scope["headers"])


def _has_body(scope: Scope) -> bool:
    headers = dict(scope["headers"])
    return b"transfer-encoding" in headers or headers.get(b"content-length", b"0") not in (b"0", b"")


def _match_route(scope: Scope, routes: Sequence[BaseRoute]) -> BaseRoute | None:
    """Return the route that takes this method and path, recording it in the scope as the router would."""
    for route in routes:
        match, child_scope = route.matches(scope)
        if match == Match.FULL:
            # The route's template labels this request's metrics even if it is refused here.
            scope["route"] = child_scope.get("route", route)
            return route
    return None


class BodyGuardMiddleware:
    """Refuse what no route should read: a missing API key, then a body too large, not JSON, or too slow.

    Runs before the body is parsed, so an anonymous client learns nothing from validation errors and
    no one makes the service buffer a body it will refuse.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        routes: Sequence[BaseRoute],
        metrics: Metrics,
        max_bytes: int,
        read_timeout_s: float,
        api_keys: list[str],
        needs_key: Callable[[BaseRoute], bool],
    ) -> None:
        self.app = app
        self.routes = routes  # the routes that read a body
        self.metrics = metrics
        self.max_bytes = max_bytes
        self.read_timeout_s = read_timeout_s
        self.api_keys = api_keys
        self.needs_key = needs_key

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = _match_route(scope, self.routes) if scope["type"] == "http" else None
        if route is None:
            # Nothing will read a body here: let the router answer (404, 405, or a route without one).
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if (
            self.api_keys
            and self.needs_key(route)
            and not api_key_accepted(headers.get("authorization", ""), self.api_keys)
        ):
            self.metrics.rejected.labels(reason="unauthorized").inc()
            await send_problem(
                send, scope, 401, UNAUTHORIZED_DETAIL, [(b"www-authenticate", WWW_AUTHENTICATE.encode())]
            )
            return
        if not _JSON_TYPE.match(headers.get("content-type", "")):
            self.metrics.rejected.labels(reason="unsupported_media_type").inc()
            await send_problem(send, scope, 415, "Send the body as application/json.")
            return
        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            self.metrics.rejected.labels(reason="too_large").inc()
            await send_problem(send, scope, 413, f"The body is larger than {self.max_bytes} bytes.")
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


class ProblemCORSMiddleware(CORSMiddleware):
    """Starlette's CORS middleware, whose refused preflights are problem documents like every other 4xx."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope) if scope["type"] == "http" else None
        if (
            headers is not None
            and scope["method"] == "OPTIONS"
            and "origin" in headers
            and "access-control-request-method" in headers
        ):
            response = self.preflight_response(request_headers=headers)
            if response.status_code >= 400:
                response = _as_problem(response, scope)
            await response(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def _as_problem(response: Response, scope: Scope) -> Response:
    kept = {k: v for k, v in response.headers.items() if k not in ("content-type", "content-length")}
    detail = bytes(response.body).decode() + "."
    return problem_response(problem(response.status_code, detail, instance=scope.get("path")), headers=kept)
