"""``stancewire batch``: analyse a collection of articles through the service, or in-process.

Input is a JSONL file of ``{"id", "text", …}`` objects or a folder of ``.txt`` files (the id
is the file's path below the folder, without ``.txt``). Output is JSONL: one line per
document, either the service's v1 analysis or ``{"id", "error": <problem>}``.

Nothing is lost and nothing duplicated: documents whose id is already in the output are
skipped (resume), each line is written by one writer with a single ``write`` followed by
``fsync``, and a line cut short by a crash is dropped on the next run. Requests run with
bounded concurrency and are retried with backoff on 429/503 (honouring ``Retry-After``),
on 502/504 and on connection errors.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Protocol

import orjson

RETRY_STATUSES = frozenset({429, 502, 503, 504})
MAX_BACKOFF_S = 30.0


@dataclass(frozen=True, slots=True)
class Document:
    """One input document: its id and the analyze body to send."""

    id: str
    body: dict[str, Any]


@dataclass(slots=True)
class Attempt:
    """The result of one try at a document: a line to write, or a reason to retry."""

    line: bytes | None = None
    failed: bool = False
    retry: bool = False
    retry_after: float | None = None
    reason: str = ""


@dataclass
class Summary:
    """What a run did."""

    total: int = 0
    skipped: int = 0
    duplicates: list[str] = field(default_factory=list)
    invalid: int = 0
    done: int = 0
    failed: int = 0
    failed_before: int = 0
    retries: int = 0
    elapsed_s: float = 0.0

    @property
    def rate(self) -> float:
        return self.done / self.elapsed_s if self.elapsed_s > 0 else 0.0


def local_problem(status: int, title: str, detail: str) -> dict[str, Any]:
    """A problem document for a failure found before or without the service."""
    return {"type": f"/problems/{title.lower().replace(' ', '-')}", "title": title, "status": status, "detail": detail}


def error_line(doc_id: str | None, problem: dict[str, Any]) -> bytes:
    return orjson.dumps({"id": doc_id, "error": problem}) + b"\n"


# -- input ------------------------------------------------------------------------------------

_REQUEST_FIELDS = ("text", "language", "options")


def read_input(path: Path) -> Iterator[Document | tuple[str, dict[str, Any]]]:
    """Yield documents in input order; an unusable line yields ``(id, problem)`` instead."""
    if path.is_dir():
        for file in sorted(p for p in path.rglob("*.txt") if p.is_file()):
            doc_id = file.relative_to(path).with_suffix("").as_posix()
            try:
                text = file.read_text("utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                yield doc_id, local_problem(400, "Unreadable file", f"{file.name}: {exc}")
                continue
            yield Document(doc_id, {"id": doc_id, "text": text})
        return
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            fallback = f"line-{number}"
            try:
                entry = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                yield fallback, local_problem(400, "Invalid input line", f"line {number} is not JSON: {exc}")
                continue
            if not isinstance(entry, dict):
                yield fallback, local_problem(400, "Invalid input line", f"line {number} is not a JSON object")
                continue
            raw_id = entry.get("id")
            doc_id = fallback if raw_id is None else str(raw_id)
            if not isinstance(entry.get("text"), str):
                yield doc_id, local_problem(400, "Invalid input line", f"line {number} has no string `text`")
                continue
            body = {key: entry[key] for key in _REQUEST_FIELDS if key in entry}
            body["id"] = doc_id
            yield Document(doc_id, body)


def read_done(out: Path) -> tuple[set[str], int]:
    """Return the ids already in ``out`` and how many of them are failures.

    A last line without its newline (a write cut short) is truncated away first.
    """
    done: set[str] = set()
    failed = 0
    if not out.exists():
        return done, failed
    with out.open("r+b") as handle:
        data = handle.read()
        complete = data.rfind(b"\n") + 1
        if complete < len(data):
            print(f"stancewire batch: dropping an incomplete last line of {out}", file=sys.stderr)
            handle.truncate(complete)
    for line in data[:complete].splitlines():
        if not line.strip():
            continue
        try:
            entry = orjson.loads(line)
        except orjson.JSONDecodeError:
            print(f"stancewire batch: ignoring a line of {out} that is not JSON", file=sys.stderr)
            continue
        if isinstance(entry, dict) and entry.get("id") is not None:
            done.add(str(entry["id"]))
            failed += "error" in entry
    return done, failed


def drop_failures(out: Path) -> int:
    """Rewrite ``out`` without its error lines (atomically); return how many were dropped."""
    if not out.exists():
        return 0
    kept: list[bytes] = []
    dropped = 0
    for line in out.read_bytes().splitlines(keepends=True):
        try:
            entry = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if isinstance(entry, dict) and "error" in entry and "actors" not in entry:
            dropped += 1
        else:
            kept.append(line if line.endswith(b"\n") else line + b"\n")
    if dropped:
        temporary = out.with_name(out.name + ".tmp")
        with temporary.open("wb") as handle:
            handle.write(b"".join(kept))
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(out)
    return dropped


# -- output -----------------------------------------------------------------------------------


class LineWriter:
    """The single writer: one ``write`` per line, then ``fsync``, so each line lands whole."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def write(self, line: bytes) -> None:
        view = memoryview(line)
        while view:  # a regular file takes the whole line in one call; loop only for safety
            written = os.write(self._fd, view)
            view = view[written:]
        os.fsync(self._fd)

    def close(self) -> None:
        os.close(self._fd)


# -- analysers --------------------------------------------------------------------------------


class Analyser(Protocol):
    async def attempt(self, document: Document) -> Attempt: ...

    async def aclose(self) -> None: ...


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


class RemoteAnalyser:
    """Post each document to ``/v1/analyze`` of a running service."""

    def __init__(self, url: str, concurrency: int, timeout: float, api_key: str | None) -> None:
        import httpx

        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        self._httpx = httpx
        self._client = httpx.AsyncClient(base_url=url.rstrip("/"), headers=headers, timeout=timeout, limits=limits)

    async def attempt(self, document: Document) -> Attempt:
        try:
            response = await self._client.post("/v1/analyze", json=document.body)
        except self._httpx.TransportError as exc:
            return Attempt(retry=True, reason=f"{type(exc).__name__}: {exc}")
        if response.status_code == 200:
            content = response.content.strip()
            try:
                analysis = orjson.loads(content)
            except orjson.JSONDecodeError:
                return Attempt(retry=True, reason="the response was not JSON")
            if b"\n" in content:  # keep one document to one line, whatever the server's formatting
                content = orjson.dumps(analysis)
            return Attempt(line=content + b"\n")
        try:
            problem = orjson.loads(response.content)
            if not isinstance(problem, dict):
                raise ValueError
        except ValueError:
            problem = local_problem(response.status_code, "HTTP error", response.text[:500])
        if response.status_code in RETRY_STATUSES:
            return Attempt(
                line=error_line(document.id, problem),
                failed=True,
                retry=True,
                retry_after=retry_after_seconds(response.headers.get("retry-after")),
                reason=f"HTTP {response.status_code}",
            )
        return Attempt(line=error_line(document.id, problem), failed=True)

    async def aclose(self) -> None:
        await self._client.aclose()


class LocalAnalyser:
    """Run the service's pipeline in this process's own worker pool, without a server."""

    def __init__(self, workers: int | None) -> None:
        from app.core.config import Settings
        from app.core.pool import WorkerPool

        overrides: dict[str, Any] = {"log_level": "warning"}
        if workers:
            overrides["workers"] = workers
        self.settings = Settings(**overrides)
        self._pool = WorkerPool(self.settings)

    async def start(self) -> None:
        await self._pool.start()

    async def attempt(self, document: Document) -> Attempt:
        from app.api.rendering import check_document, render_analysis
        from app.core.errors import ProblemError, pool_problem, problem
        from app.core.pool import NotReady, PoolError, QueueFull, WorkerLost
        from app.schemas import AnalyzeRequest

        try:
            request = AnalyzeRequest.model_validate(document.body)
            check_document(request, self.settings)
        except ProblemError as exc:
            # The same problem document the service answers with.
            errors = [{"loc": ["body", exc.field], "msg": exc.detail, "type": exc.slug}] if exc.field else None
            body = problem(exc.status, exc.detail, slug=exc.slug, instance="/v1/analyze", errors=errors)
            return Attempt(line=error_line(document.id, body), failed=True)
        except ValueError as exc:  # pydantic's ValidationError
            return Attempt(line=error_line(document.id, problem(422, str(exc).splitlines()[0])), failed=True)
        started = time.perf_counter()
        try:
            outcome = await self._pool.analyze(request.text, request.options.include_sentences, request.date)
        except PoolError as exc:
            body, _ = pool_problem(exc)
            retry = isinstance(exc, QueueFull | WorkerLost | NotReady)
            return Attempt(line=error_line(document.id, body), failed=True, retry=retry, reason=type(exc).__name__)
        body_bytes = render_analysis(request, outcome, time.perf_counter() - started, self.settings.model)
        return Attempt(line=body_bytes + b"\n")

    async def aclose(self) -> None:
        await self._pool.close()


# -- the run ----------------------------------------------------------------------------------


@dataclass
class Options:
    """How to run a batch."""

    input: Path
    output: Path
    url: str | None = None
    local: bool = False
    concurrency: int = 8
    workers: int | None = None
    retries: int = 5
    timeout: float = 120.0
    api_key: str | None = None
    retry_failed: bool = False
    progress: bool = True


def plan(options: Options, done: set[str], summary: Summary) -> list[str]:
    """Count the work to do, and find duplicate ids (processed once, reported)."""
    seen: set[str] = set()
    todo: list[str] = []
    for item in read_input(options.input):
        doc_id = item.id if isinstance(item, Document) else item[0]
        summary.total += 1
        if doc_id in seen:
            summary.duplicates.append(doc_id)
            continue
        seen.add(doc_id)
        if doc_id in done:
            summary.skipped += 1
            continue
        todo.append(doc_id)
    return todo


async def _process(analyser: Analyser, document: Document, options: Options, summary: Summary) -> tuple[bytes, bool]:
    """Try a document until it succeeds, fails for good, or runs out of retries."""
    delay = 0.5
    attempt = Attempt()
    for number in range(options.retries + 1):
        attempt = await analyser.attempt(document)
        if not attempt.retry and attempt.line is not None:
            return attempt.line, attempt.failed
        if number == options.retries:
            break
        summary.retries += 1
        wait = attempt.retry_after if attempt.retry_after is not None else delay * (0.5 + random.random())
        await asyncio.sleep(min(wait, MAX_BACKOFF_S))
        delay = min(delay * 2, MAX_BACKOFF_S)
    if attempt.line is not None:
        return attempt.line, True
    problem = local_problem(503, "Service unreachable", f"gave up after {options.retries + 1} tries: {attempt.reason}")
    return error_line(document.id, problem), True


async def _prepare(options: Options, summary: Summary) -> tuple[set[str], Analyser]:
    """Read what is done, plan what to do, and start the analyser."""
    if options.retry_failed:
        dropped = drop_failures(options.output)
        if dropped:
            print(f"stancewire batch: retrying {dropped} failed documents", file=sys.stderr)
    done, summary.failed_before = read_done(options.output)
    todo = set(plan(options, done, summary))
    if summary.duplicates:
        shown = ", ".join(summary.duplicates[:5]) + (" …" if len(summary.duplicates) > 5 else "")
        print(
            f"stancewire batch: {len(summary.duplicates)} duplicate ids processed once (first occurrence): {shown}",
            file=sys.stderr,
        )
    if options.local:
        local = LocalAnalyser(options.workers)
        await local.start()
        return todo, local
    url = options.url or "http://127.0.0.1:8000"
    return todo, RemoteAnalyser(url, options.concurrency, options.timeout, options.api_key)


async def run_batch(options: Options) -> Summary:
    """Process every document of ``options.input`` not yet in ``options.output``."""
    from tqdm import tqdm  # type: ignore[import-untyped]

    summary = Summary()
    todo, analyser = await _prepare(options, summary)
    writer = LineWriter(options.output)
    lines: asyncio.Queue[tuple[bytes, bool] | None] = asyncio.Queue()
    work: asyncio.Queue[Document | tuple[str, dict[str, Any]] | None] = asyncio.Queue(maxsize=options.concurrency * 2)
    bar = tqdm(total=len(todo), unit="doc", desc="stancewire batch", disable=not options.progress, dynamic_ncols=True)
    started = time.perf_counter()

    async def write_lines() -> None:
        # The one writer: lines go to the file in the order they finish.
        while (item := await lines.get()) is not None:
            line, failed = item
            await asyncio.to_thread(writer.write, line)
            summary.done += not failed
            summary.failed += failed
            bar.update(1)
            bar.set_postfix(failed=summary.failed, refresh=False)

    async def feed() -> None:
        try:
            for item in read_input(options.input):
                doc_id = item.id if isinstance(item, Document) else item[0]
                if doc_id in todo:
                    todo.discard(doc_id)  # a later duplicate is not sent again
                    await work.put(item)
        finally:
            for _ in range(options.concurrency):
                await work.put(None)

    async def consume() -> None:
        while (item := await work.get()) is not None:
            if isinstance(item, Document):
                try:
                    result = await _process(analyser, item, options, summary)
                except Exception as exc:  # a bug must cost one document, not the run
                    result = (error_line(item.id, local_problem(500, "Batch error", repr(exc))), True)
                await lines.put(result)
            else:
                summary.invalid += 1
                await lines.put((error_line(item[0], item[1]), True))

    writer_task = asyncio.create_task(write_lines())
    try:
        await asyncio.gather(feed(), *(consume() for _ in range(options.concurrency)))
    finally:
        await lines.put(None)
        with contextlib.suppress(Exception):
            await writer_task
        summary.elapsed_s = time.perf_counter() - started
        bar.close()
        writer.close()
        await analyser.aclose()
    return summary


def report(summary: Summary, options: Options) -> int:
    """Print the summary and return the exit status: 1 when any document in the output failed."""
    failed = summary.failed + summary.failed_before
    print(
        f"stancewire batch: {summary.done} analysed, {summary.failed} failed, {summary.skipped} already done"
        f" ({summary.failed_before} of them failed), {len(summary.duplicates)} duplicates;"
        f" {summary.rate:.1f} docs/s over {summary.elapsed_s:.1f} s; {summary.retries} retries -> {options.output}",
        file=sys.stderr,
    )
    if failed:
        print(
            f"stancewire batch: {failed} documents failed; their problems are in {options.output}"
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
    if options.concurrency < 1:
        print("stancewire batch: --concurrency must be at least 1", file=sys.stderr)
        return 2
    summary = asyncio.run(run_batch(options))
    return report(summary, options)
