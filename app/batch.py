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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from app.batch_analysers import Analyser, Attempt, Fatal, LocalAnalyser, RemoteAnalyser
from app.batch_input import Document, Entry, Invalid, Shard, count_input, local_problem, read_input
from app.batch_output import Ledger, LineWriter, drop_failures, error_line, trim_incomplete_line, with_meta

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
