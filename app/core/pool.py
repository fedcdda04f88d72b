"""A self-healing pool of worker processes fed with micro-batches from a bounded queue.

The stdlib ``ProcessPoolExecutor`` breaks for good when one worker dies; this pool gives
each worker its own pipe, notices a death through the process sentinel, fails only the
documents that worker held, and starts a replacement.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import dataclasses
import logging
import math
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess

from app.core.config import Settings
from app.core.logging import request_id_var
from app.core.worker import (
    Batch,
    Done,
    Dropped,
    Failed,
    Outcome,
    PipelineOptions,
    Ready,
    Result,
    StartFailed,
    Stop,
    WorkerOptions,
    WorkItem,
    worker_main,
)

log = logging.getLogger("stancewire.pool")
# What a client learns of a failed analysis; the details are in the worker's log line of the request.
ANALYSIS_FAILED_DETAIL = "The analysis of this document failed; the error is logged under this request's id."


class PoolError(Exception):
    """Base of the reasons a document was not analysed."""


class QueueFull(PoolError):
    """The admission queue is at its limit."""


class NotReady(PoolError):
    """No worker can take work: starting, rebuilding or shutting down."""


class WorkerLost(PoolError):
    """The worker holding the document died or hung."""


class AnalysisTimeout(PoolError):
    """The document was not analysed within the deadline."""


class AnalysisFailed(PoolError):
    """The pipeline raised on this document (the worker logged the traceback)."""


def outcome_of(result: Result) -> Outcome | PoolError:
    """A worker's result as the pool answers it: the outcome, or why the document was not analysed."""
    if isinstance(result, Outcome):
        return result
    if isinstance(result, Failed):
        return AnalysisFailed(ANALYSIS_FAILED_DETAIL)
    return NotReady("the service is shutting down")


# Why a document was dropped: its request went away (the client disconnected, or the server gave up on
# it), its deadline passed, or the service stopped with it unfinished.
CLIENT_GONE, DEADLINE, SHUTDOWN = "client_gone", "deadline", "shutdown"


@dataclass(slots=True)
class _Job:
    item: WorkItem
    future: asyncio.Future[Outcome]
    slot: tuple[_Worker, int] | None = None  # the worker and batch position while a worker holds it
    dropped: str | None = None

    @property
    def chars(self) -> int:
        return len(self.item.text)


class _WorkerDied(Exception):
    pass


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, options: WorkerOptions, serial: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child_conn = context.Pipe()
        # One flag per batch position, shared with the worker: set, the worker drops that document at
        # its next stage boundary. Only the parent writes, and only for the batch the worker holds.
        self.cancelled = context.RawArray(ctypes.c_bool, options.max_batch)
        self.process: BaseProcess = context.Process(
            target=worker_main,
            args=(child_conn, options, self.cancelled),
            name=f"stancewire-worker-{serial}",
            daemon=True,
        )
        self.process.start()
        child_conn.close()
        self.pid = self.process.pid

    def wait_ready(self, timeout: float) -> Ready:
        """Block until the worker has loaded the model; return what it reports about itself."""
        ready = wait([self.conn, self.process.sentinel], timeout)
        if self.conn not in ready:
            raise _WorkerDied("worker did not start")
        try:
            message = self.conn.recv()
        except (EOFError, OSError) as exc:
            raise _WorkerDied("worker died while starting") from exc
        if isinstance(message, StartFailed):
            raise _WorkerDied(f"worker failed to start: {message.reason}")
        if not isinstance(message, Ready):
            raise _WorkerDied(f"worker sent {type(message).__name__} instead of Ready")
        return message

    def run(self, items: list[WorkItem], timeout: float) -> list[Result]:
        """Send one batch and block until its results come back or the worker dies."""
        try:
            self.conn.send(Batch(items))
        except (BrokenPipeError, OSError) as exc:
            raise _WorkerDied("pipe closed") from exc
        ready = wait([self.conn, self.process.sentinel], timeout)
        if self.conn not in ready:
            raise _WorkerDied("worker died" if ready else "worker hung past the hard deadline")
        try:
            message = self.conn.recv()
        except (EOFError, OSError) as exc:
            raise _WorkerDied("pipe closed mid-result") from exc
        if not isinstance(message, Done) or len(message.results) != len(items):
            raise _WorkerDied(f"worker sent {type(message).__name__} instead of a result per document")
        return message.results

    def alive(self) -> bool:
        return self.process.is_alive()

    def stop(self, grace: float) -> None:
        """Ask the worker to exit, then kill it if it does not."""
        with contextlib.suppress(OSError):
            self.conn.send(Stop())
        self.process.join(grace)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(grace)
        self.conn.close()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


@dataclass(slots=True)
class PoolHooks:
    """Callbacks the pool reports through, so it stays free of metrics code."""

    on_batch: Callable[[int], None] = lambda size: None
    on_restart: Callable[[], None] = lambda: None
    on_state: Callable[[int, int, int, int], None] = lambda ready, busy, queued, inflight: None
    on_dropped: Callable[[str], None] = lambda reason: None


class WorkerPool:
    """Admit documents, batch them, and run them on worker processes."""

    def __init__(self, settings: Settings, hooks: PoolHooks | None = None) -> None:
        self._settings = settings
        self._hooks = hooks or PoolHooks()
        self._workers: list[_Worker] = []
        # Last in, first out: the worker that just finished has the model's weights in the CPU
        # caches; handing work round-robin to a colder one cost ~5% more per seed article at low load.
        self._idle: asyncio.LifoQueue[_Worker] = asyncio.LifoQueue()
        self._queue: asyncio.Queue[_Job] = asyncio.Queue()
        self._carry: _Job | None = None
        self._busy = 0
        self._inflight = 0
        self._held: list[_Job] = []  # the batch the dispatcher is assembling, not yet sent to a worker
        self._replacing = 0
        self._serial = 0
        self._closing = False
        self._quiet = asyncio.Event()  # set while nothing is queued or in flight
        self._tasks: set[asyncio.Task[None]] = set()
        self._threads = ThreadPoolExecutor(max_workers=settings.workers * 2 + 2, thread_name_prefix="stancewire-pool")
        # Workers are started from this one thread, which lives as long as the pool: a worker's
        # parent-death signal fires when the thread that started it ends, not only the process.
        self._spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stancewire-spawn")
        self._waiting_batch: tuple[int, asyncio.Future[None]] | None = None
        self._dispatcher: asyncio.Task[None] | None = None
        self._monitor: asyncio.Task[None] | None = None
        self.restarts = 0

    # -- lifecycle -----------------------------------------------------------------------

    async def start(self) -> None:
        """Start every worker, wait for each to load the model, then start dispatching."""
        started = await asyncio.gather(*(self._spawn() for _ in range(self._settings.workers)))
        for worker in started:
            self._idle.put_nowait(worker)
        self._dispatcher = asyncio.create_task(self._dispatch(), name="stancewire-dispatcher")
        self._monitor = asyncio.create_task(self._watch_idle(), name="stancewire-monitor")
        self._report()

    async def close(self, grace: float | None = None) -> None:
        """Stop admitting, let admitted documents finish within ``grace``, then stop the workers."""
        self._closing = True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._quiet.wait(), grace if grace is not None else self._settings.timeout_s)
        for task in (self._dispatcher, self._monitor, *self._tasks):
            if task is not None:
                task.cancel()
        await asyncio.gather(*(t for t in (self._dispatcher, self._monitor, *self._tasks) if t), return_exceptions=True)
        # Whatever a worker still holds is past the grace period: it stops at its next stage boundary,
        # or is killed after a short wait, so shutdown never waits on one long document.
        for worker in self._workers:
            ctypes.memset(worker.cancelled, 1, ctypes.sizeof(worker.cancelled))
        await asyncio.gather(*(asyncio.to_thread(w.stop, 5.0) for w in self._workers))
        self._workers.clear()
        self._fail_waiting(NotReady("the service is shutting down"))
        self._threads.shutdown(wait=False, cancel_futures=True)
        self._spawner.shutdown(wait=True)

    # -- state ---------------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """True when every worker has its model loaded and none is being replaced."""
        return (
            not self._closing
            and self._replacing == 0
            and len(self._workers) == self._settings.workers
            and all(w.alive() for w in self._workers)
        )

    @property
    def accepting(self) -> bool:
        """True when at least one worker is up and the pool is not shutting down."""
        return not self._closing and any(w.alive() for w in self._workers)

    @property
    def queue_depth(self) -> int:
        return self._queue.qsize() + (1 if self._carry else 0) + len(self._held)

    @property
    def free_slots(self) -> int:
        return max(self._settings.queue_limit - self.queue_depth, 0)

    def worker_pids(self) -> list[int]:
        """Return the process ids of the current workers."""
        return [w.pid for w in self._workers if w.pid is not None]

    # -- admission -----------------------------------------------------------------------

    async def prepare(self) -> None:
        """Nothing to do: ``start()`` readied the workers."""

    async def analyze(self, text: str) -> Outcome:
        """Analyse one text; raise a ``PoolError`` subclass when it cannot be done."""
        (outcome,) = await self.analyze_many([WorkItem(text)])
        if isinstance(outcome, PoolError):
            raise outcome
        return outcome

    async def analyze_many(self, items: Sequence[WorkItem]) -> list[Outcome | PoolError]:
        """Admit all of ``items`` at once (or none), and return each one's outcome in order.

        A single document is admitted or refused (429) at once. A batch that does not fit waits for
        room, one batch at a time and for at most the analysis deadline, while single documents are
        admitted only into the room it does not need: under load a batch gets its turn instead of
        being refused for ever by the singles that keep the queue full.
        """
        if not self.accepting:
            raise NotReady("the service is starting, rebuilding or shutting down")
        if len(items) > self._room_for(len(items)):
            await self._wait_for_room(len(items))
        loop = asyncio.get_running_loop()
        # The worker logs a failure with the id of the request it came with.
        request_id = request_id_var.get()
        jobs = [_Job(dataclasses.replace(item, request_id=request_id), loop.create_future()) for item in items]
        for job in jobs:
            self._queue.put_nowait(job)
        self._quiet.clear()
        self._report()
        return await asyncio.gather(*(self._await(job) for job in jobs))

    def _room_for(self, size: int) -> int:
        """Free queue slots a request of ``size`` documents may take now."""
        if self._waiting_batch is None:
            return self.free_slots
        return self.free_slots - self._waiting_batch[0] if size == 1 else 0

    async def _wait_for_room(self, size: int) -> None:
        full = QueueFull(f"the admission queue is full ({self._settings.queue_limit} documents)")
        if size == 1 or self._waiting_batch is not None:
            raise full
        room = asyncio.get_running_loop().create_future()
        self._waiting_batch = (size, room)
        try:
            await asyncio.wait_for(room, self._settings.timeout_s)
        except TimeoutError:
            raise full from None
        finally:
            self._waiting_batch = None
        if not self.accepting:
            raise NotReady("the service is shutting down")

    async def _await(self, job: _Job) -> Outcome | PoolError:
        try:
            return await asyncio.wait_for(asyncio.shield(job.future), self._settings.timeout_s)
        except TimeoutError:
            self._drop(job, DEADLINE)
            return AnalysisTimeout(f"analysis took longer than {self._settings.timeout_s:g} s")
        except asyncio.CancelledError as exc:
            self._drop(job, CLIENT_GONE if exc.args == (CLIENT_GONE,) else SHUTDOWN)
            raise
        except PoolError as exc:
            return exc

    def _drop(self, job: _Job, reason: str) -> None:
        """Give up on a document: a queued one is never sent, a held one stops at its worker's next stage."""
        if job.future.done():
            return
        job.dropped = reason
        job.future.cancel()
        if job.slot is None:
            self._hooks.on_dropped(reason)
        else:
            worker, position = job.slot
            worker.cancelled[position] = True

    # -- dispatch ------------------------------------------------------------------------

    async def _next_job(self, timeout: float | None) -> _Job | None:
        if self._carry is not None:
            job, self._carry = self._carry, None
            return job
        if timeout is None:
            return await self._queue.get()
        try:
            return self._queue.get_nowait()
        except asyncio.QueueEmpty:
            if timeout <= 0:
                return None
        try:
            return await asyncio.wait_for(self._queue.get(), timeout)
        except TimeoutError:
            return None

    async def _dispatch(self) -> None:
        loop = asyncio.get_running_loop()
        window = self._settings.batch_window_ms / 1000
        while True:
            first = await self._next_job(None)
            if first is None or first.future.done():
                continue
            # Jobs the dispatcher holds are neither queued nor in flight: keep them visible, so
            # that close() never mistakes them for a drained pool and can fail them at the end.
            batch, chars = [first], first.chars
            self._held = batch
            worker = await self._live_worker()
            # Take a fair share of what is waiting, not all of it: one worker running a batch that
            # other workers could have run in parallel only adds latency. Idle workers get their
            # share at once; busy ones will free up soon. Under heavy load shares still grow large.
            waiting = self.queue_depth  # the held first job included
            spare = self._idle.qsize()
            if spare:
                limit, closes_at = math.ceil(waiting / (1 + spare)), loop.time()
            elif len(self._workers) > 1:
                limit, closes_at = math.ceil(waiting / len(self._workers)), loop.time() + window
            else:
                limit, closes_at = self._settings.batch_max_docs, loop.time() + window
            limit = min(limit, self._settings.batch_max_docs)
            while len(batch) < limit:
                job = await self._next_job(closes_at - loop.time())
                if job is None:
                    break
                if job.future.done():
                    continue
                if chars + job.chars > self._settings.batch_max_chars:
                    self._carry = job
                    break
                batch.append(job)
                chars += job.chars
            self._held = []
            batch = [job for job in batch if not job.future.done()]  # dropped while the batch was assembled
            if not batch:
                self._idle.put_nowait(worker)
                self._report()
                continue
            ctypes.memset(worker.cancelled, 0, ctypes.sizeof(worker.cancelled))  # it is idle: nothing reads them
            for position, job in enumerate(batch):
                job.slot = (worker, position)
            self._busy += 1
            self._inflight += len(batch)
            self._track(asyncio.create_task(self._run(worker, batch)))

    async def _live_worker(self) -> _Worker:
        # A worker can die while it waits in the idle queue; never hand it a batch.
        while True:
            worker = await self._idle.get()
            if worker.alive():
                return worker
            self._schedule_replacement(worker)

    async def _run(self, worker: _Worker, batch: list[_Job]) -> None:
        self._hooks.on_batch(len(batch))
        self._report()
        hard_deadline = self._settings.timeout_s * 3
        try:
            items = [job.item for job in batch]
            loop = asyncio.get_running_loop()
            results = await loop.run_in_executor(self._threads, worker.run, items, hard_deadline)
        except _WorkerDied as exc:
            log.warning("worker %s lost with %d documents: %s", worker.pid, len(batch), exc)
            for job in batch:
                if job.dropped:  # given up on already; the worker was killed before it let go
                    self._hooks.on_dropped(job.dropped)
                if not job.future.done():
                    job.future.set_exception(WorkerLost("the worker analysing this document was lost; retry"))
            self._schedule_replacement(worker)
        else:
            for job, result in zip(batch, results, strict=True):
                if isinstance(result, Dropped):
                    self._hooks.on_dropped(job.dropped or SHUTDOWN)
                if job.future.done():
                    continue
                outcome = outcome_of(result)
                if isinstance(outcome, PoolError):
                    job.future.set_exception(outcome)
                else:
                    job.future.set_result(outcome)
            self._idle.put_nowait(worker)
        finally:
            for job in batch:
                job.slot = None
            self._busy -= 1
            self._inflight -= len(batch)
            self._report()

    # -- healing -------------------------------------------------------------------------

    async def _spawn(self) -> _Worker:
        self._serial += 1
        options = WorkerOptions(
            pipeline=PipelineOptions.from_settings(self._settings),
            niceness=self._settings.worker_niceness,
            log_level=self._settings.log_level,
            max_batch=self._settings.batch_max_docs,
            parent_pid=os.getpid(),
        )
        loop = asyncio.get_running_loop()
        worker = await loop.run_in_executor(self._spawner, _Worker, options, self._serial)
        self._workers.append(worker)
        try:
            info = await asyncio.to_thread(worker.wait_ready, self._settings.worker_start_timeout_s)
        except _WorkerDied:
            self._workers.remove(worker)
            await asyncio.to_thread(worker.kill)
            raise
        log.info("worker %s ready: model %s, gemm %s", worker.pid, info.model, self._settings.gemm)
        return worker

    def _schedule_replacement(self, dead: _Worker) -> None:
        if dead not in self._workers:
            return
        self._workers.remove(dead)
        self.restarts += 1
        self._hooks.on_restart()
        self._replacing += 1
        self._report()
        self._track(asyncio.create_task(self._replace(dead)))

    async def _replace(self, dead: _Worker) -> None:
        try:
            await asyncio.to_thread(dead.kill)
            delay = 0.5
            while not self._closing:
                try:
                    worker = await self._spawn()
                except _WorkerDied as exc:
                    log.error("replacement worker failed to start: %s; retrying in %.1f s", exc, delay)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 30.0)
                    continue
                self._idle.put_nowait(worker)
                log.info("worker %s replaced by %s", dead.pid, worker.pid)
                return
        finally:
            self._replacing -= 1
            self._report()

    async def _watch_idle(self) -> None:
        """Notice workers that die while idle, so /readyz tells the truth between requests."""
        while True:
            await asyncio.sleep(0.25)
            for worker in list(self._workers):
                if not worker.alive():
                    self._schedule_replacement(worker)

    # -- helpers -------------------------------------------------------------------------

    def _track(self, task: asyncio.Task[None]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _fail_waiting(self, error: PoolError) -> None:
        pending = [*self._held, *([self._carry] if self._carry else [])]
        self._held, self._carry = [], None
        while not self._queue.empty():
            pending.append(self._queue.get_nowait())
        for job in pending:
            if not job.future.done():
                job.future.set_exception(error)

    def _report(self) -> None:
        if self.queue_depth or self._inflight:
            self._quiet.clear()
        else:
            self._quiet.set()
        if self._waiting_batch is not None:
            size, room = self._waiting_batch
            if (size <= self.free_slots or not self.accepting) and not room.done():
                room.set_result(None)
        ready = sum(1 for w in self._workers if w.alive())
        self._hooks.on_state(ready, self._busy, self.queue_depth, self._inflight)
