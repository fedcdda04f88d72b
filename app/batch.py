"""``stancewire batch``: analyse a corpus through the service, in-process (``--local``) or on Ray.

Input is JSONL, Parquet or a folder of ``.txt`` files (``app.batch_input``); output is JSONL, one
line per document (``app.batch_output``). Built for millions of documents:

- before the first document it checks that the service is there, ready, and takes the key, and it
  stops with one message after a run of fatal answers (refused connections, 401, 404) instead of
  recording a failure for every document;
- resuming streams the output's ids into an on-disk ledger, so memory does not grow with it;
- Ctrl-C (or SIGTERM) lets the documents in flight finish, prints the summary, and a rerun resumes;
- connections are recycled, so that pods added behind a load balancer get their share;
- ``--shard i/N`` takes a stable 1/N of the input, for many machines (or an Indexed Job).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import signal
import sys
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Literal, Protocol

import orjson

from app.batch_input import DATE_FIELD, Document, Entry, Invalid, Shard, count_input, local_problem, read_input
from app.batch_output import Ledger, LineWriter, drop_failures, error_line, trim_incomplete_line, with_meta

RETRY_STATUSES = frozenset({429, 502, 503, 504})
MAX_BACKOFF_S = 30.0
# Documents kept in flight per worker the service (or --local) reports: measured on the 164 PLOVER dev
# sentences against two workers, 2 per worker reached 157 docs/s, 4 per worker 220, 8 per worker 222.
IN_FLIGHT_PER_WORKER = 4
# Documents in a row that could not reach the service (refused, 401, 404) before the run stops.
FATAL_RUN = 3
# Exit statuses besides 0 (all analysed), 1 (some failed: their problems are in the output), 2 (usage).
EXIT_STOPPED, EXIT_INTERRUPTED, EXIT_TERMINATED = 3, 130, 143
_FEED_CHUNK = 256
Engine = Literal["service", "local", "ray"]


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


@dataclass
class Summary:
    """What a run did."""

    total: int = 0
    skipped: int = 0
    duplicates: int = 0
    duplicate_examples: list[str] = field(default_factory=list)
    invalid: int = 0
    done: int = 0
    failed: int = 0
    failed_before: int = 0
    retries: int = 0
    left: int = 0  # not written (interrupted, or the service could not be reached): the next run does them
    elapsed_s: float = 0.0
    stopped: str | None = None  # why the run stopped early, if it did
    signal: int | None = None  # SIGINT or SIGTERM, if one stopped it
    hard_stop: bool = False  # a second signal: documents in flight were abandoned

    @property
    def rate(self) -> float:
        return self.done / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def duplicate(self, doc_id: str) -> None:
        self.duplicates += 1
        if len(self.duplicate_examples) < 5:
            self.duplicate_examples.append(doc_id)


@dataclass
class Options:
    """How to run a batch."""

    input: Path
    output: Path
    url: str | None = None
    engine: Engine = "service"
    concurrency: int | None = None  # None: IN_FLIGHT_PER_WORKER × the workers the service reports
    workers: int | None = None
    retries: int = 5
    timeout: float = 120.0
    api_key: str | None = None
    retry_failed: bool = False
    progress: bool = True
    shard: Shard = field(default_factory=Shard)
    recycle_s: float = 30.0
    wait_ready_s: float = 60.0
    address: str | None = None  # Ray cluster address

    @property
    def destination(self) -> Path:
        """Where this run writes: the output named, or its shard's own file."""
        return self.shard.output(self.output)


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


# -- analysers --------------------------------------------------------------------------------


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
            outcome = await self._pool.analyze(checked.text, checked.options.include_sentences)
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


# -- the run ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Done:
    """How a document ended: its line (None: left for the next run) and why, if the service was unreachable."""

    line: bytes | None
    failed: bool = False
    fatal: str | None = None


@dataclass
class _Run:
    """The shared state of a run's tasks."""

    options: Options
    analyser: Analyser
    summary: Summary
    concurrency: int
    work: asyncio.Queue[Entry | None]
    lines: asyncio.Queue[tuple[bytes, bool] | None] = field(default_factory=asyncio.Queue)
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    consumers: list[asyncio.Task[None]] = field(default_factory=list)
    fatal_streak: int = 0
    in_flight: int = 0

    def stop(self, reason: str | None = None) -> None:
        """Take no new documents; the ones in flight finish. Idle consumers are woken to leave."""
        if reason and self.summary.stopped is None:
            self.summary.stopped = reason
        self.stopping.set()
        for _ in self.consumers:
            try:
                self.work.put_nowait(None)
            except asyncio.QueueFull:
                break

    def note(self, done: _Done) -> None:
        """Count documents lost in a row to fatal answers; stop the run after FATAL_RUN of them."""
        if done.fatal is None:
            self.fatal_streak = 0
            return
        self.fatal_streak += 1
        if self.fatal_streak >= FATAL_RUN:
            self.stop(f"{FATAL_RUN} documents in a row could not be analysed: {done.fatal}")


async def _process(run: _Run, document: Document) -> _Done:
    """Try a document until it succeeds, fails for good, or runs out of retries."""
    options = run.options
    delay = 0.5
    attempt = Attempt()
    for number in range(options.retries + 1):
        attempt = await run.analyser.attempt(document)
        if not attempt.retry and attempt.fatal is None and attempt.line is not None:
            return _Done(attempt.line, attempt.failed)
        if not attempt.retry or number == options.retries or run.stopping.is_set():
            break
        run.summary.retries += 1
        wait = attempt.retry_after if attempt.retry_after is not None else delay * (0.5 + random.random())
        await asyncio.sleep(min(wait, MAX_BACKOFF_S))
        delay = min(delay * 2, MAX_BACKOFF_S)
    if attempt.fatal is not None:
        return _Done(None, fatal=attempt.fatal)  # not the document's fault: left for the next run
    if run.stopping.is_set() and attempt.retry:
        return _Done(None)
    if attempt.line is not None:
        return _Done(attempt.line, True)
    problem = local_problem(503, "Service unreachable", f"gave up after {options.retries + 1} tries: {attempt.reason}")
    return _Done(error_line(document.id, problem), True)


async def _consume(run: _Run) -> None:
    while not run.stopping.is_set():
        item = await run.work.get()
        if item is None:
            return
        if isinstance(item, Invalid):
            run.summary.invalid += 1
            await run.lines.put((error_line(item.id, item.problem, item.meta), True))
            continue
        run.in_flight += 1
        try:
            done = await _process(run, item)
        except Exception as exc:  # a bug must cost one document, not the run
            done = _Done(error_line(item.id, local_problem(500, "Batch error", repr(exc))), True)
        finally:
            run.in_flight -= 1
        run.note(done)
        if done.line is None:
            run.summary.left += 1
            continue
        await run.lines.put((with_meta(done.line, item.meta), done.failed))


def _offered(entries: Any, shard: Shard, ledger: Ledger, limit: int) -> list[tuple[Entry, str]]:
    """The next ``limit`` entries of this shard with what the ledger says of each (run in a thread)."""
    chunk: list[tuple[Entry, str]] = []
    ledger.begin()
    try:
        for entry in entries:
            if shard.holds(entry.id):
                chunk.append((entry, ledger.offer(entry.id)))
                if len(chunk) >= limit:
                    break
    finally:
        ledger.commit()
    return chunk


async def _feed(run: _Run, ledger: Ledger, bar: Any) -> None:
    """Read the input in chunks off the event loop; queue what is new, count what is done or repeated."""
    summary = run.summary
    entries = read_input(run.options.input)
    try:
        while not run.stopping.is_set():
            chunk = await asyncio.to_thread(_offered, entries, run.options.shard, ledger, _FEED_CHUNK)
            if not chunk:
                break
            for entry, offer in chunk:
                summary.total += 1
                if offer == "duplicate":
                    summary.duplicate(entry.id)
                elif offer == "done":
                    summary.skipped += 1
                    bar.update(1)
                else:
                    await run.work.put(entry)
                if run.stopping.is_set():
                    break
                if offer == "duplicate":
                    bar.update(1)
    finally:
        entries.close()
    if not run.stopping.is_set():
        for _ in run.consumers:  # the input is done: one end-of-work mark per consumer
            await run.work.put(None)


async def _write(run: _Run, writer: LineWriter, bar: Any) -> None:
    """The one writer: lines go to the file in the order they finish, several per write when they queue up."""
    summary = run.summary
    finished = False
    while not finished:
        batch: list[tuple[bytes, bool]] = []
        item = await run.lines.get()
        while item is not None:
            batch.append(item)
            if run.lines.empty() or len(batch) >= 512:
                break
            item = run.lines.get_nowait()
        finished = item is None
        if batch:
            await asyncio.to_thread(writer.write, [line for line, _ in batch])
            failed = sum(is_failed for _, is_failed in batch)
            summary.failed += failed
            summary.done += len(batch) - failed
            bar.update(len(batch))
            bar.set_postfix(failed=summary.failed, refresh=False)


async def _count(options: Options, bar: Any) -> None:
    cancelled = threading.Event()
    try:
        bar.total = await asyncio.to_thread(count_input, options.input, options.shard, cancelled)
        bar.refresh()
    except (OSError, ValueError):
        pass
    finally:
        cancelled.set()  # a run that ends first does not wait for the count


async def start_analyser(options: Options) -> Analyser:
    """The analyser the options name, checked and started; ``Fatal`` when the service is not usable."""
    if options.engine == "local":
        local = LocalAnalyser(options.workers)
        await local.start()
        return local
    remote = RemoteAnalyser(options.url or "http://127.0.0.1:8000", options.timeout, options.api_key, options.recycle_s)
    try:
        await remote.check(options.wait_ready_s)
    except BaseException:
        await remote.aclose(now=True)
        raise
    return remote


async def run_batch(options: Options, summary: Summary | None = None) -> Summary:
    """Process every document of the input (of this shard) not yet in the output."""
    from tqdm import tqdm  # type: ignore[import-untyped]

    summary = summary or Summary()
    analyser = await start_analyser(options)
    started = time.perf_counter()
    destination = options.destination
    ledger = Ledger()
    try:
        if options.retry_failed:
            dropped = await asyncio.to_thread(drop_failures, destination)
            if dropped:
                print(f"stancewire batch: retrying {dropped} failed documents", file=sys.stderr)
        if await asyncio.to_thread(trim_incomplete_line, destination):
            print(f"stancewire batch: dropped an incomplete last line of {destination}", file=sys.stderr)
        _, summary.failed_before = await asyncio.to_thread(ledger.load_output, destination)
        concurrency = options.concurrency or analyser.workers * IN_FLIGHT_PER_WORKER
        if options.concurrency is None:
            where = "the service reports" if isinstance(analyser, RemoteAnalyser) else "--local runs"
            print(
                f"stancewire batch: {concurrency} documents in flight ({IN_FLIGHT_PER_WORKER} for each of the"
                f" {analyser.workers} workers {where}; --concurrency sets it)",
                file=sys.stderr,
            )
        if isinstance(analyser, RemoteAnalyser):
            analyser.set_limit(concurrency)
        run = _Run(options, analyser, summary, concurrency, asyncio.Queue(maxsize=concurrency * 2))
        _SIGNALS.run = run
        writer = LineWriter(destination)
        bar = tqdm(unit="doc", desc="stancewire batch", disable=not options.progress, dynamic_ncols=True)
        counter = asyncio.create_task(_count(options, bar))
        writing = asyncio.create_task(_write(run, writer, bar))
        run.consumers = [asyncio.create_task(_consume(run)) for _ in range(concurrency)]
        feeding = asyncio.create_task(_feed(run, ledger, bar))
        try:
            await asyncio.gather(*run.consumers, return_exceptions=True)
        finally:
            feeding.cancel()
            counter.cancel()
            await asyncio.gather(feeding, counter, return_exceptions=True)
            await run.lines.put(None)
            with contextlib.suppress(Exception):
                await writing
            writer.close()
            bar.close()
            _SIGNALS.run = None
        if summary.duplicates:
            shown = ", ".join(summary.duplicate_examples) + (" …" if summary.duplicates > 5 else "")
            print(
                f"stancewire batch: {summary.duplicates} duplicate ids processed once (first occurrence): {shown}",
                file=sys.stderr,
            )
    finally:
        summary.elapsed_s = time.perf_counter() - started
        ledger.close()
        await analyser.aclose(now=summary.hard_stop)
    return summary


class _Signals:
    """Ctrl-C and SIGTERM: the first stops taking documents, the second stops at once."""

    def __init__(self) -> None:
        self.run: _Run | None = None
        self.summary: Summary | None = None
        self.main: asyncio.Task[Summary] | None = None

    def handle(self, signum: int) -> None:
        summary = self.summary
        if summary is None:
            return
        first = summary.signal is None
        summary.signal = summary.signal or signum
        if self.run is None:  # nothing is in flight yet: stop at once
            if self.main is not None:
                self.main.cancel()
            return
        if first:
            print(
                "\nstancewire batch: stopping: finishing the documents in flight (press Ctrl-C again to stop now)",
                file=sys.stderr,
            )
            self.run.stop()
            return
        summary.hard_stop = True
        summary.left += self.run.in_flight
        for task in self.run.consumers:
            task.cancel()


_SIGNALS = _Signals()


async def _run_with_signals(options: Options, summary: Summary) -> Summary:
    loop = asyncio.get_running_loop()
    main = asyncio.create_task(run_batch(options, summary))
    _SIGNALS.summary, _SIGNALS.main = summary, main
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, _SIGNALS.handle, signum)
    try:
        return await main
    except asyncio.CancelledError:
        if summary.signal is None:
            raise
        return summary
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        _SIGNALS.summary = _SIGNALS.main = None


def report(summary: Summary, options: Options) -> int:
    """Print the summary and return the exit status."""
    destination = options.destination
    shard = f" (shard {options.shard})" if options.shard.sharded else ""
    print(
        f"stancewire batch: {summary.done} analysed, {summary.failed} failed, {summary.skipped} already done"
        f" ({summary.failed_before} of them failed), {summary.duplicates} duplicates;"
        f" {summary.rate:.1f} docs/s over {summary.elapsed_s:.1f} s; {summary.retries} retries -> {destination}{shard}",
        file=sys.stderr,
    )
    if summary.signal is not None or summary.stopped or summary.left:
        why = summary.stopped or ("interrupted" if summary.signal is not None else "the service could not be reached")
        print(
            f"stancewire batch: stopped ({why}); {summary.left} documents in flight were left undone."
            " Run the same command again to resume.",
            file=sys.stderr,
        )
        if summary.signal is not None:
            return EXIT_INTERRUPTED if summary.signal == signal.SIGINT else EXIT_TERMINATED
        return EXIT_STOPPED
    failed = summary.failed + summary.failed_before
    if failed:
        print(
            f"stancewire batch: {failed} documents failed; their problems are in {destination}"
            " (run again with --retry-failed to retry them)",
            file=sys.stderr,
        )
        return 1
    return 0


def main(options: Options) -> int:
    """Run a batch and return the exit status."""
    if not options.input.exists():
        print(f"stancewire batch: {options.input} does not exist", file=sys.stderr)
        return 2
    if options.concurrency is not None and options.concurrency < 1:
        print("stancewire batch: --concurrency must be at least 1", file=sys.stderr)
        return 2
    if options.engine == "ray":
        from app.batch_ray import run_ray

        return run_ray(options)
    summary = Summary()
    try:
        asyncio.run(_run_with_signals(options, summary))
    except Fatal as exc:
        print(f"stancewire batch: {exc}; nothing was written", file=sys.stderr)
        return EXIT_STOPPED
    return report(summary, options)
