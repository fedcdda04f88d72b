"""``stancewire serve``: uvicorn with h11, plus the connection limits uvicorn cannot express.

uvicorn bounds the request head only with its h11 parser (``h11_max_incomplete_event_size``; its
default httptools parser takes a header of any size), never closes a connection that has not sent
a whole head (its keep-alive timer starts after a first response, and any byte cancels it), and has
no cap on open connections (``limit_concurrency`` answers 503 to every request, probes included).
So the service runs uvicorn's h11 protocol, which does all the HTTP parsing, and this subclass adds
timers and a connection cap around it. docs/security.md compares the servers that were measured.
"""

from __future__ import annotations

import asyncio
import logging
import resource
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, ClassVar

import orjson
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from app.core.config import Settings
from app.core.errors import PROBLEM_MEDIA_TYPE, problem
from app.core.metrics import Metrics

log = logging.getLogger("stancewire.server")

# File descriptors the process needs beside its connections: worker pipes and sentinels, the
# listening socket, logs, the model's files, the event loop's own.
FD_RESERVE = 256
# After an answer that ends a connection, what the client may still send is read and dropped for
# this long, up to this many bytes, before the socket closes: closing with unread data would send a
# reset, and a client still uploading would lose the answer (nginx's "lingering close").
LINGER_S = 2.0
LINGER_BYTES = 1_048_576


class LingeringTransport:
    """A transport whose ``close`` first sends FIN, then drains the client for a moment (see LINGER_S)."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._lingering = False
        self._drained = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)

    @property
    def lingering(self) -> bool:
        return self._lingering

    def is_closing(self) -> bool:
        return self._lingering or self._transport.is_closing()

    def close(self) -> None:
        if self._lingering or self._transport.is_closing():
            return
        self._lingering = True
        if not self._transport.can_write_eof():
            self._transport.close()
            return
        try:
            self._transport.write_eof()
        except OSError:
            self._transport.close()
            return
        self._transport.resume_reading()
        self._loop.call_later(LINGER_S, self._transport.close)

    def close_now(self) -> None:
        """Close without lingering: for a connection that owes the client nothing."""
        self._lingering = True
        self._transport.close()

    def drain(self, data: bytes) -> None:
        """Drop what the client sent after the end; close once it has sent too much."""
        self._drained += len(data)
        if self._drained > LINGER_BYTES:
            self._transport.close()


@dataclass(frozen=True, slots=True)
class ConnectionLimits:
    """What one connection may hold, and how many may be open at once."""

    max_head_bytes: int
    head_timeout_s: float
    keepalive_timeout_s: float
    max_connections: int
    retry_after_s: int
    on_reject: Callable[[str], None] = lambda reason: None  # a refusal answered with a problem
    on_close: Callable[[str], None] = lambda reason: None  # a connection closed without an answer
    on_connections: Callable[[int], None] = lambda count: None  # open connections now


def raw_problem(status: int, detail: str, slug: str, headers: tuple[tuple[str, str], ...] = ()) -> bytes:
    """A complete HTTP/1.1 problem response that closes the connection, for when no request was parsed."""
    body = orjson.dumps(problem(status, detail, slug=slug))
    lines = [
        f"HTTP/1.1 {status} {HTTPStatus(status).phrase}",
        f"content-type: {PROBLEM_MEDIA_TYPE}",
        f"content-length: {len(body)}",
        "connection: close",
        *(f"{name}: {value}" for name, value in headers),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a head deadline, an idle deadline and a connection cap.

    - A connection must start a request within ``keepalive_timeout_s`` of opening or of its last
      response, and finish the request head within ``head_timeout_s``; else it is closed (with a
      408 problem if part of a head had arrived).
    - A head still incomplete past ``max_head_bytes`` gets a 431 problem: h11 stops buffering there, so
      a connection never holds more than that plus one read. (A complete head that arrived in one read
      is measured exactly by ``RequestContextMiddleware``.)
    - At ``max_connections`` a new connection closes the oldest one that is between requests, so
      idle sockets can never lock out a probe; only when every connection is mid-request is the
      new one refused with a 503 problem.
    """

    limits: ClassVar[ConnectionLimits]
    # Open connections, oldest first (dicts keep insertion order).
    opened: ClassVar[dict[GuardedH11Protocol, None]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._idle_timer: asyncio.TimerHandle | None = None
        self._head_timer: asyncio.TimerHandle | None = None
        self._head_bytes = 0

    @classmethod
    def with_limits(cls, limits: ConnectionLimits) -> type[GuardedH11Protocol]:
        """Return a protocol class bound to ``limits``, with its own registry of open connections."""
        return type(cls.__name__, (cls,), {"limits": limits, "opened": {}})

    # -- connection lifecycle ------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(LingeringTransport(transport, self.loop))  # type: ignore[arg-type]
        if len(self.opened) >= self.limits.max_connections and not self._evict_idle():
            self._reject(503, "too_many_connections", "too-many-connections", "Too many open connections; retry.")
            return
        self.opened[self] = None
        self.limits.on_connections(len(self.opened))
        self._await_request()

    def connection_lost(self, exc: Exception | None) -> None:
        if self in self.opened:
            del self.opened[self]
            self.limits.on_connections(len(self.opened))
        self._cancel_timers()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if isinstance(self.transport, LingeringTransport) and self.transport.lingering:
            self.transport.drain(data)
            return
        if self._between_requests():
            self._head_bytes += len(data)
            if self._idle_timer is not None:
                self._idle_timer.cancel()
                self._idle_timer = None
        super().data_received(data)
        if not self._between_requests():
            self._cancel_timers()  # a head was parsed: the body and the analysis have deadlines of their own

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self._between_requests():
            # Our idle deadline replaces uvicorn's keep-alive timer, which any stray byte would cancel.
            self._unset_keepalive_if_required()
            self._await_request()

    def send_400_response(self, msg: str) -> None:
        """Answer a head h11 refused with a problem: 431 if it outgrew the limit, else 400."""
        if len(self.conn.trailing_data[0]) > self.limits.max_head_bytes:
            detail = f"The request head is larger than {self.limits.max_head_bytes} bytes."
            self._reject(431, "header_too_large", "header-too-large", detail)
        else:
            self._reject(400, "bad_request", "bad-request", "The request is not valid HTTP/1.1.")

    # -- deadlines and the cap -----------------------------------------------------------------

    def _between_requests(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _await_request(self) -> None:
        self._cancel_timers()
        self._head_bytes = 0
        self._idle_timer = self.loop.call_later(self.limits.keepalive_timeout_s, self._on_idle_timeout)
        self._head_timer = self.loop.call_later(self.limits.head_timeout_s, self._on_head_timeout)

    def _cancel_timers(self) -> None:
        for timer in (self._idle_timer, self._head_timer):
            if timer is not None:
                timer.cancel()
        self._idle_timer = self._head_timer = None

    def _on_idle_timeout(self) -> None:
        if self._between_requests() and self._head_bytes == 0:
            self.limits.on_close("idle")
            self._close_now()

    def _on_head_timeout(self) -> None:
        if not self._between_requests():
            return
        if self._head_bytes:
            detail = f"The request head was not received within {self.limits.head_timeout_s:g} s."
            self._reject(408, "head_timeout", "head-timeout", detail)
        else:
            self.limits.on_close("idle")
            self._close_now()

    def _evict_idle(self) -> bool:
        """Close the oldest connection that is between requests; False if every one is mid-request."""
        for protocol in self.opened:
            if protocol._between_requests():
                del self.opened[protocol]
                self.limits.on_close("evicted")
                protocol._close_now()
                return True
        return False

    def _reject(self, status: int, reason: str, slug: str, detail: str) -> None:
        self.limits.on_reject(reason)
        headers = (("retry-after", str(self.limits.retry_after_s)),) if status == 503 else ()
        if not self.transport.is_closing():
            self.transport.write(raw_problem(status, detail, slug, headers))
        self._close()

    def _close(self) -> None:
        """Close after the answer just written, lingering so that the client can read it."""
        self._cancel_timers()
        self.transport.close()

    def _close_now(self) -> None:
        self._cancel_timers()
        transport = self.transport
        if isinstance(transport, LingeringTransport):
            transport.close_now()
        else:
            transport.close()


def connection_limits(settings: Settings, metrics: Metrics | None = None) -> ConnectionLimits:
    """The limits from the settings, with the connection cap fitted under the process's file limit."""
    callbacks: dict[str, Callable[[Any], None]] = {}
    if metrics is not None:
        callbacks = {
            "on_reject": lambda reason: metrics.rejected.labels(reason=reason).inc(),
            "on_close": lambda reason: metrics.connections_closed.labels(reason=reason).inc(),
            "on_connections": metrics.connections.set,
        }
    return ConnectionLimits(
        max_head_bytes=settings.max_head_bytes,
        head_timeout_s=settings.head_timeout_s,
        keepalive_timeout_s=settings.keepalive_timeout_s,
        max_connections=fit_file_limit(settings.max_connections),
        retry_after_s=settings.retry_after_s,
        **callbacks,
    )


def fit_file_limit(max_connections: int) -> int:
    """Raise the soft file limit to fit the connection cap; lower the cap if the hard limit cannot."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = max_connections + FD_RESERVE
    if hard != resource.RLIM_INFINITY and needed > hard:
        fitted = max(hard - FD_RESERVE, 1)
        log.warning("STANCEWIRE_MAX_CONNECTIONS %d is over the file limit %d: using %d", max_connections, hard, fitted)
        max_connections, needed = fitted, hard
    if soft != resource.RLIM_INFINITY and needed > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))
    return max_connections


def serve(settings: Settings) -> None:
    """Run the service on ``settings.host:port`` until SIGINT or SIGTERM."""
    from app.main import create_app

    app = create_app(settings)
    limits = connection_limits(settings, app.state.metrics)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        http=GuardedH11Protocol.with_limits(limits),
        h11_max_incomplete_event_size=settings.max_head_bytes,
        timeout_keep_alive=max(int(settings.keepalive_timeout_s), 1),
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=int(settings.timeout_s) + 5,
    )
