"""How ``stancewire batch`` sends a document: to a running service, or to a worker pool of its own.

Each ``attempt`` ends in an ``Attempt``: a line to write, a reason to retry, or a *fatal* reason (the
service is unreachable or refuses the key), which is not the document's fault. ``RemoteAnalyser``
checks the service before the first document and recycles its connections; ``LocalAnalyser`` runs
the service's own pool in this process; ``validate_document`` gives the service's answer to a
document it would refuse, for ``--local`` and Ray alike.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

import orjson

from app.batch_input import DATE_FIELD, Document, local_problem
from app.batch_output import error_line

RETRY_STATUSES = frozenset({429, 502, 503, 504})


class Fatal(Exception):
    """The run cannot go on: the service is unreachable, not Stancewire, or refuses the key."""


@dataclass(slots=True)
class Attempt:
    """The result of one try at a document: a line to write, a reason to retry, or a fatal reason."""

    line: bytes | None = None
    failed: bool = False
    retry: bool = False
    retry_after: float | None = None
    reason: str = ""
    fatal: str | None = None


def retry_after_seconds(value: str | None) -> float | None:
    """Parse ``Retry-After``: seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


class Analyser(Protocol):
    workers: int
    takes_date: bool

    async def attempt(self, document: Document) -> Attempt: ...

    async def aclose(self, now: bool = False) -> None: ...


@dataclass
class _Client:
    client: Any
    born: float
    users: int = 0
    retired: bool = False


class RemoteAnalyser:
    """Post each document to ``/v1/analyze`` of a running service.

    A Kubernetes Service (and most load balancers) picks a pod per connection, so connections are
    recycled: after ``recycle_s`` new requests go out on a fresh client, and the old one is closed
    once its requests are answered. Pods that the autoscaler adds mid-run so get their share.
    """

    def __init__(self, url: str, timeout: float, api_key: str | None, recycle_s: float) -> None:
        self.url = url.rstrip("/")
        self._timeout = timeout
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._recycle_s = recycle_s
        self._limit = 1
        self._current: _Client | None = None
        self._closing: set[asyncio.Task[None]] = set()
        self.workers = 1
        self.takes_date = False

    def _client(self) -> _Client:
        import httpx

        now = time.monotonic()
        current = self._current
        if current is None or now - current.born >= self._recycle_s:
            if current is not None:
                current.retired = True
                self._close_when_idle(current)
            limits = httpx.Limits(max_connections=self._limit, max_keepalive_connections=self._limit)
            client = httpx.AsyncClient(
                base_url=self.url,
                headers=self._headers,
                timeout=httpx.Timeout(self._timeout, connect=5.0),
                limits=limits,
            )
            self._current = current = _Client(client, now)
        return current

    def _close_when_idle(self, entry: _Client) -> None:
        if entry.users == 0:
            task = asyncio.get_running_loop().create_task(entry.client.aclose())
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)

    @contextlib.asynccontextmanager
    async def _using(self) -> AsyncIterator[Any]:
        entry = self._client()
        entry.users += 1
        try:
            yield entry.client
        finally:
            entry.users -= 1
            if entry.retired:
                self._close_when_idle(entry)

    async def check(self, wait_ready_s: float) -> None:
        """Before any document: the service answers, is ready, is Stancewire, and takes the key.

        Raise ``Fatal`` with one clear message otherwise. A service that is starting (503 on
        /readyz) is waited for up to ``wait_ready_s``; a refused connection is tried for 3 s.
        """
        import httpx

        async with self._using() as client:
            deadline = time.monotonic() + wait_ready_s
            refused_until = time.monotonic() + 3.0
            said_waiting = False
            while True:
                try:
                    ready = await client.get("/readyz", timeout=5.0)
                except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                    if time.monotonic() < refused_until:
                        await asyncio.sleep(0.5)
                        continue
                    raise Fatal(
                        f"cannot reach the service at {self.url}: {describe(exc)} (is it running there?)"
                    ) from None
                except httpx.HTTPError as exc:
                    raise Fatal(f"the service at {self.url} did not answer GET /readyz ({describe(exc)})") from None
                if ready.status_code == 200:
                    break
                if ready.status_code != 503:
                    raise Fatal(
                        f"{self.url} is not a Stancewire service: GET /readyz answered {ready.status_code}"
                        " (check --url: the base URL, without /v1)"
                    )
                if time.monotonic() >= deadline:
                    raise Fatal(f"the service at {self.url} did not become ready within {wait_ready_s:g} s")
                if not said_waiting:
                    print(f"stancewire batch: waiting for {self.url} to become ready …", file=sys.stderr)
                    said_waiting = True
                await asyncio.sleep(1.0)
            with contextlib.suppress(ValueError):
                self.workers = max(int(ready.json().get("workers") or 1), 1)
            # /v1/taxonomy does no work, and answers 401 exactly where /v1/analyze would.
            try:
                keyed = await client.get("/v1/taxonomy", timeout=10.0)
            except httpx.HTTPError as exc:
                raise Fatal(f"the service at {self.url} did not answer GET /v1/taxonomy ({describe(exc)})") from None
            if keyed.status_code in (401, 403):
                advice = "the key was refused" if self._headers else "it needs an API key"
                raise Fatal(
                    f"the service at {self.url} answered {keyed.status_code}: {advice}"
                    " (pass --api-key or set STANCEWIRE_API_KEY)"
                )
            if keyed.status_code != 200:
                raise Fatal(f"the service at {self.url} answered GET /v1/taxonomy with {keyed.status_code}")
            self.takes_date = await self._contract_takes_date(client)

    async def _contract_takes_date(self, client: Any) -> bool:
        """Whether this service's AnalyzeRequest has ``date`` (older ones refuse unknown fields)."""
        import httpx

        try:
            spec = (await client.get("/openapi.json", timeout=10.0)).json()
            properties = spec["components"]["schemas"]["AnalyzeRequest"]["properties"]
        except (httpx.HTTPError, ValueError, KeyError, TypeError):
            return False  # no contract to read: send only what every version takes
        return DATE_FIELD in properties

    def set_limit(self, concurrency: int) -> None:
        """Allow ``concurrency`` connections: the next request opens a client with that many."""
        self._limit = concurrency
        if self._current is not None:
            self._current.retired = True
            self._close_when_idle(self._current)
            self._current = None

    async def attempt(self, document: Document) -> Attempt:
        import httpx

        try:
            async with self._using() as client:
                response = await client.post("/v1/analyze", json=document.request(self.takes_date))
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            reason = f"cannot reach {self.url} ({describe(exc)})"
            return Attempt(retry=True, reason=reason, fatal=reason)
        except httpx.TransportError as exc:
            return Attempt(retry=True, reason=describe(exc))
        status = response.status_code
        if status == 200:
            content = response.content.strip()
            try:
                analysis = orjson.loads(content)
            except orjson.JSONDecodeError:
                return Attempt(retry=True, reason="the response was not JSON")
            if b"\n" in content:  # keep one document to one line, whatever the server's formatting
                content = orjson.dumps(analysis)
            return Attempt(line=content + b"\n")
        if status in (401, 403):
            return Attempt(fatal=f"the service answered {status}: the API key was refused")
        if status == 404:
            return Attempt(fatal=f"the service answered 404 for POST /v1/analyze (check --url: {self.url})")
        try:
            problem = orjson.loads(response.content)
            if not isinstance(problem, dict):
                raise ValueError
        except ValueError:
            problem = local_problem(status, "HTTP error", response.text[:500])
        if status in RETRY_STATUSES:
            return Attempt(
                line=error_line(document.id, problem),
                failed=True,
                retry=True,
                retry_after=retry_after_seconds(response.headers.get("retry-after")),
                reason=f"HTTP {status}",
            )
        return Attempt(line=error_line(document.id, problem), failed=True)

    async def aclose(self, now: bool = False) -> None:
        if self._current is not None:
            await self._current.client.aclose()
        if self._closing:
            await asyncio.gather(*self._closing, return_exceptions=True)


def describe(exc: BaseException) -> str:
    """An HTTP client error in a few words."""
    import httpx

    text = str(exc)
    if isinstance(exc, httpx.ConnectTimeout):
        return "the connection timed out"
    if isinstance(exc, httpx.ConnectError) and text in ("", "All connection attempts failed"):
        return "connection refused"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class LocalAnalyser:
    """Run the service's pipeline in this process's own worker pool, without a server."""

    def __init__(self, workers: int | None) -> None:
        from app.core.config import Settings
        from app.core.pool import WorkerPool
        from app.schemas import AnalyzeRequest

        overrides: dict[str, Any] = {"log_level": "warning"}
        if workers:
            overrides["workers"] = workers
        self.settings = Settings(**overrides)
        self.workers = self.settings.workers
        # Sent where this version's contract has it; the analysis takes it once the pool does.
        self.takes_date = DATE_FIELD in AnalyzeRequest.model_fields
        self._pool = WorkerPool(self.settings)

    async def start(self) -> None:
        await self._pool.start()

    async def attempt(self, document: Document) -> Attempt:
        from app.api.rendering import render_analysis
        from app.core.errors import pool_problem
        from app.core.pool import NotReady, PoolError, QueueFull, WorkerLost

        checked = validate_document(document, self.settings, self.takes_date)
        if isinstance(checked, bytes):
            return Attempt(line=checked, failed=True)
        started = time.perf_counter()
        try:
            outcome = await self._pool.analyze(checked.text, checked.options.include_sentences, checked.date)
        except PoolError as exc:
            body, _ = pool_problem(exc)
            retry = isinstance(exc, QueueFull | WorkerLost | NotReady)
            return Attempt(line=error_line(document.id, body), failed=True, retry=retry, reason=type(exc).__name__)
        return Attempt(
            line=render_analysis(checked, outcome, time.perf_counter() - started, self.settings.model) + b"\n"
        )

    async def aclose(self, now: bool = False) -> None:
        await self._pool.close(0 if now else None)


def validate_document(document: Document, settings: Any, takes_date: bool) -> Any:
    """The document as an ``AnalyzeRequest`` the service would accept, or its error line (the service's problem)."""
    from app.api.rendering import check_document
    from app.core.errors import ProblemError, problem
    from app.schemas import AnalyzeRequest

    try:
        request = AnalyzeRequest.model_validate(document.request(takes_date))
        check_document(request, settings)
    except ProblemError as exc:
        errors = [{"loc": ["body", exc.field], "msg": exc.detail, "type": exc.slug}] if exc.field else None
        body = problem(exc.status, exc.detail, slug=exc.slug, instance="/v1/analyze", errors=errors)
        return error_line(document.id, body)
    except ValueError as exc:  # pydantic's ValidationError
        return error_line(document.id, problem(422, str(exc).splitlines()[0]))
    return request
